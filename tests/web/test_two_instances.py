"""Two app servers on one database behave as one (issue 17, "stateless app servers").

Two apps are made as two gunicorn instances would make them: the same secret and database,
each its own instance folder, each served on its own port. A browser's requests alternate
between them. A sign-in made on one works on the other and ends on both; a link's passcode cap
counts tries sent to both at once; a PDF made on one is served from the shared cache on the
other. (`make load` does the same with real gunicorn processes under load.)
"""

from __future__ import annotations

import dataclasses
import json

import pytest
from sqlalchemy import func, select

from passport import create_app
from passport.documents import render
from passport.documents.models import RenderedDocument
from passport.sharing import service as sharing
from passport.sharing.models import ShareLink
from tests.conftest import ROOT, empty_tables, next_code
from tests.helpers import PASSWORD, daniel_link, make_nurse, manifest_path
from tests.served import Counter, all_at_once, form_token, request, serve

DANIEL = ROOT / "fixtures" / "fx-daniel.json"
NURSE = "nurse@example.org"
PASSCODE = "correct-horse"


@pytest.fixture
def ports(config, database, tmp_path):
    """The ports of two app instances on the test database, each with its own folder."""
    apps = [create_app(dataclasses.replace(config, instance_path=tmp_path / name)) for name in "ab"]
    try:
        with serve(apps[0]) as a, serve(apps[1]) as b:
            yield a, b
    finally:
        for app in apps:
            app.extensions["db"].dispose()
        empty_tables(database)


def signed_in_on(port: int, db) -> dict[str, str]:
    """A nurse's cookies after the password and the security code, both given to `port`."""
    token, cookies = form_token(port, "/sign-in")
    reply = request(
        port, "POST", "/sign-in", cookies=cookies,
        form={"csrf_token": token, "email": NURSE, "password": PASSWORD},
    )  # fmt: skip
    assert reply.status == 302 and reply.headers["Location"].endswith("/sign-in/code")
    cookies = {**cookies, **reply.cookies}
    token, cookies = form_token(port, "/sign-in/code", cookies)
    reply = request(
        port, "POST", "/sign-in/code", cookies=cookies,
        form={"csrf_token": token, "code": next_code(db, NURSE)},
    )  # fmt: skip
    assert reply.status == 302 and reply.headers["Location"].endswith("/")
    return {**cookies, **reply.cookies}


def test_a_sign_in_made_on_one_instance_works_on_the_other_and_ends_on_both(ports, cli, db):
    a, b = ports
    make_nurse(db)
    assert cli("import", str(DANIEL)).exit_code == 0
    cookies = signed_in_on(a, db)
    for port in (a, b):
        page = request(port, "GET", "/children/FX-DANIEL", cookies=cookies)
        assert page.status == 200, port
        assert "Daniel" in page.text
    # Signing out on b (with a form token b gave) ends the session a made.
    token, cookies = form_token(b, "/caseload", cookies)
    out = request(b, "POST", "/sign-out", form={"csrf_token": token}, cookies=cookies)
    assert out.status == 302
    for port in (a, b):
        after = request(port, "GET", "/caseload", cookies=cookies)
        assert after.status == 302 and after.headers["Location"].endswith("/sign-in"), port


def test_a_form_token_from_one_instance_is_good_on_the_other_and_a_made_up_one_on_neither(
    ports, db
):
    a, b = ports
    make_nurse(db)
    token, cookies = form_token(a, "/sign-in")
    for port, csrf, expected in ((b, token, 302), (a, "made-up", 400), (b, "made-up", 400)):
        reply = request(
            port, "POST", "/sign-in", cookies=cookies,
            form={"csrf_token": csrf, "email": NURSE, "password": PASSWORD},
        )  # fmt: skip
        assert reply.status == expected, (port, csrf)


def test_wrong_passcodes_sent_to_both_instances_at_once_stop_at_one_shared_cap(
    ports, cli, db, monkeypatch
):
    a, b = ports
    assert cli("import", str(DANIEL)).exit_code == 0
    made = daniel_link(cli, db, passcode=PASSCODE, document="passport", label="Both")
    path = manifest_path(made.url)
    checks = Counter(sharing._passcode_matches)
    monkeypatch.setattr(sharing, "_passcode_matches", checks)

    def guess(i: int):
        body = json.dumps({"recipient": "Racer", "passcode": f"wrong-{i}"}).encode()
        return request(
            (a, b)[i % 2], "POST", path, body=body, content_type="application/json"
        )  # fmt: skip

    replies = all_at_once(20, guess)
    assert checks.calls == sharing.MAX_ATTEMPTS
    assert sorted(r.status for r in replies) == [401] * sharing.MAX_ATTEMPTS + [404] * (
        20 - sharing.MAX_ATTEMPTS
    )
    with db.transaction() as session:
        assert session.scalar(select(ShareLink.failed_attempts)) == sharing.MAX_ATTEMPTS
    right = json.dumps({"recipient": "GP", "passcode": PASSCODE}).encode()
    for port in (a, b):  # the cap holds on both: the right passcode is too late
        late = request(port, "POST", path, body=right, content_type="application/json")
        assert late.status == 404, port


def test_a_pdf_made_on_one_instance_is_served_from_the_shared_cache_by_the_other(
    ports, cli, db, monkeypatch
):
    a, b = ports
    make_nurse(db)
    assert cli("import", str(DANIEL)).exit_code == 0
    renders = Counter(render.render_pdf)
    monkeypatch.setattr(render, "render_pdf", renders)
    cookies = signed_in_on(a, db)
    path = "/children/FX-DANIEL/documents/passport.pdf"
    first = request(a, "GET", path, cookies=cookies)
    second = request(b, "GET", path, cookies=cookies)
    assert first.status == second.status == 200
    assert first.body.startswith(b"%PDF-") and second.body == first.body
    assert renders.calls == 1  # b made nothing: it read what a had made
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(RenderedDocument)) == 1
