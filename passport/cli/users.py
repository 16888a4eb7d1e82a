"""`passport user ...`: accounts, carer grants and security codes."""

from __future__ import annotations

import sys

import click
from sqlalchemy import select

from passport.accounts import invitations
from passport.accounts import service as accounts
from passport.accounts.models import User
from passport.cli.app import _actor, _config, _db, main
from passport.records import service as records


@main.group("user")
def user_group() -> None:
    """Accounts."""


@user_group.command("create")
@click.option("--role", required=True, type=click.Choice(["nurse", "carer", "leaver", "admin"]))
@click.option("--email", required=True)
@click.option("--carer-ref", help="For a carer: the carer_ref in placements.")
@click.option(
    "--child-ref",
    help="For a care leaver: the ref of their record. For a carer: a "
    "child placed with them (see `passport user grant`).",
)
@click.option("--authority", help="For a nurse: the responsible authority they work for.")
@click.option("--name", help="The person's name, shown to a care leaver who asks who looked.")
def user_create(role, email, carer_ref, child_ref, authority, name) -> None:
    """Create an account. The password is read from standard input."""
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        with _db().transaction() as db:
            user = accounts.create_user(
                db,
                email=email,
                password=password,
                role=role,
                carer_ref=carer_ref,
                child_ref=child_ref if role == "leaver" else None,
                authority=authority,
                app_secret=_config().keys,
                name=name,
            )
            if role == "carer" and child_ref:
                _grant(db, user, child_ref, carer_ref)
            created, uri = f"Created {user.role} account {user.email}", user.otpauth_uri
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    # Only now, after the commit: a reader that stops early (`| head -1`) cannot leave a
    # message of success for an account that was never saved.
    click.echo(created)
    if uri:
        click.echo("Second factor: add this to an authenticator app now. It is shown only once:")
        click.echo(uri)


def _grant(db, user, child_ref: str, carer_ref: str | None) -> str:
    """Let a carer account see one child: the grant names the child's own authority (an
    administrator is trusted with every record). Returns that authority."""
    try:
        record = records.load_record(db, child_ref)
    except records.RecordNotFound:
        raise accounts.AccountError(f"--child-ref: there is no record {child_ref}") from None
    authority = record["child"].get("responsible_authority")
    if not authority:
        raise accounts.AccountError(f"--child-ref: {child_ref} names no responsible authority")
    carer_ref = carer_ref or user.carer_ref
    if not carer_ref:
        raise accounts.AccountError("--carer-ref: say which carer ref the child is placed with")
    invitations.grant_carer(
        db, user, child_ref=child_ref, authority=authority, carer_ref=carer_ref, by=_actor()
    )
    return authority


@user_group.command("grant")
@click.argument("email")
@click.argument("child_ref")
@click.option(
    "--carer-ref", help="The carer ref the child is placed with (default: the account's own)."
)
def user_grant(email: str, child_ref: str, carer_ref: str | None) -> None:
    """Let a carer account see a child placed with them (ADR 0007)."""
    try:
        with _db().transaction() as db:
            user = db.scalar(select(User).where(User.email == email.strip().lower()))
            if user is None or user.role != "carer":
                raise accounts.AccountError(f"EMAIL: there is no carer account {email}")
            authority = _grant(db, user, child_ref, carer_ref)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{email} may now see {child_ref} (for {authority})")


@user_group.command("code")
@click.argument("email")
def user_code(email: str) -> None:
    """Print the security code an account's authenticator shows now (for demonstrations)."""
    try:
        with _db().transaction() as db:
            click.echo(accounts.current_code(db, email, _config().keys))
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
