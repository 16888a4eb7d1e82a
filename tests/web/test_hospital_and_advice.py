"""Hospital episodes and health advice given (issue 14): the nurse adds each from the record
page; impossible dates are refused in plain words with UK dates and save nothing; the new
version, its history line, the documents and a new link's contents all show them."""

from __future__ import annotations

from datetime import date

import pytest

from passport.records.service import load_current
from tests.helpers import (
    current_version,
    date_parts,
    form_page,
    get_page,
    nurse_signed_in,
)
from tests.web.pages import error_summary, parse, text

ELLIE = "FX-ELLIE"  # born 3 April 2017
EPISODES = f"/children/{ELLIE}/add/hospital_episodes"
ADVICE = f"/children/{ELLIE}/add/health_advice"


@pytest.fixture
def nurse(client, db, cli):
    return nurse_signed_in(client, db, cli)


def operation(**overrides) -> dict:
    data = {
        "kind": "operation",
        **date_parts("date", "2025-06-02"),
        **date_parts("discharged_on", "2025-06-04"),
        "where": "Example General Hospital",
        "why": "appendix removed",
    }
    data.update(overrides)
    return data


def test_the_record_page_links_to_both_forms_in_their_own_sections(nurse):
    page = get_page(nurse, f"/children/{ELLIE}")
    assert page.select_one("#hospital_episodes").find_next("a", href=EPISODES).get_text() == (
        "Add a hospital episode"
    )
    assert page.select_one("#health_advice").find_next("a", href=ADVICE).get_text() == (
        "Record health advice given"
    )


def test_a_hospital_episode_is_saved_shown_and_said_in_the_history(nurse, db):
    token, version = form_page(nurse, EPISODES)
    done = nurse.post(EPISODES, data={"csrf_token": token, "version": version, **operation()})
    assert done.status_code == 302, error_summary(parse(done))
    assert done.headers["Location"].endswith("#hospital_episodes")
    with db.transaction() as session:
        new_version, record = load_current(session, ELLIE)
    assert new_version == 2
    assert record["hospital_episodes"] == [
        {
            "kind": "operation",
            "date": date(2025, 6, 2),
            "discharged_on": date(2025, 6, 4),
            "where": "Example General Hospital",
            "why": "appendix removed",
        }
    ]
    page = get_page(nurse, f"/children/{ELLIE}")
    shown = text(page.select_one("#hospital_episodes").find_next("table"))
    assert "Operation" in shown and "2 June 2025 to 4 June 2025" in shown
    assert "Example General Hospital" in shown
    history = text(get_page(nurse, f"/children/{ELLIE}/history"))
    assert (
        "Hospital episode added: operation on 2 June 2025 at Example General Hospital"
        " - appendix removed"
    ) in history


@pytest.mark.parametrize(
    ("fields", "target", "message"),
    [
        (
            {"kind": "admission", **date_parts("discharged_on", "2025-06-01")},
            "#discharged_on-day",
            "The discharge date must be on or after the date of admission, 2 June 2025",
        ),
        (
            date_parts("discharged_on", "2025-05-30"),
            "#discharged_on-day",
            "The discharge date must be on or after the date of the operation, 2 June 2025",
        ),
        (
            {**date_parts("date", "2027-01-02"), **date_parts("discharged_on", "2027-01-03")},
            "#date-day",
            "The date of admission must not be in the future",
        ),
        (
            {**date_parts("date", "2016-01-02"), **date_parts("discharged_on", "2016-01-03")},
            "#date-day",
            "The date of admission must not be before their date of birth, 3 April 2017",
        ),
        ({"kind": ""}, "#kind", "Select what happened"),
        (
            {"date-day": "", "date-month": "", "date-year": ""},
            "#date-day",
            "Enter the date of admission",
        ),
    ],
)
def test_an_impossible_hospital_episode_is_refused_in_plain_words(
    nurse, db, fields, target, message
):
    token, version = form_page(nurse, EPISODES)
    data = {k: v for k, v in operation(**fields).items() if v != ""}
    refused = nurse.post(EPISODES, data={"csrf_token": token, "version": version, **data})
    assert refused.status_code == 400
    summary = error_summary(parse(refused))
    assert (target, message) in summary
    assert not any("hospital_episodes[" in m or "20" + "25-06" in m for _, m in summary)
    assert current_version(db, ELLIE) == 1  # nothing saved


