"""The immunisation flags, from the status ``immunisations`` works out.

IMMUNISATION_HISTORY_UNKNOWN when ``immunisation_history_status`` is ``unknown``, and
IMMUNISATIONS_INCOMPLETE when any routine dose is missing (``since`` the oldest due date; for an
uncertain or incomplete history the message is the catch-up plan). Both are ``warning`` while
the child is in care and ``info`` after. The decisions are in the docstring of ``checks``, the
sources in ``docs/rules.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .dates import long_date
from .immunisations import ImmunisationStatus
from .record_view import make_flag
from .report import Flag, plan_lines

__all__ = ["immunisation_flags"]


def immunisation_flags(
    record: Mapping[str, Any], status: ImmunisationStatus, in_care: bool
) -> list[Flag]:
    severity = "warning" if in_care else "info"
    return [
        *_history_unknown_flags(record, severity),
        *_incomplete_flags(status, severity, in_care),
    ]


def _history_unknown_flags(record: Mapping[str, Any], severity: str) -> list[Flag]:
    """IMMUNISATION_HISTORY_UNKNOWN: no immunisation record has been found."""
    if record.get("immunisation_history_status") != "unknown":
        return []
    return [
        make_flag(
            "IMMUNISATION_HISTORY_UNKNOWN",
            severity,
            "No immunisation record has been found. Treat every dose as not given and ask the "
            "GP to plan catch-up (UKHSA guidance for uncertain immunisation status).",
        )
    ]


def _incomplete_flags(status: ImmunisationStatus, severity: str, in_care: bool) -> list[Flag]:
    """IMMUNISATIONS_INCOMPLETE: routine doses are missing."""
    if not status.missing:
        return []
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
    return [
        make_flag(
            "IMMUNISATIONS_INCOMPLETE",
            severity,
            text,
            since=min(item.due_since for item in status.missing),
            missing=count,
        )
    ]
