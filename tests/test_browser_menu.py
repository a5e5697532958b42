"""The top menu holds one row on a 1366 px screen, for every role, in Chinese and in English, on a list and on a long
form (whose scrollbar takes its share of the width)."""
import pytest

from conftest import chromium, require_chromium, sign_in

pytestmark = pytest.mark.browser

require_chromium()

SCREEN = 1366 - 17  # a 1366 px screen less a desktop browser's scrollbar
ROW = """els => els.filter(e => e.getBoundingClientRect().width > 0)
                  .map(e => { const r = e.getBoundingClientRect(); return [r.top + r.height / 2, r.right]; })"""
MENU = "nav.navbar .navbar-nav.mr-auto > li, nav.navbar form"


def menu_rows(page):
    """How far apart the middles of the menu's entries lie, the rightmost edge, and the bar's height."""
    entries = page.eval_on_selector_all(MENU, ROW)
    middles = [middle for middle, _ in entries]
    height = page.evaluate("document.querySelector('nav.navbar').getBoundingClientRect().height")
    return max(middles) - min(middles), max(right for _, right in entries), height


@pytest.mark.parametrize("role", ["clerk", "manager", "admin"])
def test_the_menu_fits_one_row_at_1366_px_in_both_languages(app, base_url, role):
    with chromium(base_url, SCREEN, 768) as context:
        page = context.new_page()
        sign_in(page, role)
        for language, home in (("zh", "首页"), ("en", "Home")):
            if language == "en":
                page.click("nav.navbar button[lang=en]")
                page.wait_for_load_state()
            for url in ("/admin/call_visit_log/", "/admin/renovation_application/new/"):
                page.goto(url)
                assert page.locator("nav.navbar .navbar-nav.mr-auto > li").first.inner_text().strip() == home
                spread, right, height = menu_rows(page)
                assert spread < 8 and right <= SCREEN and height < 64, (role, language, url, spread, right, height)
        page.click("nav.navbar button[lang=zh]")  # the account keeps its language: leave it Chinese
