"""Issue 14 through the nurse's forms: a vaccine not given, the assessor's register, and a
birth relative's consent. Each form refuses bad input in plain words (UK dates, the field
named) and saves nothing; a good save is a new version, a history line, and every output
follows."""

from __future__ import annotations

from datetime import date

import pytest

from passport.records.service import load_current
from tests.conftest import FIXTURES
from tests.helpers import (
    current_version,
    date_parts,
    form_page,
    get_page,
    make_nurse,
    nurse_signed_in,
    rha_form_data,
    sign_in,
)
from tests.web.pages import error_summary, parse, text

CHLOE = "FX-CHLOE"  # born 27 May 2013; MenACWY and the Td/IPV booster due soon
URL = f"/children/{CHLOE}/immunisations/not-given"


@pytest.fixture
def nurse(client, db, cli):
    return nurse_signed_in(client, db, cli)


def declined_menacwy(**overrides) -> dict:
    data = {
        "vaccine": "MenACWY",
        "dose": "1",
        **date_parts("date", "2026-11-10"),
        "status": "declined",
        "status_reason": "Wants to talk it over with her foster carer <first>",
        "status_by": "Chloe, with Dr A Example (GP)",
    }
    data.update(overrides)
    return data


def test_the_record_page_links_to_the_form_beside_add_an_immunisation(nurse):
    page = get_page(nurse, f"/children/{CHLOE}")
    link = page.find("a", string="Record a vaccine not given")
    assert link is not None and link["href"] == URL
    assert link.find_previous("a")["href"].endswith("/add/immunisations")


def test_bad_input_is_refused_in_plain_words_and_saves_nothing(nurse, db):
    token, version = form_page(nurse, URL)

    def send(**fields):
        return nurse.post(URL, data={"csrf_token": token, "version": version, **fields})

    empty = send()
    assert empty.status_code == 400
    assert {m for _, m in error_summary(parse(empty))} == {
        "Select the vaccine",
        "Enter the date of the decision",
        "Select whether it was declined or contraindicated",
        "Enter the reason, for example: parent's wish",
        "Enter who decided, for example: Dr A Example, GP",
    }
    no_reason = send(**declined_menacwy(status_reason="  "))
    assert no_reason.status_code == 400
    assert ("#status_reason", "Enter the reason, for example: parent's wish") in error_summary(
        parse(no_reason)
    )
    future = send(**declined_menacwy(**date_parts("date", "2026-12-25")))
    assert future.status_code == 400
    messages = [m for _, m in error_summary(parse(future))]
    assert "Date of the decision must not be in the future (25 December 2026 is after today)" in (
        messages
    )
    assert not any("immunisations[" in m or "2026-12-25" in m for m in messages)
    before_birth = send(**declined_menacwy(**date_parts("date", "2012-01-01")))
    assert before_birth.status_code == 400
    assert (
        "#date-day",
        "Date of the decision must not be before the date of birth (27 May 2013)",
    ) in error_summary(parse(before_birth))
    assert current_version(db, CHLOE) == 1  # nothing saved


def test_a_declined_dose_is_no_longer_due_and_every_output_says_why(nurse, db):
    from passport.documents import service as documents
    from passport.records.exchange import as_exchange_json
    from passport.rules import check_record
    from tests.helpers import new_link_bundle

    page = text(get_page(nurse, f"/children/{CHLOE}"))
    assert "MenACWY dose 1: due" in page
    token, version = form_page(nurse, URL)
    done = nurse.post(URL, data={"csrf_token": token, "version": version, **declined_menacwy()})
    assert done.status_code == 302

    with db.transaction() as session:
        new_version, record = load_current(session, CHLOE)
        _, passport = documents.build_document(session, CHLOE, "passport", date(2026, 11, 29))
        _, sheet = documents.build_document(session, CHLOE, "carer-sheet", date(2026, 11, 29))
        _, leaver = documents.build_document(session, CHLOE, "leaver-summary", date(2026, 11, 29))
        bundle = new_link_bundle(session, CHLOE, date(2026, 11, 29))
    assert new_version == 2
    saved = as_exchange_json(record)["immunisations"][-1]
    assert saved == {
        "vaccine": "MenACWY",
        "dose": 1,
        "date": "2026-11-10",
        "source": "other",
        "status": "declined",
        "status_reason": "Wants to talk it over with her foster carer <first>",
        "status_by": "Chloe, with Dr A Example (GP)",
    }
    # The rules: not due any more; the Td/IPV booster still is.
    report = check_record(as_exchange_json(record), date(2026, 11, 29))
    assert [d.vaccine for d in report.immunisations.due_soon] == ["Td/IPV"]
    # The record page: the decision listed, escaped, and no longer due.
    shown = get_page(nurse, f"/children/{CHLOE}")
    words = text(shown)
    assert "MenACWY dose 1: due" not in words
    assert (
        "MenACWY dose 1: declined on 10 November 2026 - Wants to talk it over with her foster "
        "carer <first>, decided by Chloe, with Dr A Example (GP)" in words
    )
    assert "<first>" not in str(shown.select_one("#immunisations-not-given").find_next("ul"))
    # The history.
    history = text(get_page(nurse, f"/children/{CHLOE}/history").select_one("#version-2"))
    assert (
        "MenACWY dose 1: declined on 10 November 2026 - Wants to talk it over with her foster "
        "carer <first>, decided by Chloe, with Dr A Example (GP)" in history
    )
    # The documents.
    # The summary's content is its own (documents.leaver): not given, and due on page 1.
    for not_given, due in (
        (passport.sections["vaccinations"]["not_given"], passport.sections["vaccinations"]["due"]),
        (leaver.sections["vaccines_not_given"], leaver.sections["gp_page"]["vaccines_due"]),
    ):
        [line] = not_given
        assert line["why"] == (
            "not given: declined (Wants to talk it over with her foster carer <first>)"
        )
        assert "MenACWY" not in [d["vaccine"] for d in due]
    assert sheet.sections["vaccinations_due"] == ["Td/IPV"]
    assert sheet.sections["vaccinations_not_given"] == [
        "MenACWY dose 1: not given: declined (Wants to talk it over with her foster carer <first>)"
    ]
    # The link: a not-done Immunization with the patient objection code.
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(bundle)
    [not_done] = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Immunization" and e["resource"]["status"] == "not-done"
    ]
    assert not_done["statusReason"]["coding"][0]["code"] == "PATOBJ"


