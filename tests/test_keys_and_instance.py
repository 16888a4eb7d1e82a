"""The instance folder, the secret and the keys derived from it (issue 17, ADR 0008)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from itsdangerous import URLSafeTimedSerializer

from passport import create_app
from passport.accounts import totp
from passport.config import Config, ConfigError, default_instance_path
from passport.keys import (
    BACKUP,
    FILE_LOCATION,
    PURPOSES,
    SECOND_FACTOR,
    SESSION,
    Keys,
    derive,
    parse_old_secrets,
)
from passport.sharing.locations import LocationSigner
from tests.conftest import ROOT

PYTHON = sys.executable


def test_each_job_has_its_own_key_derived_with_hkdf():
    keys = Keys("secret A")
    made = {purpose: derive("secret A", purpose) for purpose in PURPOSES}
    assert len(set(made.values())) == len(PURPOSES)  # no two jobs share a key
    assert all(len(key) == 32 for key in made.values())
    expected = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=SESSION.encode()).derive(
        b"secret A"
    )
    assert keys.session == expected
    assert keys.file_location == made[FILE_LOCATION]
    assert keys.backup == made[BACKUP]
    assert b"secret A" not in keys.session and keys.session != b"secret A"
    assert derive("secret B", SECOND_FACTOR) != made[SECOND_FACTOR]
    with pytest.raises(ValueError, match="no key is made"):
        derive("secret A", "something else")


def test_old_secrets_are_listed_with_commas_or_spaces():
    assert parse_old_secrets(None) == ()
    assert parse_old_secrets("") == ()
    assert parse_old_secrets("a, b\nc  d,,") == ("a", "b", "c", "d")
    keys = Keys("new", ("old", "new", "older"))
    assert keys.session_fallbacks == [derive("old", SESSION), derive("older", SESSION)]
    assert keys.backup_fallbacks == [derive("old", BACKUP), derive("older", BACKUP)]


def test_second_factor_secrets_under_an_old_key_still_decrypt():
    under_a = totp.encrypt("JBSWY3DPEHPK3PXP", "secret A")
    rotated = Keys("secret B", ("secret A",))
    assert totp.decrypt(under_a, rotated) == "JBSWY3DPEHPK3PXP"
    assert not rotated.second_factor_is_current(under_a)
    moved = totp.reencrypt(under_a, rotated)
    assert rotated.second_factor_is_current(moved)
    assert totp.decrypt(moved, "secret B") == "JBSWY3DPEHPK3PXP"  # old key no longer needed
    with pytest.raises(ValueError, match="cannot be read with this key"):
        totp.decrypt(under_a, "secret B")


def test_second_factor_secrets_stored_before_hkdf_still_decrypt():
    """An installation upgraded to derived keys: nobody is locked out by the upgrade."""
    import base64
    import hashlib

    from cryptography.fernet import Fernet

    legacy_key = hashlib.sha256(b"passport-totp:" + b"secret A").digest()
    stored = Fernet(base64.urlsafe_b64encode(legacy_key)).encrypt(b"JBSWY3DPEHPK3PXP").decode()
    assert totp.decrypt(stored, "secret A") == "JBSWY3DPEHPK3PXP"
    assert not Keys("secret A").second_factor_is_current(stored)
    assert Keys("secret A").second_factor_is_current(totp.reencrypt(stored, "secret A"))


def test_file_locations_under_an_old_key_still_verify(now=None):
    from datetime import UTC, datetime

    now = datetime(2026, 11, 29, 12, tzinfo=UTC)
    expires = int(now.timestamp()) + 3600
    made_under_a = LocationSigner("secret A")(7, expires)
    assert LocationSigner(Keys("secret B", ("secret A",))).read(made_under_a, now) == 7
    assert LocationSigner("secret B").read(made_under_a, now) is None
    # New locations are signed with the new key only.
    made_under_b = LocationSigner(Keys("secret B", ("secret A",)))(7, expires)
    assert LocationSigner("secret B").read(made_under_b, now) == 7
    assert LocationSigner("secret A").read(made_under_b, now) is None


def test_the_session_cookie_is_signed_with_the_session_key_and_old_ones_still_load(config):
    import dataclasses

    app = create_app(dataclasses.replace(config, secret_key="secret B", old_secret_keys=("A",)))
    try:
        assert app.config["SECRET_KEY"] == derive("secret B", SESSION)
        assert app.config["SECRET_KEY_FALLBACKS"] == [derive("A", SESSION)]
        # A cookie signed under the old session key is read; one under the raw secret is not.
        interface = app.session_interface
        old = URLSafeTimedSerializer(
            derive("A", SESSION),
            salt=interface.salt,
            serializer=interface.serializer,
            signer_kwargs={"key_derivation": "hmac", "digest_method": interface.digest_method},
        ).dumps({"marker": "old"})
        raw = URLSafeTimedSerializer(
            "secret B",
            salt=interface.salt,
            serializer=interface.serializer,
            signer_kwargs={"key_derivation": "hmac", "digest_method": interface.digest_method},
        ).dumps({"marker": "raw"})
        with app.test_request_context():
            from flask import request

            request.cookies = {"passport_session": old}  # type: ignore[misc]
            assert interface.open_session(app, request).get("marker") == "old"
            request.cookies = {"passport_session": raw}  # type: ignore[misc]
            assert interface.open_session(app, request).get("marker") is None
    finally:
        app.extensions["db"].dispose()


def test_the_instance_folder_is_flasks_not_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert default_instance_path() == ROOT / "instance"
    env = {"PASSPORT_SECRET_KEY": "a secret"}
    config = Config.from_env(env)
    assert config.database_url == f"sqlite:///{ROOT / 'instance' / 'passport.db'}"
    elsewhere = tmp_path / "elsewhere"
    moved = Config.from_env({**env, "PASSPORT_INSTANCE_PATH": str(elsewhere)})
    assert moved.database_url == f"sqlite:///{elsewhere / 'passport.db'}"
    app = create_app(moved)
    try:
        assert Path(app.instance_path) == elsewhere.resolve()
    finally:
        app.extensions["db"].dispose()
    app = create_app(Config("sqlite://", secret_key="s"))
    try:
        assert Path(app.instance_path) == default_instance_path()  # Flask's own agrees
    finally:
        app.extensions["db"].dispose()
    assert not (tmp_path / "instance").exists()


def test_without_a_secret_the_app_refuses_to_start_unless_allowed(tmp_path):
    env = {"PASSPORT_INSTANCE_PATH": str(tmp_path)}
    with pytest.raises(ConfigError, match="PASSPORT_SECRET_KEY is not set"):
        Config.from_env(env)
    with pytest.raises(ConfigError, match="PASSPORT_SECRET_KEY is not set"):
        Config.from_env({**env, "PASSPORT_SECRET_KEY": "  "})
    assert not (tmp_path / "secret_key").exists()
    local = Config.from_env(env, instance_secret=True)
    assert (tmp_path / "secret_key").read_text().strip() == local.secret_key
    assert Config.from_env(env, instance_secret=True).secret_key == local.secret_key
    given = Config.from_env(
        {**env, "PASSPORT_SECRET_KEY": "given", "PASSPORT_OLD_SECRET_KEYS": "x,y"}
    )
    assert (given.secret_key, given.old_secret_keys) == ("given", ("x", "y"))


def _run(code: str, tmp_path: Path, **extra: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PASSPORT_") and key != "DATABASE_URL"
    }
    env.update({"PASSPORT_INSTANCE_PATH": str(tmp_path / "instance"), **extra})
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [PYTHON, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); {code}"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_wsgi_entry_point_refuses_to_start_without_a_secret_in_one_plain_line(tmp_path):
    refused = _run("import wsgi", tmp_path)
    assert refused.returncode == 4
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in refused.stderr
    assert "PASSPORT_SECRET_KEY is not set" in lines[0]
    started = _run("import wsgi", tmp_path, PASSPORT_SECRET_KEY="a secret")
    assert started.returncode == 0, started.stderr


def test_commands_on_a_shared_database_need_the_secret(tmp_path):
    cli = "from passport.cli import main; main()"
    refused = _run(
        f"sys.argv = ['passport', 'db', 'upgrade']; {cli}",
        tmp_path,
        DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none",
    )
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.strip().splitlines() == [
        "Error: PASSPORT_SECRET_KEY is not set: set it to the installation's secret (the same "
        "on every app server) before starting Health Passport"
    ]
    listed = _run(
        f"sys.argv = ['passport', '--help']; {cli}",
        tmp_path,
        DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none",
    )
    assert "Traceback" not in listed.stderr and "PASSPORT_SECRET_KEY is not set" in listed.stderr
    # A local SQLite file (make run: db upgrade, demo) uses the instance folder's secret.
    upgraded = _run(f"sys.argv = ['passport', 'db', 'upgrade']; {cli}", tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    assert (tmp_path / "instance" / "passport.db").exists()
    assert (tmp_path / "instance" / "secret_key").exists()


def test_a_secret_file_that_cannot_be_read_is_a_clear_error(tmp_path):
    (tmp_path / "secret_key").mkdir()  # a folder where the file should be: reading fails
    with pytest.raises(ConfigError, match=r"the secret in .*secret_key cannot be read"):
        Config.from_env({"PASSPORT_INSTANCE_PATH": str(tmp_path)}, instance_secret=True)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "secret_key").write_text("\n")
    with pytest.raises(ConfigError, match="is empty"):
        Config.from_env({"PASSPORT_INSTANCE_PATH": str(empty)}, instance_secret=True)
