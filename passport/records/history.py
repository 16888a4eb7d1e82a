"""The record's history, as a nurse reads it: for each version, what changed in plain words,
who made it, when and why; and any earlier version opened read-only.

Opening the history or an earlier version is a view of the child's record, logged like any
other (ADR 0005).
"""

from __future__ import annotations

from flask import abort, render_template
from flask.typing import ResponseReturnValue

from passport.records import changes, service
from passport.records.editing import child_or_404
from passport.web import context
from passport.web.auth import require_role

nurse_only = require_role("nurse", "admin")


@nurse_only
def history_page(ref: str) -> ResponseReturnValue:
    with context.db().transaction() as session:
        version, record = child_or_404(session, ref)
        versions = service.history_with_records(session, ref)
        context.audit(session, "view", "record history", ref, version)
    rows = []
    before = None
    for info, then in versions:
        rows.append((info, changes.describe(before, then, info.reason)))
        before = then
    return render_template("records/history.html", record=record, rows=rows[::-1])


@nurse_only
def version_page(ref: str, number: int) -> ResponseReturnValue:
    with context.db().transaction() as session:
        current, record = child_or_404(session, ref)
        if not 1 <= number <= current:
            abort(404)
        then = service.load_record(session, ref, number)
        info = next(v for v in service.history(session, ref) if v.version == number)
        context.audit(session, "view", "record", ref, number)
    return render_template(
        "records/version.html",
        record=record,
        then=then,
        info=info,
        current=current,
        field_words=changes.field_words,
        value_words=changes.value_words,
    )


ROUTES = (
    ("/children/<ref>/history", history_page, ["GET"]),
    ("/children/<ref>/versions/<int:number>", version_page, ["GET"]),
)