def test_health_advice_is_saved_shown_and_said_in_the_history(nurse, db):
    token, version = form_page(nurse, ADVICE)
    data = {
        "csrf_token": token,
        "version": version,
        "topic": "dental_costs",
        **date_parts("date", "2026-10-01"),
        "by": "Sam Patel, LAC nurse",
        "notes": "<script>alert(1)</script>",
    }
    done = nurse.post(ADVICE, data=data)
    assert done.status_code == 302, error_summary(parse(done))
    with db.transaction() as session:
        new_version, record = load_current(session, ELLIE)
    assert new_version == 2
    assert record["health_advice"][-1]["topic"] == "dental_costs"
    page = nurse.get(f"/children/{ELLIE}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    shown = text(get_page(nurse, f"/children/{ELLIE}").select_one("#health_advice").find_next("ul"))
    assert "Dental costs: 1 October 2026, by Sam Patel, LAC nurse" in shown
    history = text(get_page(nurse, f"/children/{ELLIE}/history"))
    assert "Health advice added: dental costs on 1 October 2026 by Sam Patel, LAC nurse" in history


@pytest.mark.parametrize(
    ("fields", "target", "message"),
    [
        ({"topic": "vaping"}, "#topic", "Not a valid choice."),
        (date_parts("date", "2026-12-25"), "#date-day", "The date given must not be in the future"),
        ({}, "#date-day", "Enter the date the advice was given"),
    ],
)
def test_impossible_health_advice_is_refused(nurse, db, fields, target, message):
    token, version = form_page(nurse, ADVICE)
    data = {"csrf_token": token, "version": version, "topic": "smoking", **fields}
    refused = nurse.post(ADVICE, data=data)
    assert refused.status_code == 400
    assert (target, message) in error_summary(parse(refused))
    assert current_version(db, ELLIE) == 1


def test_an_a_and_e_visit_added_reaches_the_documents_and_a_new_links_bundle(nurse, db):
    from fhir.resources.R4B.bundle import Bundle

    from passport.documents import service as documents
    from tests.helpers import new_link_bundle

    token, version = form_page(nurse, EPISODES)
    visit = {
        "kind": "emergency_attendance",
        **date_parts("date", "2026-11-02"),
        "where": "Example Children's Hospital",
        "why": "Cut on the knee, glued",
        "notes": "Staff note: carer brought her in",
    }
    done = nurse.post(EPISODES, data={"csrf_token": token, "version": version, **visit})
    assert done.status_code == 302, error_summary(parse(done))
    as_of = date(2026, 11, 29)
    with db.transaction() as session:
        _, passport = documents.build_document(session, ELLIE, "passport", as_of)
        _, sheet = documents.build_document(session, ELLIE, "carer-sheet", as_of)
        bundle = new_link_bundle(session, ELLIE, as_of)
    [said] = passport.sections["hospital"]
    assert said["what"] == "You went to A&E (accident and emergency)"
    assert (said["date"], said["where"], said["why"]) == (
        "2 November 2026",
        "Example Children's Hospital",
        "Cut on the knee, glued",
    )
    assert "Staff note" not in str(passport.sections) + str(sheet.sections)
    assert [h["date"] for h in sheet.sections["hospital"]] == ["2 November 2026"]
    Bundle.model_validate(bundle)
    [encounter] = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Encounter"
    ]
    assert encounter["class"]["code"] == "EMER"
    assert encounter["period"] == {"start": "2026-11-02"}
    assert "Staff note" not in str(bundle)
