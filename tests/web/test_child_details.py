"""Keeping a child's details, placements and contacts up to date (issue 14): each form saves a
new version with why, the history says it in plain words, the documents show it, bad input is
refused naming the field with UK dates, and nothing moves when it is refused."""

from __future__ import annotations

import pytest

from passport.records import service
from passport.records.details import path_words
from tests.conftest import FIXTURES, TODAY
from tests.helpers import (
    csrf_token,
    date_parts,
    form_page,
    get_page,
    make_nurse,
    new_link_bundle,
    sign_in,
)
from tests.web.pages import parse, text

DANIEL = "/children/FX-DANIEL"


@pytest.fixture
def nurse(client, db, cli):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    make_nurse(db)
    assert sign_in(client).status_code == 302
    return client


def current(db, ref="FX-DANIEL"):
    with db.transaction() as session:
        return service.load_current(session, ref)


def history_lines(nurse) -> str:
    return text(get_page(nurse, f"{DANIEL}/history").select_one("#version-2"))


def post(nurse, path, data, status=302):
    token, version = form_page(nurse, path)
    response = nurse.post(path, data={"csrf_token": token, "version": version, **data})
    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    return response


def refused(nurse, db, path, data, *messages):
    """Post bad input: 400, each message on the page, and the version has not moved."""
    before, _ = current(db)
    response = post(nurse, path, data, status=400)
    summary = text(parse(response).select_one(".nhsuk-error-summary"))
    for message in messages:
        assert message in summary, (message, summary)
    assert "[" not in summary
    assert current(db)[0] == before


DETAILS = {
    "given_name": "Daniel",
    "family_name": "Okoro-Reid",
    "preferred_name": "Dan",
    "pronouns": "he/him",
    **date_parts("date_of_birth", "2008-12-20"),
    "date_of_birth_is_estimate": "no",
    "nhs_number": "999 630 4183",
    "legal_status": "care_order",
    "first_language": "English",
    "interpreter_needed": "no",
    "change_reason": "Checked with the social worker",
}


# --- the record page --------------------------------------------------------------------------


def test_the_record_page_has_change_links_placements_and_contacts(nurse):
    page = get_page(nurse, DANIEL)
    details = page.select_one("#details")
    change_dob = next(a for a in details.find_all("a") if text(a) == "Change date of birth")
    assert change_dob["href"] == f"{DANIEL}/details#date_of_birth-day"
    assert any(text(a) == "Change NHS number" for a in details.find_all("a"))
    table = page.select_one("#placements").find_next("table")
    assert "nhsuk-table-responsive" in table["class"]
    rows = table.select("tbody tr")
    assert len(rows) == 6
    assert "SI-0031" in text(rows[0]) and "Now" in text(rows[0])  # newest first
    contacts = page.select_one("#contacts").find_next("dl")
    names = [text(a) for a in contacts.find_all("a")]
    assert "Change GP practice" in names and "Remove social worker" in names


# --- child details ---------------------------------------------------------------------------


def test_changing_the_details_is_a_new_version_with_its_history(nurse, db):
    page = get_page(nurse, f"{DANIEL}/details")
    assert page.select_one("#given_name")["value"] == "Daniel"
    post(
        nurse,
        f"{DANIEL}/details",
        {
            **DETAILS,
            **date_parts("date_of_birth", "2008-12-01"),
            "date_of_birth_is_estimate": "yes",
            "nhs_number": "999 123 4578",
            "legal_status": "section_20",
            "interpreter_needed": "yes",
            "pronouns": "",
        },
    )
    version, record = current(db)
    assert version == 2
    child = record["child"]
    assert str(child["date_of_birth"]) == "2008-12-01"
    assert child["date_of_birth_is_estimate"] is True
    assert child["nhs_number"] == "9991234578"
    assert child["legal_status"] == "section_20"
    assert child["interpreter_needed"] is True
    assert "pronouns" not in child
    lines = history_lines(nurse)
    assert "Date of birth changed from 20 December 2008 to 1 December 2008" in lines
    assert "Date of birth marked as estimated" in lines
    assert "NHS number changed from 9996304183 to 9991234578" in lines
    assert "Pronouns removed (was he/him)" in lines
    assert "Why: Checked with the social worker" in lines
    sheet = text(get_page(nurse, f"{DANIEL}/documents/carer-sheet"))
    assert "999 123 4578" in sheet
    with db.transaction() as session:
        bundle = new_link_bundle(session, "FX-DANIEL", TODAY)
    patient = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    assert patient["identifier"][0]["value"] == "9991234578"
    assert patient["birthDate"] == "2008-12-01"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"nhs_number": "999 630 4184"},
            "The NHS number is not a valid NHS number: check each digit",
        ),
        ({"nhs_number": "12345"}, "The NHS number must be 10 digits"),
        (date_parts("date_of_birth", "2027-01-05"), "The date of birth must not be in the future"),
        (
            date_parts("date_of_birth", "2009-04-01"),
            "The date of birth must be on or before 21 December 2008, the earliest date in the "
            "record (Condition Neonatal abstinence syndrome: date it started)",
        ),
        ({"change_reason": ""}, "Enter why you are making this change"),
        ({"change_reason": "  "}, "Enter why you are making this change"),
        ({"given_name": " "}, "Enter their given name"),
    ],
)
def test_bad_details_are_refused_naming_the_field(nurse, db, change, message):
    refused(nurse, db, f"{DANIEL}/details", {**DETAILS, **change}, message)


