"""What a check returns: flags, the next review date and the immunisation status.

Severities, most urgent first:

* ``urgent``: something the child is owed is overdue now and needs booking or chasing today
  (a missing IHA, an overdue RHA, no GP, an SDQ score of concern, a care leaver of 18 or more
  without a health summary).
* ``warning``: something to put right in the record or the plan (consent not recorded, vague
  findings, an outstanding information request, missing immunisations, ...).
* ``info``: worth knowing, nothing to book (an IHA that was late, a quality issue on an
  older assessment, immunisation gaps of a young person who has left care).

Flags are sorted by severity, then by their date (``due``, else ``since``; undated last), then
by code and assessment id. ``CheckReport.urgency`` is a key for sorting a caseload so that the
child who most needs attention comes first: worst severity, then the number of urgent,
warning and info flags (more first), then the oldest date among the flags of the worst
severity, then the child's ref (a stable tie-break).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .dates import long_date
from .immunisations import ImmunisationStatus

__all__ = ["SEVERITIES", "CheckReport", "Flag", "plan_lines", "render_text"]

SEVERITIES = ("urgent", "warning", "info")
_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json_value(item) for item in value]
    return value


@dataclass(frozen=True, slots=True)
class Flag:
    """One thing a nurse should know or do. ``extra`` holds the flag's own keys (``due``,
    ``since``, ``assessment_id``, ...); dates in it are ``date`` objects until ``to_json``."""

    code: str
    severity: str
    message: str
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.severity not in _RANK:
            raise ValueError(f"unknown severity {self.severity!r}")

    @property
    def when(self) -> date | None:
        """The date the flag is about: when it fell due, else since when it holds."""
        return self.extra.get("due") or self.extra.get("since")

    @property
    def sort_key(self) -> tuple[int, date, str, str]:
        return (
            _RANK[self.severity],
            self.when or date.max,
            self.code,
            str(self.extra.get("assessment_id", "")),
        )

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }
        body.update({key: _json_value(value) for key, value in self.extra.items()})
        return body


@dataclass(frozen=True)
class CheckReport:
    ref: str
    as_of: date
    flags: list[Flag]
    next_rha_due: date | None
    immunisations: ImmunisationStatus

    @property
    def urgency(self) -> tuple[int, int, int, int, date, str]:
        counts = {severity: 0 for severity in SEVERITIES}
        for flag in self.flags:
            counts[flag.severity] += 1
        worst = next((s for s in SEVERITIES if counts[s]), None)
        oldest = min(
            (flag.when or date.max for flag in self.flags if flag.severity == worst),
            default=date.max,
        )
        return (
            _RANK[worst] if worst else len(SEVERITIES),
            -counts["urgent"],
            -counts["warning"],
            -counts["info"],
            oldest,
            self.ref,
        )

    def codes(self) -> list[str]:
        """The flag codes in report order (handy for tests and summaries)."""
        return [flag.code for flag in self.flags]

    def to_json(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "as_of": self.as_of.isoformat(),
            "next_rha_due": self.next_rha_due.isoformat() if self.next_rha_due else None,
            "flags": [flag.to_json() for flag in self.flags],
            "immunisations": self.immunisations.to_json(),
        }


def plan_lines(status: ImmunisationStatus) -> list[str]:
    """One line per vaccine still to give: "3 doses of Td/IPV, at least 4 weeks apart (the
    first due now)". Doses due now and doses due in the next 8 weeks are counted together."""
    lines = []
    for course in status.courses():
        many = course.count > 1
        line = f"{course.count} dose{'s' if many else ''} of {course.vaccine}"
        if many and course.interval is not None:
            line += f", at least {course.interval.words()} apart"
        first = "the first " if many else ""
        if course.first_due_now:
            line += f" ({first}due now)"
        else:
            line += f" ({first}due from {long_date(course.first_due)})"
        lines.append(line)
    return lines


def render_text(report: CheckReport) -> str:
    """Plain text for the command line: one line per flag, then the immunisations."""
    lines = [f"{flag.severity.upper():<7}  {flag.code}: {flag.message}" for flag in report.flags]
    if not lines:
        lines.append("No flags.")
    status = report.immunisations
    if status.catch_up_from is not None and (status.missing or status.due_soon):
        lines.append(
            f"Catch-up plan from {long_date(status.catch_up_from)} (uncertain or "
            f"incomplete history):"
        )
        lines.extend(f"  - {line}" for line in plan_lines(status))
    if report.immunisations.missing:
        lines.append("Missing immunisations:")
        lines.extend(
            f"  - {item.vaccine} dose {item.dose}, due since {long_date(item.due_since)}"
            for item in report.immunisations.missing
        )
    if report.immunisations.due_soon:
        lines.append("Immunisations due in the next 8 weeks:")
        lines.extend(
            f"  - {item.vaccine} dose {item.dose}, due {long_date(item.due_on)}"
            for item in report.immunisations.due_soon
        )
    if report.immunisations.not_given:
        lines.append("Not given (not due while the decision stands):")
        lines.extend(
            f"  - {item.vaccine}{f' dose {item.dose}' if item.dose else ''}: {item.status} on "
            f"{long_date(item.decided_on)}{f' - {item.reason}' if item.reason else ''}"
            for item in report.immunisations.not_given
        )
    return "\n".join(lines) + "\n"
