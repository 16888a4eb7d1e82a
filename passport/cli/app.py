"""The `passport` command group and what its commands share: the app, the database, today."""

from __future__ import annotations

import getpass
import os
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup

from passport import create_app
from passport.config import Config
from passport.migrations import schema_is_current


def _app() -> Flask:
    context = click.get_current_context(silent=True)
    if context is not None and context.info_name == "run":
        # `passport run` serves plain http on this machine for development: the one place
        # cookies go without `Secure` unless the operator says otherwise.
        return create_app(Config.from_env({"PASSPORT_SECURE_COOKIES": "0", **os.environ}))
    return create_app()


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
