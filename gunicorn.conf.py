"""Gunicorn settings, read from the working directory by `gunicorn wsgi:app` (or `-c gunicorn.conf.py`)."""
import multiprocessing

from gunicorn.http import wsgi

bind = "127.0.0.1:8000"  # the reverse proxy (nginx) in front terminates HTTPS; see README, "Behind HTTPS"
workers = min(4, multiprocessing.cpu_count() * 2 + 1)  # sessions and login counts live in the database
forwarded_allow_ips = "127.0.0.1"  # ProxyFix in the app (FLASK_PROXY_FIX_HOPS) reads the forwarded headers


class Response(wsgi.Response):
    """Gunicorn's response without its `Server: gunicorn` banner, which has no setting of its own."""

    def default_headers(self):
        return [line for line in super().default_headers() if not line.lower().startswith("server:")]


wsgi.Response = Response
