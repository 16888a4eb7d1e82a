"""The parts of a record a sharing link can carry: the young person (or the nurse with them)
ticks which when making the link (issue 15). A part left out is not in the link at all: the
record is trimmed before the FHIR bundle and the PDF are made, so nothing of it is encrypted.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from typing import Any

PARTS = {
    "gp_sheet": "A printable copy with a front sheet for a GP (PDF)",
    "allergies_medicines": "Allergies and medicines",
    "conditions": "Health conditions and time in hospital",
    "immunisations": "Vaccinations",
    "health_checks": "Health checks",
    "family_history": "Family health history",
    "own_words": "Own words from health checks",
    "own_part": "Things I added: appointments, notes, what matters to me",
}
# Ticked unless the young person unticks them. Family history, their own words and the
# things they added themselves are the most private: they are shared only when chosen.
DEFAULT_PARTS = ("gp_sheet", "allergies_medicines", "conditions", "immunisations", "health_checks")
# What a link carries when nobody chose (a link made before the choice, or from the command
# line): everything but the things the young person added themselves, which only they share.
NOT_CHOSEN = tuple(p for p in PARTS if p != "own_part")

# The lists of the exchange format each part carries.
PART_FIELDS: dict[str, tuple[str, ...]] = {
    "allergies_medicines": ("allergies", "medications"),
    "conditions": ("conditions", "hospital_episodes"),
    "immunisations": ("immunisations", "immunisation_history_status"),
    "health_checks": ("assessments", "dental_checks", "optical_checks", "screening"),
    "family_history": ("family_history",),
    "own_part": ("young_person_own",),
}
# The printable copy shows these parts whole: without one of them, it would read as if there
# were nothing to show ("No known allergies"), so it goes only with all of them.
PRINTABLE_NEEDS = ("allergies_medicines", "conditions", "immunisations", "health_checks")


class PartsError(ValueError):
    """A choice of parts that cannot be shared, with a message for the person choosing."""


def _words(parts: Collection[str]) -> str:
    names = [PARTS[p].lower() for p in parts]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def checked(parts: Collection[str]) -> tuple[str, ...]:
    """The parts in their usual order, or PartsError saying what to change."""
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        raise PartsError(f"Choose from the parts listed, not {', '.join(sorted(unknown))}")
    if not parts:
        raise PartsError("Select at least one part of the record to share")
    if "gp_sheet" in parts:
        missing = [p for p in PRINTABLE_NEEDS if p not in parts]
        if missing:
            raise PartsError(
                f"The printable copy shows everything, so also tick {_words(missing)}, "
                "or untick the printable copy"
            )
    if "own_words" in parts and "health_checks" not in parts:
        raise PartsError(
            "Own words are part of the health checks, so also tick health checks, "
            "or untick own words"
        )
    return tuple(p for p in PARTS if p in parts)


def trimmed(record: Mapping[str, Any], parts: Collection[str]) -> dict[str, Any]:
    """A copy of `record` (exchange format) holding only what `parts` carry."""
    out = copy.deepcopy(dict(record))
    for part, fields in PART_FIELDS.items():
        if part not in parts:
            for name in fields:
                out.pop(name, None)
    if "own_words" not in parts:
        for assessment in out.get("assessments") or []:
            assessment.pop("young_person_views", None)
    return out


def left_out(parts: Collection[str]) -> tuple[str, ...]:
    """The lists of the exchange format a link carrying `parts` leaves out."""
    return tuple(
        name for part, fields in PART_FIELDS.items() if part not in parts for name in fields
    )


def stored(parts: Collection[str]) -> str:
    return " ".join(p for p in PARTS if p in parts)


def read(text: str | None) -> tuple[str, ...]:
    """The parts a stored link carries: every part but their own for a link made before the
    choice."""
    if not text:
        return NOT_CHOSEN
    return tuple(p for p in text.split() if p in PARTS)
