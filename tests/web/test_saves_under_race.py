"""Saves protected by the record's version check alone, tried with truly simultaneous requests.

A care leaver's own notes and appointments (issue 16) and a foster carer's plan actions (booked,
done, undone) are each saved as a new version of the child's record; a save made on an old
version is refused (the leaver is told and keeps what was typed; the carer's save reads the
record again and retries). `tests/web/test_own_part.py` and `tests/web/test_carer_actions.py`
try them one request after another; here the app is served on 127.0.0.1 by a threaded server
and a crowd of requests is released together by a barrier (`tests.served`). The assertions are
about what is stored afterwards: every save the app said it made is in the record, no save it
refused left anything behind, and nobody got an error page.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from passport.accounts.invitations import grant_carer
from passport.accounts.service import create_user
from passport.audit.models import AuditEvent
from passport.records import service, workflow
from passport.records.models import ActionCompletion
from passport.records.workflow import PlanPlace
from tests.conftest import ROOT, TEST_SECRET, TODAY
from tests.helpers import PASSWORD, date_parts, make_nurse, sign_in
from tests.served import Reply, all_at_once, request, serve
from tests.web.pages import parse, text

DANIEL = "FX-DANIEL"
NOAH = "FX-NOAH"
OWN = "/me/own"
CHILD_PAGE = f"/placements/{NOAH}"
# Noah's open action for his carer, and where it sits in his record.
ASSESSMENT, INDEX = "RHA-2026-09", 0
ACTION = "MMRV catch-up dose when the GP invites him (not needed if he has had chickenpox)"
AT = f"{CHILD_PAGE}/actions/{ASSESSMENT}/{INDEX}"
CONFLICT = (
    "Your change is not saved yet. Your record changed while you were writing. "
    "What you typed is still here: check it and save again."
)
GAVE_UP = (
    "Someone else was saving this child's record at the same moment, so nothing was changed. "
    "Try again."
)


# --- signing in and reading pages over HTTP ----------------------------------------------------


def session_cookies(app, email: str, *, code: bool = True) -> dict[str, str]:
    """The session cookie of `email`, signed in (through the test client, on the same app)."""
    client = app.test_client()
    assert sign_in(client, email, code=code).status_code == 302
    cookie = client.get_cookie("passport_session")
    assert cookie is not None
    return {"passport_session": cookie.value}


class _Response:
    """A served reply in the shape `tests.web.pages.parse` reads (and checks) a page in."""

    def __init__(self, reply: Reply) -> None:
        self.headers = reply.headers
        self._text = reply.text

    def get_data(self, as_text: bool = False) -> str:
        return self._text


def page(reply: Reply) -> BeautifulSoup:
    return parse(_Response(reply))


def form_fields(port: int, path: str, cookies: dict[str, str]) -> dict[str, str]:
    """The hidden fields of the form at `path` (its CSRF token, and the version it is based
    on when it has one), as a browser would post them back. `cookies` take what the page set
    (the session that holds the token's secret)."""
    reply = request(port, "GET", path, cookies=cookies)
    assert reply.status == 200, (path, reply.status)
    cookies.update(reply.cookies)
    form = page(reply).select_one("main form[method=post]")
    assert form is not None, path
    return {
        field["name"]: field.get("value", "")
        for field in form.select("input[type=hidden]")
        if field.get("name")
    }


def told(port: int, reply: Reply, cookies: dict[str, str]) -> list[str]:
    """What the page a reply redirects to says at its top (the flashed messages it carries)."""
    assert reply.status == 302, (reply.status, reply.text[:500])
    location = urlsplit(reply.headers["Location"])
    path = location.path + (f"?{location.query}" if location.query else "")
    shown = request(port, "GET", path, cookies={**cookies, **reply.cookies})
    assert shown.status == 200, (path, shown.status)
    return [text(banner) for banner in page(shown).select(".nhsuk-notification-banner__content")]


def long_day(day: date) -> str:
    """A day as the pages write it: 6 December 2026."""
    return f"{day.day} {day:%B %Y}"


def versions(db, ref: str) -> list[service.VersionInfo]:
    with db.transaction() as session:
        return service.history(session, ref)


def edits_audited(db, ref: str) -> int:
    with db.transaction() as session:
        return session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.record_ref == ref, AuditEvent.action == "edit")
        )


