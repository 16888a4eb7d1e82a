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

Quality of each assessment (CONSENT_NOT_RECORDED, PRACTITIONER_INCOMPLETE, VAGUE_FINDINGS,
NO_GP_CAMHS_INPUT): one flag per assessment, ``warning`` for the most recent assessment (it can
still be put right before the plan is used) and ``info`` for older ones (history, still worth an
audit). Each carries ``assessment_id`` and ``since`` (the assessment date).
  * CONSENT_NOT_RECORDED: no ``consent`` or status ``not_recorded`` (``declined`` and
    ``partial`` are recorded answers).
  * PRACTITIONER_INCOMPLETE: no (or blank) ``grade`` or ``registration``; ``missing`` lists which.
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
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from . import screening
from .dates import (
    add_months,
    age_date,
    long_date,
    parse_date,
    required_date,
    school_year_end,
)
from .immunisations import ImmunisationStatus, assess_immunisations
from .report import CheckReport, Flag, plan_lines
from .working_days import add_working_days, working_days_between

__all__ = [
    "FLAG_CODES",
    "IHA_WORKING_DAYS",
    "INFO_REQUEST_WORKING_DAYS",
    "check_record",
    "is_vague_summary",
    "next_review_due",
]

IHA_WORKING_DAYS = 20
INFO_REQUEST_WORKING_DAYS = 15
# Total difficulties score: (borderline from, cause for concern from), per version. Youth in
# Mind, "Scoring the SDQ" (sdqinfo.org), four-band categorisation: "slightly raised" is
# borderline, "high" and "very high" a cause for concern. Carer (parent) 0-13 / 14-16 / 17-40,
# young person (self-report, 11-17) 0-14 / 15-17 / 18-40, teacher 0-11 / 12-15 / 16-40.
SDQ_BANDS = {"carer": (14, 17), "young_person": (15, 18), "teacher": (12, 16)}
SDQ_BORDERLINE = range(*SDQ_BANDS["carer"])
SDQ_CONCERN_FROM = SDQ_BANDS["carer"][1]
SDQ_WHOSE = {
    "carer": "carer's",
    "young_person": "young person's own (self-report)",
    "teacher": "teacher's",
}
UASC_TESTS = screening.UASC_TESTS
SIGHT_TEST_MONTHS = 24

