"""Alembic's environment: runs migrations on the engine the app (or a test) hands over."""

from __future__ import annotations

from alembic import context

from passport.migrations import all_models

config = context.config
target_metadata = all_models()
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
