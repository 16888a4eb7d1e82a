"""The foster carer's plan actions (issue 16): booked and done are different states, "done" can
be undone the same day by the carer who marked it and not after, each change is a new version
with its own history words, and nobody else's child can be reached. The child's page also
lists what is coming up, from the current view, and who to call out of hours."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta

import pytest
import textstat

from passport.records import service
from passport.records.audience import CARER
from passport.records.current import current_view
from passport.records.exchange import as_exchange_json
from tests.conftest import ROOT, TODAY
from tests.helpers import date_parts, form_page, get_page, make_carer, make_nurse, sign_in
from tests.web.pages import error_summary, parse, text

AMARA = ROOT / "fixtures" / "fx-amara.json"
NOAH = ROOT / "fixtures" / "fx-noah.json"
# Noah's open action for his carer, and where it sits in his record.
ACTION = "MMRV catch-up dose when the GP invites him (not needed if he has had chickenpox)"
AT = "/placements/FX-NOAH/actions/RHA-2026-09/0"
CARER_EMAIL = "jo.carer@example.org"


@pytest.fixture
def jo(db, cli, client):
    """Noah's carer, Jo Carer, signed in."""
    assert cli("import", str(NOAH), str(AMARA)).exit_code == 0
    make_carer(db, CARER_EMAIL, "FC-0201", "FX-NOAH", name="Jo Carer")
    sign_in(client, CARER_EMAIL, code=False)
    return client


def _action(db) -> dict:
    with db.transaction() as session:
        record = service.load_record(session, "FX-NOAH")
    return next(a for a in record["assessments"] if a["id"] == "RHA-2026-09")["health_plan"][0]


def _version(db) -> int:
    with db.transaction() as session:
        return service.load_current(session, "FX-NOAH")[0]


def _row(client) -> str:
    page = get_page(client, "/placements/FX-NOAH")
    item = next(li for li in page.select("#carer-actions > li") if ACTION in text(li))
    return text(item)


def _post(client, what: str, **data):
    token, _ = form_page(client, "/placements/FX-NOAH")
    return client.post(f"{AT}/{what}", data={"csrf_token": token, **data})


def _on_day(app, monkeypatch, day) -> None:
    """The app's today moves to `day` (the tests fix it at 29 November 2026)."""
    config = app.extensions["passport_config"]
    monkeypatch.setitem(
        app.extensions, "passport_config", dataclasses.replace(config, fixed_today=day)
    )


def test_booked_then_done_then_undone_the_same_day(jo, db, app):
    client = jo
    start = _version(db)
    row = _row(client)
    assert "Not booked yet" in row and "Mark as booked" in row and "Undo" not in row

    page = get_page(client, f"{AT}/booked")
    assert ACTION in text(page.select_one("#booked-action"))
    token, _ = form_page(client, f"{AT}/booked")
    answer = client.post(
        f"{AT}/booked", data={"csrf_token": token, **date_parts("booked_for", "2026-12-07")}
    )
    assert answer.status_code == 302
    booked = _action(db)
    assert booked["status"] == "open"
    assert (booked["booked_on"].isoformat(), booked["booked_for"].isoformat()) == (
        "2026-11-29",
        "2026-12-07",
    )
    assert booked["booked_by"] == "Jo Carer"
    assert _version(db) == start + 1
    row = _row(client)
    assert "Booked for 7 December 2026" in row and "Not booked yet" not in row
    assert "Mark as done" in row and "Change the booking" in row

    assert _post(client, "done").status_code == 302
    done = _action(db)
    assert done["status"] == "done" and done["completed_on"] == TODAY
    assert done["status_by"] == "Jo Carer"
    assert done["booked_for"].isoformat() == "2026-12-07"  # kept, for an undo
    row = _row(client)
    assert "Done on 29 November 2026" in row and "Mark as done" not in row
    assert "Undo done: " + ACTION in row
    assert _version(db) == start + 2

    answer = _post(client, "undo")
    assert answer.status_code == 302
    assert "Not done after all" in text(get_page(client, "/placements/FX-NOAH"))
    undone = _action(db)
    assert undone["status"] == "open"
    assert "completed_on" not in undone and "status_by" not in undone
    # Back to booked, as it was before it was done.
    assert undone["booked_for"].isoformat() == "2026-12-07"
    row = _row(client)
    assert "Booked for 7 December 2026" in row and "Undo" not in row and "Mark as done" in row
    assert _version(db) == start + 3

    # A second click on Undo (the same form sent again) changes nothing.
    assert _post(client, "undo").status_code == 302
    assert _version(db) == start + 3 and _action(db)["status"] == "open"


