"""Command-line tasks: accounts, demo data, first-run setup."""
import click
from flask_migrate import upgrade

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


def register_commands(app):
    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--role", "roles", multiple=True, required=True, type=click.Choice(list(ROLES)),
                  help="clerk, manager or admin; repeat for several")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    @click.option("--name", "display_name", default="")
    @click.option("--project", "projects", multiple=True, help="code of an estate the user works in; repeat for several")
    @click.option("--all-projects", is_flag=True, help="company-wide: sees every estate")
    def create_user_command(username, roles, password, display_name, projects, all_projects):
        """Create an account (password prompted unless --password is given)."""
        if db.session.scalar(db.select(User).filter_by(username=username)):
            raise click.ClickException(f"user {username!r} exists already")
        if len(password) < 8:
            raise click.ClickException("the password needs at least 8 characters")
        unknown = set(projects) - set(db.session.scalars(db.select(Project.code).where(Project.code.in_(projects))))
        if unknown:
            raise click.ClickException(f"no estate with the code {', '.join(sorted(unknown))}")
        create_user(username, password, roles, display_name, projects, all_projects)
        click.echo(f"created {username} ({', '.join(roles)})")

    @app.cli.command("load-demo")
    @click.option("--units", default=240, show_default=True, help="how many units to create")
    @click.option("--per-form", default=12, show_default=True, help="records per form")
    def load_demo_command(units, per_form):
        """Load the demo estate, its people and records in every form."""
        from .demo import load_demo

        accounts = load_demo(units=units, per_form=per_form)
        print_accounts(accounts)

    @app.cli.command("setup")
    def setup_command():
        """Bring the database to the latest migration; load the demo data into an empty one."""
        from .demo import load_demo

        upgrade()
        ensure_reference_data()
        db.session.commit()
        if db.session.scalar(db.select(db.func.count(User.id))) == 0:
            print_accounts(load_demo())
        else:
            click.echo("database up to date; existing data kept")


def print_accounts(accounts):
    click.echo("\n演示账号 / demo accounts:")
    for username, password, roles in accounts:
        click.echo(f"  {username:<10} {password:<14} {', '.join(roles)}")
