"""Every import or edit makes a new version; earlier versions stay readable."""

from __future__ import annotations

import json

import pytest

from passport.records import models as m
from passport.records.service import EditConflict, check_record, load_record, save_edit
from tests.conftest import SPEC, load_json

JORDAN = SPEC / "examples" / "jordan-typical.json"


def test_replace_keeps_the_previous_version_readable(cli, db, tmp_path):
    first = load_json(JORDAN)
    assert cli("import", str(JORDAN)).exit_code == 0

    second = json.loads(json.dumps(first))
    second["child"]["preferred_name"] = "JJ"
    second["allergies"] = [{"substance": "Penicillin", "severity": "moderate"}]
    path = tmp_path / "jordan-v2.json"
    path.write_text(json.dumps(second))
    result = cli("import", "--replace", str(path))
    assert result.exit_code == 0, result.output
    assert "imported EX-JORDAN as version 2" in result.stdout

    history = cli("history", "EX-JORDAN").stdout.splitlines()
    assert history[0].split() == ["version", "when", "(UTC)", "by", "how"]
    assert history[1].split()[0] == "1" and history[1].split()[-1] == "import"
    assert history[2].split()[0] == "2" and "replace" in history[2]
    assert history[2].endswith("(current)")
    assert all("cli:" in line for line in history[1:])

    current = json.loads(cli("export", "EX-JORDAN").stdout)
    assert current["child"]["preferred_name"] == "JJ"
    assert current["allergies"][0]["substance"] == "Penicillin"
    earlier = json.loads(cli("export", "EX-JORDAN", "--version", "1").stdout)
    assert earlier["child"]["preferred_name"] == "Jordy"
    assert earlier["allergies"] == []


def test_versions_are_copies_not_updates(cli, db, tmp_path):
    assert cli("import", str(JORDAN)).exit_code == 0
    with db.transaction() as session:
        first_rows = {a.id for a in session.query(m.Assessment)}
    assert cli("import", "--replace", str(JORDAN)).exit_code == 0
    with db.transaction() as session:
        versions = session.query(m.RecordVersion).order_by(m.RecordVersion.version).all()
        assert [v.version for v in versions] == [1, 2]
        by_version = {v.version: {a.id for a in v.assessments} for v in versions}
    assert by_version[1] == first_rows
    assert by_version[2].isdisjoint(first_rows)
    assert len(by_version[2]) == len(first_rows) == 7


def test_unknown_version_and_ref_are_named(cli):
    assert cli("import", str(JORDAN)).exit_code == 0
    result = cli("export", "EX-JORDAN", "--version", "9")
    assert result.exit_code == 1
    assert "no version 9 of a record with ref EX-JORDAN" in result.output
    assert "no record with ref NOBODY" in cli("history", "NOBODY").output


def test_a_second_edit_based_on_an_old_version_is_refused(cli, db):
    assert cli("import", str(JORDAN)).exit_code == 0
    today = cli.app.extensions["passport_config"].today
    with db.transaction() as session:
        record = load_record(session, "EX-JORDAN")
    mine = check_record(json.loads(cli("export", "EX-JORDAN").stdout), today)
    theirs = check_record(json.loads(cli("export", "EX-JORDAN").stdout), today)
    theirs["child"]["preferred_name"] = "Jay"
    with db.transaction() as session:
        assert save_edit(session, theirs, actor="nurse-a", based_on_version=1).version == 2
    mine["child"]["preferred_name"] = "J"
    with pytest.raises(EditConflict) as conflict, db.transaction() as session:
        save_edit(session, mine, actor="nurse-b", based_on_version=1)
    assert conflict.value.current == 2
    with db.transaction() as session:
        assert load_record(session, "EX-JORDAN")["child"]["preferred_name"] == "Jay"
    assert record["child"]["preferred_name"] == "Jordy"
