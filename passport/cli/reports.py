"""`passport check`, `caseload`, `render` and `issue`: what the rules and documents say."""

from __future__ import annotations

import json
from pathlib import Path

import click

from passport.audit.service import record_event
from passport.caseload import stored
from passport.caseload.service import (
    build_caseload,
    for_authority,
    sort_entries,
)
from passport.cli.app import _actor, _as_of, _config, _db, _not_found, _write, main
from passport.documents import service as documents
from passport.documents.render import render_html
from passport.records import service as records
from passport.records.exchange import as_exchange_json
from passport.rules import check_record, render_text


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
            stored.read_details(db, entries)  # every report whole, in one query
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
        codes = ", ".join(dict.fromkeys(e.report.codes())) or "no flags"
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
