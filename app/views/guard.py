"""Numbers in a URL are checked before they reach the database, and every error answers with a Chinese page."""
from flask import abort, current_app, render_template, request

from ..extensions import db
from ..i18n import text
from ..validators import INT64_MAX, as_id

# query parameters that are numbers, with the largest value that makes sense (a page past a million is a typo)
NUMBER_ARGS = {"id": INT64_MAX, "page": 10**6, "page_size": 1000, "sort": 1000, "desc": 1, "offset": 10**9,
               "limit": 1000, "project": INT64_MAX, "building": INT64_MAX}
ID_FIELDS = ("rowid", "pk")  # the ids a list's mass action or inline edit posts

MESSAGES = {
    403: (("没有权限", "Not allowed"), ("您的角色无权进行此操作。如需权限,请联系系统管理员。",
                                   "Your role does not allow this. Ask an administrator if you need it.")),
    400: (("请求无效", "Bad request"), ("请求中的参数或数据格式不正确。请返回上一页重试。",
                                   "The request's parameters or data are not valid. Go back and try again.")),
    404: (("页面或记录不存在", "Not found"), ("您要找的页面或记录不存在,可能已被删除,或链接有误。",
                                       "The page or record does not exist; it may have been deleted or the link is wrong.")),
    405: (("不支持此操作", "Method not allowed"), ("此页面不接受这种请求方式。", "This page does not accept that kind of request.")),
    413: (("内容过大", "Too large"), ("上传的文件或提交的内容超过了允许的大小。", "The upload or form is larger than allowed.")),
    500: (("系统出错", "Server error"), ("处理请求时出错,数据未保存。请稍后重试;如果问题持续,请联系系统管理员。",
                                     "Something went wrong and nothing was saved. Try again later or ask an administrator.")),
}


def check_numbers():
    """Refuse a repeated or malformed number ('١٢', '1e3', past 64 bits) with 404 for an id, 400 for the rest."""
    for name, high in NUMBER_ARGS.items():
        values = request.args.getlist(name)
        if not values or values == [""] and name != "id":
            continue
        number = as_id(values[0]) if values[0] != "0" else 0
        if len(values) > 1 or number is None or number > high:
            abort(404 if name == "id" else 400)
    if any("\x00" in value for _, value in request.args.items(multi=True)):
        abort(400)  # PostgreSQL cannot even compare a text with a NUL in it
    too_large = (request.content_length or 0) > (current_app.config.get("MAX_CONTENT_LENGTH") or float("inf"))
    if request.method == "POST" and not too_large and any(as_id(value) is None for name in ID_FIELDS
                                        for value in request.form.getlist(name)):
        abort(400)


def error_page(error):
    """A Chinese (or English) page for an HTTP error, with a way back; a crash rolls back what it half did."""
    if error.code >= 500:
        db.session.rollback()
    title, message = MESSAGES.get(error.code, ((error.name, error.name), (error.description, error.description)))
    back = request.referrer if (request.referrer or "").startswith(request.host_url) else None
    page = render_template([f"errors/{error.code}.html", "errors/error.html"], code=error.code,
                           title=text(*title), message=text(*message), back=back)
    return page, error.code


def init_guard(app):
    app.before_request(check_numbers)
    for code in MESSAGES:  # 500 also catches any unhandled exception outside testing
        app.register_error_handler(code, error_page)
