"""The foster carer's pages: the children placed with them today (through the grants of
ADR 0007), each one's placement health sheet, and the plan actions they own."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, url_for

from passport import access
from passport.config import Config
from passport.documents import service as documents
from passport.documents.content import build as build_document
from passport.documents.render import render_html
from passport.records import service as records
from passport.records import workflow
from passport.records.bulk import current_records
from passport.records.exchange import as_exchange_json
from passport.web import context
from passport.web.auth import require_role, visible_record
from passport.web.fields import ConfirmForm

carer_only = require_role("carer")
# How many times a carer's "mark done" reads the record again when another save came first.
SAVE_TRIES = 3


def placed_child(session: Any, ref: str) -> tuple[int, dict[str, Any]]:
    return visible_record(session, ref, context.today())


def _list_entry(record: dict[str, Any], today: Any) -> dict[str, Any]:
    """One child on the carer's list: name, age, and badges for allergies and overdue care,
    from the same sheet content (and so the same current view) the child's page uses."""
    sheet = build_document("carer-sheet", as_exchange_json(record), today).sections
    return {
        "record": record,
        "age": sheet["about"]["age"],
        "allergies": bool(sheet["allergies"]),
        "overdue": sheet["anything_overdue"],
    }


@carer_only
def home():
    today = context.today()
    with context.db().transaction() as session:
        children = [
            _list_entry(record, today)
            for _, record in current_records(session, access.visible_versions(g.user, today))
        ]
    return render_template("homes/carer_home.html", children=children, today=today)


@carer_only
def child(ref: str):
    today = context.today()
    with context.db().transaction() as session:
        version, record = placed_child(session, ref)
        context.audit(session, "view", "placement sheet", ref, version)
    doc = build_document("carer-sheet", as_exchange_json(record), today)
    return render_template(
        "homes/carer_child.html",
        record=record,
        doc=doc,
        s=doc.sections,
        actions=workflow.owned_actions(record, "carer"),
    )


@carer_only
def sheet(ref: str):
    with context.db().transaction() as session:
        version, record = placed_child(session, ref)
        context.audit(session, "view", "carer-sheet HTML", ref, version)
    return render_html(build_document("carer-sheet", as_exchange_json(record), context.today()))


@carer_only
def sheet_pdf(ref: str):
    with context.db().transaction() as session:
        placed_child(session, ref)
        pdf = documents.pdf_for(session, ref, "carer-sheet", context.today())
        context.audit(session, "download", "carer-sheet PDF", ref, pdf.version)
    return Response(
        pdf.data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{ref}-placement-health-sheet.pdf"'},
    )


def _complete(ref: str, assessment_id: str, index: int) -> str:
    with context.db().transaction() as session:
        version, record = placed_child(session, ref)
        try:
            action, saved = workflow.complete_action(
                session,
                ref=ref,
                version=version,
                record=record,
                assessment_id=assessment_id,
                index=index,
                owner="carer",
                actor=g.user.email,
                today=context.today(),
            )
        except workflow.NoSuchAction:
            abort(404)
        if saved is not None:
            context.audit(session, "edit", "health plan action", ref, saved)
    return action


@carer_only
def mark_done(ref: str, assessment_id: str, index: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    # Another save may land between reading the record and saving it (a nurse's edit, the
    # carer's other tab): read again and retry, and say so if it keeps happening.
    for _ in range(SAVE_TRIES):
        try:
            action = _complete(ref, assessment_id, index)
        except (records.EditConflict, records.RecordExists):
            continue  # RecordExists: on SQLite the other save took the version number first
        flash(f"Marked as done: {action}")
        return redirect(url_for("carer.child", ref=ref))
    flash(
        "Someone else was saving this child's record at the same moment, so nothing was "
        "changed. Try again.",
        "warning",
    )
    return redirect(url_for("carer.child", ref=ref))


ROUTES = (
    ("", home, ["GET"]),
    ("/<ref>", child, ["GET"]),
    ("/<ref>/sheet", sheet, ["GET"]),
    ("/<ref>/sheet.pdf", sheet_pdf, ["GET"]),
    ("/<ref>/actions/<assessment_id>/<int:index>/done", mark_done, ["POST"]),
)


def make_blueprint(config: Config) -> Blueprint:
    bp = Blueprint("carer", __name__, url_prefix="/placements")
    for rule, view, methods in ROUTES:
        bp.add_url_rule(rule, view_func=view, methods=methods)
    return bp