def test_another_councils_nurse_gets_a_404(client, db, cli):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    make_nurse(db, email="north@example.org", authority="Northshire County Council")
    assert sign_in(client, "north@example.org").status_code == 302
    assert client.get(URL).status_code == 404


def test_the_assessment_form_asks_for_the_register_and_keeps_it(nurse, db):
    url = "/children/FX-ELLIE/assessments/new"
    token, version = form_page(nurse, url)
    missing = nurse.post(url, data=rha_form_data(token, version, practitioner_registration_body=""))
    assert missing.status_code == 400
    assert ("#practitioner_registration_body", "Select the register they are on") in (
        error_summary(parse(missing))
    )
    assert current_version(db, "FX-ELLIE") == 1
    saved = nurse.post(url, data=rha_form_data(token, version))
    assert saved.status_code == 302
    from passport.records.exchange import as_exchange_json

    with db.transaction() as session:
        record = as_exchange_json(load_current(session, "FX-ELLIE")[1])
    assert record["assessments"][-1]["practitioner"] == {
        "name": "Sam Patel",
        "role": "Specialist LAC nurse",
        "grade": "Band 7",
        "registration_body": "NMC",
        "registration_number": "12A3456E",
        "registration": "NMC 12A3456E",
    }


def test_an_iha_recorded_by_a_nurse_raises_the_flag(nurse, db):
    url = "/children/FX-ELLIE/assessments/new"
    token, version = form_page(nurse, url)
    saved = nurse.post(url, data=rha_form_data(token, version, type="IHA"))
    assert saved.status_code == 302
    page = get_page(nurse, "/children/FX-ELLIE")
    assert "Initial assessment not done by a doctor" in text(page)


def test_the_family_history_form_asks_the_relatives_consent(nurse, db):
    url = "/children/FX-ELLIE/add/family_history"
    page = get_page(nurse, url)
    labels = [text(label) for label in page.select("#consent_state label, [for^=consent_state]")]
    assert "The relative could not be traced" in labels and "Given" in labels
    token, version = form_page(nurse, url)
    base = {
        "csrf_token": token,
        "version": version,
        "relative": "birth_father",
        "condition": "Type 1 diabetes",
        "category": "physical",
        "relevant_to_carer": "no",
    }
    future = nurse.post(
        url, data={**base, "consent_state": "given", **date_parts("consent_on", "2027-01-05")}
    )
    assert future.status_code == 400
    assert (
        "#consent_on-day",
        "The date the relative was asked or answered must not be in the future",
    ) in error_summary(parse(future))
    assert current_version(db, "FX-ELLIE") == 1
    saved = nurse.post(
        url,
        data={
            **base,
            "consent_state": "given",
            **date_parts("consent_on", "2026-11-02"),
            "consent_by": "Sam Patel",
        },
    )
    assert saved.status_code == 302
    from passport.documents import service as documents
    from passport.records.exchange import as_exchange_json

    with db.transaction() as session:
        record = as_exchange_json(load_current(session, "FX-ELLIE")[1])
        _, passport = documents.build_document(session, "FX-ELLIE", "passport", date(2026, 11, 29))
    entry = record["family_history"][-1]
    assert (entry["consent_state"], entry["consent_to_share_with_young_person"]) == ("given", True)
    assert "Type 1 diabetes" in str(passport.sections)
    shown = text(
        get_page(nurse, "/children/FX-ELLIE").select_one("#family_history").find_next("table")
    )
    assert "Yes Relative's consent: given on 2 November 2026, by Sam Patel" in shown
