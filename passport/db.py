"""The database: one engine per app, short sessions, UTC timestamps on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """A moment in UTC. Stored without zone (SQLite has none), always handed back aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC moment is required")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


# Connections each engine keeps open: more than the threads of a gunicorn worker (eight, in
# README.md), so that a busy worker reuses connections instead of opening and closing them.
POOL_SIZE = 10


def make_engine(database_url: str, *, access_log: bool = False) -> Engine:
    """An engine for the database at `database_url`.

    `access_log=True` makes the engine for one job: answering a sharing link and writing its
    access-log line (ADR 0005). Its connections run each statement as its own transaction.
    Every engine commits durably (SQLite `synchronous=FULL`, PostgreSQL
    `synchronous_commit=on`, whatever the server's default): who opened a looked-after child's
    health record is a safeguarding record, and no crash may lose a line of it.
    """
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": 30},
            pool_size=POOL_SIZE,
            **({"isolation_level": "AUTOCOMMIT"} if access_log else {}),
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL: with WAL, the log is synced at every commit, not only at checkpoints.
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.close()

        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=POOL_SIZE,
        connect_args={"options": "-c synchronous_commit=on"},
        **({"isolation_level": "AUTOCOMMIT"} if access_log else {}),
    )


class Database:
    """The engines and a session factory, kept on the Flask app as `app.extensions["db"]`."""

    def __init__(self, database_url: str) -> None:
        self.engine = make_engine(database_url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # For sharing-link requests and their log only (see `make_engine`).
        self.log_engine = make_engine(database_url, access_log=True)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed whole at the end, or rolled back whole."""
        with self.sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
        self.log_engine.dispose()
