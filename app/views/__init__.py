"""Register every page: the login, the home page, the 60 forms by menu group, lookups and users."""
from pathlib import Path

from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from ..i18n import L, text
from ..models import FORMS, GROUPS, LOOKUPS
from ..models.fields import snake
from ..keys.loans import KeyInventoryCount  # a register of the manual's rules, not one of the 60
from ..security import csp_nonce
from .auth import bp as auth_bp
from .base import DeclaredModelView, LookupView, local_time
from .forms import FormView
from .home import HomeView
from .due import DueView
from .finder import FinderView
from .guard import init_guard
from .imports import register_imports
from .inbox import InboxView
from .keys import KeyLoanView
from .printing import ReportPrintView
from .menu import desk_menu_html
from .reports import ReportCentreView
from .surveys import SurveyView
from .account import PasswordView
from .security_log import SecurityLogView
from .users import UserView
from .privacy import PiiAccessLogView


# the few forms whose page behaves differently; every other form gets the generic FormView
SPECIAL_VIEWS = {"key_loan": KeyLoanView}


# the top menu's short names, so a 1366 px screen holds the whole menu on one row; pages keep the full names
MENU_GROUPS = {
    "front_desk": ("前台", "Desk"), "owners": ("业主", "Owners"), "complaints": ("投诉回访", "Complaints"),
    "handover": ("接管验收", "Takeover"), "renovation": ("装修", "Fit-out"), "keys": ("钥匙", "Keys"),
    "inspections": ("巡查", "Patrols"), "cleaning_greening": ("外判", "Vendors"), "services": ("便民", "Services"),
    "reports": ("报表", "Reports"),
}


def menu_group(code):
    """The menu category of a group of forms (GROUPS holds their full names)."""
    return L(*MENU_GROUPS.get(code, GROUPS[code]))


def form_view_class(model):
    return SPECIAL_VIEWS.get(snake(model.__name__), FormView)


def init_views(app):
    """Build the admin inside the factory and add every view to it."""
    app.register_blueprint(auth_bp)
    init_guard(app)
    app.jinja_env.globals["_t"] = text
    app.jinja_env.filters["snake"] = snake
    app.jinja_env.filters["localtime"] = local_time
    app.jinja_env.globals["desk_menu_html"] = desk_menu_html
    admin = Admin(app, name=L("物业客服后台", "Service desk"), theme=Bootstrap4Theme(swatch="default", fluid=True, base_template="admin/desk_base.html"),
                  translations_path=str(Path(app.root_path) / "translations"),  # what Flask-Admin's zh catalogue lacks
                  index_view=HomeView(name=L("首页", "Home"), url="/admin"), csp_nonce_generator=csp_nonce)
    for code in GROUPS:  # the menu follows the manual's grouping, not registration order
        admin.add_category(menu_group(code))
    for model in sorted(FORMS.values(), key=lambda m: m.__form__.sort_key):
        form = model.__form__
        group = menu_group(form.group)
        admin.add_view(form_view_class(model)(model, name=L(f"{form.number} {form.title}",
                                                              f"{form.number} {form.title_en}"),
                                                endpoint=snake(model.__name__), category=group))
    admin.add_view(DeclaredModelView(KeyInventoryCount, name=L(*KeyInventoryCount.__label__),
                                     endpoint="key_inventory_count", category=menu_group("keys")))
    admin.add_view(SurveyView(category=menu_group("complaints")))  # the 6.42 campaigns, not one of the 60
    admin.add_view(ReportCentreView(category=menu_group("reports")))  # the monthly figures and their snapshots
    admin.add_view(ReportPrintView())  # a report on paper, with or without a snapshot
    for model in LOOKUPS:
        admin.add_view(LookupView(model, name=L(*model.__label__), endpoint=snake(model.__name__),
                                  category=L("基础资料", "Lookups")))
    register_imports(admin, category=L("基础资料", "Lookups"))
    admin.add_view(InboxView())
    admin.add_view(DueView())
    admin.add_view(UserView())
    admin.add_view(SecurityLogView())
    admin.add_view(PasswordView())
    admin.add_view(PiiAccessLogView())
    admin.add_view(FinderView())

    return admin

