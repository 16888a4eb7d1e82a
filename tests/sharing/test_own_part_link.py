"""The things a young person added themselves (issue 16) go in a link only when they tick
"Things I added": off by default, and when ticked, in the encrypted bundle as theirs (the
section's author is the Patient), never on the Patient resource the nurse's fields make."""

from __future__ import annotations

import json

from passport.records.service import check_record, import_record
from passport.sharing import service
from passport.sharing.forms import carries_field
from passport.sharing.parts import DEFAULT_PARTS, PARTS
from tests.conftest import ROOT, TODAY
from tests.helpers import new_link, read_bundle
from tests.sharing.test_fhir import validate

DANIEL = json.loads((ROOT / "fixtures" / "fx-daniel.json").read_text())
OWN = {
    "preferred_name": "Danny",
    "pronouns": "he/they",
    "what_matters": "Football on Saturdays",
    "notes": [{"id": "n1", "text": "Ask about my knee", "written_on": "2026-11-20"}],
    "appointments": [
        {
            "id": "a1",
            "what": "Physio",
            "date": "2026-12-14",
            "time": "09:30",
            "where": "Northfield",
        },
        {"id": "a2", "what": "Dentist", "date": "2026-12-20"},
    ],
}


def make(db, carries):
    with db.transaction() as session:
        made = new_link(
            session,
            today=TODAY,
            label="New GP",
            carries=carries,
            sharer=service.sharer_for("leaver", None, DANIEL["child"]),
        )
        return made, read_bundle(made)


def imported(db):
    record = json.loads(json.dumps(DANIEL))
    record["young_person_own"] = OWN
    with db.transaction() as session:
        import_record(session, check_record(record, lambda: TODAY), actor="test")


def test_the_part_is_offered_and_off_by_default(app):
    assert PARTS["own_part"] == "Things I added: appointments, notes, what matters to me"
    assert "own_part" not in DEFAULT_PARTS
    with app.test_request_context():
        from flask_wtf import FlaskForm

        class Form(FlaskForm):
            carries = carries_field("What should the link share?")

        assert "own_part" not in Form().carries.data


def test_their_own_part_goes_only_when_chosen_and_marked_as_theirs(app, db):
    imported(db)
    _, without = make(db, DEFAULT_PARTS)
    plain = json.dumps(without)
    for private in ("Ask about my knee", "Physio", "Football on Saturdays", "he/they", "Danny"):
        assert private not in plain
    assert {"Appointment", "Communication"}.isdisjoint(
        e["resource"]["resourceType"] for e in without["entry"]
    )
    # Nor when nobody chose (a link from the command line).
    _, unchosen = make(db, None)
    assert "Ask about my knee" not in json.dumps(unchosen)

    made, bundle = make(db, [*DEFAULT_PARTS, "own_part"])
    validate(bundle)
    assert "own_part" in made.link.parts.split()
    assert made.link.carries[-1] == "Things I added: appointments, notes, what matters to me"
    composition = bundle["entry"][0]["resource"]
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    patient_url = next(u for u, r in by_url.items() if r["resourceType"] == "Patient")
    own = next(s for s in composition["section"] if s["title"] == "Things the young person added")
    assert own["author"] == [{"reference": patient_url}]
    resources = [by_url[e["reference"]] for e in own["entry"]]
    appointments = [r for r in resources if r["resourceType"] == "Appointment"]
    assert [(a["description"], a.get("start")) for a in appointments] == [
        ("Physio", "2026-12-14T09:30:00+00:00"),
        ("Dentist", None),
    ]
    assert appointments[1]["requestedPeriod"] == [{"start": "2026-12-20"}]
    assert {"actor": {"display": "Northfield"}, "status": "accepted"} in appointments[0][
        "participant"
    ]
    messages = {
        r["category"][0]["text"]: r["payload"][0]["contentString"]
        for r in resources
        if r["resourceType"] == "Communication"
    }
    assert messages == {
        "Likes to be called": "Danny",
        "Pronouns": "he/they",
        "What matters to me": "Football on Saturdays",
        "Note written by the young person": "Ask about my knee",
    }
    assert all(
        r["sender"] == {"reference": patient_url}
        for r in resources
        if r["resourceType"] == "Communication"
    )
    # The Patient still carries the nurse's record of the name.
    usual = [n for n in by_url[patient_url]["name"] if n.get("use") == "usual"]
    assert [n["given"] for n in usual] == [["Dan"]]
