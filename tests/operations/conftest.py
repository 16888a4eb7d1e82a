"""An empty second database for restores: a new SQLite file, or a new PostgreSQL database
with a name of its own, dropped after the test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import MetaData, create_engine, select, text

from passport import create_app
from passport.config import Config
from passport.db import Database
from tests.conftest import TEST_SECRET, TODAY, Cli


@pytest.fixture
def empty_database_url(database: Database, tmp_path: Path) -> Iterator[str]:
    if database.engine.dialect.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'passport.db'}"
        return
    name = f"passport_restore_{uuid.uuid4().hex[:12]}"
    admin = create_engine(database.engine.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield database.engine.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def app_on(url: str, secret: str = TEST_SECRET, old_secrets: tuple[str, ...] = ()) -> Flask:
    return create_app(
        Config(
            database_url=url,
            secret_key=secret,
            old_secret_keys=old_secrets,
            fixed_today=TODAY,
            testing=True,
        )
    )


def run_on(url: str, *args: str, secret: str = TEST_SECRET, old_secrets: tuple[str, ...] = ()):
    """`passport ...` against the database at `url`, with the given secrets."""
    app = app_on(url, secret, old_secrets)
    try:
        return Cli(app)(*args)
    finally:
        app.extensions["db"].dispose()


def every_row(url: str) -> dict[str, tuple[list[str], list[tuple]]]:
    """Each table the database holds (found by looking, not from the models), with its column
    names and every row, in primary-key order."""
    engine = create_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        tables = {}
        with engine.connect() as connection:
            for table in metadata.sorted_tables:
                order = list(table.primary_key.columns) or list(table.columns)
                rows = connection.execute(select(table).order_by(*order)).all()
                tables[table.name] = (sorted(table.columns.keys()), [tuple(row) for row in rows])
        return tables
    finally:
        engine.dispose()


def table_names(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        return sorted(metadata.tables)
    finally:
        engine.dispose()
