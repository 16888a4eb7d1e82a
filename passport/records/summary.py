"""The top of a child's record page: what a nurse needs first, on one screen.

Allergies, current medicines, active conditions, the open plan and what is overdue are the
staff's current view (`records.current`), the one every output reads, so the page never
disagrees with the documents, the link or the flags about what is current.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from passport.caseload.service import OVERDUE_CODES, CaseloadEntry
from passport.records.audience import STAFF
from passport.records.current import CurrentView, current_view
from passport.records.current import Overdue as OverdueItem
from passport.records.exchange import as_exchange_json
from passport.rules import Flag
from passport.rules.record_view import WHO

# Who must act on each overdue flag that does not name its owner itself.
WHO_ACTS = {
    "IHA_MISSING": "Social worker to ask for it, LAC nurse to arrange it with a doctor",
    "RHA_OVERDUE": "LAC nurse",
    "DENTAL_CHECK_OVERDUE": "Carer",
    "LEAVER_SUMMARY_DUE": "LAC nurse",
}
OWNER_WORDS = {
    "carer": "Carer",
    "young_person": "Young person",
    "social_worker": "Social worker",
    "lac_nurse": "LAC nurse",
    "gp": "GP",
    "camhs": "CAMHS",
    "dentist": "Dentist",
    "school_nurse": "School nurse",
    "other": "Someone else",
}


@dataclass(frozen=True)
class Overdue:
    flag: Flag
    who: str


@dataclass
class RecordSummary:
    allergies: list[dict[str, Any]] = field(default_factory=list)
    medicines: list[dict[str, Any]] = field(default_factory=list)
    conditions: list[dict[str, Any]] = field(default_factory=list)
    overdue: list[Overdue] = field(default_factory=list)
    plan: list[dict[str, Any]] = field(default_factory=list)
    # The report's flags, with the information-only ones about past assessments apart, so the
    # page can say them in one line.
    flags: list[Flag] = field(default_factory=list)
    past_info: list[Flag] = field(default_factory=list)


def who_acts(flag: Flag) -> str:
    if "owner" in flag.extra:
        return OWNER_WORDS.get(flag.extra["owner"], "Someone else")
    if flag.code == "INFO_REQUEST_OUTSTANDING":
        asked = WHO.get(flag.extra.get("to", ""), "the service asked")
        return f"LAC nurse, to chase {asked}"
    return WHO_ACTS.get(flag.code, "LAC nurse")


def _latest_assessment(record: dict[str, Any], as_of: date) -> str | None:
    done = [a for a in record.get("assessments", []) if a["date"] <= as_of.isoformat()]
    return max(done, key=lambda a: a["date"])["id"] if done else None


def _flag_for(view: CurrentView, item: OverdueItem) -> Flag:
    return next(
        f for f in view.report.flags if f.code == item.code and f.extra.get("due") == item.due
    )


def summarise(record: dict[str, Any], entry: CaseloadEntry) -> RecordSummary:
    """The summary of `record` (as loaded) with its rules report in `entry`. What is current,
    open and overdue is the staff's current view (`records.current`), as every output reads it."""
    data = as_exchange_json(record)
    report = entry.report
    view = current_view(data, STAFF, report.as_of, leaver_summary_issued_on=entry.issued_on)
    latest = _latest_assessment(data, report.as_of)
    flags, past_info = [], []
    for flag in report.flags:
        about = flag.extra.get("assessment_id")
        if flag.severity == "info" and about and about != latest:
            past_info.append(flag)
        else:
            flags.append(flag)
    plan = [
        {
            **action,
            "overdue": bool(action.get("due") and action["due"] < report.as_of.isoformat()),
        }
        for action in view.open_plan
    ]
    overdue = [_flag_for(view, item) for item in view.overdue if item.code in OVERDUE_CODES]
    return RecordSummary(
        allergies=[
            {"what": a["substance"], "reaction": a.get("reaction"), "severity": a.get("severity")}
            for a in view.allergies_active
        ],
        medicines=[
            {"name": m["name"], "dose": m.get("dose"), "reason": m.get("reason")}
            for m in view.medicines_current
        ],
        conditions=[
            {"name": c["name"], "status": c["status"], "notes": c.get("notes")}
            for c in view.conditions_active
        ],
        overdue=[Overdue(f, who_acts(f)) for f in overdue],
        plan=sorted(plan, key=lambda a: a.get("due") or "9999"),
        flags=flags,
        past_info=past_info,
    )
