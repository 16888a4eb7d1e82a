"""Signing in and out, sessions that really end, CSRF, and the headers on every response."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update

from passport.accounts.models import SignInSession, User
from passport.accounts.service import create_user
from passport.db import utcnow
from tests.helpers import PASSWORD, csrf_token, make_nurse, sign_in
from tests.web.pages import error_summary, parse, text


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sign-in")


def test_security_headers_on_every_response(client):
    for path in ("/sign-in", "/", "/no-such-page"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
        assert re.search(r"script-src 'self' 'nonce-[A-Za-z0-9_-]{16,}'", csp)
        assert headers["Strict-Transport-Security"].startswith("max-age=")
        assert headers["Cache-Control"] == "no-store"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_the_nonce_is_new_on_each_response(client):
    first = client.get("/sign-in").headers["Content-Security-Policy"]
    second = client.get("/sign-in").headers["Content-Security-Policy"]
    assert first != second


def test_a_nurse_signs_in_to_the_caseload(client, db, cli):
    make_nurse(db)
    response = sign_in(client)
    assert response.status_code == 302
    landing = client.get("/")
    assert landing.status_code == 302 and landing.headers["Location"].endswith("/caseload")
    page = client.get("/caseload").get_data(as_text=True)
    assert "<h1>Caseload</h1>" in page and "nurse@example.org" in page


def test_other_roles_never_reach_the_nurses_pages(client, db):
    with db.transaction() as session:
        create_user(
            session, email="carer@example.org", password=PASSWORD, role="carer", carer_ref="FC-1"
        )
    sign_in(client, email="carer@example.org")
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/placements")
    for path in ("/caseload", "/import", "/children/FX-ELLIE"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Page not found" in response.get_data(as_text=True)


def test_the_sixth_wrong_password_in_a_minute_is_throttled_for_that_account_only(client, db):
    make_nurse(db)
    make_nurse(db, email="other@example.org")
    for _ in range(5):
        assert sign_in(client, password="wrong password").status_code == 400
    throttled = sign_in(client)  # even the right password waits now
    assert throttled.status_code == 429
    assert "Too many attempts" in throttled.get_data(as_text=True)
    assert client.get("/caseload").status_code == 302
    assert sign_in(client, email="other@example.org").status_code == 302


def test_wrong_password_is_refused_with_an_error_summary(client, db):
    make_nurse(db)
    response = sign_in(client, password="not the password")
    assert response.status_code == 400
    soup = parse(response)
    assert "There is a problem" in text(soup)
    assert error_summary(soup) == [("#email", "Enter a correct email address and password")]
    assert soup.title.get_text().startswith("Error: Sign in")
    assert client.get("/").status_code == 302


def test_unknown_email_gets_the_same_answer(client, db):
    make_nurse(db)
    soup = parse(sign_in(client, email="nobody@example.org"))
    assert error_summary(soup) == [("#email", "Enter a correct email address and password")]


def test_empty_form_names_each_field(client):
    response = client.post("/sign-in", data={"csrf_token": csrf_token(client)})
    assert error_summary(parse(response)) == [
        ("#email", "Enter your email address"),
        ("#password", "Enter your password"),
    ]


def test_a_post_without_csrf_token_is_refused(client, db):
    make_nurse(db)
    response = client.post("/sign-in", data={"email": "nurse@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "The form has expired" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    sign_in(client)
    assert client.post("/sign-out").status_code == 400
    assert client.get("/caseload").status_code == 200


def test_replaying_the_cookie_after_sign_out_gets_nothing(client, app, db):
    make_nurse(db)
    sign_in(client)
    assert client.get("/caseload").status_code == 200
    stolen = client.get_cookie("passport_session").value

    token = csrf_token(client, "/caseload")
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 302
    assert client.get("/caseload").status_code == 302

    replay = app.test_client()
    replay.set_cookie("passport_session", stolen)
    response = replay.get("/caseload")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sign-in")


def test_a_session_ends_after_30_minutes_idle(client, db):
    make_nurse(db)
    sign_in(client)
    assert client.get("/caseload").status_code == 200
    with db.transaction() as session:
        session.execute(update(SignInSession).values(last_seen_at=utcnow() - timedelta(minutes=29)))
    assert client.get("/caseload").status_code == 200  # 29 minutes idle is still fine
    with db.transaction() as session:
        session.execute(update(SignInSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
    assert client.get("/caseload").status_code == 302
    with db.transaction() as session:
        assert session.query(SignInSession).count() == 0


def test_passwords_are_stored_as_argon2id_hashes(db):
    make_nurse(db)
    with db.transaction() as session:
        user = session.query(User).one()
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash


def test_unknown_pages_get_a_plain_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
