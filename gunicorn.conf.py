"""Gunicorn settings, read from the working directory by `gunicorn wsgi:app` (or `-c gunicorn.conf.py`)."""
import gc
import multiprocessing

from gunicorn.http import wsgi

bind = "127.0.0.1:8000"  # the reverse proxy (nginx) in front terminates HTTPS; see README, "Behind HTTPS"
workers = min(4, multiprocessing.cpu_count() * 2 + 1)  # sessions and login counts live in the database
forwarded_allow_ips = "127.0.0.1"  # ProxyFix in the app (FLASK_PROXY_FIX_HOPS) reads the forwarded headers
preload_app = True  # the app is built once, in the master; each worker is forked ready to serve and shares its memory


def when_ready(server):
    """Keep the built app out of every later collection, so a worker's collections neither walk nor copy it."""
    gc.freeze()


def post_fork(server, worker):
    """A worker opens its own database connections: one the master might hold must not be shared across processes."""
    from app.extensions import db

    with server.app.wsgi().app_context():
        db.engine.dispose(close=False)


class Response(wsgi.Response):
    """Gunicorn's response without its `Server: gunicorn` banner, which has no setting of its own."""

    def default_headers(self):
        return [line for line in super().default_headers() if not line.lower().startswith("server:")]


wsgi.Response = Response
