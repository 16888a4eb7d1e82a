"""`passport keys rotate`: move what is stored under an old secret to the current one."""

from __future__ import annotations

import click

from passport.accounts import service as accounts
from passport.audit.service import record_event
from passport.cli.app import _actor, _config, _db, main


@main.group("keys")
def keys_group() -> None:
    """The installation's secret and the keys derived from it (ADR 0008)."""


@keys_group.command("rotate")
def keys_rotate() -> None:
    """Re-encrypt every stored second-factor secret under PASSPORT_SECRET_KEY.

    Run it after moving the old secret to PASSPORT_OLD_SECRET_KEYS and restarting every app
    server with the new one. Safe to run again: what is already current is left alone. Once
    it reports nothing left under an old key, the old secret may be dropped.
    """
    with _db().transaction() as db:
        rotated = accounts.rotate_second_factors(db, _config().keys)
        record_event(
            db,
            actor=_actor(),
            action="rotate",
            target="second-factor secrets",
        )
    click.echo(
        f"Second-factor secrets: {rotated.moved} re-encrypted under the current key, "
        f"{rotated.current} already under it, {len(rotated.unreadable)} unreadable."
    )
    if rotated.unreadable:
        raise click.ClickException(
            "no key given reads the second factor of "
            + ", ".join(rotated.unreadable)
            + ": add the secret they were made under to PASSPORT_OLD_SECRET_KEYS and run "
            "this again, or give those accounts a new second factor"
        )
    click.echo("Nothing is stored under an old key now: PASSPORT_OLD_SECRET_KEYS may be emptied.")
