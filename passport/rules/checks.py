"""The checks run on one child's record: which flags it raises on a given day.

``check_record(record, as_of, leaver_summary_issued_on=...)`` takes one record in the
exchange format (``lac-health-record/1``, already validated, dates as ISO strings, optional
fields possibly absent) and returns a ``CheckReport``. It is pure: no database, no Flask, no
clock (``as_of`` is the day of the check). Events dated after ``as_of`` are ignored, so a check
can be replayed for a past date.

Decisions (each with its source in ``shared/design/rules.md`` unless stated):

Who is in care
  * The child is in care on ``as_of`` when ``entered_care <= as_of``, ``left_care`` is absent or
    after ``as_of``, and the child is under 18. A young person of 18 or over is treated as
    having left care on their 18th birthday even if ``left_care`` was never recorded.
  * For a child not in care (left, or not yet entered) only these flags are raised:
    LEAVER_SUMMARY_DUE, and IMMUNISATIONS_INCOMPLETE / IMMUNISATION_HISTORY_UNKNOWN as ``info``
    (the care-leaver summary must tell the young person what is still due). Assessments,
    requests, plans, SDQ, dental, GP and screening are the looked-after children's team's
    business only while the child is looked after, so they are not raised; ``next_rha_due`` is
    None.

Initial health assessment (IHA)
  * Due by the 20th working day after ``entered_care`` (``working_days``: weekends and England
    bank holidays skipped; the day of entry is not counted; the 20th working day itself is on
    time).
  * An IHA dated up to 3 months before ``entered_care`` counts ("may be skipped if a full
    assessment was done in the previous 3 months"); older IHAs belong to an earlier period in
    care and do not. The first counting IHA is the one checked.
  * IHA_MISSING when there is none and ``as_of`` is after the 20th working day: ``urgent``;
    ``warning`` instead (find the report, do not book a new IHA) when a later RHA is recorded.
  * IHA_LATE (``info``: nothing to book, but it is reported to commissioners) when it was done
    after the 20th working day.

Review health assessment (RHA)
  * Counted from the last assessment of either kind in this period in care (dated on or after
    3 months before ``entered_care``, as for the IHA: a child coming back into care starts
    again with an IHA). The next one is due 6 months later if the child is still under 5 on
    that 6-month date, otherwise 12 months later. So a child who turns 5 before the 6-month
    date moves to the yearly cycle at once.
  * No RHA falls due on or after the 18th birthday, or after the child has left care
    (``next_rha_due`` is then None). None too before any assessment of this period exists
    (the IHA flags cover that). RHA_OVERDUE (``urgent``) when ``as_of`` is after the due date.
  * ``as_of`` may be a ``datetime``; its date is used.

Quality of each assessment (CONSENT_NOT_RECORDED, PRACTITIONER_INCOMPLETE, IHA_NOT_BY_DOCTOR,
VAGUE_FINDINGS, NO_GP_CAMHS_INPUT): one flag per assessment, ``warning`` for the most recent
assessment (it can still be put right before the plan is used) and ``info`` for older ones
(history, still worth an audit). Each carries ``assessment_id`` and ``since`` (the assessment date).
  * CONSENT_NOT_RECORDED: no ``consent`` or status ``not_recorded`` (``declined`` and
    ``partial`` are recorded answers).
  * PRACTITIONER_INCOMPLETE: no (or blank) ``grade`` or ``registration`` (or, format /2,
    ``registration_number``); ``missing`` lists which.
  * IHA_NOT_BY_DOCTOR: an IHA whose practitioner's register is known and is not the GMC
    (``registration_body``, format /2, else a /1 ``registration`` starting with NMC or HCPC).
    An unknown register is not flagged: an old record without one is no evidence of a
    non-doctor. Carries ``registration_body``.
  * VAGUE_FINDINGS: no ``findings``, no ``summary``, or a summary made only of stock phrases and
    filler words ("No concerns.", "NAD", "Fit and well, no issues", "n/a"), after ignoring case
    and punctuation; see ``is_vague_summary``. A summary with any other word is not vague.
  * NO_GP_CAMHS_INPUT: GP input means ``gp`` in ``sources_consulted`` or a request to the GP
    for that assessment with a ``received_on``. CAMHS input (same rule with ``camhs``) is needed
    only when CAMHS was involved by the assessment date: a ``mental_health`` episode whose
    service or notes mention CAMHS (or "child and adolescent mental health") and that started
    (earliest of its dates) on or before the assessment, or is undated; or a request sent to
    CAMHS on or before it. Past involvement counts ("has had CAMHS involvement").

Information requests
  * INFO_REQUEST_OUTSTANDING (``warning``) when there is no ``received_on`` and ``as_of`` is
    after the 15th working day after ``sent_on``; ``due`` is that 15th working day.

Immunisations (see ``immunisations``): IMMUNISATIONS_INCOMPLETE (``warning``) when any routine
dose is missing, ``since`` the oldest due date; for an uncertain or incomplete history its
message is the catch-up plan from the catch-up start ("3 doses of Td/IPV, at least 4 weeks
apart (the first due now)"). IMMUNISATION_HISTORY_UNKNOWN (``warning``) when
``immunisation_history_status`` is ``unknown``.

Screening on arrival (see ``screening``; ``docs/rules.md``): UASC_SCREENING_INCOMPLETE
(``warning``) for an unaccompanied asylum-seeking child, ARRIVAL_SCREENING_INCOMPLETE
(``warning``) for another child who arrived from abroad in the last 5 years (known
``child.arrived_in_uk``): a test indicated by status and country of origin without a result
other than ``pending`` (``declined`` is a recorded result). ``missing`` lists the tests,
``country`` names the country. BCG_ELIGIBLE (``warning``): a new entrant from a
high-incidence TB country with no BCG recorded and no positive TB result (NICE NG33).

SDQ: each version has its own bands (``SDQ_BANDS``, Youth in Mind's four-band scoring:
"slightly raised" is borderline, "high" or "very high" a cause for concern): carer 14-16 /
17+, young person (self-report) 15-17 / 18+, teacher 12-15 / 16+. The version is the /1
field ``sdq.completed_by`` (carer when absent). The date of an SDQ is its own ``date``, else
the assessment date. The latest score of each version counts; the flag says whose it was
(``completed_by``). The yearly statutory SDQ is the carer's, so only it can be missing.
  * SDQ_MISSING (``warning``): aged 4 to 16 (from the 4th birthday to the day before the 17th),
    in care for 12 months or more, and no carer SDQ dated within the 12 months up to ``as_of``
    (one exactly 12 months old still counts). A rolling year is used rather than the 31 March
    return date, so the flag appears when the SDQ lapses, not once a year.
  * SDQ_BORDERLINE (``warning``) and SDQ_CONCERN (``urgent``) on the latest score of each
    version, however old, with ``score``, ``since`` and ``completed_by``.

HEALTH_PLAN_ACTION_OVERDUE (``warning``): one flag per ``open`` action whose ``due`` is before
``as_of``.

DENTAL_CHECK_OVERDUE (``warning``): from the first birthday (first teeth come at about 6 to 12
months; NHS advice is to see a dentist once they appear and by the first birthday), when no
check is dated within the 12 months up to ``as_of``. ``due`` is 12 months after the last
check, or the later of the first birthday and entering care when there has been none.

SIGHT_TEST_OVERDUE (``warning``): once the Reception year is over (every child is offered vision
screening at 4 to 5, in Reception: UK NSC, child vision screening service specification), no
sight test (``optical_checks``, or a ``vision`` screening with a result) dated within the 2
years up to ``as_of`` (one exactly 2 years old still counts). The NHS advises a sight test
every 2 years, free for children; the health plan must cover vision screening (Care Planning
Regulations 2010, Schedule 1). ``due`` is 2 years after the last, or the later of the end of
Reception and entering care when there has been none.

GP_NOT_REGISTERED (``urgent``): no ``contacts.gp``.

LEAVER_SUMMARY_DUE: from the day the young person is 17 years 6 months old until a care-leaver
summary has been issued (``leaver_summary_issued_on`` is None, or is after ``as_of``), up to the
25th birthday (the leaving-care duties end there). ``warning`` before the 18th birthday,
``urgent`` from it. Not raised for a child who left care before the 16th birthday (not a care
leaver).

Where each flag is worked out (one helper per flag): ``assessment_flags`` (IHA, RHA, the quality
of each assessment, SDQ; ``vague_summary`` for VAGUE_FINDINGS), ``care_flags`` (information
requests, health plan actions, dental, sight tests, GP registration, the care-leaver summary),
``immunisation_flags`` and ``screening_flags``. The child and assessments as they all read them
are in ``record_view``. This module keeps the codes and the order in which they are gathered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from .assessment_flags import (
    IHA_WORKING_DAYS,
    iha_flags,
    next_rha_due_for,
    quality_flags,
    rha_overdue_flags,
    sdq_flags,
)
from .assessment_flags import SDQ_BANDS as SDQ_BANDS
from .assessment_flags import SDQ_BORDERLINE as SDQ_BORDERLINE
from .assessment_flags import SDQ_CONCERN_FROM as SDQ_CONCERN_FROM
from .assessment_flags import SDQ_WHOSE as SDQ_WHOSE
from .assessment_flags import next_review_due as next_review_due
from .care_flags import (
    INFO_REQUEST_WORKING_DAYS,
    dental_flags,
    gp_registration_flags,
    health_plan_flags,
    information_request_flags,
    leaver_summary_flags,
    sight_test_flags,
)
from .care_flags import SIGHT_TEST_MONTHS as SIGHT_TEST_MONTHS
from .immunisation_flags import immunisation_flags
from .immunisations import assess_immunisations
from .record_view import Assessment, Child, read_assessments, read_child
from .report import CheckReport, Flag
from .screening import UASC_TESTS as UASC_TESTS
from .screening_flags import arrival_flags
from .vague_summary import is_vague_summary as is_vague_summary

__all__ = [
    "FLAG_CODES",
    "IHA_WORKING_DAYS",
    "INFO_REQUEST_WORKING_DAYS",
    "check_record",
    "is_vague_summary",
    "next_review_due",
]

FLAG_CODES = (
    "IHA_MISSING",
    "IHA_LATE",
    "RHA_OVERDUE",
    "CONSENT_NOT_RECORDED",
    "PRACTITIONER_INCOMPLETE",
    "IHA_NOT_BY_DOCTOR",
    "VAGUE_FINDINGS",
    "NO_GP_CAMHS_INPUT",
    "INFO_REQUEST_OUTSTANDING",
    "IMMUNISATIONS_INCOMPLETE",
    "IMMUNISATION_HISTORY_UNKNOWN",
    "UASC_SCREENING_INCOMPLETE",
    "ARRIVAL_SCREENING_INCOMPLETE",
    "BCG_ELIGIBLE",
    "SDQ_MISSING",
    "SDQ_BORDERLINE",
    "SDQ_CONCERN",
    "HEALTH_PLAN_ACTION_OVERDUE",
    "DENTAL_CHECK_OVERDUE",
    "SIGHT_TEST_OVERDUE",
    "GP_NOT_REGISTERED",
    "LEAVER_SUMMARY_DUE",
)


def check_record(
    record: Mapping[str, Any], as_of: date, *, leaver_summary_issued_on: date | None = None
) -> CheckReport:
    """Check one child's record (exchange format) on ``as_of``. See the module docstring."""
    if isinstance(as_of, datetime):
        as_of = as_of.date()
    child = read_child(record, as_of)
    assessments = read_assessments(record, as_of)
    immunisations = assess_immunisations(record, as_of)
    flags: list[Flag] = []
    next_rha_due = None
    if child.in_care:
        next_rha_due = next_rha_due_for(child, assessments)
        flags += _in_care_flags(record, child, assessments, next_rha_due, as_of)
    flags += immunisation_flags(record, immunisations, child.in_care)
    flags += leaver_summary_flags(child, as_of, leaver_summary_issued_on)
    flags.sort(key=lambda flag: flag.sort_key)
    return CheckReport(
        ref=child.ref,
        as_of=as_of,
        flags=flags,
        next_rha_due=next_rha_due,
        immunisations=immunisations,
    )


def _in_care_flags(
    record: Mapping[str, Any],
    child: Child,
    assessments: Sequence[Assessment],
    next_rha_due: date | None,
    as_of: date,
) -> list[Flag]:
    """The flags raised only while the child is looked after, gathered in this order."""
    return [
        *iha_flags(child, assessments, as_of),
        *rha_overdue_flags(next_rha_due, as_of),
        *quality_flags(record, assessments, as_of),
        *information_request_flags(record, as_of),
        *arrival_flags(record, child, as_of),
        *sdq_flags(child, assessments, as_of),
        *health_plan_flags(assessments, as_of),
        *dental_flags(record, child, as_of),
        *sight_test_flags(record, child, as_of),
        *gp_registration_flags(record, child),
    ]
