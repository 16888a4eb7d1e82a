"""A young person's correction request, answered by their nurse: accepted (the nurse goes to
the part of the record it is about) or declined with a reason, which the young person reads."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from passport.records.models import CorrectionRequest
from passport.records.service import load_current
from tests.conftest import FIXTURES
from tests.helpers import (
    csrf_token,
    get_page,
    make_leaver,
    make_nurse,
    signed_in,
)
from tests.web.pages import error_summary, parse, text

DANIEL = "FX-DANIEL"


@pytest.fixture
def world(app, db, cli):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    make_nurse(db)
    make_nurse(db, email="other@example.org", authority="Northshire County Council")
    make_leaver(db, "daniel@example.org", DANIEL)
    return app


def ask(app, message="My penicillin allergy was ruled out by a test last year."):
    daniel = signed_in(app, "daniel@example.org")
    response = daniel.post(
        "/me/tell-us", data={"message": message, "csrf_token": csrf_token(daniel, "/me/tell-us")}
    )
    assert response.status_code == 302
    return daniel


def the_request(db) -> CorrectionRequest:
    with db.transaction() as session:
        item = session.scalars(select(CorrectionRequest)).one()
        session.expunge(item)
    return item


def answer_path(item) -> str:
    return f"/children/{DANIEL}/corrections/{item.id}/answer"


def test_an_open_request_shows_first_on_the_record_page_above_the_details(world, db):
    ask(world)
    nurse = signed_in(world, "nurse@example.org")
    soup = get_page(nurse, f"/children/{DANIEL}")
    callout = soup.select_one("#corrections")
    assert "penicillin allergy was ruled out" in text(callout)
    # Before the child's details on the page.
    html = str(soup)
    assert html.index('id="corrections"') < html.index('id="details"')
    link = callout.select_one("a")
    assert link["href"] == answer_path(the_request(db))


def test_accepting_takes_the_nurse_to_the_section_and_the_young_person_sees_it(world, db):
    daniel = ask(world)
    item = the_request(db)
    nurse = signed_in(world, "nurse@example.org")
    with db.transaction() as session:
        version_before, _ = load_current(session, DANIEL)
    response = nurse.post(
        answer_path(item),
        data={
            "csrf_token": csrf_token(nurse, answer_path(item)),
            "decision": "accept",
            "section": "allergies",
            "answer": "Thank you, you are right. I will change it today.",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/children/{DANIEL}#allergies")
    done = the_request(db)
    assert (done.status, done.section, done.resolved_by) == (
        "accepted",
        "allergies",
        "nurse@example.org",
    )
    assert done.resolved_at is not None
    # Answering is not a change to the record: the nurse makes it with the section's form.
    with db.transaction() as session:
        assert load_current(session, DANIEL)[0] == version_before
    page = get_page(nurse, f"/children/{DANIEL}")
    assert page.select_one("#corrections") is None
    assert page.select_one("#allergies") is not None
    # A request can be answered once.
    assert nurse.get(answer_path(item)).status_code == 404

    mine = get_page(daniel, "/me")
    card = mine.select_one(".app-correction-accepted")
    assert "Your nurse agreed and will change your record" in text(card)
    assert "Thank you, you are right. I will change it today." in text(card)
    assert "answered your request for a correction" in text(get_page(daniel, "/me/activity"))


def test_declining_needs_a_reason_and_the_young_person_reads_it(world, db):
    daniel = ask(world)
    item = the_request(db)
    nurse = signed_in(world, "nurse@example.org")
    token = csrf_token(nurse, answer_path(item))
    refused = nurse.post(answer_path(item), data={"csrf_token": token, "decision": "decline"})
    assert refused.status_code == 400
    assert "Enter why you are declining the request" in " ".join(
        m for _, m in error_summary(parse(refused))
    )
    assert the_request(db).status == "open"

    reason = "The allergy clinic letter of <b>May</b> still says penicillin allergy."
    response = nurse.post(
        answer_path(item), data={"csrf_token": token, "decision": "decline", "answer": reason}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/children/{DANIEL}")
    done = the_request(db)
    assert (done.status, done.answer, done.section) == ("declined", reason, None)

    page = daniel.get("/me").get_data(as_text=True)
    assert "&lt;b&gt;May&lt;/b&gt;" in page and "<b>May</b>" not in page
    mine = get_page(daniel, "/me")
    card = mine.select_one(".app-correction-declined")
    assert "Your nurse did not change your record" in text(card)
    assert "still says penicillin allergy" in text(card)


def test_accepting_needs_a_section_and_an_answer(world, db):
    ask(world)
    item = the_request(db)
    nurse = signed_in(world, "nurse@example.org")
    response = nurse.post(
        answer_path(item),
        data={"csrf_token": csrf_token(nurse, answer_path(item)), "decision": "accept"},
    )
    assert response.status_code == 400
    messages = " ".join(m for _, m in error_summary(parse(response)))
    assert "Select the entry or the part of the record it is about" in messages
    assert "Enter a short answer to the young person" in messages
    assert the_request(db).status == "open"


def test_an_unanswered_request_says_so_to_the_young_person(world, db):
    daniel = ask(world)
    card = get_page(daniel, "/me").select_one(".app-correction-open")
    assert "Your nurse has not answered yet" in text(card)
    assert "penicillin allergy was ruled out" in text(card)


def test_another_authoritys_nurse_gets_404(world, db):
    ask(world)
    item = the_request(db)
    other = signed_in(world, "other@example.org")
    assert other.get(answer_path(item)).status_code == 404
    response = other.post(
        answer_path(item),
        data={
            "csrf_token": csrf_token(other, "/caseload"),
            "decision": "decline",
            "answer": "No.",
        },
    )
    assert response.status_code == 404
    assert the_request(db).status == "open"


def test_a_request_of_another_child_is_404_under_this_childs_address(world, db):
    ask(world)
    item = the_request(db)
    nurse = signed_in(world, "nurse@example.org")
    assert nurse.get(f"/children/FX-ELLIE/corrections/{item.id}/answer").status_code == 404


def test_the_young_persons_words_about_their_requests_are_easy_to_read(world, db):
    """Every status sentence the young person reads (not what they or the nurse typed)
    scores 70 or more on the Flesch reading ease."""
    import textstat

    daniel = ask(world, "one")
    for message in ("two", "three"):
        daniel.post(
            "/me/tell-us",
            data={"message": message, "csrf_token": csrf_token(daniel, "/me/tell-us")},
        )
    with db.transaction() as session:
        first, second, _ = session.scalars(
            select(CorrectionRequest).order_by(CorrectionRequest.id)
        ).all()
        first_id, second_id = first.id, second.id
    nurse = signed_in(world, "nurse@example.org")
    for request_id, decision, section in (
        (first_id, "accept", "allergies"),
        (second_id, "decline", ""),
    ):
        path = f"/children/{DANIEL}/corrections/{request_id}/answer"
        response = nurse.post(
            path,
            data={
                "csrf_token": csrf_token(nurse, path),
                "decision": decision,
                "section": section,
                "answer": "typed",
            },
        )
        assert response.status_code == 302
    soup = get_page(daniel, "/me")
    cards = soup.select("#corrections ~ .nhsuk-card")
    assert {c["class"][-1] for c in cards} == {
        "app-correction-accepted",
        "app-correction-declined",
        "app-correction-open",
    }
    for quoted in soup.select("#corrections ~ .nhsuk-card .app-pre-wrap"):
        quoted.decompose()
    words = " ".join(text(card) for card in cards)
    assert "Your nurse" in words
    assert textstat.flesch_reading_ease(words) >= 70, words


def test_accepting_about_one_entry_opens_its_change_form_prefilled_with_the_request(world, db):
    """The nurse picks "Allergies: Penicillin": its change form opens filled in as the
    entry is now, with the young person's words as the reason; saving it makes the change."""
    ask(world)
    item = the_request(db)
    nurse = signed_in(world, "nurse@example.org")
    form = get_page(nurse, answer_path(item))
    options = {o.get_text(strip=True): o["value"] for o in form.select("#entry option")}
    assert options["Allergies: Penicillin"] == "allergies:0"
    response = nurse.post(
        answer_path(item),
        data={
            "csrf_token": csrf_token(nurse, answer_path(item)),
            "decision": "accept",
            "entry": "allergies:0",
            "answer": "Thank you. I have changed it.",
        },
    )
    assert response.status_code == 302
    change_url = response.headers["Location"]
    assert change_url.endswith(f"/children/{DANIEL}/allergies/0/change?correction={item.id}")
    done = the_request(db)
    assert (done.status, done.section) == ("accepted", "allergies")
    page = get_page(nurse, change_url)
    assert page.select_one("#substance")["value"] == "Penicillin"
    reason = page.select_one("#change_reason").get_text()
    assert reason == (
        "The young person asked for a correction: "
        "\u201cMy penicillin allergy was ruled out by a test last year.\u201d"
    )
    # Nobody else's request fills the reason: another child's id gives an empty box.
    other = get_page(nurse, f"/children/FX-CHLOE/allergies/0/change?correction={item.id}")
    assert other.select_one("#change_reason").get_text().strip() == ""