def test_the_history_says_who_booked_marked_done_and_undid(jo, db, app):
    token, _ = form_page(jo, f"{AT}/booked")
    jo.post(f"{AT}/booked", data={"csrf_token": token, **date_parts("booked_for", "2026-12-07")})
    _post(jo, "done")
    _post(jo, "undo")
    make_nurse(db)
    with app.test_client() as nurse:
        sign_in(nurse, "nurse@example.org")
        history = text(get_page(nurse, "/children/FX-NOAH/history"))
        record_page = get_page(nurse, "/children/FX-NOAH")
    assert "Why: Booked by Jo Carer" in history
    # Each line names the assessment first, then the action (its first letter in lower case).
    assert f"{ACTION[1:]}: booked on 29 November 2026 by Jo Carer, for 7 December 2026" in history
    assert "Why: Marked as done by Jo Carer" in history
    assert f"{ACTION[1:]}: done on 29 November 2026 by Jo Carer" in history
    assert 'Why: Jo Carer undid "done"' in history
    assert f"{ACTION[1:]}: not done after all, booked again for 7 December 2026" in history
    # The nurse's record page says booked, and no longer who marked it done.
    summary = text(record_page.select_one("#summary-plan"))
    assert f"{ACTION} (carer, by 31 March 2027) booked for 7 December 2026" in summary
    item = next(li for li in record_page.select("#assessments li, li") if "(Carer, by" in text(li))
    assert "booked for 7 December 2026 (on 29 November 2026 by Jo Carer)" in text(item)
    assert "marked done by" not in text(item)


def test_done_cannot_be_undone_the_next_day(jo, db, app, monkeypatch):
    assert _post(jo, "done").status_code == 302
    assert "Undo" in _row(jo)
    _on_day(app, monkeypatch, TODAY + timedelta(days=1))
    row = _row(jo)
    assert "Done on 29 November 2026" in row and "Undo" not in row
    before = _version(db)
    answer = _post(jo, "undo")
    assert answer.status_code == 302
    page = text(get_page(jo, "/placements/FX-NOAH"))
    assert 'You can only undo "done" on the day you marked it' in page
    assert _version(db) == before and _action(db)["status"] == "done"


def test_only_the_carer_who_marked_it_done_may_undo_it(jo, db, app):
    make_carer(db, "sam.carer@example.org", "FC-0201", "FX-NOAH", name="Sam Carer")
    assert _post(jo, "done").status_code == 302
    with app.test_client() as sam:
        sign_in(sam, "sam.carer@example.org", code=False)
        row = _row(sam)
        assert "Done on 29 November 2026" in row and "Undo" not in row
        before = _version(db)
        assert _post(sam, "undo").status_code == 302
        assert 'You can only undo "done"' in text(get_page(sam, "/placements/FX-NOAH"))
    assert _version(db) == before and _action(db)["status"] == "done"


def test_a_booking_date_typed_wrong_comes_back_with_a_message_and_nothing_saved(jo, db):
    before = _version(db)
    token, _ = form_page(jo, f"{AT}/booked")
    wrong = {"booked_for-day": "31", "booked_for-month": "2", "booked_for-year": "2027"}
    answer = jo.post(f"{AT}/booked", data={"csrf_token": token, **wrong})
    assert answer.status_code == 400
    returned = parse(answer)
    assert error_summary(returned) == [
        ("#booked_for-day", "Date of the appointment must be a real date")
    ]
    # What was typed is still there.
    assert returned.select_one("#booked_for-day")["value"] == "31"
    assert returned.select_one("#booked_for-month")["value"] == "2"
    assert returned.select_one("#booked_for-year")["value"] == "2027"
    past = jo.post(
        f"{AT}/booked", data={"csrf_token": token, **date_parts("booked_for", "2026-11-28")}
    )
    assert past.status_code == 400
    assert [message for _, message in error_summary(parse(past))] == [
        "The date of the appointment must be today (29 November 2026) or later"
    ]
    assert _version(db) == before and "booked_on" not in _action(db)


