"""Health Passport: health records, passports and sharing links for looked-after children."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from passport.config import Config

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Config | None = None) -> Flask:
    """Build the web app: config, extensions, blueprints, headers, error pages."""
    from passport import security
    from passport.db import Database
    from passport.errors import register_error_handlers
    from passport.homes import views as homes
    from passport.records import views as record_views
    from passport.sharing import views as sharing_views
    from passport.web import components, views

    config = config or Config.from_env()
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(
        SECRET_KEY=config.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.secure_cookies,
        SESSION_COOKIE_NAME="passport_session",
        MAX_CONTENT_LENGTH=config.max_record_bytes + 64 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
        TESTING=config.testing,
    )
    app.extensions["passport_config"] = config
    app.extensions["db"] = Database(config.database_url)
    app.jinja_options = {
        # The NHS.UK components read optional parameters through chains like params.hint.text.
        "undefined": ChainableUndefined,
        "loader": ChoiceLoader([
            FileSystemLoader(str(PROJECT_ROOT / "templates")),
            PackageLoader("nhsuk_frontend_jinja"),
        ]),
        "autoescape": True,
    }

    if config.trusted_proxies:
        # The client's address (for sign-in limits) from X-Forwarded-For, believing only as
        # many proxies as the operator said stand in front (docs: README, ADR 0006).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.trusted_proxies,  # type: ignore[method-assign]
                                x_proto=config.trusted_proxies)
    security.init_app(app)
    components.init_app(app)
    app.register_blueprint(views.make_blueprint(config))
    app.register_blueprint(record_views.make_blueprint(config))
    app.register_blueprint(sharing_views.make_blueprint(config))
    app.register_blueprint(homes.make_leaver_blueprint(config))
    app.register_blueprint(homes.make_carer_blueprint(config))
    register_error_handlers(app)
    return app