# --- the care leaver's own part ----------------------------------------------------------------


@pytest.fixture
def daniel(app, db, cli) -> dict[str, str]:
    """Daniel, a care leaver, signed in: his session cookie."""
    assert cli("import", str(ROOT / "fixtures" / "fx-daniel.json")).exit_code == 0
    with db.transaction() as session:
        create_user(
            session,
            email="daniel@example.org",
            password=PASSWORD,
            role="leaver",
            child_ref=DANIEL,
            app_secret=TEST_SECRET,
        )
    return session_cookies(app, "daniel@example.org")


def own_entry(i: int) -> tuple[str, dict[str, str], str]:
    """The i-th save of the crowd: a new note or a new appointment (by turns), what is typed,
    and the words that say it is stored."""
    if i % 2 == 0:
        words = f"Race note {i}: ask about my knee"
        return f"{OWN}/notes/new", {"text": words}, words
    words = f"Race appointment {i}"
    fields = {"what": words, **date_parts("day", "2026-12-14"), "time": "9:30"}
    return f"{OWN}/appointments/new", fields, words


def stored_own(db) -> list[str]:
    """The words of every note and appointment in Daniel's current version."""
    with db.transaction() as session:
        _, record = service.load_current(session, DANIEL)
    own = record.get("young_person_own") or {}
    return [n["text"] for n in own.get("notes") or []] + [
        a["what"] for a in own.get("appointments") or []
    ]


def assert_told_to_save_again(reply: Reply, words: str) -> dict[str, str]:
    """A refused save: the conflict is said plainly, what was typed is kept, and the form is
    brought up to the current version. Returns the form's fields, to send again."""
    assert reply.status == 409, (reply.status, reply.text[:500])
    soup = page(reply)
    callout = soup.select_one(".nhsuk-warning-callout")
    assert callout is not None and CONFLICT in text(callout)
    form = soup.select_one("main form[method=post]")
    fields = {
        field["name"]: field.get("value", "")
        for field in form.select("input")
        if field.get("name") and field.get("type") != "submit"
    }
    fields.update({area["name"]: area.get_text().strip() for area in form.select("textarea")})
    assert words in fields.values(), fields
    return fields


def thing(i: int) -> str:
    return "note" if i % 2 == 0 else "appointment"


@pytest.mark.parametrize("crowd", [2, 10])
def test_simultaneous_own_saves_from_one_page_keep_the_one_acknowledged_and_refuse_the_rest(
    app, db, daniel, crowd
):
    """Two crowds of saves, each of a different new note or appointment, all sent from one
    page version (the second crowd from tabs left open on it): only one can go through; it is
    stored whole, and every other one is told, keeps what was typed and stores nothing."""
    start = versions(db, DANIEL)
    with serve(app) as port:
        hidden = form_fields(port, f"{OWN}/notes/new", daniel)
        assert hidden["based_on"] == str(start[-1].version)

        def send(i: int) -> Reply:
            path, fields, _ = own_entry(i)
            return request(port, "POST", path, form={**hidden, **fields}, cookies=daniel)

        replies = all_at_once(crowd, send)
        replies += all_at_once(crowd, lambda i: send(crowd + i))
        assert {r.status for r in replies} <= {302, 409}, [r.status for r in replies]
        saved = [i for i, r in enumerate(replies) if r.status == 302]
        # All started from one version, so the version check lets exactly one through.
        assert len(saved) == 1, [r.status for r in replies]
        assert told(port, replies[saved[0]], daniel) == [f"Your {thing(saved[0])} is saved."]
        kept = {
            i: assert_told_to_save_again(reply, own_entry(i)[2])
            for i, reply in enumerate(replies)
            if i not in saved
        }

        # What the app said it saved is stored, whole, and nothing of the refused ones.
        assert stored_own(db) == [own_entry(saved[0])[2]]
        after = versions(db, DANIEL)
        assert len(after) == len(start) + 1
        assert after[-1].created_by == "daniel@example.org"
        assert edits_audited(db, DANIEL) == 1

        # A refused form, sent again as it came back, goes through.
        again_at, fields = next(iter(kept.items()))
        assert fields["based_on"] == str(after[-1].version)
        again = request(port, "POST", own_entry(again_at)[0], form=fields, cookies=daniel)
        assert again.status == 302, again.text[:500]
        assert sorted(stored_own(db)) == sorted(own_entry(i)[2] for i in (saved[0], again_at))
        assert len(versions(db, DANIEL)) == len(start) + 2


