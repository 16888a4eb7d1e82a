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

The decisions behind each flag are in ``passport.rules.checks`` (each flag worked out by a
helper of its own in ``assessment_flags``, ``care_flags``, ``immunisation_flags`` or
``screening_flags``); the immunisation schedule is data (``schedule.json``, with a source for
each row, read by ``passport.rules.schedule``) applied by ``passport.rules.immunisations``;
screening by country of origin is data (``arrival_screening.json``) applied by
``passport.rules.screening``; working-day arithmetic is in ``passport.rules.working_days``.
The sources of every rule are in ``docs/rules.md``.
"""

from . import screening, working_days
from .checks import FLAG_CODES, SDQ_BANDS, check_record, is_vague_summary, next_review_due
from .immunisations import (
    Course,
    DueDose,
    ImmunisationStatus,
    MissingDose,
    assess_immunisations,
    catch_up_start,
    load_schedule,
)
from .report import SEVERITIES, CheckReport, Flag, plan_lines, render_text

__all__ = [
    "FLAG_CODES",
    "SDQ_BANDS",
    "SEVERITIES",
    "CheckReport",
    "Course",
    "DueDose",
    "Flag",
    "ImmunisationStatus",
    "MissingDose",
    "assess_immunisations",
    "catch_up_start",
    "check_record",
    "is_vague_summary",
    "load_schedule",
    "next_review_due",
    "plan_lines",
    "render_text",
    "screening",
    "working_days",
]
