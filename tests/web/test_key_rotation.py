"""Changing the installation's secret locks nobody out (issue 17, ADR 0008): rotate twice,
signing a nurse in (password and security code) at every step."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from passport import create_app
from passport.accounts import totp
from passport.accounts.models import User
from passport.accounts.service import current_code
from passport.audit.models import AuditEvent
from passport.keys import Keys
from tests.conftest import TEST_SECRET, Cli, empty_tables
from tests.helpers import csrf_token, make_nurse, sign_in

EMAIL = "nurse@example.org"


@pytest.fixture(autouse=True)
def authenticator_clock(monkeypatch) -> list[float]:
    """The second factor's clock, moved on 30 seconds before each sign-in: a code works once,
    so each sign-in needs the next one."""
    clock = [time.time()]
    monkeypatch.setattr(totp, "time", SimpleNamespace(time=lambda: clock[0]))
    return clock


@contextmanager
def running(config, secret: str, old: tuple[str, ...] = ()) -> Iterator[Flask]:
    app = create_app(dataclasses.replace(config, secret_key=secret, old_secret_keys=old))
    try:
        yield app
    finally:
        app.extensions["db"].dispose()


def stored_secret(app: Flask) -> str:
    with app.extensions["db"].transaction() as session:
        return session.scalar(select(User.totp_secret).where(User.email == EMAIL))


def signed_in_client(app: Flask, clock: list[float]) -> FlaskClient | None:
    """Password, then the code the nurse's authenticator shows, read with the app's keys:
    the signed-in client, or None if the sign-in failed."""
    clock[0] += 30
    client = app.test_client()
    assert sign_in(client, code=False).headers["Location"].endswith("/sign-in/code")
    keys = app.extensions["passport_config"].keys
    with app.extensions["db"].transaction() as session:
        code = current_code(session, EMAIL, keys, now=clock[0])
    answer = client.post(
        "/sign-in/code", data={"code": code, "csrf_token": csrf_token(client, "/sign-in/code")}
    )
    if answer.status_code == 302 and client.get("/caseload").status_code == 200:
        return client
    return None


def signs_in(app: Flask, clock: list[float]) -> bool:
    return signed_in_client(app, clock) is not None


def still_signed_in(app: Flask, cookie: str) -> bool:
    client = app.test_client()
    client.set_cookie("passport_session", cookie)
    return client.get("/caseload").status_code == 200


def rotate(app: Flask) -> str:
    result = Cli(app)("keys", "rotate")
    assert result.exit_code == 0, result.output
    return result.output


def test_rotating_twice_locks_nobody_out(config, database, authenticator_clock):
    clock = authenticator_clock
    assert config.secret_key == TEST_SECRET
    try:
        with running(config, TEST_SECRET) as a:
            make_nurse(a.extensions["db"])
            client = signed_in_client(a, clock)
            assert client is not None
            cookie = client.get_cookie("passport_session").value
            assert still_signed_in(a, cookie)
            under_a = stored_secret(a)

        # Step 1: B is the secret, A is old. Before the rotate: sign-in and sessions work.
        with running(config, "secret B", (TEST_SECRET,)) as b:
            assert still_signed_in(b, cookie)  # a session signed under A still loads
            assert signs_in(b, clock)
            output = rotate(b)
            assert "1 re-encrypted under the current key, 0 already under it" in output
            under_b = stored_secret(b)
            assert under_b != under_a and Keys("secret B").second_factor_is_current(under_b)
            assert signs_in(b, clock)
            again = rotate(b)  # idempotent
            assert "0 re-encrypted under the current key, 1 already under it" in again
            assert stored_secret(b) == under_b

        # After the rotate, A may be dropped: B alone signs the nurse in.
        with running(config, "secret B") as b_alone:
            assert signs_in(b_alone, clock)
            assert not still_signed_in(b_alone, cookie)  # A's sessions end with A

        # Step 2: C is the secret, B is old.
        with running(config, "secret C", ("secret B",)) as c:
            assert signs_in(c, clock)
            assert "1 re-encrypted under the current key" in rotate(c)
            assert signs_in(c, clock)
        with running(config, "secret C") as c_alone:
            assert signs_in(c_alone, clock)
            with c_alone.extensions["db"].transaction() as session:
                rotations = session.scalars(
                    select(AuditEvent.actor).where(AuditEvent.action == "rotate")
                ).all()
            assert len(rotations) == 3 and all(a.startswith("cli:") for a in rotations)
    finally:
        empty_tables(database)


def test_dropping_the_old_key_before_the_rotate_is_the_clear_error(config, database):
    """Forgetting the rotate: the nurse sees the sign-in-unavailable page, not a 500, and the
    rotate command names the account it cannot read."""
    try:
        with running(config, TEST_SECRET) as a:
            make_nurse(a.extensions["db"])
        with running(config, "secret B") as b:
            client = b.test_client()
            sign_in(client, code=False)
            answer = client.post(
                "/sign-in/code",
                data={"code": "123456", "csrf_token": csrf_token(client, "/sign-in/code")},
            )
            assert answer.status_code == 503
            refused = Cli(b)("keys", "rotate")
            assert refused.exit_code == 1
            assert "0 re-encrypted under the current key, 0 already under it, 1 unreadable" in (
                refused.output
            )
            assert EMAIL in refused.output and "PASSPORT_OLD_SECRET_KEYS" in refused.output
    finally:
        empty_tables(database)
