"""Small builders of exchange-format records for the rules tests.

``clean_record()`` raises no flag at all on ``AS_OF``: each test changes one thing in it.
Dates are written out as the exchange format holds them (ISO strings), and immunisation
histories are spelt out by hand rather than generated from the schedule under test.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

AS_OF = date(2026, 11, 25)

GOOD_PRACTITIONER = {
    "name": "Sam Patel",
    "role": "Specialist LAC nurse",
    "grade": "Band 7",
    "registration": "NMC 12A3456E",
}
DOCTOR = {
    "name": "Dr Grace Mensah",
    "role": "Community paediatrician",
    "grade": "Consultant",
    "registration": "GMC 7012345",
}


def assessment(
    id: str = "RHA-2026", type: str = "RHA", date: str = "2026-01-19", **overrides: Any
) -> dict[str, Any]:
    """A good assessment: consent, a full practitioner, the GP consulted, real findings."""
    body: dict[str, Any] = {
        "id": id,
        "type": type,
        "date": date,
        "practitioner": dict(DOCTOR if type == "IHA" else GOOD_PRACTITIONER),
        "consent": {"status": "given", "by": "young_person", "recorded_on": date},
        "sources_consulted": ["gp", "carer", "young_person"],
        "findings": {
            "summary": "Height and weight on the 50th centile. Sleeping better since the move; "
            "enjoys swimming club.",
        },
    }
    body.update(overrides)
    return body


def sdq(total: int, on: str, completed_by: str = "carer") -> dict[str, Any]:
    return {"total": total, "completed_by": completed_by, "date": on}


def immunisation(vaccine: str, on: str, source: str = "gp_record") -> dict[str, Any]:
    return {"vaccine": vaccine, "date": on, "source": source}


def history(*doses: tuple[str, str]) -> list[dict[str, Any]]:
    return [immunisation(vaccine, on) for vaccine, on in doses]


# Born 10 May 2016: 5-in-1 cohort, rotavirus and MenB, no infant MenC (born after 8 April 2016).
BASE_IMMUNISATIONS = (
    ("5-in-1", "2016-07-05"),
    ("PCV", "2016-07-05"),
    ("Rotavirus", "2016-07-05"),
    ("MenB", "2016-07-05"),
    ("5-in-1", "2016-08-02"),
    ("Rotavirus", "2016-08-02"),
    ("5-in-1", "2016-08-30"),
    ("PCV", "2016-08-30"),
    ("MenB", "2016-08-30"),
    ("Hib/MenC", "2017-05-12"),
    ("PCV", "2017-05-12"),
    ("MMR", "2017-05-12"),
    ("MenB", "2017-05-12"),
    ("4-in-1 pre-school booster", "2019-09-16"),
    ("MMR", "2019-09-16"),
    ("Flu", "2025-10-09"),
)


def clean_record(**child_overrides: Any) -> dict[str, Any]:
    """A ten-year-old in care since January 2023 with nothing outstanding on ``AS_OF``."""
    child = {
        "ref": "T-CLEAN",
        "given_name": "Ava",
        "family_name": "Test",
        "date_of_birth": "2016-05-10",
        "sex_at_birth": "female",
        "entered_care": "2023-01-09",
    }
    child.update(child_overrides)
    return {
        "format": "lac-health-record/1",
        "child": child,
        "contacts": {
            "gp": {"name": "Riverside Surgery"},
            "dentist": {"name": "Market Street Dental"},
        },
        "assessments": [
            assessment("IHA-2023", "IHA", "2023-01-30"),
            assessment("RHA-2024", "RHA", "2024-01-22", sdq=sdq(9, "2024-01-22")),
            assessment("RHA-2025", "RHA", "2025-01-20", sdq=sdq(10, "2025-01-20")),
            assessment("RHA-2026", "RHA", "2026-01-19", sdq=sdq(8, "2026-01-19")),
        ],
        "immunisation_history_status": "complete",
        "immunisations": history(*BASE_IMMUNISATIONS),
        "dental_checks": ["2025-03-03", "2026-03-02"],
        "optical_checks": ["2025-04-14"],
    }


def with_changes(record: dict[str, Any], **top_level: Any) -> dict[str, Any]:
    """A deep copy of ``record`` with top-level fields replaced."""
    changed = copy.deepcopy(record)
    changed.update(top_level)
    return changed


def latest(record: dict[str, Any]) -> dict[str, Any]:
    """The most recent assessment of ``record`` (to change it in place)."""
    return max(record["assessments"], key=lambda a: a["date"])


def no_history_record(
    date_of_birth: str, *, sex: str = "male", uasc: bool = False, entered_care: str = "2026-10-01"
) -> dict[str, Any]:
    """A child with no immunisation record at all (history unknown)."""
    return {
        "format": "lac-health-record/1",
        "child": {
            "ref": "T-NOHIST",
            "given_name": "Sami",
            "family_name": "Test",
            "date_of_birth": date_of_birth,
            "sex_at_birth": sex,
            "unaccompanied_asylum_seeking": uasc,
            "entered_care": entered_care,
        },
        "immunisation_history_status": "unknown",
    }


def cohort_record(
    date_of_birth: str, doses: tuple[tuple[str, str], ...], *, sex: str = "female"
) -> dict[str, Any]:
    """A minimal record carrying only what the immunisation rules read."""
    return {
        "format": "lac-health-record/1",
        "child": {
            "ref": f"T-{date_of_birth}",
            "given_name": "Test",
            "family_name": "Child",
            "date_of_birth": date_of_birth,
            "sex_at_birth": sex,
            "entered_care": date_of_birth,
        },
        "immunisation_history_status": "complete",
        "immunisations": history(*doses),
    }