# --- the foster carer's plan actions -----------------------------------------------------------


@pytest.fixture
def jo(app, db, cli) -> dict[str, str]:
    """Noah's foster carer, Jo Carer, signed in: her session cookie."""
    assert cli("import", str(ROOT / "fixtures" / "fx-noah.json")).exit_code == 0
    with db.transaction() as session:
        user = create_user(
            session,
            email="jo.carer@example.org",
            password=PASSWORD,
            role="carer",
            carer_ref="FC-0201",
            name="Jo Carer",
            app_secret=TEST_SECRET,
        )
        grant_carer(
            session,
            user,
            child_ref=NOAH,
            authority="Example City Council",
            carer_ref="FC-0201",
            by="test",
        )
    return session_cookies(app, "jo.carer@example.org", code=False)


def the_action(db, version: int | None = None) -> dict:
    with db.transaction() as session:
        record = service.load_record(session, NOAH, version)
    assessment = next(a for a in record["assessments"] if a["id"] == ASSESSMENT)
    return assessment["health_plan"][INDEX]


def marks(db) -> list[ActionCompletion]:
    with db.transaction() as session:
        return list(
            session.scalars(
                select(ActionCompletion).where(
                    ActionCompletion.record_ref == NOAH,
                    ActionCompletion.assessment_id == ASSESSMENT,
                    ActionCompletion.action_index == INDEX,
                )
            )
        )


def press(port: int, cookies: dict[str, str], what: str, crowd: int) -> list[list[str]]:
    """`crowd` presses of the action's `what` button at once (one form, the token the page
    gave); what each press was told on the page it went back to."""
    hidden = form_fields(port, CHILD_PAGE, cookies)
    replies = all_at_once(
        crowd,
        lambda i: request(
            port,
            "POST",
            f"{AT}/{what}",
            form={"csrf_token": hidden["csrf_token"]},
            cookies=cookies,
        ),
    )
    for reply in replies:
        assert reply.status == 302, (reply.status, reply.text[:500])
        assert reply.headers["Location"].endswith(f"{CHILD_PAGE}#actions")
    return [told(port, reply, cookies) for reply in replies]


CROWD = 10


def test_a_crowd_of_done_presses_marks_it_done_once_and_a_crowd_of_undos_undoes_it_once(
    app, db, jo
):
    start = len(versions(db, NOAH))
    with serve(app) as port:
        said = press(port, jo, "done", CROWD)
        # The presses that found it saved by another read the record again: done, as asked.
        assert said == [[f"Marked as done: {ACTION}"]] * CROWD
        done = the_action(db)
        assert (done["status"], done["completed_on"], done["status_by"]) == (
            "done",
            TODAY,
            "Jo Carer",
        )
        after = versions(db, NOAH)
        assert len(after) == start + 1
        assert after[-1].reason == "Marked as done by Jo Carer"
        (mark,) = marks(db)
        assert mark.record_version == after[-1].version and mark.undone_at is None

        said = press(port, jo, "undo", CROWD)
        # One press undid it; the others, reading the record again, found it not done (none is
        # told it can only be undone on the day, nor to ask the nurse).
        assert sorted(said) == sorted(
            [[f"Not done after all: {ACTION}"]]
            + [[f"It was not marked as done: {ACTION}"]] * (CROWD - 1)
        )
        undone = the_action(db)
        assert undone["status"] == "open"
        assert "completed_on" not in undone and "status_by" not in undone
        after = versions(db, NOAH)
        assert len(after) == start + 2
        assert after[-1].reason == 'Jo Carer undid "done"'
        (mark,) = marks(db)
        assert mark.undone_at is not None
        assert edits_audited(db, NOAH) == 2


BOOKINGS = 6
OLD_PHONE, NEW_PHONE = "01632 960900", "01632 960901"
CONTACT = f"/children/{NOAH}/contacts/out_of_hours"


def phones(db, made: list[service.VersionInfo]) -> list[str]:
    """The out-of-hours phone number in each of the versions `made`."""
    with db.transaction() as session:
        return [
            service.load_record(session, NOAH, v.version)["contacts"]["out_of_hours"]["phone"]
            for v in made
        ]


