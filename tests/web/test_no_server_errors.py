"""Nothing a user can send or do gets a 500 (issue 11, item 5)."""

from __future__ import annotations

import threading

from sqlalchemy import select

from passport.accounts.invitations import grant_carer
from passport.accounts.service import create_user
from passport.records.schemas import RecordSchema
from passport.records.service import (
    EditConflict,
    RecordExists,
    check_record,
    load_current,
    save_edit,
)
from passport.sharing.models import ShareAccess
from tests.conftest import ROOT, TEST_SECRET
from tests.helpers import PASSWORD, daniel_link, make_nurse, manifest_path, sign_in
from tests.served import all_at_once, form_token, request, serve

DANIEL = ROOT / "fixtures" / "fx-daniel.json"
NOAH = ROOT / "fixtures" / "fx-noah.json"


def a_link(cli, db) -> str:
    return manifest_path(daniel_link(cli, db).url)


def test_a_recipient_with_a_nul_byte_or_a_lone_surrogate_is_a_400(cli, db, client):
    path = a_link(cli, db)
    for raw in (
        b'{"recipient": "GP\\u0000surgery"}',
        b'{"recipient": "GP \\ud800"}',
        b'{"recipient": "GP", "passcode": "\\udfff"}',
    ):
        answer = client.post(path, data=raw, content_type="application/json")
        assert answer.status_code == 400, raw
        assert "plain text" in answer.get_json()["error"]
    with db.transaction() as session:
        assert session.scalars(select(ShareAccess)).all() == []  # nothing half-written
    opened = client.post(path, json={"recipient": "Harbour Surgery"})
    assert opened.status_code == 200


def test_odd_characters_in_a_file_location_are_a_404(cli, db, client):
    a_link(cli, db)
    for location in (
        "²",
        "1.2.x",
        "١.٢.abc",
        "9" * 40 + ".1." + "a" * 43,
        "%00",
        "1..2",
        "-1.5." + "a" * 43,
    ):
        answer = client.get(f"/api/shl/file/{location}")
        assert answer.status_code == 404, location


def test_an_odd_page_number_shows_page_one(app, db, cli, client):
    assert cli("import", str(DANIEL)).exit_code == 0
    make_nurse(db)
    sign_in(client)
    for page in ("²", "٣", "-1", "1e9", "99999999999999999999"):
        answer = client.get(f"/caseload?page={page}")
        assert answer.status_code == 200, page
        assert "Daniel" in answer.get_data(as_text=True)


def test_a_carers_mark_done_racing_other_saves_never_fails(app, db, cli):
    """A carer marks an action done while a nurse's saves land at the same moment: the carer
    is told what happened (done, or try again), never a 500, and nothing is lost."""
    assert cli("import", str(NOAH)).exit_code == 0
    with db.transaction() as session:
        carer = create_user(
            session,
            email="carer@example.org",
            password=PASSWORD,
            role="carer",
            carer_ref="FC-0201",
            app_secret=TEST_SECRET,
        )
        grant_carer(
            session,
            carer,
            child_ref="FX-NOAH",
            authority="Example City Council",
            carer_ref="FC-0201",
            by="test",
        )
    with db.transaction() as session:
        _, record = load_current(session, "FX-NOAH")
    actions = [
        (a["id"], i)
        for a in record["assessments"]
        for i, x in enumerate(a.get("health_plan", []))
        if x["owner"] == "carer" and x["status"] != "done"
    ]
    assert actions, "Noah's record has an open carer action"
    assessment_id, index = actions[0]
    today = app.extensions["passport_config"].today

    def nurse_saves(stop: threading.Event) -> int:
        saved = 0
        while not stop.is_set() and saved < 40:
            try:
                with db.transaction() as session:
                    version, current = load_current(session, "FX-NOAH")
                    document = RecordSchema().dump_record(current)
                    document["child"]["preferred_name"] = f"Noah {saved}"
                    save_edit(
                        session,
                        check_record(document, today),
                        actor="nurse",
                        based_on_version=version,
                    )
                saved += 1
            except (EditConflict, RecordExists):
                continue  # the carer's save came first: the nurse reads again
        return saved

    with serve(app) as port:
        token, cookies = form_token(port, "/sign-in")
        signed = request(
            port,
            "POST",
            "/sign-in",
            form={"csrf_token": token, "email": "carer@example.org", "password": PASSWORD},
            cookies=cookies,
        )
        cookies = {**cookies, **signed.cookies}
        token, cookies = form_token(port, "/placements/FX-NOAH", cookies)
        stop = threading.Event()
        nurse = threading.Thread(target=nurse_saves, args=(stop,))
        nurse.start()
        try:
            replies = all_at_once(
                6,
                lambda i: request(
                    port,
                    "POST",
                    f"/placements/FX-NOAH/actions/{assessment_id}/{index}/done",
                    form={"csrf_token": token},
                    cookies=cookies,
                ),
            )
        finally:
            stop.set()
            nurse.join(timeout=60)
        assert [r.status for r in replies] == [302] * 6
        # Each carer is told what happened, on the page the redirect leads to.
        for reply in replies:
            shown = request(
                port, "GET", "/placements/FX-NOAH", cookies={**cookies, **reply.cookies}
            ).text
            assert "Marked as done" in shown or "Try again" in shown
        # With nobody else saving, it goes through.
        last = request(
            port,
            "POST",
            f"/placements/FX-NOAH/actions/{assessment_id}/{index}/done",
            form={"csrf_token": token},
            cookies=cookies,
        )
        assert last.status == 302
    with db.transaction() as session:
        _, after = load_current(session, "FX-NOAH")
    action = next(a for a in after["assessments"] if a["id"] == assessment_id)
    assert action["health_plan"][index]["status"] == "done"
    assert after["child"]["preferred_name"].startswith("Noah")  # the nurse's saves kept
