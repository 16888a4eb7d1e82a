"""Error pages: plain words, never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        return render_template("errors/http.html", error=error), error.code

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error on a request")
        return render_template("errors/500.html"), 500
