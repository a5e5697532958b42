"""The top menu, worked out once per role set and language: 77 entries are not 77 permission checks and lazy
translations on every page (benchmarks/list_views.py)."""
from flask import request
from flask_babel import get_locale
from flask_login import current_user

# menu entries whose title changes from page to page (the inbox shows how many wait)
LIVE_TITLES = {"inbox"}

_menus: dict = {}  # (role codes, locale) -> entries; derived from the code only, so every worker agrees


def _entry(item):
    """(title, url, endpoint, menu item) of one page; the item is kept for titles that change."""
    view = item._view
    return (str(item.name), item.get_url(), view.endpoint, item if view.endpoint in LIVE_TITLES else None)


def _build(admin):
    menu = []
    for item in admin.menu():
        if item.is_category():
            children = [_entry(child) for child in item.get_children() if not child.is_category()]
            if children:
                menu.append((str(item.name), children, {entry[2] for entry in children}))
        elif item.is_accessible() and item.is_visible():
            menu.append((None, [_entry(item)], set()))
    return menu


def desk_menu(admin):
    """The menu open to the current user: [(category title or None, [(title, url, endpoint, live)], endpoints)]."""
    roles = frozenset(current_user.role_codes) if current_user.is_authenticated and current_user.is_active else None
    key = (roles, str(get_locale()), request.script_root)
    if key not in _menus:
        _menus[key] = _build(admin)
    return _menus[key]
