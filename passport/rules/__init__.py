"""Clinical and statutory rules for looked-after children's health records.

Pure Python: no Flask, no database. One call checks one child's record on one day::

    from passport.rules import check_record, render_text
    report = check_record(record, as_of, leaver_summary_issued_on=None)
    report.flags          # Flag objects, most urgent first
    report.next_rha_due   # date or None
    report.immunisations  # ImmunisationStatus(missing=..., due_soon=...)
    report.urgency        # sort key for a caseload: sorted(reports, key=lambda r: r.urgency)
    report.to_json()      # the JSON shape used by ``passport check --json`` and the API
    render_text(report)   # plain text for the command line

The decisions behind each flag are in ``passport.rules.checks``; the immunisation schedule is
data (``schedule.json``, with a source for each row) applied by ``passport.rules.immunisations``;
working-day arithmetic is in ``passport.rules.working_days``.
"""

from . import working_days
from .checks import FLAG_CODES, check_record, is_vague_summary, next_review_due
from .immunisations import (
    DueDose,
    ImmunisationStatus,
    MissingDose,
    assess_immunisations,
    load_schedule,
)
from .report import SEVERITIES, CheckReport, Flag, render_text

__all__ = [
    "FLAG_CODES",
    "SEVERITIES",
    "CheckReport",
    "DueDose",
    "Flag",
    "ImmunisationStatus",
    "MissingDose",
    "assess_immunisations",
    "check_record",
    "is_vague_summary",
    "load_schedule",
    "next_review_due",
    "render_text",
    "working_days",
]
