"""Health Passport: health records, passports and sharing links for looked-after children."""

from __future__ import annotations

from flask import Flask
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from passport.config import PROJECT_ROOT, Config


def create_app(config: Config | None = None) -> Flask:
    """Build the web app: config, extensions, blueprints, headers, error pages."""
    from passport import jobs, observability, security
    from passport.accounts import views as account_views
    from passport.caseload import views as caseload_views
    from passport.db import Database
    from passport.documents import views as document_views
    from passport.errors import register_error_handlers
    from passport.homes import carer, leaver, leaver_choices, leaver_own
    from passport.records import views as record_views
    from passport.sharing import views as sharing_views
    from passport.web import components, filters, views

    # Without a config, the environment's, which must name PASSPORT_SECRET_KEY (ADR 0008).
    config = config or Config.from_env()
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        # Flask's own instance folder unless PASSPORT_INSTANCE_PATH names another (ADR 0008).
        instance_path=str(config.instance_path.resolve()) if config.instance_path else None,
    )
    keys = config.keys
    app.config.update(
        # Sessions are signed with their own key; ones signed under an old secret still load.
        SECRET_KEY=keys.session,
        SECRET_KEY_FALLBACKS=keys.session_fallbacks,
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
        "loader": ChoiceLoader(
            [
                FileSystemLoader(str(PROJECT_ROOT / "templates")),
                PackageLoader("nhsuk_frontend_jinja"),
            ]
        ),
        "autoescape": True,
    }

    if config.trusted_proxies:
        # The client's address (for sign-in limits) from X-Forwarded-For, believing only as
        # many proxies as the operator said stand in front (docs: README, ADR 0006).
        behind_proxies = ProxyFix(
            app.wsgi_app, x_for=config.trusted_proxies, x_proto=config.trusted_proxies
        )
        app.wsgi_app = behind_proxies  # type: ignore[method-assign]
    observability.init_app(app, config.metrics_allow, config.redis_url)
    jobs.init_app(app)
    security.init_app(app)
    components.init_app(app)
    filters.init_app(app)
    for module in (
        account_views,
        views,
        caseload_views,
        record_views,
        document_views,
        sharing_views,
        leaver,
        leaver_choices,
        leaver_own,
        carer,
    ):
        app.register_blueprint(module.make_blueprint(config))
    register_error_handlers(app)
    return app
