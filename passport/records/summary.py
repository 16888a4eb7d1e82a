"""The top of a child's record page: what a nurse needs first, on one screen.

Allergies, current medicines and active conditions are the ones the documents show
(`documents.content.current_health`), and what is overdue comes from the rules' report, so the
page never disagrees with the passport or the flags about what is current.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from passport.caseload.service import OVERDUE_CODES, CaseloadEntry
from passport.documents.content import current_health
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


def summarise(record: dict[str, Any], entry: CaseloadEntry) -> RecordSummary:
    """The summary of `record` (as loaded) with its rules report in `entry`."""
    data = as_exchange_json(record)
    health = current_health(data)
    report = entry.report
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
            "assessment_id": assessment["id"],
            "overdue": bool(action.get("due") and action["due"] < report.as_of.isoformat()),
        }
        for assessment in data.get("assessments", [])
        for action in assessment.get("health_plan", [])
        if action["status"] == "open"
    ]
    return RecordSummary(
        allergies=health["allergies"],
        medicines=health["medicines"],
        conditions=health["conditions"],
        overdue=[Overdue(f, who_acts(f)) for f in report.flags if f.code in OVERDUE_CODES],
        plan=sorted(plan, key=lambda a: a.get("due") or "9999"),
        flags=flags,
        past_info=past_info,
    )
