"""The `passport` command's other verbs: demo data, accounts, and the installed entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from passport.accounts.models import User
from passport.cli.records import DEMO_ACCOUNTS
from tests.conftest import FIXTURES


def test_demo_loads_every_fixture_and_the_accounts_once(cli, db):
    first = cli("demo")
    assert first.exit_code == 0, first.output
    assert f"Demo records: {len(FIXTURES)} loaded, 0 already here." in first.stdout
    for role in ("nurse", "carer", "leaver"):
        assert f"Sign in as the demo {role}: {role}@example.org / " in first.stdout

    again = cli("demo")
    assert again.exit_code == 0
    assert f"Demo records: 0 loaded, {len(FIXTURES)} already here." in again.stdout
    with db.transaction() as session:
        assert session.query(User).count() == 3
    ref = json.loads(FIXTURES[0].read_text())["child"]["ref"]
    history = cli("history", ref).stdout.splitlines()
    assert len(history) == 2  # the header and one version: the second run added none


def test_demo_accounts_point_at_demo_records():
    refs = {json.loads(p.read_text())["child"]["ref"] for p in FIXTURES}
    carers = {
        pl.get("carer_ref")
        for p in FIXTURES
        for pl in json.loads(p.read_text()).get("placements", [])
    }
    for _, _, role, extras in DEMO_ACCOUNTS:
        if role == "leaver":
            assert extras["child_ref"] in refs
        if role == "carer":
            assert extras["carer_ref"] in carers


def test_user_create_reads_the_password_from_stdin(cli, db):
    result = cli(
        "user",
        "create",
        "--role",
        "carer",
        "--email",
        "Carer@Example.org",
        "--carer-ref",
        "FC-1",
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created carer account carer@example.org" in result.stdout
    with db.transaction() as session:
        user = session.query(User).one()
        assert (user.role, user.carer_ref) == ("carer", "FC-1")
        assert user.password_hash.startswith("$argon2id$")


def test_user_create_names_what_is_wrong(cli, db):
    short = cli("user", "create", "--role", "nurse", "--email", "n@example.org", input="short\n")
    assert short.exit_code == 1
    assert "password: must be at least 10 characters" in short.output
    email = cli(
        "user",
        "create",
        "--role",
        "nurse",
        "--email",
        "not-an-email",
        input="a long enough password\n",
    )
    assert "--email: enter an email address" in email.output
    leaver = cli(
        "user",
        "create",
        "--role",
        "leaver",
        "--email",
        "l@example.org",
        input="a long enough password\n",
    )
    assert "--child-ref: a care leaver account needs" in leaver.output
    nurse = cli(
        "user",
        "create",
        "--role",
        "nurse",
        "--email",
        "n@example.org",
        input="a long enough password\n",
    )
    assert "--authority: a nurse account needs" in nurse.output
    assert (
        cli(
            "user",
            "create",
            "--role",
            "nurse",
            "--email",
            "n@example.org",
            "--authority",
            "Example City Council",
            input="a long enough password\n",
        ).exit_code
        == 0
    )
    twice = cli(
        "user",
        "create",
        "--role",
        "nurse",
        "--email",
        "n@example.org",
        "--authority",
        "Example City Council",
        input="a long enough password\n",
    )
    assert "already exists" in twice.output
    with db.transaction() as session:
        assert session.query(User).count() == 1


def test_the_installed_passport_command_runs(config, tmp_path: Path):
    """The console script from pyproject.toml, as a nurse would type it."""
    exe = Path(sys.executable).with_name("passport")
    env = {
        **os.environ,
        "DATABASE_URL": config.database_url,
        "PASSPORT_SECRET_KEY": config.secret_key,
        "PASSPORT_INSTANCE_PATH": str(tmp_path),
    }
    done = subprocess.run(
        [str(exe), "export", "NOBODY-AT-ALL"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "no record with ref NOBODY-AT-ALL" in done.stderr


def test_a_database_not_yet_set_up_gets_the_command_to_run_not_a_traceback(tmp_path: Path):
    """`passport check` before `passport db upgrade` on a new SQLite file: one plain line."""
    exe = Path(sys.executable).with_name("passport")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}",
        "PASSPORT_INSTANCE_PATH": str(tmp_path),
        "PASSPORT_SECRET_KEY": "a test secret that is long enough to use",
    }
    done = subprocess.run(
        [str(exe), "check", "FX-DANIEL"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "Run `passport db upgrade` first." in done.stderr
