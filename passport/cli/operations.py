"""`passport backup`, `restore` and `retention`: keeping the data safe, and no longer than
it may be kept (ADR 0009)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click

from passport.backups.service import BackupError, make_backup, restore_backup
from passport.cli.app import _actor, _config, _db, main
from passport.db import utcnow
from passport.retention import service as retention


@main.command("backup")
@click.option(
    "-o",
    "--output",
    "target",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write (replaced only once the new backup is whole).",
)
def backup_command(target: Path) -> None:
    """Back up the whole database, encrypted with the backup key.

    PostgreSQL is dumped with pg_dump (custom format), SQLite copied with its online backup
    API; both while the app keeps running. The file restores only with PASSPORT_SECRET_KEY, or
    with that secret in PASSPORT_OLD_SECRET_KEYS after a rotation.
    """
    config = _config()
    try:
        made = make_backup(config.database_url, config.keys, target)
    except BackupError as error:
        raise click.ClickException(f"{error}. No backup was written.") from None
    click.echo(
        f"Backed up the {_named(made.engine)} database (schema {made.schema}) to {target}: "
        f"{made.size} bytes, encrypted with backup key {made.key_id}."
    )


@main.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, exists=True, path_type=Path))
def restore_command(source: Path) -> None:
    """Restore a backup into the empty database DATABASE_URL names, then bring its schema to
    the newest. A database with tables is refused, and a failed restore leaves it empty."""
    config = _config()
    try:
        restored = restore_backup(config.database_url, config.keys, source)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Restored {source} (a {_named(restored.engine)} backup made {restored.made_at}, "
        f"schema {restored.schema_in_file}); the schema is now {restored.schema_now}, the newest."
    )


@main.command("retention")
@click.option("--dry-run", is_flag=True, help="Count what would be removed; remove nothing.")
def retention_command(dry_run: bool) -> None:
    """Remove what is past its keeping period (ADR 0009), in one transaction, and write an
    audit line of what went. Prints counts only, never what a record says."""
    now, today = utcnow(), _config().today()
    idle = timedelta(minutes=_config().session_idle_minutes)
    with _db().transaction() as db:
        if dry_run:
            dues = retention.what_is_due(db, now=now, today=today, session_idle=idle)
        else:
            dues = retention.remove_due(db, now=now, today=today, actor=_actor(), session_idle=idle)
    heading = "Would remove" if dry_run else "Removed"
    click.echo(f"{heading}, as of {today.isoformat()}:")
    for line in retention.describe(dues):
        click.echo(f"  {line}")
    if dry_run:
        click.echo("Nothing was removed (dry run). Run `passport retention` to remove it.")


def _named(engine_name: str) -> str:
    return {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(engine_name, engine_name)