# --- placements -----------------------------------------------------------------------------

MOVE = {
    **date_parts("moved_on", "2026-11-20"),
    "type": "foster_care",
    "carer_ref": "FC-0200",
    "area": "out_of_area",
    "host_authority": "Westmoor Borough Council",
    "change_reason": "Needed a foster home nearer college",
}


def test_a_move_ends_the_current_placement_and_starts_the_next_the_same_day(nurse, db):
    post(nurse, f"{DANIEL}/placements/move", MOVE)
    version, record = current(db)
    assert version == 2
    old, new = record["placements"][-2:]
    assert (old["carer_ref"], str(old["end"])) == ("SI-0031", "2026-11-20")
    assert (new["carer_ref"], str(new["start"]), new["area"]) == (
        "FC-0200",
        "2026-11-20",
        "out_of_area",
    )
    assert "end" not in new
    lines = history_lines(nurse)
    assert "Placement with SI-0031 ended on 20 November 2026 - moved to a new carer" in lines
    assert (
        "Placement added: foster care with FC-0200, out of area (Westmoor Borough Council), "
        "from 20 November 2026" in lines
    )
    assert "Why: Needed a foster home nearer college" in lines
    sheet = text(get_page(nurse, f"{DANIEL}/documents/carer-sheet"))
    assert "With you since 20 November 2026" in sheet
    page = get_page(nurse, DANIEL)
    assert "Out of area" in text(page.select_one("#details"))
    first = page.select_one("#placements").find_next("table").select("tbody tr")[0]
    assert "FC-0200" in text(first) and "Westmoor Borough Council" in text(first)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            date_parts("moved_on", "2024-11-30"),
            "The date of the move must be on or after the start of the current placement, "
            "2 December 2024",
        ),
        (date_parts("moved_on", "2026-12-25"), "The date of the move must not be in the future"),
        ({"change_reason": ""}, "Enter why you are making this change"),
        ({"type": ""}, "Select the type of placement"),
        ({"carer_ref": "FC 0200!"}, "Carer or home reference must be 1 to 64 letters"),
    ],
)
def test_a_bad_move_is_refused(nurse, db, change, message):
    refused(nurse, db, f"{DANIEL}/placements/move", {**MOVE, **change}, message)


def test_ending_a_placement_keeps_the_date_and_why(nurse, db):
    post(
        nurse,
        f"{DANIEL}/placements/5/end",
        {**date_parts("end", "2026-11-25"), "change_reason": "Returned home to their mother"},
    )
    version, record = current(db)
    assert version == 2 and str(record["placements"][5]["end"]) == "2026-11-25"
    lines = history_lines(nurse)
    assert "Placement with SI-0031 ended on 25 November 2026" in lines
    assert "moved" not in lines
    assert "Why: Returned home to their mother" in lines
    # Ended: it cannot be ended again, and the record has no current placement to move from.
    assert nurse.get(f"{DANIEL}/placements/5/end").status_code == 404
    sheet = text(get_page(nurse, f"{DANIEL}/documents/carer-sheet"))
    assert "No current placement is recorded" in sheet


@pytest.mark.parametrize(
    ("end", "message"),
    [
        ("2024-12-01", "The end date must be on or after the start date, 2 December 2024"),
        ("2027-02-01", "The end date must not be in the future"),
    ],
)
def test_an_end_before_the_start_or_in_the_future_is_refused(nurse, db, end, message):
    data = {**date_parts("end", end), "change_reason": "Moved on"}
    refused(nurse, db, f"{DANIEL}/placements/5/end", data, message)


