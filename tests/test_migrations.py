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
    assert {
        "records",
        "record_versions",
        "children",
        "assessments",
        "plan_actions",
        "immunisations",
        "family_history_entries",
        "users",
    } <= tables


def test_upgrade_twice_changes_nothing(empty_engine):
    upgrade_to_head(empty_engine)
    before = sorted(inspect(empty_engine).get_table_names())
    upgrade_to_head(empty_engine)
    assert sorted(inspect(empty_engine).get_table_names()) == before


def test_db_upgrade_command(cli):
    result = cli("db", "upgrade")
    assert result.exit_code == 0
    assert "up to date" in result.stdout


def test_0006_gives_existing_shared_files_their_size(empty_engine):
    """Links made before 0006 keep working: their files get the size of their JWE."""
    from alembic import command

    command.upgrade(alembic_config(empty_engine), "0005")
    jwe = "eyJhbGciOiJkaXIifQ..iv.ciphertext.tag" * 3
    with empty_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO share_links (public_id, token_hash, record_ref, record_version,"
                " document, label, created_at, created_by, expires_at, max_attempts,"
                " failed_attempts) VALUES ('p1', 'h1', 'FX-1', 1, 'passport', 'l',"
                " '2026-11-25 10:00:00', 'n', '2026-12-25 10:00:00', 5, 0)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO share_files (link_id, position, content_type, jwe)"
                " SELECT id, 0, 'application/fhir+json', :jwe FROM share_links"
            ),
            {"jwe": jwe},
        )
    upgrade_to_head(empty_engine)
    with empty_engine.connect() as connection:
        assert connection.execute(text("SELECT size FROM share_files")).scalar_one() == len(jwe)
    indexes = {index["name"] for index in inspect(empty_engine).get_indexes("share_accesses")}
    assert "ix_share_accesses_link_id_at" in indexes
    if empty_engine.dialect.name == "sqlite":
        columns = [column["name"] for column in inspect(empty_engine).get_columns("share_files")]
        assert columns.index("size") < columns.index("jwe")


def test_0014_makes_requests_dealt_with_before_it_accepted(empty_engine):
    """A correction request marked "dealt with" before 0014 is accepted; an open one stays
    open, waiting for the nurse's answer."""
    from alembic import command

    command.upgrade(alembic_config(empty_engine), "0011")
    with empty_engine.begin() as connection:
        for message, resolved_at, resolved_by in (
            ("dealt with", "2026-11-20 10:00:00", "nurse@example.org"),
            ("still open", None, None),
        ):
            connection.execute(
                text(
                    "INSERT INTO correction_requests (record_ref, record_version, from_email,"
                    " message, created_at, resolved_at, resolved_by) VALUES ('FX-1', 1,"
                    " 'yp@example.org', :message, '2026-11-19 10:00:00', :at, :by)"
                ),
                {"message": message, "at": resolved_at, "by": resolved_by},
            )
    upgrade_to_head(empty_engine)
    with empty_engine.connect() as connection:
        rows = dict(
            connection.execute(text("SELECT message, status FROM correction_requests")).all()
        )
    assert rows == {"dealt with": "accepted", "still open": "open"}
