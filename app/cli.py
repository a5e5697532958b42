"""Command-line tasks: accounts, demo data, first-run setup."""
import click
from flask_migrate import upgrade

from .accounts import create_user, ensure_reference_data
from .backup import BackupError, backup, default_path, restore
from .demo import load_demo
from .extensions import db
from .models import ROLES, Project, User
from .record_cli import register_record_commands
from .security.passwords import password_problem


def register_commands(app):
    register_record_commands(app)

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
        problem = password_problem(password, username)
        if problem:
            raise click.ClickException(problem)
        unknown = set(projects) - set(db.session.scalars(db.select(Project.code).where(Project.code.in_(projects))))
        if unknown:
            raise click.ClickException(f"no estate with the code {', '.join(sorted(unknown))}")
        create_user(username, password, roles, display_name, projects, all_projects)
        click.echo(f"created {username} ({', '.join(roles)})")

    @app.cli.command("backup")
    @click.argument("path", required=False, type=click.Path(dir_okay=False))
    def backup_command(path):
        """Write a consistent copy of the database while the app runs (default: instance/backups/)."""
        try:
            click.echo(f"backup written to {backup(path or default_path(app.instance_path))}")
        except BackupError as error:
            raise click.ClickException(str(error)) from error

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.confirmation_option(prompt="Replace everything in the database with this backup? Stop the app servers first.")
    def restore_command(path):
        """Replace the database's contents with a backup made by `flask backup`."""
        try:
            restore(path)
        except BackupError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"restored from {path}")

    @app.cli.command("load-demo")
    @click.option("--units", default=240, show_default=True, help="how many units to create")
    @click.option("--per-form", default=12, show_default=True, help="records per form")
    def load_demo_command(units, per_form):
        """Load the demo estate, its people and records in every form."""
        accounts = load_demo(units=units, per_form=per_form)
        print_accounts(accounts)

    @app.cli.command("setup")
    def setup_command():
        """Bring the database to the latest migration; load the demo data into an empty one."""
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
