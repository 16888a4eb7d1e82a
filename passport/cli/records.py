"""`passport import`, `export`, `history`, `demo` and `db upgrade`: the record store."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from passport.accounts import service as accounts
from passport.cli.app import _actor, _config, _db, _not_found, main
from passport.cli.users import _grant
from passport.config import PROJECT_ROOT
from passport.migrations import upgrade_to_head
from passport.records import service as records


def _import_one(path: Path, *, replace: bool, actor: str, how: str = "") -> bool:
    """Import one file; print what happened. True when it was imported."""
    config = _config()
    try:
        raw = records.read_document_file(path, config.max_record_bytes)
        record = records.check_record(records.parse_json(raw), config.today)
        with _db().transaction() as db:
            done = records.import_record(db, record, actor=actor, replace=replace, how=how)
    except records.RecordRefused as refused:
        for error in refused.errors:
            click.echo(f"{path}: {error}", err=True)
        return False
    click.echo(f"{path}: imported {done.ref} as version {done.version}")
    return True


@main.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--replace", is_flag=True, help="Add a new version of a record that exists.")
def import_command(files: tuple[Path, ...], replace: bool) -> None:
    """Import lac-health-record/1 or /2 files. Each file is checked whole; a refused file writes
    nothing. Exits 0 only when every file was imported."""
    actor = _actor()
    results = [_import_one(path, replace=replace, actor=actor) for path in files]
    if not all(results):
        refused = results.count(False)
        click.echo(
            f"{refused} of {len(results)} file(s) refused; nothing of them was saved.", err=True
        )
        sys.exit(1)


@main.command("export")
@click.argument("ref")
@click.option("--version", "version", type=int, help="An earlier version (see history).")
def export_command(ref: str, version: int | None) -> None:
    """Print a record as lac-health-record/2 JSON."""
    try:
        with _db().transaction() as db:
            document = records.export_record(db, ref, version)
    except records.RecordNotFound:
        raise click.ClickException(_not_found(ref, version)) from None
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


@main.command("history")
@click.argument("ref")
def history_command(ref: str) -> None:
    """List a record's versions: version, when (UTC), by whom, how."""
    try:
        with _db().transaction() as db:
            versions = records.history(db, ref)
    except records.RecordNotFound:
        raise click.ClickException(_not_found(ref, None)) from None
    click.echo(f"{'version':>7}  {'when (UTC)':<20}  {'by':<30}  how")
    for v in versions:
        when = v.created_at.strftime("%Y-%m-%d %H:%M:%S")
        mark = "  (current)" if v.current else ""
        click.echo(f"{v.version:>7}  {when:<20}  {v.created_by:<30}  {v.how}{mark}")


DEMO_ACCOUNTS = (
    # email, password, role, extras
    (
        "nurse@example.org",
        "demo-nurse-password",
        "nurse",
        {"authority": "Example City Council", "name": "Sam Patel"},
    ),
    (
        "carer@example.org",
        "demo-carer-password",
        "carer",
        {"carer_ref": "FC-0201", "name": "Jo Carter"},
    ),
    (
        "leaver@example.org",
        "demo-leaver-password",
        "leaver",
        {"child_ref": "FX-DANIEL", "name": "Daniel Okoro-Reid"},
    ),
)


# The children the demo carer (FC-0201) looks after, each granted as a nurse's invitation would.
DEMO_CARER_CHILDREN = ("FX-ELLIE", "FX-NOAH")


@main.command("demo")
def demo_command() -> None:
    """Load every record in fixtures/ and create the demo accounts. Safe to run again."""
    upgrade_to_head(_db(schema_checked=False).engine)
    fixtures = sorted((PROJECT_ROOT / "fixtures").glob("*.json"))
    loaded = 0
    for path in fixtures:
        config = _config()
        try:
            record = records.check_record(
                records.parse_json(records.read_document_file(path, config.max_record_bytes)),
                config.today,
            )
        except records.RecordRefused as refused:
            for error in refused.errors:
                click.echo(f"{path}: {error}", err=True)
            raise click.ClickException(f"the fixture {path.name} is not valid") from None
        with _db().transaction() as db:
            try:
                records.import_record(db, record, actor="demo", how="demo")
                loaded += 1
            except records.RecordExists:
                pass
    click.echo(f"Demo records: {loaded} loaded, {len(fixtures) - loaded} already here.")
    for email, password, role, extras in DEMO_ACCOUNTS:
        try:
            with _db().transaction() as db:
                user = accounts.create_user(
                    db,
                    email=email,
                    password=password,
                    role=role,
                    app_secret=_config().keys,
                    **extras,
                )
                for child_ref in DEMO_CARER_CHILDREN if role == "carer" else ():
                    _grant(db, user, child_ref, None)
        except accounts.AccountError:
            pass  # already made by an earlier run
        click.echo(f"  Sign in as the demo {role}: {email} / {password}")
    click.echo(
        "  The nurse also needs a security code: `passport user code nurse@example.org` "
        "prints the current one (or add the account to an authenticator app)."
    )


@main.group("db")
def db_group() -> None:
    """The database."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Bring the database to the newest schema."""
    upgrade_to_head(_db(schema_checked=False).engine)
    click.echo("The database is up to date.")
