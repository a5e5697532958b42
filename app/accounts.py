"""Accounts and the reference data every install has: built-in roles and the manual's complaint categories."""
from .extensions import db
from .models import ROLES, ComplaintCategory, Project, Role, User

# R-C1 (S2-1 4.1.3.1): the manual's eight complaint categories, there from the first start
COMPLAINT_CATEGORIES = (("security", "安保工作"), ("cleaning", "清洁"), ("greening", "绿化"), ("engineering", "工程维修"),
                        ("mail", "信件、报刊收发"), ("renovation", "装修管理"), ("staff_attitude", "员工服务态度"),
                        ("other", "其它"))


def ensure_reference_data():
    """Create the built-in roles and the manual's complaint categories once; rows already there are kept."""
    for code in ROLES:
        if db.session.scalar(db.select(Role).filter_by(code=code)) is None:
            db.session.add(Role(code=code, name=ROLES.label(code)))
    known = set(db.session.scalars(db.select(ComplaintCategory.code)))
    for sort, (code, name) in enumerate(COMPLAINT_CATEGORIES):
        if code not in known:
            db.session.add(ComplaintCategory(code=code, name=name, sort=sort, default_reply_hours=24))
    db.session.flush()


def create_user(username, password, roles, display_name="", projects=(), all_projects=False):
    """Create an account holding the given role codes, working in the estates with the given codes."""
    ensure_reference_data()
    user = User(username=username, display_name=display_name or username, all_projects=all_projects)
    user.set_password(password)
    user.roles = list(db.session.scalars(db.select(Role).where(Role.code.in_(roles))))
    user.projects = list(db.session.scalars(db.select(Project).where(Project.code.in_(projects))))
    db.session.add(user)
    db.session.commit()
    return user
