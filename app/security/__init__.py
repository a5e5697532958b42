"""Sessions, sign-in, passwords, response headers and the security log, hooked into the app in one call."""
from werkzeug.middleware.proxy_fix import ProxyFix

from . import accounts  # noqa: F401  (the session hook that logs account changes)
from .headers import add_security_headers, csp_nonce


def init_security(app):
    """Trust the reverse proxy's forwarded headers if configured; add the headers to every response."""
    hops = int(app.config.get("PROXY_FIX_HOPS") or 0)
    if hops:  # the client's address (login throttle) and https (Secure cookies, HSTS) come from the proxy
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)
    app.after_request(add_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
