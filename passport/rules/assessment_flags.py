"""The flags about health assessments: IHA, RHA, their quality, and the SDQ.

The decisions and their sources are in the docstring of ``checks`` (sections *Initial health
assessment*, *Review health assessment*, *Quality of each assessment* and *SDQ*); each flag has
its own helper here: ``iha_flags`` (IHA_MISSING, IHA_LATE), ``rha_overdue_flags``
(RHA_OVERDUE, from ``next_rha_due_for``), ``quality_flags`` (CONSENT_NOT_RECORDED,
PRACTITIONER_INCOMPLETE, IHA_NOT_BY_DOCTOR, VAGUE_FINDINGS, NO_GP_CAMHS_INPUT, per assessment)
and ``sdq_flags`` (SDQ_MISSING, SDQ_BORDERLINE, SDQ_CONCERN).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from .dates import add_months, age_date, long_date, parse_date, required_date
from .record_view import WHO, Assessment, Child, make_flag
from .report import Flag
from .vague_summary import is_vague_summary
from .working_days import add_working_days, working_days_between

__all__ = [
    "IHA_WORKING_DAYS",
    "SDQ_BANDS",
    "SDQ_BORDERLINE",
    "SDQ_CONCERN_FROM",
    "SDQ_WHOSE",
    "iha_flags",
    "next_review_due",
    "next_rha_due_for",
    "quality_flags",
    "rha_overdue_flags",
    "sdq_flags",
]

IHA_WORKING_DAYS = 20
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

_CAMHS = re.compile(r"\bcamhs\b|child and adolescent mental health", re.IGNORECASE)


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


def next_rha_due_for(child: Child, assessments: Sequence[Assessment]) -> date | None:
    """The next RHA date, counted from the last assessment of this period in care."""
    this_period = [a for a in assessments if a.date >= add_months(child.entered_care, -3)]
    return next_review_due(child.date_of_birth, this_period[-1].date if this_period else None)


def rha_overdue_flags(next_rha_due: date | None, as_of: date) -> list[Flag]:
    """RHA_OVERDUE: ``as_of`` is after the date the next RHA was due."""
    if next_rha_due is None or as_of <= next_rha_due:
        return []
    return [
        make_flag(
            "RHA_OVERDUE",
            "urgent",
            f"The review health assessment was due on {long_date(next_rha_due)} and has "
            f"not been done. Book it now.",
            due=next_rha_due,
        )
    ]


def iha_flags(child: Child, assessments: Sequence[Assessment], as_of: date) -> list[Flag]:
    """IHA_MISSING when no IHA of this period in care is recorded, else IHA_LATE for the first."""
    deadline = add_working_days(child.entered_care, IHA_WORKING_DAYS)
    counted_from = add_months(child.entered_care, -3)
    ihas = [a for a in assessments if a.type == "IHA" and a.date >= counted_from]
    if not ihas:
        return _iha_missing_flags(child, assessments, deadline, as_of)
    return _iha_late_flags(ihas[0], deadline)


def _iha_missing_flags(
    child: Child, assessments: Sequence[Assessment], deadline: date, as_of: date
) -> list[Flag]:
    if as_of <= deadline:
        return []
    if any(a.type == "RHA" and a.date >= child.entered_care for a in assessments):
        return [
            make_flag(
                "IHA_MISSING",
                "warning",
                f"No initial health assessment is recorded for this time in care (it was due "
                f"by {long_date(deadline)}), although later review health assessments are. "
                f"Find the IHA report and add it to the record.",
                due=deadline,
            )
        ]
    return [
        make_flag(
            "IHA_MISSING",
            "urgent",
            f"No initial health assessment is recorded. It was due by {long_date(deadline)}, "
            f"20 working days after coming into care on {long_date(child.entered_care)}. "
            f"Book it now.",
            due=deadline,
        )
    ]


def _iha_late_flags(iha: Assessment, deadline: date) -> list[Flag]:
    if iha.date <= deadline:
        return []
    late_by = working_days_between(deadline, iha.date)
    return [
        make_flag(
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


def _received(record: Mapping[str, Any], as_of: date) -> set[tuple[str | None, str]]:
    """(assessment id, service) of each information request answered by ``as_of``."""
    return {
        (request.get("for_assessment"), request["to"])
        for request in record.get("information_requests") or ()
        if request.get("received_on") and required_date(request["received_on"]) <= as_of
    }


def quality_flags(
    record: Mapping[str, Any], assessments: Sequence[Assessment], as_of: date
) -> list[Flag]:
    """The quality flags of each assessment in turn: ``warning`` on the latest, else ``info``."""
    flags: list[Flag] = []
    received = _received(record, as_of)
    camhs_from = _camhs_involved_from(record)
    latest = assessments[-1] if assessments else None
    for assessment in assessments:
        severity = "warning" if assessment is latest else "info"
        found = (
            _consent_flag(assessment, severity),
            _practitioner_flag(assessment, severity),
            _iha_not_by_doctor_flag(assessment, severity),
            _vague_findings_flag(assessment, severity),
            _gp_camhs_input_flag(assessment, severity, received, camhs_from),
        )
        flags += [flag for flag in found if flag is not None]
    return flags


def _about(assessment: Assessment) -> dict[str, Any]:
    """The keys every quality flag carries."""
    return {"assessment_id": assessment.id, "since": assessment.date}


def _consent_flag(assessment: Assessment, severity: str) -> Flag | None:
    """CONSENT_NOT_RECORDED: no consent, or its status is ``not_recorded``."""
    consent = assessment.data.get("consent")
    if consent and consent.get("status") != "not_recorded":
        return None
    return make_flag(
        "CONSENT_NOT_RECORDED",
        severity,
        f"Consent is not recorded for the {assessment.label}. Record who agreed to "
        f"the assessment and to sharing it, and when.",
        **_about(assessment),
    )


def _practitioner_flag(assessment: Assessment, severity: str) -> Flag | None:
    """PRACTITIONER_INCOMPLETE: no (or blank) ``grade`` or ``registration`` (format /2: a
    ``registration_number`` counts as the registration)."""
    practitioner = assessment.data.get("practitioner") or {}
    given = {
        "grade": practitioner.get("grade"),
        "registration": practitioner.get("registration") or practitioner.get("registration_number"),
    }
    gaps = [key for key, value in given.items() if not str(value or "").strip()]
    if not gaps:
        return None
    wording = " or ".join("professional registration" if g == "registration" else g for g in gaps)
    return make_flag(
        "PRACTITIONER_INCOMPLETE",
        severity,
        f"The {assessment.label} does not give the practitioner's {wording}. Add it so "
        f"it is clear who is accountable.",
        missing=gaps,
        **_about(assessment),
    )


REGISTERS = ("GMC", "NMC", "HCPC")


def registration_body(practitioner: Mapping[str, Any]) -> str | None:
    """The practitioner's register when the record says it: ``registration_body`` (format /2),
    else the first word of the /1 free-text ``registration`` when it names a register ("GMC
    7012345"). None when it is not known."""
    body = practitioner.get("registration_body")
    if isinstance(body, str):
        return body
    first = str(practitioner.get("registration") or "").strip().split(" ", 1)[0].upper()
    return first if first in REGISTERS else None


def _iha_not_by_doctor_flag(assessment: Assessment, severity: str) -> Flag | None:
    """IHA_NOT_BY_DOCTOR: an IHA whose practitioner is on a register that is known and is not
    the GMC. An unknown register (an old record) is no evidence of a non-doctor: no flag."""
    if assessment.type != "IHA":
        return None
    body = registration_body(assessment.data.get("practitioner") or {})
    if body is None or body == "GMC":
        return None
    register = "another register" if body == "other" else f"the {body} register"
    return make_flag(
        "IHA_NOT_BY_DOCTOR",
        severity,
        f"The {assessment.label} was done by someone on {register}, not a doctor on the "
        f"GMC register. An initial health assessment must be done by a registered medical "
        f"practitioner (Care Planning, Placement and Case Review (England) Regulations 2010, "
        f"regulation 7). Check the record, or arrange for a doctor to do it.",
        registration_body=body,
        **_about(assessment),
    )


def _vague_findings_flag(assessment: Assessment, severity: str) -> Flag | None:
    """VAGUE_FINDINGS: no findings summary, or one that ``is_vague_summary``."""
    summary = (assessment.data.get("findings") or {}).get("summary")
    if summary is None or not summary.strip():
        return make_flag(
            "VAGUE_FINDINGS",
            severity,
            f"The {assessment.label} has no findings summary. Write what was found and "
            f"what happens next.",
            **_about(assessment),
        )
    if not is_vague_summary(summary):
        return None
    quoted = summary.strip() if len(summary.strip()) <= 60 else summary.strip()[:57] + "..."
    return make_flag(
        "VAGUE_FINDINGS",
        severity,
        f'The findings summary of the {assessment.label} says only "{quoted}". Write '
        f"what was found (growth, development, emotional health) and what happens "
        f"next.",
        **_about(assessment),
    )


def _gp_camhs_input_flag(
    assessment: Assessment,
    severity: str,
    received: set[tuple[str | None, str]],
    camhs_from: Sequence[date | None],
) -> Flag | None:
    """NO_GP_CAMHS_INPUT: nothing from the GP, or from CAMHS when CAMHS was involved by then."""
    sources = set(assessment.data.get("sources_consulted") or ())
    lacking = []
    if "gp" not in sources and (assessment.id, "gp") not in received:
        lacking.append("gp")
    camhs_involved = any(start is None or start <= assessment.date for start in camhs_from)
    if camhs_involved and "camhs" not in sources and (assessment.id, "camhs") not in received:
        lacking.append("camhs")
    if not lacking:
        return None
    who = " or ".join(WHO[source] for source in lacking)
    return make_flag(
        "NO_GP_CAMHS_INPUT",
        severity,
        f"The {assessment.label} had no information from {who}. Ask for it before the "
        f"next assessment and record it.",
        missing=lacking,
        **_about(assessment),
    )


def _sdq_scores(
    assessments: Sequence[Assessment], as_of: date
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


def sdq_flags(child: Child, assessments: Sequence[Assessment], as_of: date) -> list[Flag]:
    """SDQ_MISSING for the carer's yearly SDQ, then the latest score of each version."""
    by_version = _sdq_scores(assessments, as_of)
    flags = _sdq_missing_flags(child, by_version.get("carer", []), as_of)
    for version, scores in by_version.items():
        flags += _sdq_score_flags(version, scores[-1])
    return flags


def _sdq_missing_flags(
    child: Child, carer_scores: Sequence[tuple[date, int, str]], as_of: date
) -> list[Flag]:
    """SDQ_MISSING: aged 4 to 16, in care a year, and no carer SDQ in the last 12 months."""
    latest = carer_scores[-1] if carer_scores else None
    fourth, seventeenth = (age_date(child.date_of_birth, years=n) for n in (4, 17))
    in_care_a_year = add_months(child.entered_care, 12)
    if not (
        fourth <= as_of < seventeenth
        and as_of >= in_care_a_year
        and (latest is None or latest[0] < add_months(as_of, -12))
    ):
        return []
    if latest:
        due = add_months(latest[0], 12)
        last = f"The last one was on {long_date(latest[0])}."
    else:
        due = max(fourth, in_care_a_year)
        last = "None has been recorded."
    return [
        make_flag(
            "SDQ_MISSING",
            "warning",
            f"No carer SDQ (Strengths and Difficulties Questionnaire) in the last 12 months. "
            f"{last} Ask the carer to complete one: it is due every year.",
            due=due,
        )
    ]


def _sdq_score_flags(version: str, latest: tuple[date, int, str]) -> list[Flag]:
    """SDQ_CONCERN or SDQ_BORDERLINE on the latest score of one version, by its bands."""
    borderline, concern = SDQ_BANDS[version]
    total = latest[1]
    if total >= concern:
        return [_sdq_concern_flag(version, latest)]
    if total >= borderline:
        return [_sdq_borderline_flag(version, latest)]
    return []


def _sdq_concern_flag(version: str, latest: tuple[date, int, str]) -> Flag:
    taken_on, total, assessment_id = latest
    concern = SDQ_BANDS[version][1]
    return make_flag(
        "SDQ_CONCERN",
        "urgent",
        f"The latest {SDQ_WHOSE[version]} SDQ score is {total} ({long_date(taken_on)}): a "
        f"cause for concern ({concern} or more on this version). Talk to the social worker and "
        f"consider a referral to CAMHS.",
        score=total,
        since=taken_on,
        assessment_id=assessment_id,
        completed_by=version,
    )


def _sdq_borderline_flag(version: str, latest: tuple[date, int, str]) -> Flag:
    taken_on, total, assessment_id = latest
    borderline, concern = SDQ_BANDS[version]
    return make_flag(
        "SDQ_BORDERLINE",
        "warning",
        f"The latest {SDQ_WHOSE[version]} SDQ score is {total} ({long_date(taken_on)}): "
        f"borderline ({borderline} to {concern - 1} on this version). Talk with the carer "
        f"and the young person about how things are going and look again at the next "
        f"assessment.",
        score=total,
        since=taken_on,
        assessment_id=assessment_id,
        completed_by=version,
    )