def test_adding_a_placement_puts_it_in_date_order(nurse, db):
    post(
        nurse,
        f"{DANIEL}/placements/new",
        {
            **date_parts("start", "2009-07-01"),
            "type": "kinship_care",
            "carer_ref": "KC-0001",
            "area": "in_area",
        },
    )
    version, record = current(db)
    assert version == 2
    assert [p.get("carer_ref") for p in record["placements"][:3]] == [
        "FC-0110",
        "KC-0001",
        "FC-0115",
    ]
    assert "Placement added: kinship care with KC-0001, from 1 July 2009" in history_lines(nurse)


def test_a_placement_before_birth_is_refused(nurse, db):
    data = {**date_parts("start", "2008-01-01"), "type": "foster_care", "area": "in_area"}
    refused(
        nurse,
        db,
        f"{DANIEL}/placements/new",
        data,
        "The start date must not be before the date of birth, 20 December 2008",
    )


def test_changing_a_placement_says_what_changed(nurse, db):
    page = get_page(nurse, f"{DANIEL}/placements/4/change")
    assert page.select_one("#carer_ref")["value"] == "FC-0166"
    post(
        nurse,
        f"{DANIEL}/placements/4/change",
        {
            **date_parts("start", "2020-06-27"),
            **date_parts("end", "2024-12-01"),
            "type": "foster_care",
            "carer_ref": "FC-0167",
            "area": "in_area",
            "change_reason": "Carer ref was mistyped",
        },
    )
    assert current(db)[1]["placements"][4]["carer_ref"] == "FC-0167"
    assert (
        "Placement (foster care with FC-0166, from 27 June 2020): carer changed from FC-0166 "
        "to FC-0167" in history_lines(nurse)
    )


def test_a_changed_placement_ending_before_it_starts_is_refused(nurse, db):
    data = {
        **date_parts("start", "2020-06-27"),
        **date_parts("end", "2020-01-01"),
        "type": "foster_care",
        "area": "in_area",
        "change_reason": "Fixing dates",
    }
    refused(
        nurse,
        db,
        f"{DANIEL}/placements/4/change",
        data,
        "The end date must be on or after the start date, 27 June 2020",
    )


# --- contacts ----------------------------------------------------------------------------------

GP = {
    "name": "Riverside Surgery",
    "ods_code": "y99055",
    "phone": "01632 960999",
    **date_parts("registered_on", "2026-11-21"),
    "change_reason": "Registered with a practice near the new placement",
}


def test_changing_the_gp_shows_in_the_documents_and_history(nurse, db):
    assert get_page(nurse, f"{DANIEL}/contacts/gp").select_one("#ods_code")["value"] == "Y99021"
    post(nurse, f"{DANIEL}/contacts/gp", GP)
    version, record = current(db)
    assert version == 2
    assert record["contacts"]["gp"]["ods_code"] == "Y99055"  # typed in small letters
    lines = history_lines(nurse)
    assert "GP: name changed from Ashgrove Medical Practice to Riverside Surgery" in lines
    assert "GP: ODS code changed from Y99021 to Y99055" in lines
    assert "Why: Registered with a practice near the new placement" in lines
    for kind in ("carer-sheet", "passport"):
        words = text(get_page(nurse, f"{DANIEL}/documents/{kind}"))
        assert "Riverside Surgery" in words and "Ashgrove" not in words
    # A new sharing link's contents name the new practice as the child's GP.
    with db.transaction() as session:
        bundle = new_link_bundle(session, "FX-DANIEL", TODAY)
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    patient = next(r for r in by_url.values() if r["resourceType"] == "Patient")
    practice = by_url[patient["generalPractitioner"][0]["reference"]]
    assert practice["name"] == "Riverside Surgery"
    assert practice["identifier"][0]["value"] == "Y99055"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ods_code": "12345"}, "The ODS code must be a letter then 5 digits, like Y99021"),
        (
            date_parts("registered_on", "2026-12-01"),
            "The date registered must not be in the future",
        ),
        ({"name": ""}, "Enter the name"),
        ({"change_reason": ""}, "Enter why you are making this change"),
    ],
)
def test_a_bad_gp_is_refused(nurse, db, change, message):
    refused(nurse, db, f"{DANIEL}/contacts/gp", {**GP, **change}, message)


def test_every_problem_is_said_at_once(nurse, db):
    """A missing reason does not hide a wrong NHS number or date: all are said together."""
    refused(
        nurse,
        db,
        f"{DANIEL}/details",
        {**DETAILS, "nhs_number": "9996304184", "change_reason": "", "given_name": ""},
        "The NHS number is not a valid NHS number",
        "Enter why you are making this change",
        "Enter their given name",
    )
    refused(
        nurse,
        db,
        f"{DANIEL}/placements/move",
        {**MOVE, **date_parts("moved_on", "2027-01-01"), "change_reason": ""},
        "The date of the move must not be in the future",
        "Enter why you are making this change",
    )


