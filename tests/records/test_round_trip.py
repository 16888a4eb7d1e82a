"""Every example and fixture imports, and export gives back the same data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from passport.records.service import check_record, import_record
from tests.conftest import EXAMPLES, FIXTURES, load_json
from tests.helpers import same_data_as_given


def test_there_are_examples_and_enough_fixtures():
    assert len(EXAMPLES) >= 2
    assert len(FIXTURES) >= 8


@pytest.mark.parametrize("path", EXAMPLES + FIXTURES, ids=lambda p: p.name)
def test_imports_and_exports_the_same_data(cli, path: Path):
    given = load_json(path)
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output
    assert f"imported {given['child']['ref']} as version 1" in result.output

    exported = cli("export", given["child"]["ref"])
    assert exported.exit_code == 0, exported.output
    same_data_as_given(given, json.loads(exported.stdout))


def test_empty_sections_stay_empty_and_absent_ones_stay_absent(cli, tmp_path):
    record = {
        "format": "lac-health-record/1",
        "child": {
            "ref": "EMPTY-1",
            "given_name": "Ada",
            "family_name": "Test",
            "date_of_birth": "2015-01-01",
            "entered_care": "2020-01-01",
        },
        "allergies": [],
        "contacts": {},
        "birth_history": {},
        "assessments": [
            {
                "id": "A1",
                "type": "IHA",
                "date": "2020-01-10",
                "practitioner": {"name": "Dr A", "role": "Paediatrician"},
                "findings": {},
                "health_plan": [],
                "sources_consulted": [],
                "consent": {"status": "given", "to_share_with": []},
            }
        ],
        "information_requests": [{"to": "gp", "sent_on": "2020-01-02", "chased_on": []}],
        "x_local_id": {"nested": [1, "two", None]},
    }
    path = tmp_path / "empty.json"
    path.write_text(json.dumps(record))
    assert cli("import", str(path)).exit_code == 0
    exported = json.loads(cli("export", "EMPTY-1").stdout)
    same_data_as_given(record, exported)
    assert "medications" not in exported
    assert "sdq" not in exported["assessments"][0]


def test_export_keeps_non_latin_text_readable(cli):
    record = {
        "format": "lac-health-record/1",
        "child": {
            "ref": "AR-1",
            "given_name": "يوسف",
            "family_name": "الأحمد",
            "date_of_birth": "2010-01-01",
            "date_of_birth_is_estimate": True,
            "entered_care": "2025-01-01",
        },
    }
    app = cli.app
    with app.extensions["db"].transaction() as session:
        import_record(
            session, check_record(record, app.extensions["passport_config"].today), actor="test"
        )
    output = cli("export", "AR-1").stdout
    assert "يوسف" in output
    assert json.loads(output)["child"]["family_name"] == "الأحمد"


def test_export_of_an_unknown_ref_says_so(cli):
    outcome = cli("export", "NOPE")
    assert outcome.exit_code == 1
    assert "no record with ref NOPE" in outcome.output
