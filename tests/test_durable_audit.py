"""Who opened a child's record is committed durably (issue 17, ADR 0005 revised): the
connection that writes each line waits for the disk, whatever the server's default."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event

from tests.conftest import FIXTURES
from tests.helpers import daniel_link, make_nurse, manifest_path, sign_in


def durability(connection) -> object:
    """The setting on this live connection: SQLite's synchronous (2 is FULL), PostgreSQL's
    synchronous_commit."""
    if connection.dialect.name == "sqlite":
        return connection.exec_driver_sql("PRAGMA synchronous").scalar()
    return connection.exec_driver_sql("SHOW synchronous_commit").scalar()


DURABLE = {"sqlite": 2, "postgresql": "on"}


@contextmanager
def settings_when_writing(engine: Engine, table: str) -> Iterator[list[object]]:
    """The durability setting read back on each connection that inserts into `table`, right
    after the insert, on the same connection."""
    seen: list[object] = []

    def after(connection, cursor, statement, parameters, context, executemany) -> None:
        # Anywhere in the statement: on PostgreSQL the manifest's insert is inside a CTE.
        if f"INSERT INTO {table.upper()}" in " ".join(statement.upper().split()):
            seen.append((connection.dialect.name, durability(connection)))

    event.listen(engine, "after_cursor_execute", after)
    try:
        yield seen
    finally:
        event.remove(engine, "after_cursor_execute", after)


def test_a_record_views_audit_line_is_written_on_a_durable_connection(client, db, cli):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    make_nurse(db)
    assert sign_in(client).status_code == 302
    with settings_when_writing(db.engine, "audit_events") as seen:
        assert client.get("/children/FX-DANIEL").status_code == 200
    assert seen, "opening the record wrote no audit line"
    assert all(value == DURABLE[dialect] for dialect, value in seen), seen


def test_a_sharing_links_access_log_line_is_written_on_a_durable_connection(client, db, cli):
    made = daniel_link(cli, db)
    with settings_when_writing(db.log_engine, "share_accesses") as seen:
        opened = client.post(manifest_path(made.url), json={"recipient": "GP surgery"})
        assert opened.status_code == 200
    assert seen, "opening the link wrote no access-log line on the log engine"
    assert all(value == DURABLE[dialect] for dialect, value in seen), seen
