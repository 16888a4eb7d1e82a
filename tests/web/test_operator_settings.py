"""What an operator gets wrong, and what is safe without a setting (issue 11, items 6, 7, 9)."""

from __future__ import annotations

import dataclasses
import logging

import click
import pytest
from sqlalchemy import select

from passport import cli as passport_cli
from passport import create_app
from passport.accounts.models import User
from passport.cli import users as users_cli
from passport.config import Config, ConfigError
from tests.conftest import empty_tables
from tests.helpers import PASSWORD, csrf_token, make_nurse, sign_in


def test_a_different_secret_is_a_clear_message_and_one_log_line(config, database, caplog):
    made_under = create_app(config)
    make_nurse(made_under.extensions["db"])
    made_under.extensions["db"].dispose()
    moved = create_app(dataclasses.replace(config, secret_key="another-installation-secret"))
    try:
        client = moved.test_client()
        assert sign_in(client, code=False).headers["Location"].endswith("/sign-in/code")
        with caplog.at_level(logging.ERROR):
            answer = client.post(
                "/sign-in/code",
                data={"code": "123456", "csrf_token": csrf_token(client, "/sign-in/code")},
            )
        assert answer.status_code == 503
        page = answer.get_data(as_text=True)
        assert "you cannot sign in right now" in page and "Traceback" not in page
        lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(lines) == 1 and "PASSPORT_SECRET_KEY" in lines[0]
        assert "123456" not in lines[0]
    finally:
        moved.extensions["db"].dispose()
        empty_tables(database)


def test_user_create_says_created_only_once_the_account_is_saved(cli, db, monkeypatch):
    """`passport user create ... | head -1`: the reader goes away after the first line. The
    first line may only claim what is already committed."""

    def reader_gone(*args, **kwargs):
        raise BrokenPipeError

    monkeypatch.setattr(users_cli.click, "echo", reader_gone)
    with pytest.raises(BrokenPipeError):
        cli(
            "user",
            "create",
            "--role",
            "nurse",
            "--email",
            "piped@example.org",
            "--authority",
            "Example City Council",
            input="a long enough password\n",
        )
    with db.transaction() as session:
        assert session.scalar(select(User).where(User.email == "piped@example.org"))


def test_user_create_refused_prints_no_success(cli, db):
    refused = cli(
        "user",
        "create",
        "--role",
        "nurse",
        "--email",
        "short@example.org",
        "--authority",
        "Example City Council",
        input="short\n",
    )
    assert refused.exit_code != 0 and "Created" not in refused.output


def test_cookies_are_secure_without_any_setting(tmp_path, monkeypatch, config, database):
    env = {
        "PASSPORT_INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": config.database_url,
        "PASSPORT_SECRET_KEY": config.secret_key,
    }
    assert Config.from_env(env).secure_cookies is True
    assert Config.from_env({**env, "PASSPORT_SECURE_COOKIES": "0"}).secure_cookies is False
    app = create_app(Config.from_env(env))
    try:
        make_nurse(app.extensions["db"])
        client = app.test_client()
        answer = client.post(
            "/sign-in",
            data={
                "email": "nurse@example.org",
                "password": PASSWORD,
                "csrf_token": csrf_token(client),
            },
        )
        cookie = answer.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie
    finally:
        app.extensions["db"].dispose()
        empty_tables(database)


def test_only_passport_run_serves_cookies_without_secure(tmp_path, monkeypatch, config):
    monkeypatch.setenv("PASSPORT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", config.database_url)
    monkeypatch.setenv("PASSPORT_SECRET_KEY", config.secret_key)
    monkeypatch.delenv("PASSPORT_SECURE_COOKIES", raising=False)
    for command, secure in (("run", False), ("demo", True), ("import", True)):
        with click.Context(click.Command(command), info_name=command):
            app = passport_cli._app()
        assert app.config["SESSION_COOKIE_SECURE"] is secure, command
        app.extensions["db"].dispose()
    monkeypatch.setenv("PASSPORT_SECURE_COOKIES", "1")
    with click.Context(click.Command("run"), info_name="run"):
        app = passport_cli._app()
    assert app.config["SESSION_COOKIE_SECURE"] is True  # the operator's word wins
    app.extensions["db"].dispose()


def test_the_wsgi_entry_point_is_secure_by_default(tmp_path, monkeypatch, config):
    import importlib

    monkeypatch.setenv("PASSPORT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", config.database_url)
    monkeypatch.setenv("PASSPORT_SECRET_KEY", config.secret_key)
    monkeypatch.delenv("PASSPORT_SECURE_COOKIES", raising=False)
    import wsgi

    application = importlib.reload(wsgi).application
    assert application.config["SESSION_COOKIE_SECURE"] is True
    application.extensions["db"].dispose()


def test_trusted_proxies_must_be_a_whole_number(tmp_path):
    env = {"PASSPORT_INSTANCE_PATH": str(tmp_path), "PASSPORT_SECRET_KEY": "a secret"}
    assert Config.from_env(env).trusted_proxies == 0
    assert Config.from_env({**env, "PASSPORT_TRUSTED_PROXIES": "2"}).trusted_proxies == 2
    with pytest.raises(ConfigError, match="PASSPORT_TRUSTED_PROXIES must be a whole number"):
        Config.from_env({**env, "PASSPORT_TRUSTED_PROXIES": "two"})


def test_without_trusted_proxies_a_forwarded_address_is_not_believed(app, db):
    """X-Forwarded-For is the client's to write: unless the operator says a proxy stands in
    front, the socket's address is the one the sign-in limits count."""
    make_nurse(db)
    client = app.test_client()
    for n in range(5):
        answer = client.post(
            "/sign-in",
            data={
                "email": "nurse@example.org",
                "password": "wrong password",
                "csrf_token": csrf_token(client),
            },
            headers={"X-Forwarded-For": f"192.0.2.{n}"},
        )
        assert answer.status_code == 400
    blocked = client.post(
        "/sign-in",
        data={"email": "nurse@example.org", "password": PASSWORD, "csrf_token": csrf_token(client)},
        headers={"X-Forwarded-For": "192.0.2.99"},
    )
    assert blocked.status_code == 429
