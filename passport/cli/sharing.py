"""`passport share`, `links` and `revoke`: sharing links from the command line."""

from __future__ import annotations

import base64
import sys
from pathlib import Path

import click

from passport.audit.service import record_event
from passport.cli.app import _actor, _config, _db, _not_found, _write, main
from passport.db import utcnow
from passport.documents.render import qr_data_url
from passport.records import service as records
from passport.sharing import service as sharing


def _days(value: str) -> int:
    text = value.strip().lower()
    if text.endswith("d"):
        text = text[:-1]
    if not text.isdigit():
        raise click.BadParameter(
            f"{value} is not a number of days like 30d", param_hint="--expires-in"
        )
    return int(text)


@main.command("share")
@click.argument("ref")
@click.option(
    "--document", "kind", required=True, type=click.Choice(["passport", "leaver-summary"])
)
@click.option(
    "--expires-in",
    "expires_in",
    default="30d",
    show_default=True,
    help="How long the link works: 1d to 365d.",
)
@click.option("--passcode-stdin", is_flag=True, help="Read a passcode (6+ characters) from stdin.")
@click.option("--label", default="", help="A name for the link the opener sees (80 characters).")
@click.option(
    "--base-url",
    default="https://localhost:5000",
    show_default=True,
    help="Where this installation is served: the link points here.",
)
@click.option(
    "--qr",
    "qr_file",
    type=click.Path(path_type=Path),
    help="Also write the link's QR code as a PNG file.",
)
@click.option(
    "--shared-by",
    "shared_by",
    default="",
    help="Your name, shown to whoever opens the link as who shared it "
    "(without it: the health team).",
)
def share_command(
    ref, kind, expires_in, passcode_stdin, label, base_url, qr_file, shared_by
) -> None:
    """Make an encrypted sharing link for a child's document and print it (once). The
    recipient is told who shared it, as with a link made on a page."""
    passcode = sys.stdin.readline().rstrip("\r\n") if passcode_stdin else None
    if len(shared_by.strip()) > sharing.MAX_SHARER_CHARS:
        raise click.BadParameter(
            f"must be at most {sharing.MAX_SHARER_CHARS} characters", param_hint="--shared-by"
        )
    try:
        with _db().transaction() as db:
            made = sharing.make_link(
                db,
                ref=ref,
                document=kind,
                label=label,
                days=_days(expires_in),
                passcode=passcode,
                base_url=base_url,
                actor=_actor(),
                now=utcnow(),
                today=_config().today(),
                sharer=sharing.sharer_for("admin", shared_by.strip() or None),
            )
            record_event(
                db,
                actor=_actor(),
                action="share",
                target=f"{kind} link",
                record_ref=ref,
                record_version=made.link.record_version,
            )
    except records.RecordNotFound:
        raise click.ClickException(_not_found(ref, None)) from None
    except sharing.ShareError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Link {made.link.public_id} works until "
        f"{made.link.expires_at:%Y-%m-%d %H:%M} UTC. It is shown only now:",
        err=True,
    )
    click.echo(made.url)
    if qr_file:  # after the link is printed, so a bad path cannot lose it
        _write(qr_file, base64.b64decode(qr_data_url(made.url).split(",", 1)[1]), "--qr")


@main.command("links")
@click.argument("ref")
def links_command(ref: str) -> None:
    """List a child's sharing links and who opened them."""
    with _db().transaction() as db:
        links = sharing.links_for(db, ref)
        now = utcnow()
        if not links:
            click.echo(f"No links for {ref}.")
        for link in links:
            click.echo(
                f"{link.public_id}  {link.status(now):<8} {link.document:<15} "
                f'until {link.expires_at:%Y-%m-%d}  "{link.label}"'
            )
            for access in link.accesses:
                click.echo(
                    f"    {access.at:%Y-%m-%d %H:%M:%S} UTC  {access.outcome:<15} "
                    f"{access.recipient}"
                )


@main.command("revoke")
@click.argument("link_id")
def revoke_command(link_id: str) -> None:
    """Cancel a sharing link at once."""
    try:
        with _db().transaction() as db:
            link = sharing.revoke(db, link_id, utcnow())
            record_event(
                db,
                actor=_actor(),
                action="revoke",
                target=f"{link.document} link",
                record_ref=link.record_ref,
            )
    except records.RecordNotFound:
        raise click.ClickException(f"no link {link_id}") from None
    click.echo(f'Link {link_id} ("{link.label}") is cancelled.')
