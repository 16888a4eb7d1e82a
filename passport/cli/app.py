"""The `passport` command group and what its commands share: the app, the database, today."""

from __future__ import annotations

import getpass
import os
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, NoAppException

from passport import create_app
from passport.config import Config, ConfigError, on_a_local_file
from passport.migrations import schema_is_current


class CannotStart(NoAppException):
    """A setting the app cannot start without: one plain line, `Error: ...`, and exit 1.

    A NoAppException, so that `passport --help` prints the line instead of a traceback;
    shown as a plain ClickException (no usage text), since nothing is wrong with the command."""

    exit_code = 1

    def show(self, file=None) -> None:
        click.ClickException.show(self, file)


def _app() -> Flask:
    context = click.get_current_context(silent=True)
    running = context is not None and context.info_name == "run"
    try:
        if running:
            # `passport run` serves plain http on this machine for development: the one place
            # cookies go without `Secure` unless the operator says otherwise.
            environ = {"PASSPORT_SECURE_COOKIES": "0", **os.environ}
        else:
            environ = dict(os.environ)
        # The secret kept in the instance folder serves `passport run` and the commands on a
        # local SQLite file (`make run`: db upgrade, demo); anything on a shared database needs
        # PASSPORT_SECRET_KEY, so every process agrees on it (ADR 0008).
        config = Config.from_env(environ, instance_secret=running or on_a_local_file(environ))
    except ConfigError as error:
        raise CannotStart(str(error)) from None
    return create_app(config)


main = FlaskGroup(
    create_app=_app,
    load_dotenv=False,
    help="Health Passport: looked-after children's health records.",
)


def _db(*, schema_checked: bool = True):
    """The app's database; unless told otherwise, refused with the command to run when its
    schema is not the newest (a plain message instead of an SQL error about a missing table)."""
    db = current_app.extensions["db"]
    if schema_checked and not schema_is_current(db.engine):
        raise click.ClickException(
            "The database is not set up or not up to date. Run `passport db upgrade` first."
        )
    return db


def _config():
    return current_app.extensions["passport_config"]


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _as_of(value: str | None) -> date:
    if value is None:
        return _config().today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value} is not a date written YYYY-MM-DD", param_hint="--as-of"
        ) from None


def _write(path: Path, data: bytes, option: str) -> None:
    try:
        path.write_bytes(data)
    except OSError as error:
        raise click.ClickException(f"{option}: cannot write {path} ({error.strerror})") from None


def _not_found(ref: str, version: int | None) -> str:
    if version is None:
        return f"no record with ref {ref}"
    return f"no version {version} of a record with ref {ref}"
