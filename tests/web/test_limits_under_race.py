"""Limits that hold when many requests arrive at once (issue 11, items 3 and 4).

Each test serves the app on 127.0.0.1 with a threaded server and fires a bounded crowd of
requests at it, released together by a barrier. The secret checks themselves are counted (the
counting wrapper runs in the server's threads), so the assertions are about how many guesses
were really checked, not about status codes alone.
"""

from __future__ import annotations

import dataclasses
import json
import random
import re

import pytest
from sqlalchemy import func, select, update

from passport import create_app
from passport.accounts import service as accounts
from passport.accounts import sign_in, totp
from passport.accounts.models import PendingSignIn, User
from passport.accounts.service import create_user
from passport.db import utcnow
from passport.sharing import service as sharing
from passport.sharing.models import ShareAccess, ShareLink
from tests.conftest import ROOT, TEST_SECRET, next_code
from tests.helpers import daniel_link, manifest_path
from tests.served import Counter, all_at_once, form_token, request, serve

DANIEL = ROOT / "fixtures" / "fx-daniel.json"
PASSCODE = "correct-horse"
PASSWORD = "correct horse battery"


@pytest.fixture
def proxied_app(config, database):
    """The app as deployed behind one proxy: the client's address comes from
    X-Forwarded-For (ProxyFix, PASSPORT_TRUSTED_PROXIES=1), so one test can be many clients."""
    from tests.conftest import empty_tables

    application = create_app(dataclasses.replace(config, trusted_proxies=1))
    yield application
    application.extensions["db"].dispose()
    empty_tables(database)


# --- sharing-link passcodes -----------------------------------------------------------------


def make_link(cli, db, passcode: str | None = PASSCODE) -> str:
    """A new link for Daniel's record; returns the manifest path."""
    made = daniel_link(cli, db, passcode=passcode, document="leaver-summary", label="Racing")
    return manifest_path(made.url)


def manifest(port: int, path: str, passcode: str) -> int:
    body = json.dumps({"recipient": "Racer", "passcode": passcode}).encode()
    return request(port, "POST", path, body=body, content_type="application/json").status


def outcomes(db) -> dict[str, int]:
    with db.transaction() as session:
        return dict(
            session.execute(
                select(ShareAccess.outcome, func.count()).group_by(ShareAccess.outcome)
            ).all()
        )


@pytest.mark.parametrize("crowd", [16, 50])
def test_no_more_than_five_wrong_passcodes_are_ever_checked(app, cli, db, monkeypatch, crowd):
    path = make_link(cli, db)
    checks = Counter(sharing._passcode_matches)
    monkeypatch.setattr(sharing, "_passcode_matches", checks)
    right_at = random.randrange(crowd)
    with serve(app) as port:
        replies = all_at_once(
            crowd, lambda i: _reply(port, path, PASSCODE if i == right_at else f"guess-{i}")
        )
        statuses = [r.status for r in replies]
        wrong_checks = checks.results.count(False)
        right_checks = checks.results.count(True)
        assert wrong_checks <= 5, checks.results
        # A right passcode gives its slot back, so one more wrong one may be checked after it:
        # still no more than five wrong guesses looked at, ever.
        assert checks.calls <= 5 + right_checks
        assert statuses.count(401) == wrong_checks
        assert statuses.count(200) == right_checks
        assert set(statuses) <= {200, 401, 404}
        with db.transaction() as session:
            link = session.scalar(select(ShareLink))
            assert link.failed_attempts == wrong_checks
        logged = outcomes(db)
        assert logged.get("wrong_passcode", 0) == wrong_checks
        assert logged.get("opened", 0) == right_checks
        assert logged.get("refused", 0) == statuses.count(404)
        # Once five wrong ones are spent, even the right passcode gets the 404.
        if wrong_checks == 5:
            assert manifest(port, path, PASSCODE) == 404


