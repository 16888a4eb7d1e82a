"""Making a backup of the database and restoring one into an empty database.

PostgreSQL is dumped with `pg_dump` in its custom format and restored with `pg_restore` in one
transaction; SQLite is copied with its online backup API. Either way the dump is encrypted
(`archive.py`) before it touches the disk, and the file appears under its name only once it is
whole. Every file the product keeps (sharing links' encrypted files, cached PDFs) is a row in
the database, so the dump holds them all; nothing else lives in the instance folder but the
secret, which a backup never holds.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from passport.backups import archive
from passport.db import make_engine
from passport.keys import Keys
from passport.migrations import current_revision, upgrade_to_head

_UNREACHABLE = (
    "cannot connect to the database DATABASE_URL names: check the setting, and that the "
    "server is running and lets this machine in"
)


class BackupError(Exception):
    """A backup or restore that could not be done: the message says why and what to do."""


@dataclass(frozen=True)
class BackupMade:
    engine: str
    schema: str | None
    key_id: str
    size: int


@dataclass(frozen=True)
class Restored:
    engine: str
    made_at: str
    schema_in_file: str | None
    schema_now: str | None


# --- making a backup -----------------------------------------------------------------------


def make_backup(database_url: str, keys: Keys, target: Path) -> BackupMade:
    """Write an encrypted backup of the database to `target`, whole or not at all."""
    url = make_url(database_url)
    engine_name = _engine_name(url)
    engine = make_engine(database_url)
    try:
        schema = current_revision(engine)
    except OperationalError:
        raise BackupError(_UNREACHABLE) from None
    finally:
        engine.dispose()
    if schema is None:
        raise BackupError(
            "the database has no tables of Health Passport: there is nothing to back up "
            "(check DATABASE_URL)"
        )
    chunks = _pg_dump(url) if engine_name == "postgresql" else _sqlite_copy(url)
    _write_whole(
        target,
        lambda out: archive.write(
            out,
            chunks,
            backup_key=keys.backup,
            engine=engine_name,
            made_at=datetime.now(UTC).isoformat(timespec="seconds"),
            schema=schema,
        ),
    )
    return BackupMade(engine_name, schema, archive.key_id(keys.backup), target.stat().st_size)


def _engine_name(url: URL) -> str:
    name = url.get_backend_name()
    if name not in ("postgresql", "sqlite"):
        raise BackupError(f"backups are made of PostgreSQL and SQLite databases, not {name}")
    if name == "sqlite" and (not url.database or url.database == ":memory:"):
        raise BackupError("the database is in memory: there is no file to back up")
    return name


def _write_whole(target: Path, write) -> None:
    """Write through a hidden file beside `target`, renamed to it once complete and synced."""
    directory = target.parent
    try:
        handle = tempfile.NamedTemporaryFile(  # closed below, renamed or removed
            dir=directory, prefix=f".{target.name}.", suffix=".partial", delete=False
        )
    except OSError as error:
        raise BackupError(f"cannot write in {directory} ({error.strerror})") from None
    partial = Path(handle.name)
    try:
        with handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except BaseException as error:
        partial.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise BackupError(f"cannot write {target} ({error.strerror})") from None
        raise


def _pg_dump(url: URL) -> Iterator[bytes]:
    process = _run_pg_tool(
        "pg_dump",
        ["--format=custom", "--no-owner", "--no-privileges", f"--dbname={_conninfo(url)}"],
        url,
        stdout=subprocess.PIPE,
    )
    assert process.stdout is not None
    with process:
        while chunk := process.stdout.read(archive.CHUNK):
            yield chunk
        error = process.stderr.read() if process.stderr else b""
        if process.wait() != 0:
            raise BackupError(f"pg_dump failed: {_first_line(error)}")


def _sqlite_copy(url: URL) -> Iterator[bytes]:
    """A consistent copy through SQLite's online backup API, made in memory (no plain copy of
    the database is written to disk), then serialised."""
    path = Path(str(url.database))
    if not path.exists():
        raise BackupError(f"there is no database file at {path} (check DATABASE_URL)")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    copy = sqlite3.connect(":memory:")
    try:
        source.backup(copy)
        data = _without_wal(copy.serialize())
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not copy the database: {error}") from None
    finally:
        source.close()
        copy.close()
    yield data


def _without_wal(image: bytes) -> bytes:
    """The database image marked as using a rollback journal: a copy of a WAL database keeps
    the WAL mark (bytes 18 and 19 of the header), and an image in memory with that mark cannot
    be opened. The app sets WAL again on its first connection."""
    if len(image) < 20:
        return image
    return image[:18] + b"\x01\x01" + image[20:]


# --- restoring -------------------------------------------------------------------------------


def restore_backup(database_url: str, keys: Keys, source: Path) -> Restored:
    """Restore the backup in `source` into the database, which must be empty. All or nothing:
    the file is checked whole before anything is written, and the writing is one transaction."""
    url = make_url(database_url)
    engine_name = _engine_name(url)
    backup_keys = [keys.backup, *keys.backup_fallbacks]
    try:
        with source.open("rb") as stream:
            header, _prefix = archive.read_header(stream)
    except OSError as error:
        raise BackupError(f"cannot read {source} ({error.strerror})") from None
    except archive.BackupFileError as error:
        raise BackupError(f"{source} cannot be restored: {error}") from None
    if header.engine != engine_name:
        raise BackupError(
            f"{source} is a backup of a {_named(header.engine)} database, and DATABASE_URL names "
            f"a {_named(engine_name)} one: restore it into an empty {_named(header.engine)} "
            "database"
        )
    engine = make_engine(database_url)
    try:
        try:
            _refuse_unless_empty(engine)
        except OperationalError:
            raise BackupError(_UNREACHABLE) from None
        # First pass: the whole file decrypts and is authentic, before anything is written.
        _check_whole(source, backup_keys)
        if engine_name == "postgresql":
            engine.dispose()
            _pg_restore(url, source, backup_keys)
        else:
            _sqlite_restore(engine, url, source, backup_keys)
        upgrade_to_head(engine)
        schema_now = current_revision(engine)
    finally:
        engine.dispose()
    return Restored(engine_name, header.made_at, header.schema, schema_now)


def _named(engine_name: str) -> str:
    return {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(engine_name, engine_name)


def _refuse_unless_empty(engine: Engine) -> None:
    tables = inspect(engine).get_table_names()
    if tables:
        raise BackupError(
            f"the database named by DATABASE_URL is not empty (it has {len(tables)} tables): "
            "a backup is restored only into an empty database, so nothing was changed. "
            "Make a new, empty database (for PostgreSQL, `createdb`; for SQLite, a path to a "
            "file that does not exist yet), point DATABASE_URL at it and run the restore again"
        )


def _decrypted(source: Path, backup_keys: list[bytes]) -> Iterator[bytes]:
    try:
        with source.open("rb") as stream:
            yield from archive.read(stream, backup_keys)
    except OSError as error:
        raise BackupError(f"cannot read {source} ({error.strerror})") from None
    except archive.BackupFileError as error:
        raise BackupError(
            f"{source} cannot be restored: {error}. Nothing was restored: the database is "
            "still empty"
        ) from None


def _check_whole(source: Path, backup_keys: list[bytes]) -> None:
    for _chunk in _decrypted(source, backup_keys):
        pass


def _pg_restore(url: URL, source: Path, backup_keys: list[bytes]) -> None:
    process = _run_pg_tool(
        "pg_restore",
        [
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            f"--dbname={_conninfo(url)}",
        ],
        url,
        stdin=subprocess.PIPE,
    )
    assert process.stdin is not None
    try:
        for chunk in _decrypted(source, backup_keys):
            process.stdin.write(chunk)
        process.stdin.close()
    except BaseException:
        # Ended before its commit, pg_restore's single transaction is rolled back.
        process.kill()
        process.wait()
        raise
    error = process.stderr.read() if process.stderr else b""
    if process.wait() != 0:
        raise BackupError(
            f"pg_restore failed, and its transaction was rolled back, so the database is still "
            f"empty: {_first_line(error)}"
        )


def _sqlite_restore(engine: Engine, url: URL, source: Path, backup_keys: list[bytes]) -> None:
    """Load the dump into memory, check it, then copy it into the database file with the
    backup API, which writes it in one transaction."""
    engine.dispose()
    data = b"".join(_decrypted(source, backup_keys))
    copy = sqlite3.connect(":memory:")
    target = sqlite3.connect(str(url.database))
    try:
        copy.deserialize(_without_wal(data))
        (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            raise BackupError(
                f"{source} holds a damaged SQLite database ({verdict}): nothing was restored"
            )
        copy.backup(target)
    except sqlite3.Error as error:
        raise BackupError(
            f"SQLite could not restore the database ({error}): nothing was restored"
        ) from None
    finally:
        copy.close()
        target.close()


# --- PostgreSQL's client tools ----------------------------------------------------------------


def _conninfo(url: URL) -> str:
    """The database as a libpq URI without its password (that goes in PGPASSWORD, so it never
    shows in the process list)."""
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False)


def _run_pg_tool(
    name: str,
    arguments: list[str],
    url: URL,
    *,
    stdin: int | None = None,
    stdout: int | None = None,
) -> subprocess.Popen[bytes]:
    program = shutil.which(name)
    if program is None:
        raise BackupError(
            f"{name} is not installed: install PostgreSQL's client tools of the server's major "
            "version (Debian: postgresql-client)"
        )
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    return subprocess.Popen(  # noqa: S603 - a fixed program and arguments, no shell
        [program, *arguments], env=environment, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE
    )


def _first_line(error: bytes) -> str:
    text = error.decode("utf-8", "replace").strip()
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[0] if lines else "no reason given"
