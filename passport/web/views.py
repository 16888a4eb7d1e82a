"""The signed-in landing page, and the health check for load balancers."""

from __future__ import annotations

import logging

from flask import Blueprint, g, redirect, url_for
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from passport.accounts.service import STAFF
from passport.config import Config
from passport.web import context
from passport.web.auth import sign_in_required

log = logging.getLogger(__name__)


@sign_in_required
def home():
    if g.user.role in STAFF:
        return redirect(url_for("caseload.caseload"))
    if g.user.role == "leaver":
        return redirect(url_for("leaver.home"))
    return redirect(url_for("carer.home"))


def healthz():
    """For load balancers: the app answers and can reach its database (503 if not)."""
    try:
        with context.db().engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        log.warning("healthz: the database cannot be reached (%s)", type(error).__name__)
        return "database unreachable", 503, {"Content-Type": "text/plain"}
    return "ok", 200, {"Content-Type": "text/plain"}


def make_blueprint(config: Config) -> Blueprint:
    bp = Blueprint("web", __name__)
    bp.add_url_rule("/", view_func=home, methods=["GET"])
    bp.add_url_rule("/healthz", view_func=healthz, methods=["GET"])
    return bp