def _reply(port: int, path: str, passcode: str):
    body = json.dumps({"recipient": "Racer", "passcode": passcode}).encode()
    return request(port, "POST", path, body=body, content_type="application/json")


def test_after_five_wrong_passcodes_the_right_one_answers_404_and_a_fresh_link_opens(app, cli, db):
    path = make_link(cli, db)
    with serve(app) as port:
        replies = all_at_once(5, lambda i: _reply(port, path, f"wrong-{i}"))
        assert sorted(r.status for r in replies) == [401] * 5
        assert manifest(port, path, PASSCODE) == 404
        fresh = make_link(cli, db)
        opened = _reply(port, fresh, PASSCODE)
        assert opened.status == 200 and opened.json()["files"]
        again = _reply(port, fresh, PASSCODE)  # a right passcode spends no try
        assert again.status == 200
    with db.transaction() as session:
        assert [
            link.failed_attempts
            for link in session.scalars(select(ShareLink).order_by(ShareLink.id))
        ] == [5, 0]


# --- passwords --------------------------------------------------------------------------------


def make_account(db, email: str, role: str = "leaver") -> None:
    extras = (
        {"child_ref": "FX-DANIEL"} if role == "leaver" else {"authority": "Example City Council"}
    )
    with db.transaction() as session:
        create_user(
            session, email=email, password=PASSWORD, role=role, app_secret=TEST_SECRET, **extras
        )


def password_try(port: int, email: str, password: str, address: str = "203.0.113.9"):
    token, cookies = form_token(port, "/sign-in")
    return request(
        port,
        "POST",
        "/sign-in",
        form={"csrf_token": token, "email": email, "password": password},
        cookies=cookies,
        headers={"X-Forwarded-For": address},
    )


def test_fifty_wrong_passwords_at_once_get_five_checks(proxied_app, monkeypatch):
    db = proxied_app.extensions["db"]
    make_account(db, "target@example.org")
    checks = Counter(accounts._verify)
    monkeypatch.setattr(accounts, "_verify", checks)
    with serve(proxied_app) as port:
        token, cookies = form_token(port, "/sign-in")
        replies = all_at_once(
            50,
            lambda i: request(
                port,
                "POST",
                "/sign-in",
                form={"csrf_token": token, "email": "target@example.org", "password": f"guess {i}"},
                cookies=cookies,
                headers={"X-Forwarded-For": "203.0.113.9"},
            ),
        )
        assert checks.calls == 5
        assert sorted(r.status for r in replies) == [400] * 5 + [429] * 45
        # The real user, elsewhere, is not locked out by the stranger.
        real = password_try(port, "target@example.org", PASSWORD, address="198.51.100.4")
        assert real.status == 302 and real.headers["Location"].endswith("/")


def test_one_address_trying_many_accounts_is_stopped(proxied_app, monkeypatch):
    db = proxied_app.extensions["db"]
    for n in range(40):
        make_account(db, f"person{n}@example.org")
    checks = Counter(accounts._verify)
    monkeypatch.setattr(accounts, "_verify", checks)
    with serve(proxied_app) as port:
        token, cookies = form_token(port, "/sign-in")
        statuses = []
        for round_ in range(4):
            statuses += [
                r.status
                for r in all_at_once(
                    40,
                    lambda i, round_=round_: request(
                        port,
                        "POST",
                        "/sign-in",
                        form={
                            "csrf_token": token,
                            "email": f"person{i}@example.org",
                            "password": f"guess {round_}",
                        },
                        cookies=cookies,
                        headers={"X-Forwarded-For": "203.0.113.50"},
                    ),
                )
            ]
        assert len(statuses) == 160
        assert checks.calls == 30  # PASSWORD_ADDRESS: 30 in 15 minutes from one address
        assert statuses.count(429) == 130
        # Everyone else still signs in.
        assert (
            password_try(port, "person7@example.org", PASSWORD, address="198.51.100.7").status
            == 302
        )


