"""The top menu, worked out and written once per role set, language and page: 77 entries are not 77 permission
checks, lazy translations and template calls on every page (benchmarks/list_views.py)."""
from flask import request
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup, escape

# menu entries whose title changes from page to page (the inbox shows how many wait)
LIVE_TITLES = {"inbox"}

_menus: dict = {}  # (role codes, locale, script root) -> entries; derived from the code only, so every worker agrees
_written: dict = {}  # the same key and the page's endpoint -> the menu's HTML in pieces, live titles left out


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


def _key():
    roles = frozenset(current_user.role_codes) if current_user.is_authenticated and current_user.is_active else None
    return (roles, str(get_locale()), request.script_root)


def desk_menu(admin):
    """The menu open to the current user: [(category title or None, [(title, url, endpoint, live)], endpoints)]."""
    key = _key()
    if key not in _menus:
        _menus[key] = _build(admin)
    return _menus[key]


def _write(menu, current):
    """The menu's <li> elements as a list of HTML strings and live menu items (whose titles are read per page)."""
    pieces = []

    def link(css, url, title, live):
        pieces.append(Markup('<a class="{}" href="{}">').format(css, url))
        pieces.append(live if live is not None else escape(title))
        pieces.append(Markup("</a>"))

    for category, entries, endpoints in menu:
        if category is None:
            title, url, endpoint, live = entries[0]
            pieces.append(Markup('<li class="{}">').format("active" if endpoint == current else ""))
            link("nav-link", url, title, live)
            pieces.append(Markup("</li>"))
            continue
        pieces.append(Markup('<li class="{}dropdown"><a class="dropdown-toggle nav-link" data-toggle="dropdown" '
                             'href="javascript:void(0)">{}<i class="glyphicon glyphicon-chevron-down small"></i></a>'
                             '<ul class="dropdown-menu">').format("active " if current in endpoints else "", category))
        for title, url, endpoint, live in entries:
            pieces.append(Markup("<li>"))
            link("dropdown-item active" if endpoint == current else "dropdown-item", url, title, live)
            pieces.append(Markup("</li>"))
        pieces.append(Markup("</ul></li>"))
    # neighbouring fixed pieces joined, so a page only fills in the live titles
    joined = []
    for piece in pieces:
        if isinstance(piece, Markup) and joined and isinstance(joined[-1], Markup):
            joined[-1] = Markup(joined[-1] + piece)
        else:
            joined.append(piece)
    return joined


def desk_menu_html(admin, current):
    """The menu's HTML for a page of endpoint `current`; only the live titles (待我审批 (3)) are worked out anew."""
    key = (_key(), current)
    if key not in _written:
        _written[key] = _write(desk_menu(admin), current)
    return Markup("").join(piece if isinstance(piece, Markup) else escape(piece.name) for piece in _written[key])