def test_simultaneous_bookings_for_different_days_each_end_whole_in_a_version_or_are_refused(
    app, db, jo
):
    """Six bookings of one action for six days, and the child's nurse changing the
    out-of-hours number at the same moment: every booking the carer was told of is a version
    of its own, the last one is what the record says, none she was not told of is, and the
    nurse's change (when she was told it was saved) is never undone by a booking that read the
    record before it."""
    make_nurse(db)
    nurse = session_cookies(app, "nurse@example.org")
    start = versions(db, NOAH)
    days = [TODAY + timedelta(days=7 + i) for i in range(BOOKINGS)]
    with serve(app) as port:
        booking = form_fields(port, f"{AT}/booked", jo)
        nursing = form_fields(port, CONTACT, nurse)
        assert nursing["version"] == str(start[-1].version)
        change = {
            **nursing,
            "name": "Emergency duty team",
            "team": "Example City Council",
            "phone": NEW_PHONE,
            "change_reason": "The council gave a new number",
        }

        def send(i: int) -> Reply:
            if i == BOOKINGS:
                return request(port, "POST", CONTACT, form=change, cookies=nurse)
            form = {**booking, **date_parts("booked_for", days[i].isoformat())}
            return request(port, "POST", f"{AT}/booked", form=form, cookies=jo)

        replies = all_at_once(BOOKINGS + 1, send)
        nurse_reply = replies.pop()
        said = {day: told(port, reply, jo) for day, reply in zip(days, replies, strict=True)}
        booked = {day for day in days if said[day] == [f"Booked for {long_day(day)}: {ACTION}"]}
        # Each booking was either made, and said so, or refused, and said so.
        assert booked and all(said[day] == [GAVE_UP] for day in set(days) - booked), said
        nurse_saved = nurse_reply.status == 302
        if not nurse_saved:
            assert nurse_reply.status == 409, (nurse_reply.status, nurse_reply.text[:500])
            assert "Someone else saved this record" in text(page(nurse_reply))

    made = versions(db, NOAH)[len(start) :]
    assert len(made) == len(booked) + nurse_saved
    bookings = [v for v in made if v.created_by == "jo.carer@example.org"]
    assert len(bookings) == len(booked)
    actions = [the_action(db, v.version) for v in bookings]
    # Each booking told of is one version, whole; none that was refused is.
    assert sorted(a["booked_for"] for a in actions) == sorted(booked)
    assert {(a["status"], a["booked_on"], a["booked_by"]) for a in actions} == {
        ("open", TODAY, "Jo Carer")
    }
    assert {v.reason for v in bookings} == {"Booked by Jo Carer"}
    final = the_action(db)
    assert final["booked_for"] == actions[-1]["booked_for"]
    # The nurse's number, once saved, is in every version made after it.
    numbers = phones(db, made)
    if nurse_saved:
        first = next(i for i, v in enumerate(made) if v.created_by == "nurse@example.org")
        assert numbers == [OLD_PHONE] * first + [NEW_PHONE] * (len(made) - first)
    else:
        assert numbers == [OLD_PHONE] * len(made)


def test_an_undo_that_read_the_record_before_another_undo_landed_reads_it_again(db, jo):
    """What the crowd of undos found, one step at a time: the second press read the record
    while it was still done, the first press's undo landed, and then the second found no mark
    standing. It must read the record again (and be told it is not done), not be refused as if
    it were a day late or someone else's."""

    def place(version: int) -> PlanPlace:
        return PlanPlace(
            ref=NOAH,
            version=version,
            assessment_id=ASSESSMENT,
            index=INDEX,
            owner="carer",
            actor="jo.carer@example.org",
            name="Jo Carer",
            today=TODAY,
        )

    with db.transaction() as session:
        version, record = service.load_current(session, NOAH)
        workflow.complete_action(session, record, place(version))
    with db.transaction() as session:
        version, done = service.load_current(session, NOAH)  # both presses read it: done
    with db.transaction() as session:
        assert workflow.undo_done(session, done, place(version))[1] == version + 1
    with pytest.raises(service.EditConflict), db.transaction() as session:
        workflow.undo_done(session, done, place(version))
    with db.transaction() as session:
        now, record = service.load_current(session, NOAH)
        assert workflow.undo_done(session, record, place(now)) == (ACTION, None)
    assert now == version + 1 and len(marks(db)) == 1
