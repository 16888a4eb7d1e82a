"""The nurse's caseload: every child of her authority with their flags, filtered and paged."""

from __future__ import annotations

import re
from math import ceil

from flask import Blueprint, g, render_template, request

from passport import access
from passport.caseload.service import build_caseload
from passport.config import Config
from passport.documents import service as documents
from passport.web import context
from passport.web.auth import require_role

PAGE_SIZE = 25
FILTERS = {
    "all": ("All children", lambda e: True),
    "overdue": ("Something overdue", lambda e: e.has_overdue()),
    "flags": ("Any flag", lambda e: bool(e.report.flags)),
    "uasc": ("Unaccompanied asylum-seeking", lambda e: e.unaccompanied_asylum_seeking),
    "out-of-area": ("Placed out of area", lambda e: e.out_of_area),
    "leaving-care": ("Leaving care soon (17 and over)", lambda e: e.leaving_care_soon),
}


def page_number(value: str, pages: int) -> int:
    """The page asked for, within 1..pages; page 1 for anything that is not a plain number
    ("²".isdigit() is true, but int("²") fails)."""
    if not re.fullmatch(r"[0-9]{1,6}", value):
        return 1
    return min(max(int(value), 1), pages)


@require_role("nurse", "admin")
def caseload():
    chosen = request.args.get("filter", "all")
    if chosen not in FILTERS:
        chosen = "all"
    today = context.today()
    with context.db().transaction() as session:
        entries = build_caseload(
            session,
            today,
            access.visible_versions(g.user, today),
            documents.leaver_summaries_issued(session),
        )
        context.audit(session, "view", "caseload")
    shown = [e for e in entries if FILTERS[chosen][1](e)]
    pages = max(1, ceil(len(shown) / PAGE_SIZE))
    page = page_number(request.args.get("page", "1"), pages)
    return render_template(
        "records/caseload.html",
        entries=shown[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        total=len(entries),
        shown=len(shown),
        page=page,
        pages=pages,
        filters=FILTERS,
        chosen=chosen,
        today=today,
    )


def make_blueprint(config: Config) -> Blueprint:
    bp = Blueprint("caseload", __name__)
    bp.add_url_rule("/caseload", view_func=caseload, methods=["GET"])
    return bp
