"""Response headers: a nonce-based Content-Security-Policy, no framing, no sniffing, no caching of pages."""
import secrets

from flask import current_app, g, request

# Scripts run only from this site or with this response's nonce: an injected <script> or onclick= does not.
# Styles allow inline because Flask-Admin's widgets (select2, date pickers) and our SVG charts set style=.
CSP = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
FIXED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # the language switch returns to the page it came from
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def csp_nonce() -> str:
    """This response's script nonce, made on first use."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def is_static(endpoint) -> bool:
    return bool(endpoint) and (endpoint == "static" or endpoint.endswith(".static"))


def add_security_headers(response):
    """Every response gets the policy; everything but the bundled CSS/JS is kept out of caches."""
    response.headers["Content-Security-Policy"] = CSP.format(nonce=csp_nonce())
    for name, value in FIXED_HEADERS.items():
        response.headers.setdefault(name, value)
    if not is_static(request.endpoint):  # pages, exports and documents may carry personal data
        response.headers["Cache-Control"] = "no-store"
    hsts = current_app.config["HSTS_SECONDS"]
    if request.is_secure and hsts:  # behind a proxy, ProxyFix makes is_secure follow X-Forwarded-Proto
        response.headers["Strict-Transport-Security"] = f"max-age={hsts}; includeSubDomains"
    return response
