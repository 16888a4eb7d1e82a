"""Shared test set-up: a real database (SQLite by default, PostgreSQL when DATABASE_URL says so),
migrated from empty to head once per run, emptied after every test."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.cli import ScriptInfo
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import MetaData, inspect, text

from passport import create_app
from passport.cli import main
from passport.config import Config
from passport.db import Database
from passport.migrations import all_models, upgrade_to_head

ROOT = Path(__file__).resolve().parent.parent
# The format lac-health-record/1 and the SHL test vectors, vendored from the team's shared
# folder (tests/test_vendored.py checks the copies when that folder is beside the clone).
SPEC = ROOT / "docs" / "format" / "lac-health-record-1"
VECTORS = ROOT / "tests" / "vectors"
EXAMPLES = sorted((SPEC / "examples").glob("*.json"))
FIXTURES = sorted((ROOT / "fixtures").glob("*.json"))
TEST_SECRET = "test-secret-key-not-for-production"  # noqa: S105 - the tests' app secret
# The app's "today" in every test: fixed, so a test means the same on any day it runs.
TODAY = date(2026, 11, 29)


def database_url(tmp_dir: Path) -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.db'}"


def drop_everything(database: Database) -> None:
    """Leave the database empty, whatever an earlier run left in it."""
    with database.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        else:
            existing = MetaData()
            existing.reflect(connection)
            existing.drop_all(connection)


@pytest.fixture(scope="session")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = Database(database_url(tmp_path_factory.mktemp("db")))
    drop_everything(db)
    upgrade_to_head(db.engine)
    yield db
    db.dispose()


@pytest.fixture
def config(database: Database, tmp_path: Path) -> Config:
    return Config(
        database_url=str(database.engine.url.render_as_string(hide_password=False)),
        secret_key=TEST_SECRET,
        fixed_today=TODAY,
        testing=True,
    )


@pytest.fixture
def app(config: Config, database: Database) -> Iterator[Flask]:
    application = create_app(config)
    yield application
    application.extensions["db"].dispose()
    empty_tables(database)


def empty_tables(database: Database) -> None:
    metadata = all_models()
    with database.engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def db(app: Flask) -> Database:
    return app.extensions["db"]


@pytest.fixture
def client(app: Flask):
    return app.test_client()


class Cli:
    """Runs `passport ...` in-process against the test app."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def __call__(self, *args: str, input: str | bytes | None = None) -> Result:
        runner = CliRunner()
        return runner.invoke(
            main,
            list(args),
            input=input,
            obj=ScriptInfo(create_app=lambda: self.app),
            catch_exceptions=False,
        )


@pytest.fixture
def cli(app: Flask) -> Cli:
    return Cli(app)


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def table_row_counts(database: Database) -> dict[str, int]:
    metadata = all_models()
    with database.engine.connect() as connection:
        return {
            table.name: connection.execute(text(f"SELECT count(*) FROM {table.name}")).scalar_one()
            for table in metadata.sorted_tables
        }


def assert_database_empty(database: Database) -> None:
    counts = {name: n for name, n in table_row_counts(database).items() if n}
    assert counts == {}, f"rows were written: {counts}"


def inspector(database: Database):
    return inspect(database.engine)


def next_code(database: Database, email: str) -> str:
    """A security code the account has not used yet: now, or the next 30-second step."""
    import time

    from passport.accounts.models import User
    from passport.accounts.service import current_code

    with database.transaction() as session:
        user = session.query(User).filter_by(email=email.lower()).one()
        last = user.totp_last_step or 0
        now = time.time()
        step = max(int(now // 30), last + 1)
        return current_code(session, email, TEST_SECRET, now=step * 30)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A Redis of the test's own (`make test` installs redis-server), on a free port."""
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _ in range(100):
            try:
                if Redis.from_url(url).ping():
                    break
            except RedisConnectionError:
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(10)
