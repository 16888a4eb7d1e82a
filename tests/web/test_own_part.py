"""The care leaver's own part (issue 16): they add, change and remove their own notes and
appointments, and say what they like to be called, their pronouns and what matters to them.
Each save is a new version of their own record made by their account; the nurse's fields stay
as they were; bad input names the field and keeps what was typed, saving nothing; nobody else
can use these pages."""

from __future__ import annotations

import re

import pytest

from passport.records.service import export_record, history
from tests.conftest import FIXTURES
from tests.helpers import (
    csrf_token,
    date_parts,
    get_page,
    make_carer,
    make_leaver,
    make_nurse,
    signed_in,
)
from tests.web.pages import error_summary, parse, text

DANIEL = "FX-DANIEL"
OWN = "/me/own"


@pytest.fixture
def world(app, db, cli):
    chosen = [f for f in FIXTURES if f.stem in ("fx-daniel", "fx-tia")]
    assert cli("import", *map(str, chosen)).exit_code == 0
    make_nurse(db)
    make_leaver(db, "daniel@example.org", DANIEL)
    make_leaver(db, "tia@example.org", "FX-TIA")
    make_carer(db, "carer@example.org", "FC-0174")  # a carer with no children granted
    return app


@pytest.fixture
def daniel(world):
    return signed_in(world, "daniel@example.org")


def post(client, path, **data):
    page = client.get(path).get_data(as_text=True)
    based_on = re.search(r'name="based_on" type="hidden" value="(\d+)"', page)
    based_on = based_on or re.search(r'name="based_on" value="(\d+)"', page)
    form = {"csrf_token": csrf_token(client, path), "based_on": based_on.group(1), **data}
    return client.post(path, data=form)


def own_of(db, ref=DANIEL):
    with db.transaction() as session:
        return export_record(session, ref).get("young_person_own")


def versions(db, ref=DANIEL):
    with db.transaction() as session:
        return history(session, ref)


def add_appointment(client, **extra):
    data = {"what": "Physio", **date_parts("day", "2026-12-14"), "time": "9:30", **extra}
    return post(client, f"{OWN}/appointments/new", **data)


def test_a_care_leaver_adds_changes_and_removes_their_own_entries(daniel, db):
    before = len(versions(db))
    with db.transaction() as session:
        nurse_child = export_record(session, DANIEL)["child"]

    assert post(daniel, f"{OWN}/notes/new", text="Ask about my knee").status_code == 302
    assert add_appointment(daniel, where="Northfield Clinic").status_code == 302
    assert add_appointment(daniel, what="Dentist", **date_parts("day", "2026-10-02")).status_code
    saved = post(
        daniel,
        f"{OWN}/about",
        preferred_name="Danny",
        pronouns="he/they",
        what_matters="Football on Saturdays",
    )
    assert saved.status_code == 302

    own = own_of(db)
    note = own["notes"][0]
    assert note["text"] == "Ask about my knee" and note["written_on"] == "2026-11-29"
    physio = own["appointments"][0]
    assert {k: v for k, v in physio.items() if k != "id"} == {
        "what": "Physio",
        "date": "2026-12-14",
        "time": "09:30",
        "where": "Northfield Clinic",
    }
    assert own["preferred_name"] == "Danny" and own["pronouns"] == "he/they"
    # Each save is a new version, made by the leaver's own account; the nurse's fields stay.
    after = versions(db)
    assert len(after) == before + 4
    assert {v.created_by for v in after[before:]} == {"daniel@example.org"}
    with db.transaction() as session:
        assert export_record(session, DANIEL)["child"] == nurse_child

    page = text(get_page(daniel, OWN))
    assert "Ask about my knee" in page and "Football on Saturdays" in page
    soup = get_page(daniel, OWN)
    assert "Physio" in text(soup.select_one("#own-appointments"))
    assert "14 December 2026 at 09:30" in text(soup.select_one("#own-appointments"))
    # A past appointment is accepted and listed apart.
    assert "Dentist" in text(soup.select_one("#own-past-appointments"))
    assert "Dentist" not in text(soup.select_one("#own-appointments"))

    changed = post(daniel, f"{OWN}/notes/{note['id']}", text="Ask about my knee and my ankle")
    assert changed.status_code == 302
    assert own_of(db)["notes"] == [{**note, "text": "Ask about my knee and my ankle"}]

    # Removing asks first; only the confirmation removes.
    confirm = get_page(daniel, f"{OWN}/notes/{note['id']}/remove")
    assert "Are you sure you want to remove this note?" in text(confirm)
    assert own_of(db)["notes"]
    removed = post(daniel, f"{OWN}/notes/{note['id']}/remove")
    assert removed.status_code == 302
    assert "notes" not in own_of(db)
    removed = post(daniel, f"{OWN}/appointments/{physio['id']}/remove")
    assert removed.status_code == 302
    assert [a["what"] for a in own_of(db)["appointments"]] == ["Dentist"]

    # Emptying the boxes takes them out.
    assert post(daniel, f"{OWN}/about", preferred_name="", pronouns="").status_code == 302
    assert "preferred_name" not in own_of(db) and "what_matters" not in own_of(db)