def test_removing_and_adding_a_contact(nurse, db):
    assert "Hannah Cole" in text(get_page(nurse, f"{DANIEL}/contacts/social_worker/remove"))
    refused(
        nurse,
        db,
        f"{DANIEL}/contacts/social_worker/remove",
        {"change_reason": ""},
        "Enter why you are making this change",
    )
    post(
        nurse,
        f"{DANIEL}/contacts/social_worker/remove",
        {"change_reason": "Case closed to Hannah"},
    )
    assert "social_worker" not in current(db)[1]["contacts"]
    assert "Social worker removed: Hannah Cole" in history_lines(nurse)
    assert nurse.get(f"{DANIEL}/contacts/social_worker/remove").status_code == 404
    # Adding asks for no reason: nothing is changed or ended.
    page = get_page(nurse, f"{DANIEL}/contacts/social_worker")
    assert not page.select("#change_reason")
    post(
        nurse,
        f"{DANIEL}/contacts/social_worker",
        {"name": "Omar Haddad", "team": "Leaving Care Team", "email": "omar@example.org"},
    )
    version, record = current(db)
    assert version == 3
    assert record["contacts"]["social_worker"]["name"] == "Omar Haddad"
    newest = text(get_page(nurse, f"{DANIEL}/history").select_one("#version-3"))
    assert "Social worker added: Omar Haddad" in newest


# --- who may --------------------------------------------------------------------------------

PAGES = (
    "details",
    "placements/new",
    "placements/move",
    "placements/4/change",
    "placements/5/end",
    "contacts/gp",
    "contacts/gp/remove",
)


def test_another_councils_nurse_gets_404_everywhere(client, db, cli):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    make_nurse(db, email="shire@example.org", authority="Northshire County Council")
    assert sign_in(client, email="shire@example.org").status_code == 302
    token = csrf_token(client, "/import")
    for page in PAGES:
        assert client.get(f"{DANIEL}/{page}").status_code == 404, page
        data = {"csrf_token": token, "version": "1", **DETAILS, **MOVE, **GP}
        assert client.post(f"{DANIEL}/{page}", data=data).status_code == 404, page
    assert current(db)[0] == 1


def test_unknown_entries_are_404(nurse):
    for page in ("placements/6/change", "placements/9/end", "contacts/camhs", "contacts/x/remove"):
        assert nurse.get(f"{DANIEL}/{page}").status_code == 404, page


def test_every_form_opens_for_the_nurse(nurse):
    for page in PAGES:
        get_page(nurse, f"{DANIEL}/{page}")


def test_a_stale_form_saves_nothing_and_keeps_what_was_typed(nurse, db):
    """Someone saved since the form was opened: 409, nothing saved, the typing kept."""
    token, _ = form_page(nurse, f"{DANIEL}/contacts/gp")
    post(nurse, f"{DANIEL}/placements/move", MOVE)  # version 2
    response = nurse.post(f"{DANIEL}/contacts/gp", data={"csrf_token": token, "version": "1", **GP})
    assert response.status_code == 409
    page = parse(response)
    assert page.select_one("#name")["value"] == "Riverside Surgery"
    assert page.select_one("input[name=version]")["value"] == "2"
    version, record = current(db)
    assert version == 2 and record["contacts"]["gp"]["name"] == "Ashgrove Medical Practice"


def test_free_text_is_shown_as_text(nurse, db):
    post(
        nurse,
        f"{DANIEL}/contacts/social_worker",
        {**{"name": "<b>Omar</b>", "team": "<script>x()</script>"}, "change_reason": "New"},
    )
    page = nurse.get(DANIEL).get_data(as_text=True)
    assert "&lt;b&gt;Omar&lt;/b&gt;" in page and "<b>Omar</b>" not in page
    assert "<script>x()</script>" not in page


def test_a_path_is_said_in_words_never_as_json():
    record = {
        "conditions": [{"name": "Asthma", "status": "active"}],
        "dental_checks": ["2020-03-03"],
        "assessments": [{"id": "IHA-1"}],
    }
    assert path_words("conditions[0].onset", record) == "Condition Asthma: date it started"
    assert path_words("dental_checks[0]", record) == "Dental checks of 3 March 2020"
    assert path_words("assessments[0].consent.recorded_on", record) == (
        "Assessments 1: consent date recorded"
    )
    assert path_words("contacts.gp.registered_on") == "GP: registered on"
    assert path_words("child.nhs_number") == "NHS number"
