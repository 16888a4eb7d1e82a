"""Who may read which part of a record, by audience: one rule for every output (the documents
and the FHIR bundle alike, ADR 0003).

Birth-family health history is a third party's information: the young person sees an entry
only when the relative agreed to share it with them (`consent_to_share_with_young_person`
true, or format /2's `consent_state` "given": the format refuses a record where they differ);
a carer sees the entries marked relevant to the care of the child; staff see everything.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

YOUNG_PERSON = "young_person"
CARER = "carer"
STAFF = "staff"
AUDIENCES = (YOUNG_PERSON, CARER, STAFF)


def may_see_family_entry(entry: Mapping[str, Any], audience: str) -> bool:
    if audience == YOUNG_PERSON:
        return (
            entry.get("consent_to_share_with_young_person") is True
            or entry.get("consent_state") == "given"
        )
    if audience == CARER:
        return entry.get("relevant_to_carer") is True
    if audience == STAFF:
        return True
    raise ValueError(f"unknown audience {audience!r}")


def family_history_for(record: Mapping[str, Any], audience: str) -> list[Mapping[str, Any]]:
    """The family-history entries `audience` may see, in record order."""
    return [
        entry
        for entry in record.get("family_history") or []
        if may_see_family_entry(entry, audience)
    ]
