"""The `passport` command: importing, exporting and inspecting records, accounts, the database."""

from __future__ import annotations

import base64
import getpass
import json
import os
import sys
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup
from sqlalchemy import select

from passport import create_app
from passport.accounts import service as accounts
from passport.accounts.models import User
from passport.audit.service import record_event
from passport.caseload.service import (
    build_caseload,
    for_authority,
    sort_entries,
)
from passport.config import PROJECT_ROOT, Config
from passport.db import utcnow
from passport.documents import service as documents
from passport.documents.render import qr_data_url, render_html
from passport.migrations import upgrade_to_head
from passport.records import service as records
from passport.records.exchange import as_exchange_json
from passport.rules import check_record, render_text
from passport.sharing import service as sharing


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


def _db():
    return current_app.extensions["db"]


def _config():
    return current_app.extensions["passport_config"]


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


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


def _not_found(ref: str, version: int | None) -> str:
    if version is None:
        return f"no record with ref {ref}"
    return f"no version {version} of a record with ref {ref}"


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
    ("nurse@example.org", "demo-nurse-password", "nurse", {"authority": "Example City Council"}),
    ("carer@example.org", "demo-carer-password", "carer", {"carer_ref": "FC-0201"}),
    ("leaver@example.org", "demo-leaver-password", "leaver", {"child_ref": "FX-DANIEL"}),
)


# The children the demo carer (FC-0201) looks after, each granted as a nurse's invitation would.
DEMO_CARER_CHILDREN = ("FX-ELLIE", "FX-NOAH")


@main.command("demo")
def demo_command() -> None:
    """Load every record in fixtures/ and create the demo accounts. Safe to run again."""
    upgrade_to_head(_db().engine)
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
                    app_secret=_config().secret_key,
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
def user_create(role, email, carer_ref, child_ref, authority) -> None:
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
                app_secret=_config().secret_key,
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
    accounts.grant_carer(
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
            click.echo(accounts.current_code(db, email, _config().secret_key))
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None


@main.group("db")
def db_group() -> None:
    """The database."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Bring the database to the newest schema."""
    upgrade_to_head(_db().engine)
    click.echo("The database is up to date.")


def _as_of(value: str | None) -> date:
    if value is None:
        return _config().today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value} is not a date written YYYY-MM-DD", param_hint="--as-of"
        ) from None


@main.command("check")
@click.argument("ref")
@click.option(
    "--as-of", "as_of", metavar="YYYY-MM-DD", help="Check as on this day (default today)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def check_command(ref: str, as_of: str | None, as_json: bool) -> None:
    """What is overdue, missing or too weak to rely on in one child's record."""
    day = _as_of(as_of)
    try:
        with _db().transaction() as db:
            record = records.load_record(db, ref)
    except records.RecordNotFound:
        raise click.ClickException(_not_found(ref, None)) from None
    with _db().transaction() as db:
        issued = documents.latest_issue(db, ref)
    report = check_record(
        as_exchange_json(record), day, leaver_summary_issued_on=issued.issued_on if issued else None
    )
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(report))


@main.command("caseload")
@click.option(
    "--as-of", "as_of", metavar="YYYY-MM-DD", help="Check as on this day (default today)."
)
@click.option("--json", "as_json", is_flag=True, help="Print every child's report as JSON.")
@click.option(
    "--sort",
    "sort_by",
    type=click.Choice(["urgency", "name", "next-rha", "age"]),
    default="urgency",
    show_default=True,
)
@click.option("--authority", help="Only the records of this responsible authority.")
def caseload_command(as_of: str | None, as_json: bool, sort_by: str, authority: str | None) -> None:
    """Every child with their flags, most urgent first."""
    day = _as_of(as_of)
    with _db().transaction() as db:
        entries = sort_entries(
            build_caseload(
                db, day, for_authority(authority), documents.leaver_summaries_issued(db)
            ),
            sort_by,
        )
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "name": e.name,
                        "age": e.age,
                        "placement_area": e.placement_area,
                        **e.report.to_json(),
                    }
                    for e in entries
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    click.echo(f"{len(entries)} children, as of {day.isoformat()}")
    for e in entries:
        due = e.report.next_rha_due.isoformat() if e.report.next_rha_due else "-"
        codes = ", ".join(dict.fromkeys(f.code for f in e.report.flags)) or "no flags"
        click.echo(f"{e.ref:<16} {e.name[:28]:<28} {e.age:>3}  RHA due {due:<10}  {codes}")


@main.command("render")
@click.argument("ref")
@click.option(
    "--document",
    "kind",
    required=True,
    type=click.Choice(["passport", "leaver-summary", "carer-sheet"]),
)
@click.option(
    "--format", "fmt", type=click.Choice(["pdf", "html"]), default="pdf", show_default=True
)
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Make it as on this day.")
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(path_type=Path),
    help="The file to write.",
)
def render_command(ref: str, kind: str, fmt: str, as_of: str | None, output: Path) -> None:
    """Make a child's health passport, care-leaver summary or carer's sheet."""
    day = _as_of(as_of)
    try:
        with _db().transaction() as db:
            if fmt == "pdf":
                data = documents.pdf_for(db, ref, kind, day).data
            else:
                _, document = documents.build_document(db, ref, kind, day)
                data = render_html(document).encode()
            record_event(
                db, actor=_actor(), action="download", target=f"{kind} {fmt}", record_ref=ref
            )
    except records.RecordNotFound:
        raise click.ClickException(_not_found(ref, None)) from None
    _write(output, data, "-o")
    click.echo(f"Wrote {output} ({len(data):,} bytes)")


@main.command("issue")
@click.argument("ref")
def issue_command(ref: str) -> None:
    """Record that the care-leaver summary was given to the young person today."""
    try:
        with _db().transaction() as db:
            issued = documents.issue_leaver_summary(db, ref, actor=_actor(), on=_config().today())
            record_event(
                db,
                actor=_actor(),
                action="issue",
                target="leaver summary",
                record_ref=ref,
                record_version=issued.record_version,
            )
    except records.RecordNotFound:
        raise click.ClickException(_not_found(ref, None)) from None
    click.echo(
        f"Issued the care-leaver summary of {ref} (version {issued.record_version}) "
        f"on {issued.issued_on.isoformat()}"
    )


def _write(path: Path, data: bytes, option: str) -> None:
    try:
        path.write_bytes(data)
    except OSError as error:
        raise click.ClickException(f"{option}: cannot write {path} ({error.strerror})") from None


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
def share_command(ref, kind, expires_in, passcode_stdin, label, base_url, qr_file) -> None:
    """Make an encrypted sharing link for a child's document and print it (once)."""
    passcode = sys.stdin.readline().rstrip("\r\n") if passcode_stdin else None
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