FLAG_CODES = (
    "IHA_MISSING",
    "IHA_LATE",
    "RHA_OVERDUE",
    "CONSENT_NOT_RECORDED",
    "PRACTITIONER_INCOMPLETE",
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

_KIND = {"IHA": "initial health assessment", "RHA": "review health assessment"}
_TEST_NAMES = screening.TEST_NAMES
_WHO = {
    "gp": "the GP",
    "camhs": "CAMHS",
    "school_nurse": "the school nurse",
    "health_visitor": "the health visitor",
    "previous_authority": "the previous local authority",
    "hospital": "the hospital",
    "other": "another service",
}
_OWNER = {
    "carer": "carer",
    "young_person": "young person",
    "social_worker": "social worker",
    "lac_nurse": "LAC nurse",
    "gp": "GP",
    "camhs": "CAMHS",
    "dentist": "dentist",
    "school_nurse": "school nurse",
    "other": "other",
}

# Stock phrases that say nothing on their own, and words that add nothing to them.
_VAGUE_PHRASE_TEXT = (
    "no concerns",
    "no concern",
    "no current concerns",
    "no health concerns",
    "no issues",
    "no issue",
    "no problems",
    "no problem",
    "no worries",
    "no information",
    "no info",
    "nothing to report",
    "nothing of note",
    "nothing significant",
    "nothing abnormal detected",
    "nad",
    "ntr",
    "nil",
    "nil of note",
    "none",
    "not known",
    "unknown",
    "not applicable",
    "n a",
    "na",
    "fine",
    "well",
    "fit",
    "ok",
    "okay",
    "good",
    "healthy",
    "normal",
    "satisfactory",
    "unremarkable",
    "as before",
    "as previous",
    "no change",
    "no changes",
    "same as before",
    "all good",
    "all fine",
    "all well",
)
_VAGUE_PHRASES: dict[str, tuple[tuple[str, ...], ...]] = {}
for _phrase in sorted((tuple(text.split()) for text in _VAGUE_PHRASE_TEXT), key=len, reverse=True):
    _VAGUE_PHRASES[_phrase[0]] = (*_VAGUE_PHRASES.get(_phrase[0], ()), _phrase)
_FILLER = frozenset(
    (
        "and",
        "all",
        "is",
        "are",
        "was",
        "were",
        "appears",
        "appeared",
        "seems",
        "seemed",
        "looks",
        "very",
        "currently",
        "at",
        "present",
        "this",
        "time",
        "noted",
        "identified",
        "raised",
        "reported",
        "today",
        "overall",
        "generally",
        "child",
        "young",
        "person",
        "he",
        "she",
        "they",
        "health",
        "physically",
        "emotionally",
        "so",
        "far",
        "the",
        "in",
        "of",
        "doing",
        "presents",
        "everything",
        "also",
        "information",
        "info",
    )
)
_DROP = re.compile(r"[.'\u2019]|(?<=\bn)/(?=a\b)")  # "N.A.D." is "nad", "n/a" is "na"
_NON_WORD = re.compile(r"[^a-z0-9]+")
_CAMHS = re.compile(r"\bcamhs\b|child and adolescent mental health", re.IGNORECASE)


def is_vague_summary(summary: str | None) -> bool:
    """True for a missing or empty summary, or one made only of stock phrases and filler."""
    if summary is None:
        return True
    words = _NON_WORD.sub(" ", _DROP.sub("", summary.casefold())).split()
    position = 0
    while position < len(words):
        if words[position] in _FILLER:
            position += 1
            continue
        for phrase in _VAGUE_PHRASES.get(words[position], ()):
            if tuple(words[position : position + len(phrase)]) == phrase:
                position += len(phrase)
                break
        else:
            return False
    return True


def next_review_due(date_of_birth: date, last_assessment: date | None) -> date | None:
    """The next RHA date after ``last_assessment`` (None after the 18th birthday)."""
    if last_assessment is None:
        return None
    in_six_months = add_months(last_assessment, 6)
    if in_six_months < age_date(date_of_birth, years=5):
        due = in_six_months
    else:
        due = add_months(last_assessment, 12)
    return due if due < age_date(date_of_birth, years=18) else None


@dataclass(frozen=True, slots=True)
class _Assessment:
    id: str
    type: str
    date: date
    data: Mapping[str, Any]

    @property
    def label(self) -> str:
        return f"{_KIND.get(self.type, 'health assessment')} {self.id} on {long_date(self.date)}"


@dataclass(frozen=True, slots=True)
class _Child:
    ref: str
    name: str
    date_of_birth: date
    entered_care: date
    left_care: date | None
    in_care: bool


def _child(record: Mapping[str, Any], as_of: date) -> _Child:
    child = record["child"]
    date_of_birth = parse_date(child["date_of_birth"])
    entered = parse_date(child["entered_care"])
    left = parse_date(child.get("left_care"))
    assert date_of_birth is not None and entered is not None
    in_care = (
        entered <= as_of
        and (left is None or as_of < left)
        and as_of < age_date(date_of_birth, years=18)
    )
    name = child.get("preferred_name") or child.get("given_name") or child["ref"]
    return _Child(child["ref"], name, date_of_birth, entered, left, in_care)


def _assessments(record: Mapping[str, Any], as_of: date) -> list[_Assessment]:
    found = []
    for data in record.get("assessments") or ():
        when = parse_date(data["date"])
        if when is not None and when <= as_of:
            found.append(_Assessment(data["id"], data["type"], when, data))
    found.sort(key=lambda assessment: assessment.date)  # stable: record order breaks ties
    return found


def _flag(code: str, severity: str, message: str, **extra: Any) -> Flag:
    return Flag(
        code, severity, message, {key: value for key, value in extra.items() if value is not None}
    )


def _iha_flags(child: _Child, assessments: Sequence[_Assessment], as_of: date) -> list[Flag]:
    deadline = add_working_days(child.entered_care, IHA_WORKING_DAYS)
    counted_from = add_months(child.entered_care, -3)
    ihas = [a for a in assessments if a.type == "IHA" and a.date >= counted_from]
    if not ihas:
        if as_of <= deadline:
            return []
        if any(a.type == "RHA" and a.date >= child.entered_care for a in assessments):
            return [
                _flag(
                    "IHA_MISSING",
                    "warning",
                    f"No initial health assessment is recorded for this time in care (it was due "
                    f"by {long_date(deadline)}), although later review health assessments are. "
                    f"Find the IHA report and add it to the record.",
                    due=deadline,
                )
            ]
        return [
            _flag(
                "IHA_MISSING",
                "urgent",
                f"No initial health assessment is recorded. It was due by {long_date(deadline)}, "
                f"20 working days after coming into care on {long_date(child.entered_care)}. "
                f"Book it now.",
                due=deadline,
            )
        ]
    iha = ihas[0]
    if iha.date <= deadline:
        return []
    late_by = working_days_between(deadline, iha.date)
    return [
        _flag(
            "IHA_LATE",
            "info",
            f"The initial health assessment {iha.id} was done on {long_date(iha.date)}, "
            f"{late_by} working day{'s' if late_by != 1 else ''} after it was due on "
            f"{long_date(deadline)} (20 working days after coming into care).",
            due=deadline,
            assessment_id=iha.id,
            working_days_late=late_by,
        )
    ]


def _camhs_involved_from(record: Mapping[str, Any]) -> list[date | None]:
    """When CAMHS involvement began, one entry per episode or request (None: undated)."""
    starts: list[date | None] = []
    for episode in record.get("mental_health") or ():
        text = f"{episode.get('service', '')} {episode.get('notes', '')}"
        if _CAMHS.search(text):
            dates = [
                parse_date(episode.get(key))
                for key in ("referred_on", "first_seen_on", "discharged_on")
            ]
            known = [d for d in dates if d is not None]
            starts.append(min(known) if known else None)
    for request in record.get("information_requests") or ():
        if request["to"] == "camhs":
            starts.append(parse_date(request["sent_on"]))
    return starts


def _quality_flags(
    record: Mapping[str, Any], assessments: Sequence[_Assessment], as_of: date
) -> list[Flag]:
    flags: list[Flag] = []
    received = {
        (request.get("for_assessment"), request["to"])
        for request in record.get("information_requests") or ()
        if request.get("received_on") and required_date(request["received_on"]) <= as_of
    }
    camhs_from = _camhs_involved_from(record)
    latest = assessments[-1] if assessments else None
    for assessment in assessments:
        severity = "warning" if assessment is latest else "info"
        data = assessment.data
        common = {"assessment_id": assessment.id, "since": assessment.date}

        consent = data.get("consent")
        if not consent or consent.get("status") == "not_recorded":
            flags.append(
                _flag(
                    "CONSENT_NOT_RECORDED",
                    severity,
                    f"Consent is not recorded for the {assessment.label}. Record who agreed to "
                    f"the assessment and to sharing it, and when.",
                    **common,
                )
            )

        practitioner = data.get("practitioner") or {}
        gaps = [
            key for key in ("grade", "registration") if not str(practitioner.get(key) or "").strip()
        ]
        if gaps:
            wording = " or ".join(
                "professional registration" if g == "registration" else g for g in gaps
            )
            flags.append(
                _flag(
                    "PRACTITIONER_INCOMPLETE",
                    severity,
                    f"The {assessment.label} does not give the practitioner's {wording}. Add it so "
                    f"it is clear who is accountable.",
                    missing=gaps,
                    **common,
                )
            )

        summary = (data.get("findings") or {}).get("summary")
        if summary is None or not summary.strip():
            flags.append(
                _flag(
                    "VAGUE_FINDINGS",
                    severity,
                    f"The {assessment.label} has no findings summary. Write what was found and "
                    f"what happens next.",
                    **common,
                )
            )
        elif is_vague_summary(summary):
            quoted = summary.strip() if len(summary.strip()) <= 60 else summary.strip()[:57] + "..."
            flags.append(
                _flag(
                    "VAGUE_FINDINGS",
                    severity,
                    f'The findings summary of the {assessment.label} says only "{quoted}". Write '
                    f"what was found (growth, development, emotional health) and what happens "
                    f"next.",
                    **common,
                )
            )

        sources = set(data.get("sources_consulted") or ())
        lacking = []
        if "gp" not in sources and (assessment.id, "gp") not in received:
            lacking.append("gp")
        camhs_involved = any(start is None or start <= assessment.date for start in camhs_from)
        if camhs_involved and "camhs" not in sources and (assessment.id, "camhs") not in received:
            lacking.append("camhs")
        if lacking:
            who = " or ".join(_WHO[source] for source in lacking)
            flags.append(
                _flag(
                    "NO_GP_CAMHS_INPUT",
                    severity,
                    f"The {assessment.label} had no information from {who}. Ask for it before the "
                    f"next assessment and record it.",
                    missing=lacking,
                    **common,
                )
            )
    return flags


def _information_request_flags(record: Mapping[str, Any], as_of: date) -> list[Flag]:
    flags = []
    for request in record.get("information_requests") or ():
        sent_on = required_date(request["sent_on"])
        received_on = parse_date(request.get("received_on"))
        if sent_on > as_of or (received_on is not None and received_on <= as_of):
            continue
        reply_by = add_working_days(sent_on, INFO_REQUEST_WORKING_DAYS)
        if as_of <= reply_by:
            continue
        chased = sorted(
            d
            for d in map(parse_date, request.get("chased_on") or ())
            if d is not None and d <= as_of
        )
        chased_text = f" It was last chased on {long_date(chased[-1])}." if chased else ""
        flags.append(
            _flag(
                "INFO_REQUEST_OUTSTANDING",
                "warning",
                f"The request to {_WHO[request['to']]} sent on {long_date(sent_on)} has had no "
                f"reply after 15 working days (due by {long_date(reply_by)}).{chased_text} "
                f"Chase it.",
                due=reply_by,
                to=request["to"],
                sent_on=sent_on,
                assessment_id=request.get("for_assessment"),
            )
        )
    return flags


def _immunisation_flags(
    record: Mapping[str, Any], status: ImmunisationStatus, in_care: bool
) -> list[Flag]:
    severity = "warning" if in_care else "info"
    flags = []
    if record.get("immunisation_history_status") == "unknown":
        flags.append(
            _flag(
                "IMMUNISATION_HISTORY_UNKNOWN",
                severity,
                "No immunisation record has been found. Treat every dose as not given and ask the "
                "GP to plan catch-up (UKHSA guidance for uncertain immunisation status).",
            )
        )
    if status.missing:
        count = len(status.missing)
        action = (
            "Arrange catch-up with the GP."
            if in_care
            else "Make sure the young person and their GP know."
        )
        if status.catch_up_from is not None:
            # A plan from the catch-up start: each vaccine once, its doses counted and spaced.
            plan = "; ".join(plan_lines(status))
            text = (
                f"Catch-up plan from {long_date(status.catch_up_from)} (the history is "
                f"uncertain or incomplete; UKHSA algorithm): {plan}. {action}"
            )
        else:
            listed = ", ".join(f"{item.vaccine} dose {item.dose}" for item in status.missing)
            text = (
                f"{count} routine immunisation{'s are' if count != 1 else ' is'} missing: "
                f"{listed}. {action}"
            )
        flags.append(
            _flag(
                "IMMUNISATIONS_INCOMPLETE",
                severity,
                text,
                since=min(item.due_since for item in status.missing),
                missing=count,
            )
        )
    return flags


def _tests_text(tests: Sequence[str]) -> str:
    names = [_TEST_NAMES[test] for test in tests]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _arrival_flags(record: Mapping[str, Any], child: _Child, as_of: date) -> list[Flag]:
    found = screening.arrival(record)
    if found is None:
        return []
    flags: list[Flag] = []
    arrived = found.arrived_on or child.entered_care
    new_entrant = as_of < add_months(arrived, 60)
    tests = screening.indicated_tests(found)
    if not found.uasc and not (found.arrived_on is not None and new_entrant):
        tests = []  # only new entrants with a known arrival date are screened by country
    missing, waiting = screening.outstanding_tests(record, tests, as_of)
    if missing:
        waiting_text = f" (awaiting the result for {_tests_text(waiting)})" if waiting else ""
        if found.country is None:
            why = ""
        elif found.known_country:
            why = f" ({found.country_name}: by country of origin)"
        else:
            why = (
                f" ({found.country}: not in the country table, so every test is "
                f"prompted; check the Migrant Health Guide country page)"
            )
        history = (
            " Take a sexual history: syphilis and other infections are tested by history too."
            if "syphilis" not in missing and found.uasc
            else ""
        )
        code = "UASC_SCREENING_INCOMPLETE" if found.uasc else "ARRIVAL_SCREENING_INCOMPLETE"
        flags.append(
            _flag(
                code,
                "warning",
                f"Screening on arrival has no result for {_tests_text(missing)}{waiting_text}"
                f"{why}. Arrange the tests or record the results.{history}",
                missing=missing,
                since=arrived,
                country=found.country_name,
            )
        )
    if screening.bcg_eligible(record, found, child.date_of_birth, child.entered_care, as_of):
        flags.append(
            _flag(
                "BCG_ELIGIBLE",
                "warning",
                f"Came from {found.country_name}, a country with a high rate of TB, and no BCG is "
                f"recorded. Look for a BCG scar; if there is none and the TB test is negative, "
                f"offer BCG (NICE NG33).",
                since=arrived,
                country=found.country_name,
            )
        )
    return flags


def _sdq_scores(
    assessments: Sequence[_Assessment], as_of: date
) -> dict[str, list[tuple[date, int, str]]]:
    """Scores per version (``completed_by``: carer when not said), oldest first."""
    scores: dict[str, list[tuple[date, int, str]]] = {}
    for assessment in assessments:
        sdq = assessment.data.get("sdq")
        if not sdq:
            continue
        version = sdq.get("completed_by") or "carer"
        taken_on = parse_date(sdq.get("date")) or assessment.date
        if taken_on <= as_of and version in SDQ_BANDS:
            scores.setdefault(version, []).append((taken_on, int(sdq["total"]), assessment.id))
    for found in scores.values():
        found.sort(key=lambda score: score[0])  # stable: the later entry wins a same-day tie
    return scores


def _sdq_flags(child: _Child, assessments: Sequence[_Assessment], as_of: date) -> list[Flag]:
    by_version = _sdq_scores(assessments, as_of)
    carer_scores = by_version.get("carer", [])
    latest = carer_scores[-1] if carer_scores else None
    flags = []
    fourth, seventeenth = (age_date(child.date_of_birth, years=n) for n in (4, 17))
    in_care_a_year = add_months(child.entered_care, 12)
    if (
        fourth <= as_of < seventeenth
        and as_of >= in_care_a_year
        and (latest is None or latest[0] < add_months(as_of, -12))
    ):
        if latest:
            due = add_months(latest[0], 12)
            last = f"The last one was on {long_date(latest[0])}."
        else:
            due = max(fourth, in_care_a_year)
            last = "None has been recorded."
        flags.append(
            _flag(
                "SDQ_MISSING",
                "warning",
                f"No carer SDQ (Strengths and Difficulties Questionnaire) in the last 12 months. "
                f"{last} Ask the carer to complete one: it is due every year.",
                due=due,
            )
        )
    for version, scores in by_version.items():
        taken_on, total, assessment_id = scores[-1]
        borderline, concern = SDQ_BANDS[version]
        whose = SDQ_WHOSE[version]
        if total >= concern:
            flags.append(
                _flag(
                    "SDQ_CONCERN",
                    "urgent",
                    f"The latest {whose} SDQ score is {total} ({long_date(taken_on)}): a cause for "
                    f"concern ({concern} or more on this version). Talk to the social worker and "
                    f"consider a referral to CAMHS.",
                    score=total,
                    since=taken_on,
                    assessment_id=assessment_id,
                    completed_by=version,
                )
            )
        elif total >= borderline:
            flags.append(
                _flag(
                    "SDQ_BORDERLINE",
                    "warning",
                    f"The latest {whose} SDQ score is {total} ({long_date(taken_on)}): borderline "
                    f"({borderline} to {concern - 1} on this version). Talk with the carer and the "
                    f"young person about how things are going and look again at the next "
                    f"assessment.",
                    score=total,
                    since=taken_on,
                    assessment_id=assessment_id,
                    completed_by=version,
                )
            )
    return flags


def _sight_test_flags(record: Mapping[str, Any], child: _Child, as_of: date) -> list[Flag]:
    """SIGHT_TEST_OVERDUE: after the Reception year, no sight test in the last 2 years."""
    from_age = school_year_end(child.date_of_birth, 0)  # end of Reception: screened by then
    if as_of <= from_age:
        return []
    tests = [d for d in map(required_date, record.get("optical_checks") or ()) if d <= as_of]
    tests += [
        required_date(entry["date"])
        for entry in record.get("screening") or ()
        if entry["test"] == "vision"
        and entry.get("date")
        and entry["result"] not in ("pending", "declined")
        and required_date(entry["date"]) <= as_of
    ]
    last = max(tests, default=None)
    if last is not None and last >= add_months(as_of, -SIGHT_TEST_MONTHS):
        return []
    if last is None:
        return [
            _flag(
                "SIGHT_TEST_OVERDUE",
                "warning",
                "No sight test is recorded. Book one with an optician: it is free for children "
                "and the NHS advises one every 2 years.",
                due=max(from_age, child.entered_care),
            )
        ]
    return [
        _flag(
            "SIGHT_TEST_OVERDUE",
            "warning",
            f"No sight test in the last 2 years: the last was on {long_date(last)}. Book one with "
            f"an optician.",
            due=add_months(last, SIGHT_TEST_MONTHS),
        )
    ]


def _health_plan_flags(assessments: Iterable[_Assessment], as_of: date) -> list[Flag]:
    flags = []
    for assessment in assessments:
        for action in assessment.data.get("health_plan") or ():
            due = parse_date(action.get("due"))
            if action["status"] != "open" or due is None or due >= as_of:
                continue
            text = action["action"].strip()
            text = text if len(text) <= 80 else text[:77] + "..."
            flags.append(
                _flag(
                    "HEALTH_PLAN_ACTION_OVERDUE",
                    "warning",
                    f"A health plan action from {assessment.id} was due on {long_date(due)} "
                    f'and is still open: "{text}" (for the {_OWNER[action["owner"]]}). Check it '
                    f"is done or agree a new date.",
                    due=due,
                    assessment_id=assessment.id,
                    owner=action["owner"],
                )
            )
    return flags


def _dental_flags(record: Mapping[str, Any], child: _Child, as_of: date) -> list[Flag]:
    first_birthday = age_date(child.date_of_birth, years=1)
    if as_of < first_birthday:
        return []
    checks = [d for d in map(required_date, record.get("dental_checks") or ()) if d <= as_of]
    last = max(checks, default=None)
    if last is not None and last >= add_months(as_of, -12):
        return []
    if last is None:
        return [
            _flag(
                "DENTAL_CHECK_OVERDUE",
                "warning",
                "No dental check is recorded. Book one with a dentist.",
                due=max(first_birthday, child.entered_care),
            )
        ]
    return [
        _flag(
            "DENTAL_CHECK_OVERDUE",
            "warning",
            f"No dental check in the last 12 months: the last was on {long_date(last)}. Book one.",
            due=add_months(last, 12),
        )
    ]


def _leaver_flags(child: _Child, as_of: date, issued_on: date | None) -> list[Flag]:
    if issued_on is not None and issued_on <= as_of:
        return []
    from_date = age_date(child.date_of_birth, years=17, months=6)
    eighteenth = age_date(child.date_of_birth, years=18)
    if not (from_date <= as_of < age_date(child.date_of_birth, years=25)):
        return []
    if as_of < child.entered_care:
        return []
    if (
        child.left_care is not None
        and child.left_care <= as_of
        and (child.left_care < age_date(child.date_of_birth, years=16))
    ):
        return []
    if as_of >= eighteenth:
        return [
            _flag(
                "LEAVER_SUMMARY_DUE",
                "urgent",
                f"{child.name} is 18 or over and has not been given a care-leaver health summary. "
                f"Prepare it with them and send it now.",
                due=from_date,
            )
        ]
    return [
        _flag(
            "LEAVER_SUMMARY_DUE",
            "warning",
            f"{child.name} was 17 and a half on {long_date(from_date)} and has no care-leaver "
            f"health summary yet. Prepare it with them before they leave care.",
            due=from_date,
        )
    ]


def check_record(
    record: Mapping[str, Any], as_of: date, *, leaver_summary_issued_on: date | None = None
) -> CheckReport:
    """Check one child's record (exchange format) on ``as_of``. See the module docstring."""
    if isinstance(as_of, datetime):
        as_of = as_of.date()
    child = _child(record, as_of)
    assessments = _assessments(record, as_of)
    immunisations = assess_immunisations(record, as_of)
    flags: list[Flag] = []
    next_rha_due = None
    if child.in_care:
        flags += _iha_flags(child, assessments, as_of)
        this_period = [a for a in assessments if a.date >= add_months(child.entered_care, -3)]
        next_rha_due = next_review_due(
            child.date_of_birth, this_period[-1].date if this_period else None
        )
        if next_rha_due is not None and as_of > next_rha_due:
            flags.append(
                _flag(
                    "RHA_OVERDUE",
                    "urgent",
                    f"The review health assessment was due on {long_date(next_rha_due)} and has "
                    f"not been done. Book it now.",
                    due=next_rha_due,
                )
            )
        flags += _quality_flags(record, assessments, as_of)
        flags += _information_request_flags(record, as_of)
        flags += _arrival_flags(record, child, as_of)
        flags += _sdq_flags(child, assessments, as_of)
        flags += _health_plan_flags(assessments, as_of)
        flags += _dental_flags(record, child, as_of)
        flags += _sight_test_flags(record, child, as_of)
        if not (record.get("contacts") or {}).get("gp"):
            flags.append(
                _flag(
                    "GP_NOT_REGISTERED",
                    "urgent",
                    "No GP practice is recorded. Register the child with a GP now.",
                    since=child.entered_care,
                )
            )
    flags += _immunisation_flags(record, immunisations, child.in_care)
    flags += _leaver_flags(child, as_of, leaver_summary_issued_on)
    flags.sort(key=lambda flag: flag.sort_key)
    return CheckReport(
        ref=child.ref,
        as_of=as_of,
        flags=flags,
        next_rha_due=next_rha_due,
        immunisations=immunisations,
    )