def test_a_crowd_of_addresses_slows_an_account_but_never_locks_the_user_out(
    proxied_app, monkeypatch
):
    db = proxied_app.extensions["db"]
    make_account(db, "popular@example.org")
    checks = Counter(accounts._verify)
    monkeypatch.setattr(accounts, "_verify", checks)
    with serve(proxied_app) as port:
        token, cookies = form_token(port, "/sign-in")
        # 60 wrong passwords from 60 addresses: the account's ceiling is 50 an hour.
        replies = all_at_once(
            30,
            lambda i: request(
                port,
                "POST",
                "/sign-in",
                form={
                    "csrf_token": token,
                    "email": "popular@example.org",
                    "password": f"guess {i}",
                },
                cookies=cookies,
                headers={"X-Forwarded-For": f"192.0.2.{i + 1}"},
            ),
        )
        replies += all_at_once(
            30,
            lambda i: request(
                port,
                "POST",
                "/sign-in",
                form={
                    "csrf_token": token,
                    "email": "popular@example.org",
                    "password": f"guess {i}",
                },
                cookies=cookies,
                headers={"X-Forwarded-For": f"192.0.2.{i + 101}"},
            ),
        )
        # Past the ceiling each address gets one try a minute: the last 10 addresses each
        # still get theirs, so every one of the 60 was checked, and none more than once.
        assert checks.calls == 60 and all(r.status == 400 for r in replies)
        again = all_at_once(
            10,
            lambda i: request(
                port,
                "POST",
                "/sign-in",
                form={"csrf_token": token, "email": "popular@example.org", "password": "again"},
                cookies=cookies,
                headers={"X-Forwarded-For": f"192.0.2.{i + 151}"},
            ),
        )
        assert [r.status for r in again].count(400) == 10  # first try this minute each
        second = all_at_once(
            10,
            lambda i: request(
                port,
                "POST",
                "/sign-in",
                form={"csrf_token": token, "email": "popular@example.org", "password": "and again"},
                cookies=cookies,
                headers={"X-Forwarded-For": f"192.0.2.{i + 151}"},
            ),
        )
        assert all(r.status == 429 for r in second)
        assert "once a minute" in second[0].text
        assert checks.calls == 70
        # The real user, from her own address, gets in on her first try.
        real = password_try(port, "popular@example.org", PASSWORD, address="198.51.100.20")
        assert real.status == 302 and real.headers["Location"].endswith("/")


# --- security codes ---------------------------------------------------------------------------


def pending_cookies(port: int, email: str, address: str = "198.51.100.30") -> dict[str, str]:
    """Cookies of a browser that has given the right password and waits for its code."""
    token, cookies = form_token(port, "/sign-in")
    reply = request(
        port,
        "POST",
        "/sign-in",
        form={"csrf_token": token, "email": email, "password": PASSWORD},
        cookies=cookies,
        headers={"X-Forwarded-For": address},
    )
    assert reply.status == 302 and reply.headers["Location"].endswith("/sign-in/code")
    return {**cookies, **reply.cookies}


