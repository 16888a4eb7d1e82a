"""The report: JSON shape, plain text, ordering of flags and of a caseload."""

from __future__ import annotations

import json
import time
from datetime import date

import pytest
from rules_factories import AS_OF, clean_record, latest, no_history_record

from passport.rules import (
    SEVERITIES,
    CheckReport,
    Flag,
    check_record,
    load_schedule,
    render_text,
)
from passport.rules.working_days import bank_holidays


def test_to_json_shape(jordan):
    body = check_record(jordan, AS_OF).to_json()
    assert json.loads(json.dumps(body)) == body
    assert set(body) == {"ref", "as_of", "next_rha_due", "flags", "immunisations"}
    assert (body["ref"], body["as_of"], body["next_rha_due"]) == (
        "EX-JORDAN",
        "2026-11-25",
        "2026-06-10",
    )
    assert body["flags"][0] == {
        "code": "RHA_OVERDUE",
        "severity": "urgent",
        "due": "2026-06-10",
        "message": "The review health assessment was due on 10 June 2026 and has not been "
        "done. Book it now.",
    }
    assert body["immunisations"] == {
        "missing": [
            {"vaccine": "Td/IPV", "dose": 5, "due_since": "2024-09-01"},
            {"vaccine": "MenACWY", "dose": 1, "due_since": "2024-09-01"},
        ],
        "due_soon": [],
    }
    for flag in body["flags"]:
        assert {"code", "severity", "message"} <= set(flag)
        assert flag["severity"] in SEVERITIES


def test_flags_are_sorted_most_urgent_first(jordan):
    report = check_record(jordan, AS_OF)
    ranks = [SEVERITIES.index(flag.severity) for flag in report.flags]
    assert ranks == sorted(ranks)
    assert report.codes()[0] == "RHA_OVERDUE"
    infos = [f.extra["since"] for f in report.flags if f.code == "NO_GP_CAMHS_INPUT"]
    assert infos == sorted(infos) and len(infos) == 3


def test_render_text(jordan):
    text = render_text(check_record(jordan, AS_OF))
    lines = text.splitlines()
    assert lines[0] == (
        "URGENT   RHA_OVERDUE: The review health assessment was due on "
        "10 June 2026 and has not been done. Book it now."
    )
    assert "Missing immunisations:" in lines
    assert "  - Td/IPV dose 5, due since 1 September 2024" in lines
    assert sum(1 for line in lines if line.startswith(("URGENT", "WARNING", "INFO"))) == len(
        check_record(jordan, AS_OF).flags
    )


def test_render_text_for_a_clean_record():
    assert render_text(check_record(clean_record(), AS_OF)) == "No flags.\n"


def test_render_text_lists_doses_due_soon():
    record = clean_record(date_of_birth="2026-10-01", entered_care="2026-10-01")
    record["immunisations"] = []
    text = render_text(check_record(record, AS_OF))
    assert "Immunisations due in the next 8 weeks:" in text
    assert "  - 6-in-1 dose 1, due 26 November 2026" in text


def test_caseload_sorts_by_urgency(jordan):
    clean = clean_record(ref="A-CLEAN")
    one_warning = clean_record(ref="B-WARN")
    one_warning["dental_checks"] = []
    overdue = clean_record(ref="C-RHA")
    latest(overdue)["date"] = "2025-10-01"
    overdue_and_no_gp = clean_record(ref="D-RHA-GP")
    latest(overdue_and_no_gp)["date"] = "2025-10-01"
    del overdue_and_no_gp["contacts"]["gp"]
    reports = [check_record(r, AS_OF) for r in (clean, one_warning, overdue, overdue_and_no_gp)]
    ordered = sorted(reports, key=lambda report: report.urgency)
    assert [r.ref for r in ordered] == ["D-RHA-GP", "C-RHA", "B-WARN", "A-CLEAN"]


def test_urgency_breaks_ties_on_the_oldest_date():
    older = clean_record(ref="Z-OLDER")
    latest(older)["date"] = "2025-06-01"
    newer = clean_record(ref="A-NEWER")
    latest(newer)["date"] = "2025-10-01"
    reports = sorted(
        (check_record(r, AS_OF) for r in (newer, older)), key=lambda report: report.urgency
    )
    assert [r.ref for r in reports] == ["Z-OLDER", "A-NEWER"]


def test_flag_rejects_unknown_severity():
    with pytest.raises(ValueError, match="severity"):
        Flag("X", "critical", "nope")


def test_report_is_immutable(jordan):
    report = check_record(jordan, AS_OF)
    assert isinstance(report, CheckReport)
    with pytest.raises(AttributeError):
        report.flags = []  # type: ignore[misc]


def test_caseload_run_is_fast_and_loads_data_once(jordan):
    records = [jordan, clean_record(), no_history_record("2011-06-01", uasc=True)] * 400
    check_record(jordan, AS_OF)
    schedule_loads = load_schedule.cache_info().misses
    holiday_loads = bank_holidays.cache_info().misses
    started = time.perf_counter()
    for record in records:
        check_record(record, AS_OF)
    elapsed = time.perf_counter() - started
    assert load_schedule.cache_info().misses == schedule_loads
    assert bank_holidays.cache_info().misses == holiday_loads
    # Typically about 0.2 ms a record; the bound only catches a pathological slowdown.
    assert elapsed / len(records) < 0.003, elapsed


def test_as_of_is_reported(jordan):
    assert check_record(jordan, date(2026, 1, 2)).as_of == date(2026, 1, 2)
