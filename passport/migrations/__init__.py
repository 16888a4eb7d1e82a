"""Alembic migrations, kept inside the package so `passport db upgrade` works wherever it runs."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine

HERE = Path(__file__).resolve().parent


def alembic_config(engine: Engine) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("path_separator", "os")
    config.attributes["engine"] = engine
    return config


def upgrade_to_head(engine: Engine) -> None:
    command.upgrade(alembic_config(engine), "head")


def schema_is_current(engine: Engine) -> bool:
    """True when the database has every migration applied (the newest revision)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current == heads


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None: no Health Passport tables)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    return ",".join(sorted(heads)) or None


def all_models():
    """Import every model module so `Base.metadata` knows every table."""
    from passport.accounts import models as account_models
    from passport.audit import models as audit_models
    from passport.caseload import stored as caseload_models
    from passport.db import Base
    from passport.documents import models as document_models
    from passport.records import models as record_models
    from passport.sharing import models as sharing_models

    del (
        account_models,
        audit_models,
        caseload_models,
        document_models,
        record_models,
        sharing_models,
    )
    return Base.metadata
