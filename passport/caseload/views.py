"""The nurse's caseload: every child of her authority with their flags, filtered, searched,
sorted and paged."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from math import ceil

from flask import Blueprint, g, render_template, request

from passport import access
from passport.caseload import stored
from passport.caseload.service import SORTS, CaseloadEntry, build_caseload, sort_entries
from passport.config import Config
from passport.documents import service as documents
from passport.records import workflow
from passport.web import context
from passport.web.auth import require_role

PAGE_SIZE = 25
MAX_SEARCH = 100


@dataclass(frozen=True)
class Known:
    """What the filters need beyond each child's report."""

    corrections: Collection[str]  # refs with a correction request waiting for an answer
    leaver_summaries: Collection[str]  # refs with a care-leaver summary issued


Filter = Callable[[CaseloadEntry, Known], bool]
FILTERS: dict[str, tuple[str, Filter]] = {
    "all": ("All children", lambda e, k: True),
    "overdue": ("Something overdue", lambda e, k: e.has_overdue()),
    "review-overdue": ("Review health assessment overdue", lambda e, k: e.review_overdue()),
    "correction": ("Correction requested", lambda e, k: e.ref in k.corrections),
    "leaver-summary-due": (
        "Leaver summary due (16 and over, none issued)",
        lambda e, k: e.leaver_summary_due(k.leaver_summaries),
    ),
    "flags": ("Any flag", lambda e, k: bool(e.report.codes())),
    "uasc": ("Unaccompanied asylum-seeking", lambda e, k: e.unaccompanied_asylum_seeking),
    "out-of-area": ("Placed out of area", lambda e, k: e.out_of_area),
    "leaving-care": ("Leaving care soon (17 and over)", lambda e, k: e.leaving_care_soon),
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
    order = request.args.get("sort", "urgency")
    if order not in SORTS:
        order = "urgency"
    search = " ".join(request.args.get("q", "").split())[:MAX_SEARCH]
    today = context.today()
    with context.db().transaction() as session:
        issued = documents.leaver_summaries_issued(session)
        entries = build_caseload(session, today, access.visible_versions(g.user, today), issued)
        known = Known(workflow.refs_with_open_corrections(session), set(issued))
        context.audit(session, "view", "caseload")
    keep = FILTERS[chosen][1]
    shown = sort_entries(
        (e for e in entries if keep(e, known) and e.matches(search)),
        order,
    )
    pages = max(1, ceil(len(shown) / PAGE_SIZE))
    page = page_number(request.args.get("page", "1"), pages)
    on_page = shown[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    with context.db().transaction() as session:
        stored.read_details(session, on_page)  # the flags' wording of the rows shown only
    return render_template(
        "records/caseload.html",
        entries=on_page,
        total=len(entries),
        shown=len(shown),
        page=page,
        pages=pages,
        filters=FILTERS,
        chosen=chosen,
        sorts=SORTS,
        order=order,
        search=search,
        corrections=known.corrections,
        today=today,
    )


def make_blueprint(config: Config) -> Blueprint:
    bp = Blueprint("caseload", __name__)
    bp.add_url_rule("/caseload", view_func=caseload, methods=["GET"])
    return bp
