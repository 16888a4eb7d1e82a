"""The care leaver chooses what goes in their summary (issue 15): birth details and which of
their own words. The choices are saved in their own record (format /2), so the summary, the
export and the history all show them; bad input is refused naming the field, nothing saved;
only the leaver themself can choose, and only for their own record."""

from __future__ import annotations

import re

import pytest

from passport.records.service import export_record, history
from tests.conftest import FIXTURES
from tests.helpers import (
    csrf_token,
    get_page,
    make_leaver,
    make_nurse,
    signed_in,
)
from tests.web.pages import text

DANIEL = "FX-DANIEL"
PATH = "/me/summary-choices"


@pytest.fixture
def world(app, db, cli):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    make_nurse(db)
    make_leaver(db, "daniel@example.org", DANIEL)
    make_leaver(db, "tia@example.org", "FX-TIA")
    return app


def based_on(client) -> str:
    page = client.get(PATH).get_data(as_text=True)
    return re.search(r'name="based_on" type="hidden" value="(\d+)"', page).group(1)


def post(client, **data):
    form = {"csrf_token": csrf_token(client, PATH), "based_on": based_on(client), **data}
    return client.post(PATH, data=form)


def choices_of(db, ref=DANIEL):
    with db.transaction() as session:
        return export_record(session, ref).get("young_person_choices")


def test_the_form_starts_from_the_defaults(world):
    daniel = signed_in(world, "daniel@example.org")
    soup = get_page(daniel, PATH)
    ticked = [box["value"] for box in soup.select('input[name="summary_quotes"][checked]')]
    assert ticked == ["RHA-2026", "RHA-2025", "RHA-2024"]  # the latest three
    assert not soup.select('input[name="show_birth_details"][checked]')  # not chosen yet
    assert len(soup.select('input[name="summary_quotes"]')) == 15
    assert "I hate it here" in text(soup)  # every quote is there to choose from


def test_choices_are_saved_in_the_record_and_shape_the_summary(world, db):
    daniel = signed_in(world, "daniel@example.org")
    response = post(daniel, show_birth_details="yes", summary_quotes=["RHA-2021", "RHA-2026"])
    assert response.status_code == 302
    assert choices_of(db) == {
        "show_birth_details": True,
        "summary_quotes": ["RHA-2026", "RHA-2021"],
    }
    summary = daniel.get("/me/documents/leaver-summary").get_data(as_text=True)
    assert "You were born at Example General Hospital" in summary
    assert "Doing this on a video call is awkward." in summary  # RHA-2021
    assert "Living on my own is harder" not in summary  # RHA-2025, not chosen
    with db.transaction() as session:
        versions = history(session, DANIEL)
    assert versions[-1].created_by == "daniel@example.org"


def test_no_quotes_at_all_is_a_choice_too(world, db):
    daniel = signed_in(world, "daniel@example.org")
    assert post(daniel, show_birth_details="no").status_code == 302
    assert choices_of(db) == {"show_birth_details": False, "summary_quotes": []}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"summary_quotes": ["RHA-2026"]}, "Choose if you want your birth details in your summary"),
        (
            {"show_birth_details": "yes", "summary_quotes": ["IHA-2026-OTHER-CHILD"]},
            "Choose from the things you said listed here",
        ),
        (
            {
                "show_birth_details": "yes",
                "summary_quotes": [
                    "RHA-2026",
                    "RHA-2025",
                    "RHA-2024",
                    "RHA-2023",
                    "RHA-2022",
                    "RHA-2021",
                ],
            },
            "Choose 5 or fewer things you said",
        ),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(world, db, data, message):
    daniel = signed_in(world, "daniel@example.org")
    response = post(daniel, **data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert choices_of(db) is None


def test_csrf_is_required(world, db):
    daniel = signed_in(world, "daniel@example.org")
    response = daniel.post(PATH, data={"based_on": based_on(daniel), "show_birth_details": "yes"})
    assert response.status_code == 400
    assert choices_of(db) is None


def test_a_leaver_chooses_only_for_their_own_record(world, db):
    tia = signed_in(world, "tia@example.org")
    # Daniel's first check (IHA-2009) is not Tia's to choose: refused, nothing saved.
    response = post(tia, show_birth_details="yes", summary_quotes=["IHA-2009"])
    assert response.status_code == 400
    assert choices_of(db, "FX-TIA") is None
    # Her own choice is saved in her record only; Daniel's is untouched.
    assert post(tia, show_birth_details="no", summary_quotes=["RHA-2026"]).status_code == 302
    assert choices_of(db, "FX-TIA") == {"show_birth_details": False, "summary_quotes": ["RHA-2026"]}
    assert choices_of(db) is None


def test_only_a_care_leaver_has_the_page(world):
    nurse = signed_in(world, "nurse@example.org")
    assert nurse.get(PATH).status_code in (403, 404)
    assert world.test_client().get(PATH).status_code == 302  # to sign in
