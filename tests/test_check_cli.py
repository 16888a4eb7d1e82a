"""`passport check` and `passport caseload`: the rules' report from the command line."""

from __future__ import annotations

import json

from tests.conftest import FIXTURES, ROOT
from tests.helpers import counting_queries

ELLIE = ROOT / "fixtures" / "fx-ellie.json"


def test_check_reports_an_overdue_review_as_json(cli):
    assert cli("import", str(ELLIE)).exit_code == 0
    result = cli("check", "FX-ELLIE", "--as-of", "2026-11-25", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"ref", "as_of", "next_rha_due", "flags", "immunisations"}
    assert report["ref"] == "FX-ELLIE" and report["as_of"] == "2026-11-25"
    assert report["next_rha_due"] == "2026-09-22"
    overdue = [f for f in report["flags"] if f["code"] == "RHA_OVERDUE"]
    assert overdue and overdue[0]["severity"] == "urgent"
    assert "22 September 2026" in overdue[0]["message"]
    assert set(report["immunisations"]) == {"missing", "due_soon"}


def test_check_the_day_before_it_falls_due_shows_no_overdue_review(cli):
    assert cli("import", str(ELLIE)).exit_code == 0
    report = json.loads(cli("check", "FX-ELLIE", "--as-of", "2026-09-21", "--json").stdout)
    assert "RHA_OVERDUE" not in {f["code"] for f in report["flags"]}


def test_check_as_text_is_one_line_per_flag(cli):
    assert cli("import", str(ELLIE)).exit_code == 0
    text = cli("check", "FX-ELLIE", "--as-of", "2026-11-25").stdout
    assert text.splitlines()[0].startswith("URGENT   RHA_OVERDUE: ")


def test_check_names_a_bad_date_and_an_unknown_ref(cli):
    bad = cli("check", "FX-ELLIE", "--as-of", "25/11/2026")
    assert bad.exit_code == 2
    assert "--as-of" in bad.output and "25/11/2026 is not a date written YYYY-MM-DD" in bad.output
    missing = cli("check", "NOBODY")
    assert missing.exit_code == 1 and "no record with ref NOBODY" in missing.output


def test_caseload_lists_every_child_most_urgent_first(cli):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    result = cli("caseload", "--as-of", "2026-11-25", "--json")
    assert result.exit_code == 0, result.output
    entries = json.loads(result.stdout)
    assert len(entries) == len(FIXTURES)
    severities = [
        min((("urgent", "warning", "info").index(f["severity"]) for f in e["flags"]), default=3)
        for e in entries
    ]
    assert severities == sorted(severities)
    assert severities[0] == 0 and severities[-1] == 3
    by_name = json.loads(
        cli("caseload", "--as-of", "2026-11-25", "--json", "--sort", "name").stdout
    )
    assert [e["name"] for e in by_name] == sorted((e["name"] for e in by_name), key=str.casefold)


def test_caseload_for_one_authority(cli):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    entries = json.loads(
        cli("caseload", "--json", "--authority", "Northshire County Council").stdout
    )
    assert sorted(e["ref"] for e in entries) == ["FX-LIAM", "FX-MASON"]


def test_caseload_makes_the_same_number_of_queries_for_2_or_11_children(cli, db):
    assert cli("import", *map(str, FIXTURES[:2])).exit_code == 0
    with counting_queries(db.engine) as few:
        assert cli("caseload", "--as-of", "2026-11-25").exit_code == 0
    assert cli("import", *map(str, FIXTURES[2:])).exit_code == 0
    with counting_queries(db.engine) as many:
        assert cli("caseload", "--as-of", "2026-11-25").exit_code == 0
    assert len(few) == len(many)


def test_a_repeated_caseload_reuses_reports_and_sees_every_change(cli, db, tmp_path):
    from unittest import mock

    from passport.caseload import service as caseload

    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    # The rule work for each record is its current view for staff (`records.current`).
    with mock.patch.object(caseload, "current_view", wraps=caseload.current_view) as checks:
        assert cli("caseload", "--as-of", "2026-11-25").exit_code == 0
        first = checks.call_count
        assert cli("caseload", "--as-of", "2026-11-25").exit_code == 0
        assert checks.call_count == first  # nothing changed: no rule work at all
        changed = json.loads(ELLIE.read_text())
        changed["assessments"][-1]["date"] = "2026-11-20"
        path = tmp_path / "ellie.json"
        path.write_text(json.dumps(changed))
        assert cli("import", "--replace", str(path)).exit_code == 0
        report = json.loads(cli("caseload", "--as-of", "2026-11-25", "--json").stdout)
        # Only the changed record is checked again: once when its save commits (its kept report
        # for today, `caseload.stored`) and once for the day asked for.
        assert checks.call_count == first + 2
    ellie = next(e for e in report if e["ref"] == "FX-ELLIE")
    assert "RHA_OVERDUE" not in {f["code"] for f in ellie["flags"]}
    assert first == len(FIXTURES)
