"""The pages work under the Content-Security-Policy in a real Chromium: no violation on the home page, a list, a
create form with inline lines, a details page; the buttons that were inline onclick= still do their job."""
import pytest

from app.extensions import db
from app.servicedesk.front_desk import CallVisitLog
from conftest import chromium, require_chromium, sign_in
from test_browser import app  # noqa: F401  (the served demo app, shared with that module)

require_chromium()

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile + ':' + e.lineNumber));
"""


@pytest.fixture
def admin_page(base_url):  # noqa: F811
    """A signed-in administrator's page that records CSP violations and console errors."""
    with chromium(base_url, 1366, 1000) as context:
        context.add_init_script(RECORD_VIOLATIONS)
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
        sign_in(page, "admin")
        yield page


def violations(page):
    return page.evaluate("window.__csp") + [text for text in page.console_errors if "Content Security Policy" in text]


def test_pages_raise_no_csp_violation(app, admin_page, tmp_path):  # noqa: F811
    with app.app_context():
        record_id = db.session.scalar(db.select(CallVisitLog.id).order_by(CallVisitLog.id))
        db.session.remove()
    for url in ("/admin/", "/admin/call_visit_log/", "/admin/call_visit_log/new/",
                f"/admin/call_visit_log/details/?id={record_id}", "/admin/cleaning_monthly_evaluation/new/",
                "/admin/user/", "/admin/security_event/", "/admin/password/"):
        admin_page.goto(url)
        admin_page.wait_for_load_state("networkidle")
        assert admin_page.locator("body").inner_text(), url
        assert violations(admin_page) == [], url
    admin_page.screenshot(path=tmp_path / "security_log.png", full_page=True)


def test_the_bound_buttons_work_and_placeholder_links_break_nothing(app, admin_page):  # noqa: F811
    admin_page.goto("/admin/cleaning_monthly_evaluation/new/")
    before = admin_page.locator(".inline-field-list .inline-field").count()
    admin_page.locator("a[data-add-inline]").first.click()
    assert admin_page.locator(".inline-field-list .inline-field").count() == before + 1  # a new line to fill in
    admin_page.locator("a.nav-link.active[href^='javascript:']").first.click()  # the current tab: nothing happens
    admin_page.goto("/admin/call_visit_log/")
    admin_page.locator("a:has(+ .field-filters)").first.click()  # 添加过滤器
    admin_page.locator(".field-filters a.filter").first.click()
    assert admin_page.locator("#filter_form tr").count() == 1  # the filter row appeared
    with app.app_context():
        before = db.session.scalar(db.select(db.func.count(CallVisitLog.id)))
    admin_page.once("dialog", lambda dialog: dialog.dismiss())  # "delete this record?" answered no
    admin_page.locator("form.icon button[data-confirm]").first.click()
    admin_page.wait_for_load_state("networkidle")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(CallVisitLog.id))) == before
        db.session.remove()
    assert violations(admin_page) == []