@pytest.mark.parametrize(
    ("fields", "field_id", "message"),
    [
        ({"what": ""}, "what", "Enter what the appointment is"),
        ({"day-day": "", "day-month": "", "day-year": ""}, "day", "Enter the date of the"),
        ({"day-day": "31", "day-month": "2"}, "day", "Date of the appointment must be a real date"),
        (
            date_parts("day", "2028-11-30"),
            "day",
            "The date of the appointment must be within 2 years, on or before 29 November 2028",
        ),
        (date_parts("day", "1990-01-01"), "day", "must be after your date of birth"),
        ({"time": "half nine"}, "time", "Enter the time like 9:30 or 14:30"),
        ({"where": "x" * 201}, "where", "Where it is must be 200 characters or fewer"),
    ],
)
def test_a_bad_appointment_names_the_field_keeps_what_was_typed_and_saves_nothing(
    daniel, db, fields, field_id, message
):
    before = len(versions(db))
    response = add_appointment(daniel, **{"where": "Northfield <Clinic>", **fields})
    assert response.status_code == 400
    soup = get_page(daniel, OWN)
    page = parse(response)
    summary = error_summary(page)
    assert any(href.startswith(f"#{field_id}") and message in said for href, said in summary)
    if field_id != "where":
        assert page.select_one("#where")["value"] == "Northfield <Clinic>"
    if field_id != "what":
        assert page.select_one("#what")["value"] == "Physio"
    assert len(versions(db)) == before and own_of(db) is None
    assert "Physio" not in text(soup)


def test_an_empty_or_long_note_is_refused_and_kept(daniel, db):
    empty = post(daniel, f"{OWN}/notes/new", text="   ")
    assert empty.status_code == 400
    assert ("#text", "Enter your note") in error_summary(parse(empty))
    long = post(daniel, f"{OWN}/notes/new", text="y" * 2001)
    assert long.status_code == 400
    assert ("#text", "Your note must be 2000 characters or fewer") in error_summary(parse(long))
    assert "y" * 2001 in parse(long).select_one("#text").get_text()
    long_pronouns = post(daniel, f"{OWN}/about", pronouns="p" * 41, preferred_name="Danny")
    assert long_pronouns.status_code == 400
    assert ("#pronouns", "Your pronouns must be 40 characters or fewer") in error_summary(
        parse(long_pronouns)
    )
    assert parse(long_pronouns).select_one("#preferred_name")["value"] == "Danny"
    assert own_of(db) is None


def test_free_text_is_escaped_on_their_pages(daniel):
    assert post(daniel, f"{OWN}/notes/new", text="<script>alert(1)</script>").status_code == 302
    page = daniel.get(OWN).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_change_based_on_an_old_version_saves_nothing(daniel, db):
    page = daniel.get(f"{OWN}/notes/new").get_data(as_text=True)
    token = csrf_token(daniel, f"{OWN}/notes/new")
    stale = re.search(r'name="based_on" type="hidden" value="(\d+)"', page).group(1)
    assert post(daniel, f"{OWN}/notes/new", text="first").status_code == 302
    response = daniel.post(
        f"{OWN}/notes/new", data={"csrf_token": token, "based_on": stale, "text": "second"}
    )
    assert response.status_code == 409
    assert "Your change is not saved yet. Your record changed while you were writing" in (
        response.get_data(as_text=True)
    )
    assert "second" in response.get_data(as_text=True)  # kept
    assert [n["text"] for n in own_of(db)["notes"]] == ["first"]