def test_sixty_codes_at_once_get_five_checks_and_end_the_pending_sign_in(proxied_app, monkeypatch):
    db = proxied_app.extensions["db"]
    make_account(db, "staff@example.org", role="nurse")
    checks = Counter(totp.matching_step)
    monkeypatch.setattr(totp, "matching_step", checks)
    with serve(proxied_app) as port:
        cookies = pending_cookies(port, "staff@example.org")
        token, cookies = form_token(port, "/sign-in/code", cookies)
        right = next_code(db, "staff@example.org")
        wrong = [f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" != right][:60]
        replies = all_at_once(
            60,
            lambda i: request(
                port,
                "POST",
                "/sign-in/code",
                form={"csrf_token": token, "code": wrong[i]},
                cookies=cookies,
            ),
        )
        assert checks.calls == 5
        assert all(r.status in (302, 400) for r in replies)
        # The pending sign-in is over: even the right code goes back to the password.
        late = request(
            port,
            "POST",
            "/sign-in/code",
            form={"csrf_token": token, "code": right},
            cookies=cookies,
        )
        assert late.status == 302 and late.headers["Location"].endswith("/sign-in")
        assert checks.calls == 5
        # The real user signs in again from the start.
        fresh = pending_cookies(port, "staff@example.org")
        token, fresh = form_token(port, "/sign-in/code", fresh)
        done = request(
            port,
            "POST",
            "/sign-in/code",
            form={"csrf_token": token, "code": next_code(db, "staff@example.org")},
            cookies=fresh,
        )
        assert done.status == 302 and done.headers["Location"].endswith("/")
        assert request(port, "GET", "/caseload", cookies={**fresh, **done.cookies}).status == 200


def test_the_password_steps_cookie_completes_one_sign_in_only(app, db):
    make_account(db, "once@example.org", role="nurse")
    client = app.test_client()
    token = _csrf(client, "/sign-in")
    client.post(
        "/sign-in", data={"csrf_token": token, "email": "once@example.org", "password": PASSWORD}
    )
    code_token = _csrf(client, "/sign-in/code")
    saved = client.get_cookie("passport_session").value  # the pending sign-in, before the code
    ok = client.post(
        "/sign-in/code", data={"csrf_token": code_token, "code": next_code(db, "once@example.org")}
    )
    assert ok.status_code == 302 and client.get("/caseload").status_code == 200

    # A copy of the cookie from the password step, and the next good code: no second session.
    replay = app.test_client()
    replay.set_cookie("passport_session", saved)
    again = replay.post(
        "/sign-in/code", data={"csrf_token": code_token, "code": next_code(db, "once@example.org")}
    )
    assert again.status_code == 302 and again.headers["Location"].endswith("/sign-in")
    assert replay.get("/caseload").status_code == 302
    with db.transaction() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(PendingSignIn)
                .where(PendingSignIn.used_at.is_(None))
            )
            == 0
        )


def test_five_wrong_codes_one_after_another_end_the_pending_sign_in(app, db):
    make_account(db, "slow@example.org", role="nurse")
    client = app.test_client()
    client.post(
        "/sign-in",
        data={
            "csrf_token": _csrf(client, "/sign-in"),
            "email": "slow@example.org",
            "password": PASSWORD,
        },
    )
    right = next_code(db, "slow@example.org")
    bad = "000000" if right != "000000" else "111111"
    token = _csrf(client, "/sign-in/code")
    answers = [
        client.post("/sign-in/code", data={"csrf_token": token, "code": bad}) for _ in range(5)
    ]
    assert [a.status_code for a in answers] == [400, 400, 400, 400, 302]
    assert answers[-1].headers["Location"].endswith("/sign-in")
    assert client.get("/sign-in/code").headers["Location"].endswith("/sign-in")
    with db.transaction() as session:
        assert session.scalar(select(User).where(User.email == "slow@example.org")) is not None


def _csrf(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_a_pending_sign_in_expires_after_five_minutes(app, db):
    make_account(db, "late@example.org", role="nurse")
    client = app.test_client()
    client.post(
        "/sign-in",
        data={
            "csrf_token": _csrf(client, "/sign-in"),
            "email": "late@example.org",
            "password": PASSWORD,
        },
    )
    with db.transaction() as session:
        session.execute(
            update(PendingSignIn).values(created_at=utcnow() - sign_in.PENDING_LIFETIME)
        )
    late = client.post(
        "/sign-in/code",
        data={
            "csrf_token": _csrf(client, "/sign-in/code"),
            "code": next_code(db, "late@example.org"),
        },
    )
    assert late.status_code == 302 and late.headers["Location"].endswith("/sign-in")
