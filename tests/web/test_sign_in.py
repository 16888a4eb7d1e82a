"""Signing in and out, sessions that really end, CSRF, and the headers on every response."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update

from passport.accounts.models import SignInSession, User
from passport.accounts.service import create_user
from passport.db import utcnow

PASSWORD = "correct horse battery"


def make_nurse(db, email="nurse@example.org"):
    with db.transaction() as session:
        create_user(session, email=email, password=PASSWORD, role="nurse")


def csrf_token(client, path="/sign-in") -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, page
    return match.group(1)


def sign_in(client, email="nurse@example.org", password=PASSWORD):
    return client.post("/sign-in", data={"email": email, "password": password,
                                         "csrf_token": csrf_token(client)})


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


def test_sign_in_shows_the_landing_page_with_the_records(client, db, cli):
    make_nurse(db)
    assert cli("import", "../shared/spec/examples/minimal.json").exit_code == 0
    response = sign_in(client)
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "signed in as nurse@example.org (nurse)" in page
    assert "1 child&#39;s record is kept here" in page


def test_wrong_password_is_refused_with_an_error_summary(client, db):
    make_nurse(db)
    response = sign_in(client, password="not the password")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "Enter a correct email address and password" in page
    assert client.get("/").status_code == 302


def test_unknown_email_gets_the_same_answer(client, db):
    make_nurse(db)
    page = sign_in(client, email="nobody@example.org").get_data(as_text=True)
    assert "Enter a correct email address and password" in page


def test_empty_form_names_each_field(client):
    response = client.post("/sign-in", data={"csrf_token": csrf_token(client)})
    page = response.get_data(as_text=True)
    assert 'href="#email">Enter your email address' in page
    assert 'href="#password">Enter your password' in page


def test_a_post_without_csrf_token_is_refused(client, db):
    make_nurse(db)
    response = client.post("/sign-in", data={"email": "nurse@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "The form has expired" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    sign_in(client)
    assert client.post("/sign-out").status_code == 400
    assert client.get("/").status_code == 200


def test_replaying_the_cookie_after_sign_out_gets_nothing(client, app, db):
    make_nurse(db)
    sign_in(client)
    assert client.get("/").status_code == 200
    stolen = client.get_cookie("passport_session").value

    token = csrf_token(client, "/")
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302

    replay = app.test_client()
    replay.set_cookie("passport_session", stolen)
    response = replay.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sign-in")


def test_a_session_ends_after_30_minutes_idle(client, db):
    make_nurse(db)
    sign_in(client)
    assert client.get("/").status_code == 200
    with db.transaction() as session:
        session.execute(update(SignInSession).values(
            last_seen_at=utcnow() - timedelta(minutes=31)))
    assert client.get("/").status_code == 302
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