def test_a_cancelled_appointment_comes_off_and_can_be_booked_again(jo, db):
    start = _version(db)
    assert "Remove the booking" not in text(get_page(jo, f"{AT}/booked"))  # nothing booked
    token, _ = form_page(jo, f"{AT}/booked")
    jo.post(f"{AT}/booked", data={"csrf_token": token, **date_parts("booked_for", "2026-12-07")})
    page = get_page(jo, f"{AT}/booked")
    assert text(page.select_one("h1")) == "Change the booking"
    assert "Appointment cancelled?" in text(page)
    words = (
        f"{text(page.select_one('#remove-booking'))} {text(page.select_one('#remove-booking + p'))}"
    )
    assert len(words.split()) > 15 and textstat.flesch_reading_ease(words) >= 70, words
    token, _ = form_page(jo, f"{AT}/booked")
    answer = jo.post(f"{AT}/unbook", data={"csrf_token": token})
    assert answer.status_code == 302
    action = _action(db)
    assert action["status"] == "open"
    assert not {"booked_on", "booked_for", "booked_by"} & set(action)
    assert _version(db) == start + 2
    assert "Not booked now: " + ACTION in text(get_page(jo, "/placements/FX-NOAH"))
    assert "Not booked yet" in _row(jo)
    with db.transaction() as session:
        assert service.load_current(session, "FX-NOAH")[0] == start + 2
    # A second press changes nothing and says so.
    assert jo.post(f"{AT}/unbook", data={"csrf_token": token}).status_code == 302
    assert _version(db) == start + 2
    assert "It was not booked: " + ACTION in text(get_page(jo, "/placements/FX-NOAH"))
    # Booked again, then done: a done action's booking stays (for an undo), and is refused.
    jo.post(f"{AT}/booked", data={"csrf_token": token})
    assert _post(jo, "done").status_code == 302
    assert jo.post(f"{AT}/unbook", data={"csrf_token": token}).status_code == 302
    assert "there is no booking to remove" in text(get_page(jo, "/placements/FX-NOAH"))
    assert _action(db)["status"] == "done" and _action(db)["booked_on"] == TODAY
    assert _version(db) == start + 4


def test_a_booking_without_a_date_is_booked_all_the_same(jo, db):
    token, _ = form_page(jo, f"{AT}/booked")
    assert jo.post(f"{AT}/booked", data={"csrf_token": token}).status_code == 302
    action = _action(db)
    assert action["booked_on"] == TODAY and "booked_for" not in action
    row = _row(jo)
    assert "Booked" in row and "Not booked yet" not in row


def test_another_carer_and_a_missing_token_get_nowhere(jo, db, app):
    make_carer(db, "amara.carer@example.org", "FC-0174", "FX-AMARA")
    before = _version(db)
    with app.test_client() as other:
        sign_in(other, "amara.carer@example.org", code=False)
        token, _ = form_page(other, "/placements")
        assert other.get("/placements/FX-NOAH").status_code == 404
        assert other.get(f"{AT}/booked").status_code == 404
        for what in ("done", "undo", "booked", "unbook"):
            assert other.post(f"{AT}/{what}", data={"csrf_token": token}).status_code == 404
    # Noah's own carer without the form's token: refused, nothing saved.
    for what in ("done", "undo", "booked", "unbook"):
        assert jo.post(f"{AT}/{what}", data={}).status_code == 400
    # Someone else's action on Noah's record (the nurse's) is not the carer's to mark.
    token, _ = form_page(jo, "/placements/FX-NOAH")
    nurse_action = "/placements/FX-NOAH/actions/RHA-2026-09/1"
    for what in ("done", "undo", "booked", "unbook"):
        assert jo.post(f"{nurse_action}/{what}", data={"csrf_token": token}).status_code == 404
    assert _version(db) == before


