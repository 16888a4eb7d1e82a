"""Migrations bring an empty database to head, and the models match what they build."""

from __future__ import annotations

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from passport.db import make_engine
from passport.migrations import alembic_config, all_models, upgrade_to_head


@pytest.fixture
def empty_engine(tmp_path):
    """A database with nothing in it: a new SQLite file, or a new PostgreSQL schema."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
        yield engine
        engine.dispose()
        return
    schema = f"migration_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def test_upgrade_from_empty_to_head_and_models_match(empty_engine):
    assert inspect(empty_engine).get_table_names() == []
    upgrade_to_head(empty_engine)

    head = ScriptDirectory.from_config(alembic_config(empty_engine)).get_current_head()
    with empty_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert context.get_current_revision() == head
        differences = compare_metadata(context, all_models())
    assert differences == []
    tables = set(inspect(empty_engine).get_table_names())
    assert {"records", "record_versions", "children", "assessments", "plan_actions",
            "immunisations", "family_history_entries", "users"} <= tables


def test_upgrade_twice_changes_nothing(empty_engine):
    upgrade_to_head(empty_engine)
    before = sorted(inspect(empty_engine).get_table_names())
    upgrade_to_head(empty_engine)
    assert sorted(inspect(empty_engine).get_table_names()) == before


def test_db_upgrade_command(cli):
    result = cli("db", "upgrade")
    assert result.exit_code == 0
    assert "up to date" in result.stdout
