"""`passport backup` and `passport restore` (issue 17): an encrypted backup restores into an
empty database, on SQLite and PostgreSQL, with every row the same; nothing else is accepted."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from passport.accounts.invitations import create_invitation
from passport.accounts.models import SignInFailure
from passport.audit.service import record_event
from passport.backups import archive
from passport.db import utcnow
from passport.keys import Keys
from passport.migrations import all_models
from passport.records.models import RecordVersion
from passport.sharing import service as sharing
from tests.conftest import ROOT, TEST_SECRET, TODAY, table_row_counts
from tests.operations.conftest import every_row, run_on, table_names

DANIEL = ROOT / "fixtures" / "fx-daniel.json"


def populate(cli, db, client, tmp_path: Path) -> None:
    """The demo data, and something of every kind on top: a second version, sharing links
    (with files and an access log), a cached PDF, an invitation, a sign-in failure, audit."""
    assert cli("demo").exit_code == 0
    changed = json.loads(DANIEL.read_text())
    changed["child"]["preferred_name"] = "Danny"
    replacement = tmp_path / "daniel-2.json"
    replacement.write_text(json.dumps(changed))
    assert cli("import", "--replace", str(replacement)).exit_code == 0
    assert cli("render", "FX-DANIEL", "--document", "passport", "-o", str(tmp_path / "p.pdf"))
    with db.transaction() as session:
        made = sharing.make_link(
            session,
            ref="FX-DANIEL",
            document="leaver-summary",
            label="University health centre",
            days=30,
            passcode=None,
            base_url="http://localhost",
            actor="nurse@example.org",
            now=utcnow(),
            today=TODAY,
        )
        create_invitation(session, role="leaver", email="new.leaver@example.org", actor="nurse")
        session.add(SignInFailure(email="nurse@example.org"))
        record_event(
            session,
            actor="nurse@example.org",
            action="view",
            target="record",
            record_ref="FX-DANIEL",
            record_version=2,
        )
    payload = made.url.split("#shlink:/", 1)[1]
    manifest = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["url"]
    response = client.post(manifest[len("http://localhost") :], json={"recipient": "New GP"})
    assert response.status_code == 200


def test_a_backup_restores_into_an_empty_database_with_every_row_the_same(
    cli, db, client, config, tmp_path, empty_database_url
):
    populate(cli, db, client, tmp_path)
    counts = table_row_counts(db)
    for table in (
        "records", "record_versions", "children", "users", "carer_grants", "invitations",
        "share_links", "share_files", "share_accesses", "audit_events", "rendered_documents",
        "sign_in_failures",
    ):  # fmt: skip
        assert counts[table] > 0, table
    with db.transaction() as session:
        assert session.scalar(select(func.max(RecordVersion.version))) == 2

    backup = tmp_path / "passport.backup"
    made = cli("backup", "-o", str(backup))
    assert made.exit_code == 0, made.output
    assert "encrypted with backup key" in made.output
    assert "Daniel" not in made.output

    restored = run_on(empty_database_url, "restore", str(backup))
    assert restored.exit_code == 0, restored.output
    assert "the newest" in restored.output

    before, after = every_row(config.database_url), every_row(empty_database_url)
    assert sorted(before) == sorted(after)
    for table in before:
        assert before[table][0] == after[table][0], f"{table}: columns differ"
        assert before[table][1] == after[table][1], f"{table}: rows differ"
    assert set(all_models().tables) <= set(after)
    assert after["alembic_version"][1]  # the schema is at head, and says so
    # The restored database is one the app works on: the record opens, the link is known.
    export = run_on(empty_database_url, "export", "FX-DANIEL")
    assert export.exit_code == 0 and json.loads(export.output)["child"]["preferred_name"] == "Danny"


def test_the_file_is_encrypted_and_its_header_names_engine_key_and_format(
    cli, db, client, config, tmp_path
):
    populate(cli, db, client, tmp_path)
    backup = tmp_path / "passport.backup"
    assert cli("backup", "-o", str(backup)).exit_code == 0
    data = backup.read_bytes()
    for plain in (b"Okoro-Reid", b"9996304183", b"nurse@example.org", b"SQLite format 3",
                  b"PGDMP"):  # fmt: skip
        assert plain not in data
    with backup.open("rb") as stream:
        header, _ = archive.read_header(stream)
    assert header.format == archive.FORMAT
    assert header.engine == db.engine.dialect.name
    assert header.key_id == archive.key_id(Keys(TEST_SECRET).backup)
    assert header.schema is not None


def test_a_backup_made_before_a_rotation_restores_with_the_old_secret_kept(
    cli, db, client, tmp_path, empty_database_url
):
    populate(cli, db, client, tmp_path)
    backup = tmp_path / "passport.backup"
    assert cli("backup", "-o", str(backup)).exit_code == 0

    refused = run_on(empty_database_url, "restore", str(backup), secret="the new secret")
    assert refused.exit_code == 1
    assert "PASSPORT_OLD_SECRET_KEYS" in refused.output
    assert "Traceback" not in refused.output
    assert table_names(empty_database_url) == []

    restored = run_on(
        empty_database_url, "restore", str(backup),
        secret="the new secret", old_secrets=(TEST_SECRET,),
    )  # fmt: skip
    assert restored.exit_code == 0, restored.output
    assert every_row(empty_database_url)["records"][1]


def test_a_database_with_tables_is_refused_and_left_as_it_was(cli, db, client, config, tmp_path):
    populate(cli, db, client, tmp_path)
    backup = tmp_path / "passport.backup"
    assert cli("backup", "-o", str(backup)).exit_code == 0
    before = table_row_counts(db)
    refused = cli("restore", str(backup))
    assert refused.exit_code == 1
    assert "is not empty" in refused.output and "nothing was changed" in refused.output
    assert table_row_counts(db) == before


@pytest.mark.parametrize("damage", ["flipped", "cut off", "header edited", "not a backup"])
def test_a_damaged_file_restores_nothing_and_says_so(
    cli, db, client, tmp_path, empty_database_url, damage
):
    populate(cli, db, client, tmp_path)
    backup = tmp_path / "passport.backup"
    assert cli("backup", "-o", str(backup)).exit_code == 0
    data = bytearray(backup.read_bytes())
    if damage == "flipped":
        data[len(data) // 2] ^= 0x01
    elif damage == "cut off":
        del data[len(data) - 100 :]
    elif damage == "header edited":
        data[:] = data.replace(b'"format": 1', b'"format":  1', 1)
    else:
        data[:] = b"PGDMP not a backup of ours"
    backup.write_bytes(bytes(data))
    refused = run_on(empty_database_url, "restore", str(backup))
    assert refused.exit_code == 1
    assert "cannot be restored" in refused.output
    assert "Traceback" not in refused.output
    assert table_names(empty_database_url) == []


def test_a_failed_backup_writes_no_file_and_keeps_the_last_one(
    cli, db, tmp_path, empty_database_url
):
    backup = tmp_path / "passport.backup"
    backup.write_bytes(b"yesterday's backup")
    run_on(empty_database_url, "db", "upgrade")
    failed = run_on(empty_database_url, "backup", "-o", str(tmp_path / "missing" / "x.backup"))
    assert failed.exit_code == 1
    assert "No backup was written" in failed.output and "Traceback" not in failed.output
    assert backup.read_bytes() == b"yesterday's backup"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["passport.backup"]


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_a_database_that_cannot_be_reached_is_named_plainly(tmp_path, command):
    unreachable = "postgresql+psycopg://nobody:a-password@127.0.0.1:1/nothing"
    backup = tmp_path / "passport.backup"
    with backup.open("wb") as out:  # a sound file: the database is what is wrong
        archive.write(out, [b"dump"], backup_key=Keys(TEST_SECRET).backup, engine="postgresql",
                      made_at="2026-12-04T00:00:00+00:00", schema="0018")  # fmt: skip
    args = ["backup", "-o", str(tmp_path / "new.backup")] if command == "backup" else [
        "restore", str(backup)]  # fmt: skip
    failed = run_on(unreachable, *args)
    assert failed.exit_code == 1
    assert "cannot connect to the database DATABASE_URL names" in failed.output
    assert "a-password" not in failed.output and "Traceback" not in failed.output
    assert not (tmp_path / "new.backup").exists()
