"""Default configuration; instance/config.py and environment variables override it."""
import os
import secrets
from datetime import timedelta
from pathlib import Path


class Defaults:
    """Settings every deployment starts from."""

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = {"zh_Hans_CN": "中文", "en": "English"}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=7)  # "keep me signed in" lasts a working week, not a year
    # behind an HTTPS proxy: FLASK_SESSION_COOKIE_SECURE=true FLASK_REMEMBER_COOKIE_SECURE=true FLASK_PROXY_FIX_HOPS=1
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    PROXY_FIX_HOPS = 0  # how many reverse proxies in front set X-Forwarded-For/-Proto/-Host
    HSTS_SECONDS = 365 * 24 * 3600  # sent only on requests that came over HTTPS
    LOGIN_THROTTLE_MINUTES = 15
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5  # counted since the account's last sign-in
    LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    PASSWORD_MIN_LENGTH = 8
    PASSWORD_MIN_SCORE = 3  # zxcvbn's 0-4 scale
    WTF_CSRF_TIME_LIMIT = None  # a clerk's form may stay open all shift
    FLASK_ADMIN_SWATCH = "default"
    COMPANY_NAME = "物业服务有限公司"  # printed at the head of every sheet; set the real name in instance/config.py
    PAGE_SIZE = 20
    MAX_UPLOAD_BYTES = 10 * 2**20  # one document
    MAX_CONTENT_LENGTH = 12 * 2**20  # a whole request, refused before it is read
    PII_ROLES = ("manager", "admin")  # who may reveal full ID numbers and phones, and export them unmasked
    EXPORT_MAX_ROWS = 1000  # rows of personal data one export may carry
    DATE_YEARS = (1900, 2100)  # the years a date or time may lie in
    LONG_TEXT_MAX = 5000  # characters of a long text (remarks, descriptions)
    IMPORT_MAX_ROWS = 50_000  # data rows of one spreadsheet import; longer files are refused, to be split
    PASSWORD_HASH_METHOD = "scrypt"  # tests set a cheap one: hashing is a third of a suite that logs in often
    ALLOW_SELF_APPROVAL = False  # a manager may not decide on a request they registered
    # §4.3 / §5.4 time limits of a complaint; the seed's wording is beside each
    COMPLAINT_LIMITS = dict(
        contact_hours=2,  # valid: contact the owner and agree a reply time within 2 h (R-C4)
        invalid_reply_hours=2,  # invalid: a reasoned explanation within 2 h (R-C8)
        on_spot_reply_hours=2,  # handled on the spot: reply within 2 h (R-C6)
        collective_report_minutes=30,  # collective: report "at once" to the 管理处主任 (R-C13); 30 min assumed
        assisted_report_hours=24,  # assisted: written report to the resolving party (cfg, not in the seeds)
        reply_default_days=3,  # no agreed time: "三天内给您一个满意的答复" (R-F11)
        company_report_hours=12,  # passed down by the company centre: result back within 12 h (R-C9)
    )
    # hours a work order is given by task type when nobody sets its due time (cfg, §4.4 W1)
    WORK_ORDER_DUE_HOURS = dict(in_home_repair=24, public_repair=48, cleaning=4, greening=72, security=2,
                                paid_service=48, other=24)
    # §5.12 R-CAL: the day of the month each monthly report is due; the seeds disagree, so each is a setting
    REPORT_DUE_DAYS = dict(service_team_statistic=25, complaint_summary=28, renovation_statistic=25,
                           arrears_record=28, owner_info_summary=25)
    COMPANY_COMPLAINT_REPORT_DAY = 5  # the company complaint centre's monthly report, day of the next month


def instance_secret_key(instance_path: str) -> str:
    """Return the key kept in instance/secret_key, generating it once."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # written aside, then linked into place: of several server workers starting at once one key wins, whole,
        # and every worker reads that one (a session signed by one worker is good on all)
        draft = path.with_name(f".secret_key.{os.getpid()}")
        draft.write_text(secrets.token_hex(32))
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def load(app, overrides=None):
    """Apply defaults, instance/config.py, the environment and test overrides, in that order."""
    app.config.from_object(Defaults)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'servicedesk.sqlite'}"
    app.config.from_pyfile("config.py", silent=True)
    for name in ("SECRET_KEY", "DATABASE_URL"):
        if os.environ.get(name):
            key = "SQLALCHEMY_DATABASE_URI" if name == "DATABASE_URL" else name
            app.config[key] = os.environ[name]
    app.config.from_prefixed_env()  # FLASK_<SETTING>=<json value>, e.g. FLASK_PROXY_FIX_HOPS=1
    app.config.update(overrides or {})
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql://"):  # psycopg 3 is the driver we ship
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri[len("postgresql://"):]
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
