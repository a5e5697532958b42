"""What a new password must be: long enough, not common, not the username, not guessable (zxcvbn)."""
from flask import current_app, has_app_context

from ..i18n import text

MIN_LENGTH = 8
MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable", more than 10^8 guesses


def password_problem(password: str, username: str = "") -> str | None:
    """Why this password may not be set (a Chinese-first message), or None when it is good enough."""
    settings = current_app.config if has_app_context() else {}
    min_length = settings.get("PASSWORD_MIN_LENGTH", MIN_LENGTH)
    if len(password) < min_length:
        return text(f"密码至少{min_length}位", f"At least {min_length} characters")
    if password.isdigit():
        return text("密码不能全是数字", "A password cannot be digits only")
    if username and username.strip().lower() in password.lower():
        return text("密码不能包含用户名", "A password cannot contain the username")
    if len(set(password)) < 4:
        return text("密码不能由少数几个字符重复组成", "A password needs more than a few repeated characters")
    from zxcvbn import zxcvbn  # its dictionaries load on the first password set, not in every worker's start-up

    verdict = zxcvbn(password[:100], user_inputs=[username] if username else [])  # long inputs are slow to score
    if any(match.get("dictionary_name") == "passwords" and len(match["token"]) >= len(password) - 2
           for match in verdict["sequence"]):
        return text("这是常见密码,请换一个", "This is a common password; choose another")
    if verdict["score"] < settings.get("PASSWORD_MIN_SCORE", MIN_SCORE):
        return text("密码太容易被猜到:请加长,或混用字母、数字和符号",
                    "Too easy to guess: make it longer or mix letters, digits and symbols")
    return None
