"""The signed-in landing page, and the health checks for load balancers and orchestrators."""

from __future__ import annotations

import logging

import redis
from flask import Blueprint, g, jsonify, redirect, url_for
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
    """Liveness: the process answers. It looks at nothing else, so a database outage does not
    get every app server restarted (that is /readyz's job: take it out of the rotation)."""
    return "ok", 200, {"Content-Type": "text/plain"}


def _database_answers() -> bool:
    try:
        with context.db().engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        log.warning("readyz: the database cannot be reached (%s)", type(error).__name__)
        return False
    return True


def _redis_answers(client: redis.Redis) -> bool:
    try:
        client.ping()
    except (redis.RedisError, OSError) as error:
        log.warning("readyz: Redis cannot be reached (%s)", type(error).__name__)
        return False
    return True


def make_readyz(config: Config):
    # One client for the app's life: it connects only when asked, and reuses its connection.
    redis_client = (
        redis.Redis.from_url(config.redis_url, socket_connect_timeout=2, socket_timeout=2)
        if config.redis_url
        else None
    )

    def readyz():
        """Readiness: the database answers a SELECT 1 and, when REDIS_URL is set, Redis answers
        a PING. 503 naming what is down otherwise (never a URL, a host or a password)."""
        down = [] if _database_answers() else ["database"]
        if redis_client is not None and not _redis_answers(redis_client):
            down.append("redis")
        if down:
            return jsonify(status="unavailable", down=down), 503
        return jsonify(status="ready"), 200

    return readyz


def make_blueprint(config: Config) -> Blueprint:
    bp = Blueprint("web", __name__)
    bp.add_url_rule("/", view_func=home, methods=["GET"])
    bp.add_url_rule("/healthz", view_func=healthz, methods=["GET"])
    bp.add_url_rule("/readyz", view_func=make_readyz(config), methods=["GET"], endpoint="readyz")
    return bp