def test_nobody_else_can_use_these_pages(world, daniel, db):
    assert post(daniel, f"{OWN}/notes/new", text="mine").status_code == 302
    note_id = own_of(db)["notes"][0]["id"]
    tia = signed_in(world, "tia@example.org")
    # Another leaver: their own page holds none of Daniel's, and his entry is not found.
    assert "mine" not in tia.get(OWN).get_data(as_text=True)
    assert tia.get(f"{OWN}/notes/{note_id}").status_code == 404
    assert tia.get(f"{OWN}/notes/{note_id}/remove").status_code == 404
    token = csrf_token(tia, f"{OWN}/notes/new")
    attempt = tia.post(f"{OWN}/notes/{note_id}/remove", data={"csrf_token": token})
    assert attempt.status_code == 404
    for email in ("nurse@example.org", "carer@example.org"):
        other = signed_in(world, email)
        for path in (OWN, f"{OWN}/about", f"{OWN}/notes/new", f"{OWN}/appointments/new"):
            assert other.get(path).status_code == 404, (email, path)
        assert other.get(f"{OWN}/notes/{note_id}").status_code == 404
    assert own_of(db)["notes"][0]["text"] == "mine"
    assert own_of(db, "FX-TIA") is None
    signed_out = world.test_client()
    assert signed_out.get(OWN).status_code == 302


def test_a_post_without_csrf_token_is_refused(daniel, db):
    for path in (f"{OWN}/notes/new", f"{OWN}/about", f"{OWN}/appointments/new"):
        response = daniel.post(path, data={"text": "x", "what": "x", "based_on": "1"})
        assert response.status_code == 400
        assert "The form has expired" in response.get_data(as_text=True)
    assert own_of(db) is None


def test_the_home_page_leads_to_their_own_part(daniel):
    home = get_page(daniel, "/me")
    assert home.select_one(f'a[href="{OWN}"]') is not None


def test_the_nurse_sees_them_read_only_and_in_the_history(world, daniel):
    assert post(daniel, f"{OWN}/notes/new", text="Ask about <my> knee").status_code == 302
    assert add_appointment(daniel).status_code == 302
    assert post(daniel, f"{OWN}/about", pronouns="he/they").status_code == 302
    nurse = signed_in(world, "nurse@example.org")
    soup = get_page(nurse, f"/children/{DANIEL}")
    assert soup.select_one("#own-part").get_text() == "Added by Dan themselves"
    assert "Ask about <my> knee" in text(soup.select_one("#own-part-notes"))
    assert "Physio: 14 December 2026 at 09:30" in text(soup.select_one("#own-part-appointments"))
    assert "he/they" in text(soup.select_one("#own-part-list"))
    # Read-only: no link on the nurse's page leads to the leaver's own pages.
    assert not soup.select(f'a[href^="{OWN}"]')
    # The nurse's own record of the pronouns is left as it was.
    assert "he/him" in text(soup.select_one("#details"))
    history_page = text(get_page(nurse, f"/children/{DANIEL}/history"))
    assert "Dan added a note of their own: \u201cAsk about <my> knee\u201d" in history_page
    assert "Dan added an appointment of their own: Physio on 14 December 2026 at 09:30" in (
        history_page
    )
    assert "Dan added their pronouns: he/they" in history_page


def test_a_record_with_nothing_of_their_own_shows_no_such_section(world):
    nurse = signed_in(world, "nurse@example.org")
    assert get_page(nurse, f"/children/{DANIEL}").select_one("#own-part") is None


def test_the_fixed_wording_is_easy_to_read(daniel):
    import textstat

    pages = [OWN, f"{OWN}/about", f"{OWN}/notes/new", f"{OWN}/appointments/new"]
    blocks = []
    for path in pages:
        main = get_page(daniel, path).select_one("main")
        blocks += [" ".join(el.get_text(" ").split()) for el in main.select("h1, h2, p, label")]
    words = " ".join(b if b.endswith((".", "?", "!", ":")) else b + "." for b in blocks if b)
    words = re.sub(r"\b\d+\b\s*", "", words)
    assert textstat.flesch_reading_ease(words) >= 70, words