def test_the_childs_page_lists_what_is_coming_up_from_the_current_view(jo, db):
    with db.transaction() as session:
        record = service.load_record(session, "FX-NOAH")
    view = current_view(as_exchange_json(record), CARER, TODAY)
    page = get_page(jo, "/placements/FX-NOAH")
    rows = [
        (text(row.select_one("dt")), text(row.select_one("dd")))
        for row in page.select("#upcoming .nhsuk-summary-list__row")
    ]
    assert len(rows) == len(view.upcoming) and rows
    said = dict(rows)
    # His carer's own action, with its date; the nurse's action is not the carer's.
    assert said[ACTION] == "Due by 31 March 2027"
    assert not any("Next review health assessment" in what for what, _ in rows)
    review = view.report.next_rha_due
    assert review is not None
    assert "Health check (review health assessment)" in said
    assert review.strftime("%-d %B %Y") in said["Health check (review health assessment)"]
    for course in view.report.immunisations.courses():
        assert f"Vaccine: {course.vaccine}" in said
    dental = next(c for c in view.checks if c.kind == "dental")
    assert dental.next_due is not None
    assert dental.next_due.strftime("%-d %B %Y") in said["Dental check"]


def test_the_childs_page_and_sheet_say_who_to_call_out_of_hours(jo, db):
    page = get_page(jo, "/placements/FX-NOAH")
    row = page.select_one("#out-of-hours")
    assert "Out of hours (evenings, weekends, bank holidays)" in text(row)
    assert "Emergency duty team, Example City Council" in text(row)
    link = row.select_one("a")
    assert link["href"] == "tel:+441632960900"
    assert text(link) == "01632 960900 (call out of hours)"


def test_the_new_words_for_carers_are_easy_to_read(jo):
    """Our own words on the booking page and the child's new sections: Flesch 70 or more."""
    booking = get_page(jo, f"{AT}/booked")
    page = get_page(jo, "/placements/FX-NOAH")
    own = [
        text(booking.select_one("h1")),
        *(text(p) for p in booking.select("main p") if ACTION not in text(p)),
        text(booking.select_one(".nhsuk-hint")),
        text(page.select_one("#upcoming-heading")),
        text(page.select_one("#out-of-hours dt")),
        *(text(dt) for dt in page.select("#upcoming dt") if ACTION not in text(dt)),
    ]
    words = " ".join(s if s.endswith((".", "?", "!", ":")) else s + "." for s in own if s)
    words = re.sub(r"\b\d+\b\s*", "", words)
    assert len(words.split()) > 30
    score = textstat.flesch_reading_ease(words)
    assert score >= 70, f"Flesch reading ease {score:.1f}: {words}"


def test_the_nurse_adds_the_out_of_hours_contact_and_the_carer_can_call_it(db, cli, client, app):
    ellie = ROOT / "fixtures" / "fx-ellie.json"
    assert cli("import", str(ellie)).exit_code == 0
    make_carer(db, CARER_EMAIL, "FC-0201", "FX-ELLIE", name="Jo Carer")
    make_nurse(db)
    sign_in(client, "nurse@example.org")
    contacts = text(get_page(client, "/children/FX-ELLIE").select_one("#contacts + dl"))
    assert "Out-of-hours contact None recorded Add out-of-hours contact" in contacts
    form = get_page(client, "/children/FX-ELLIE/contacts/out_of_hours")
    assert text(form.select_one("h1")) == "Add an out-of-hours contact"
    token, version = form_page(client, "/children/FX-ELLIE/contacts/out_of_hours")
    answer = client.post(
        "/children/FX-ELLIE/contacts/out_of_hours",
        data={
            "csrf_token": token,
            "version": version,
            "name": "Emergency duty team",
            "team": "Example City Council",
            "phone": "01632 960901",
        },
    )
    assert answer.status_code == 302
    history = text(get_page(client, "/children/FX-ELLIE/history").select_one("#version-2"))
    assert "Out of hours added: Emergency duty team" in history
    with app.test_client() as carer:
        sign_in(carer, CARER_EMAIL, code=False)
        row = get_page(carer, "/placements/FX-ELLIE").select_one("#out-of-hours")
    assert row.select_one("a")["href"] == "tel:+441632960901"
    assert "Emergency duty team, Example City Council" in text(row)
