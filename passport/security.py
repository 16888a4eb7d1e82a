"""CSRF protection and the security headers every response carries."""

from __future__ import annotations

import logging
import re
import secrets

from flask import Flask, Response, g
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


# A sharing link's manifest token travels in the path the protocol gives it. It is not the
# key, but it is enough to fetch the ciphertext and spend the link's passcode tries.
_MANIFEST_TOKEN = re.compile(r"(/api/shl/)(?!file/)[A-Za-z0-9_-]+")


class RedactManifestTokens(logging.Filter):
    """Keeps manifest tokens out of request logs (the development server's and gunicorn's)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _MANIFEST_TOKEN.sub(r"\1[token]", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


REQUEST_LOGGERS = ("werkzeug", "gunicorn.access")


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactManifestTokens) for f in logger.filters):
            logger.addFilter(RedactManifestTokens())
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def _security_headers(response: Response) -> Response:
        nonce = csp_nonce()
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            f"style-src 'self' 'nonce-{nonce}'; "
            "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        )
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        return response
