"""The property service desk (物业客服后台): a Flask-Admin backoffice over the manual's 60 forms."""
import gc
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, redirect, url_for

from . import config
from .extensions import babel, csrf, db, end_reading_with_commit, login_manager, migrate
from .i18n import select_locale
from .routing import LazyBuildRule


@contextmanager
def collector_paused():
    """No garbage collection while the app is built: it makes only long-lived objects (models, views, rules),
    and each full collection would walk all of them again, a fifth of start-up (benchmarks/startup.py)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def create_app(overrides=None) -> Flask:
    """Build the application: configuration, extensions, views and commands."""
    with collector_paused():
        app = Flask(__name__, instance_relative_config=True, template_folder="../templates")
        app.url_rule_class = LazyBuildRule
        config.load(app, overrides)

        db.init_app(app)
        app.teardown_request(end_reading_with_commit)  # before db's teardown, which removes the session
        migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True,
                         compare_type=True)
        babel.init_app(app, locale_selector=select_locale)
        csrf.init_app(app)
        login_manager.init_app(app)

        from . import domains, models, reports  # noqa: F401  (every form and model, the session hooks, the reactions)
        from .cli import register_commands
        from .security import init_security
        from .views import init_views

        init_security(app)
        init_views(app)
        register_commands(app)

        @app.get("/")
        def index():
            return redirect(url_for("admin.index"))

        return app
