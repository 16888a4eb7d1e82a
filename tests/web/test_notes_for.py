"""Who a note is for (format /2 `notes_for`, issue 15): the nurse's forms ask when a note is
written; only a note for the young person reaches their passport."""

from __future__ import annotations

import pytest

from passport.documents.content import build
from passport.records.exchange import as_exchange_json
from passport.records.service import load_current
from tests.conftest import FIXTURES, TODAY
from tests.helpers import form_page, make_nurse, sign_in
from tests.web.pages import error_summary, parse, text

ELLIE = "FX-ELLIE"


@pytest.fixture
def nurse(client, db, cli):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    make_nurse(db)
    sign_in(client)
    return client


def add_condition(nurse, **data):
    token, version = form_page(nurse, f"/children/{ELLIE}/add/conditions")
    return nurse.post(
        f"/children/{ELLIE}/add/conditions",
        data={"csrf_token": token, "version": version, "status": "active", **data},
    )


def test_the_form_asks_who_a_note_is_for_and_staff_is_the_answer_unless_changed(nurse):
    page = parse(nurse.get(f"/children/{ELLIE}/add/conditions"))
    assert "Who is this note for?" in text(page)
    checked = page.select_one('input[name="notes_for"][checked]')
    assert checked is not None and checked["value"] == "staff"


def test_a_note_for_the_young_person_reaches_the_passport_and_a_staff_note_does_not(nurse, db):
    staff = add_condition(
        nurse, name="Hay fever", notes="Check the inhaler at the next RHA", notes_for="staff"
    )
    assert staff.status_code == 302, error_summary(parse(staff))
    mine = add_condition(
        nurse, name="Eczema", notes="Use the cream twice a day", notes_for="young_person"
    )
    assert mine.status_code == 302, error_summary(parse(mine))
    with db.transaction() as session:
        _, record = load_current(session, ELLIE)
    hay, eczema = record["conditions"][-2:]
    # No value is staff (format /2): the note saved as staff carries none.
    assert hay == {"name": "Hay fever", "status": "active", "notes": hay["notes"]}
    assert eczema["notes_for"] == "young_person"
    conditions = build("passport", as_exchange_json(record), TODAY).sections["health"]["conditions"]
    notes = {c["name"]: c["notes"] for c in conditions}
    assert notes["Eczema"] == "Use the cream twice a day"
    assert notes["Hay fever"] is None


def test_who_a_note_is_for_is_dropped_without_a_note_and_a_bad_answer_is_refused(nurse, db):
    saved = add_condition(nurse, name="Hay fever", notes_for="young_person")
    assert saved.status_code == 302
    bad = add_condition(nurse, name="Asthma", notes="x", notes_for="everyone")
    assert bad.status_code != 302
    assert error_summary(parse(bad)) == [
        ("#notes_for", "Select who this note is for: staff only, or the young person too")
    ]
    with db.transaction() as session:
        _, record = load_current(session, ELLIE)
    assert record["conditions"][-1] == {"name": "Hay fever", "status": "active"}
