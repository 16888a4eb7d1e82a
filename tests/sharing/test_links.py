"""Sharing links served by the product, followed by an independent reader: our own minimal
payload decoding, jwcrypto for the JWE, fhir.resources (R4B) for the bundle."""

from __future__ import annotations

import base64
import json
import logging
import re
import subprocess
import threading
from datetime import timedelta
from unittest import mock

import pytest
import zxingcpp
from fhir.resources.R4B.bundle import Bundle
from jwcrypto import jwe as jwcrypto_jwe
from jwcrypto import jwk
from PIL import Image
from sqlalchemy import select, text, update

from passport.db import utcnow
from passport.migrations import all_models
from passport.sharing import service
from passport.sharing.models import ShareAccess, ShareLink
from tests.conftest import ROOT
from tests.helpers import new_link

DANIEL = ROOT / "fixtures" / "fx-daniel.json"
BASE = "http://localhost"


def make(
    cli, db, *, passcode: str | None = "correct-horse", document="leaver-summary", days: int = 30
):
    assert cli("import", str(DANIEL)).exit_code == 0
    with db.transaction() as session:
        made = new_link(
            session,
            today=cli.app.extensions["passport_config"].today(),
            document=document,
            label="University health centre",
            days=days,
            passcode=passcode,
            base_url=BASE,
            actor="nurse@example.org",
        )
    return made


def read_payload(link: str) -> dict:
    """Decode a link as the protocol says, without the product's code."""
    fragment = link.split("#", 1)[1]
    assert fragment.startswith("shlink:/")
    encoded = fragment[len("shlink:/") :]
    return json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))


def manifest_path(payload: dict) -> str:
    assert payload["url"].startswith(BASE + "/api/shl/")
    return payload["url"][len(BASE) :]


def jwe_of(client, file: dict) -> str:
    """A manifest entry's JWE, embedded or fetched from its short-lived location."""
    if "embedded" in file:
        return file["embedded"]
    response = client.get(file["location"][len(BASE) :])
    assert response.status_code == 200 and response.mimetype == "application/jose"
    return response.get_data(as_text=True)


def jwcrypto_decrypt(token: str, key_b64: str) -> bytes:
    key = jwk.JWK(kty="oct", k=key_b64)
    message = jwcrypto_jwe.JWE()
    message.deserialize(token, key=key)
    return message.payload


def test_an_independent_reader_follows_a_link_to_a_valid_fhir_bundle(cli, db, client):
    made = make(cli, db)
    payload = read_payload(made.url)
    assert made.url.startswith(BASE + "/view#shlink:/")
    assert payload["flag"] == "P" and len(payload["key"]) == 43 and payload["v"] == 1
    assert payload["label"] == "University health centre"
    assert len(payload["url"]) <= 128

    response = client.post(
        manifest_path(payload),
        json={"recipient": "Northfield University", "passcode": "correct-horse"},
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Robots-Tag"] == "noindex"
    files = response.get_json()["files"]
    assert [f["contentType"] for f in files] == ["application/fhir+json"]
    bundle = json.loads(jwcrypto_decrypt(jwe_of(client, files[0]), payload["key"]))

    Bundle.model_validate(bundle)  # FHIR R4B says it is a valid Bundle
    assert bundle["type"] == "document"
    resources = [e["resource"] for e in bundle["entry"]]
    record = json.loads(DANIEL.read_text())
    given = sorted(
        (r["vaccineCode"]["text"], r["occurrenceDateTime"][:10])
        for r in resources
        if r["resourceType"] == "Immunization"
    )
    assert given == sorted((i["vaccine"], i["date"]) for i in record["immunisations"])
    pdf = next(r for r in resources if r["resourceType"] == "DocumentReference")
    data = base64.b64decode(pdf["content"][0]["attachment"]["data"])
    assert data.startswith(b"%PDF")


def test_the_qr_code_in_the_shared_pdf_decodes_to_the_link(cli, db, client, tmp_path):
    made = make(cli, db, passcode=None, document="passport")
    payload = read_payload(made.url)
    files = client.post(manifest_path(payload), json={"recipient": "GP"}).get_json()["files"]
    bundle = json.loads(jwcrypto_decrypt(jwe_of(client, files[0]), payload["key"]))
    ref = next(
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "DocumentReference"
    )
    pdf = tmp_path / "shared.pdf"
    pdf.write_bytes(base64.b64decode(ref["content"][0]["attachment"]["data"]))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "200", str(pdf), str(tmp_path / "page")], check=True, timeout=120
    )
    found = []
    for page in sorted(tmp_path.glob("page-*.png")):
        found += [code.text for code in zxingcpp.read_barcodes(Image.open(page))]
    assert made.url in found


def test_a_wrong_passcode_says_how_many_tries_remain(cli, db, client):
    payload = read_payload(make(cli, db).url)
    answers = [
        client.post(manifest_path(payload), json={"recipient": "x", "passcode": "nope"})
        for _ in range(6)
    ]
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 401, 404]
    assert [a.get_json().get("remainingAttempts") for a in answers[:5]] == [4, 3, 2, 1, 0]
    right = client.post(
        manifest_path(payload), json={"recipient": "x", "passcode": "correct-horse"}
    )
    assert right.status_code == 404  # the link is dead for good


def test_ten_racing_wrong_passcodes_cannot_get_past_the_cap(cli, db, app):
    payload = read_payload(make(cli, db).url)
    path = manifest_path(payload)
    statuses: list[int] = []
    barrier = threading.Barrier(10)

    def attempt():
        client = app.test_client()
        barrier.wait()
        statuses.append(client.post(path, json={"recipient": "x", "passcode": "nope"}).status_code)

    threads = [threading.Thread(target=attempt) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [401] * 5 + [404] * 5
    with db.transaction() as session:
        link = session.query(ShareLink).one()
        assert link.failed_attempts == 5 and link.status(utcnow()) == "locked"
    right = app.test_client().post(path, json={"recipient": "x", "passcode": "correct-horse"})
    assert right.status_code == 404


@pytest.mark.parametrize("kill", ["expired", "revoked", "exhausted", "unknown"])
def test_expired_revoked_exhausted_and_unknown_links_get_the_same_404(cli, db, client, kill):
    made = make(cli, db)
    path = manifest_path(read_payload(made.url))
    with db.transaction() as session:
        if kill == "expired":
            session.execute(update(ShareLink).values(expires_at=utcnow() - timedelta(seconds=1)))
        elif kill == "revoked":
            service.revoke(session, made.link.public_id, utcnow())
        elif kill == "exhausted":
            session.execute(update(ShareLink).values(failed_attempts=5))
    if kill == "unknown":
        path = path[:-4] + "AAAA"
    with mock.patch.object(service, "_hasher", wraps=service._hasher) as hasher:
        response = client.post(path, json={"recipient": "x", "passcode": "correct-horse"})
    assert response.status_code == 404
    assert response.get_json() == {"error": "not found"}
    # Each 404 does the work of one passcode check, so its timing gives nothing away.
    assert hasher.verify.call_count == 1


def test_polling_too_fast_gets_429_with_retry_after(cli, db, client):
    payload = read_payload(make(cli, db, passcode=None).url)
    statuses = [
        client.post(manifest_path(payload), json={"recipient": "x"}).status_code
        for _ in range(service.REQUESTS_PER_MINUTE + 1)
    ]
    assert statuses[:-1] == [200] * service.REQUESTS_PER_MINUTE
    last = client.post(manifest_path(payload), json={"recipient": "x"})
    assert last.status_code == 429 and last.headers["Retry-After"] == "60"
    assert outcomes(db) == ["opened"] * service.REQUESTS_PER_MINUTE + ["too_many"] * 2


def outcomes(db) -> list[str]:
    with db.engine.connect() as connection:
        return list(
            connection.execute(select(ShareAccess.outcome).order_by(ShareAccess.id)).scalars()
        )


def test_every_manifest_request_is_logged_once_with_what_came_of_it(cli, db, client):
    """On PostgreSQL a plain open reads and logs in one statement; the others log apart.
    Either way each request leaves exactly one line, or none when it names no recipient."""
    guarded = make(cli, db)  # with a passcode
    with db.transaction() as session:
        plain = new_link(
            session, today=cli.app.extensions["passport_config"].today(), base_url=BASE, actor="n"
        )
    plain_path = manifest_path(read_payload(plain.url))
    guarded_path = manifest_path(read_payload(guarded.url))

    def post(path, **body):
        return client.post(path, json=body).status_code

    assert post(plain_path, recipient="New GP practice") == 200
    assert post(plain_path, recipient="   ") == 400
    assert post(guarded_path, recipient="University", passcode="nope") == 401
    assert post(guarded_path, recipient="University", passcode="correct-horse") == 200
    assert post(guarded_path, recipient="University") == 401
    with db.transaction() as session:
        service.revoke(session, plain.link.public_id, utcnow())
    assert post(plain_path, recipient="New GP practice") == 404

    with db.engine.connect() as connection:
        lines = connection.execute(
            select(ShareAccess.link_id, ShareAccess.recipient, ShareAccess.outcome).order_by(
                ShareAccess.id
            )
        ).all()
    assert [tuple(line) for line in lines] == [
        (plain.link.id, "New GP practice", "opened"),
        (guarded.link.id, "University", "wrong_passcode"),
        (guarded.link.id, "University", "opened"),
        (guarded.link.id, "University", "wrong_passcode"),
        (plain.link.id, "New GP practice", "refused"),
    ]


def test_every_engine_commits_durably_the_access_log_too(db):
    """Health records and the log of who opened a link both wait for the disk: who looked at
    a looked-after child's record is a safeguarding record (ADR 0005, revised)."""
    with db.engine.connect() as records, db.log_engine.connect() as log:
        for connection in (records, log):
            if connection.dialect.name == "sqlite":
                # 2 is FULL: with WAL, synced at every commit (1, NORMAL, syncs at checkpoints).
                assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2
            else:
                assert connection.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"


def test_files_by_location_live_an_hour_and_cannot_be_forged(cli, db, client):
    made = make(cli, db, passcode=None)
    payload = read_payload(made.url)
    files = client.post(
        manifest_path(payload), json={"recipient": "x", "embeddedLengthMax": 0}
    ).get_json()["files"]
    location = files[0]["location"]
    assert location.startswith(BASE + "/api/shl/file/")
    fetched = client.get(location[len(BASE) :])
    assert fetched.status_code == 200 and fetched.mimetype == "application/jose"
    assert fetched.headers["Access-Control-Allow-Origin"] == "*"
    assert jwcrypto_decrypt(fetched.get_data(as_text=True), payload["key"]).startswith(b"{")
    file_id, expires, mac = location.rsplit("/", 1)[1].split(".")
    for forged in (
        f"{file_id}.{int(expires) + 3600}.{mac}",
        f"{int(file_id) + 1}.{expires}.{mac}",
        f"{file_id}.{expires}.{mac[:-2]}AA",
        "1.2",
        "x.y.z",
    ):
        assert client.get(f"/api/shl/file/{forged}").status_code == 404, forged
    later = utcnow() + timedelta(hours=1, seconds=1)
    with mock.patch("passport.sharing.views.utcnow", return_value=later):
        assert client.get(location[len(BASE) :]).status_code == 404
    with db.transaction() as session:
        service.revoke(session, made.link.public_id, utcnow())
    assert client.get(location[len(BASE) :]).status_code == 404


def test_a_reader_may_ask_for_files_embedded(cli, db, client):
    payload = read_payload(make(cli, db, passcode=None).url)
    files = client.post(
        manifest_path(payload), json={"recipient": "x", "embeddedLengthMax": 10_000_000}
    ).get_json()["files"]
    assert "embedded" in files[0]
    assert jwcrypto_decrypt(files[0]["embedded"], payload["key"]).startswith(b"{")


def test_a_flipped_byte_in_a_stored_jwe_fails_to_decrypt(cli, db):
    made = make(cli, db)
    key = read_payload(made.url)["key"]
    token = made.link.files[0].jwe
    header, _, iv, cipher, tag = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(cipher + "=" * (-len(cipher) % 4)))
    raw[len(raw) // 2] ^= 0x01
    flipped = ".".join([header, "", iv, base64.urlsafe_b64encode(raw).decode().rstrip("="), tag])
    with pytest.raises(Exception):  # noqa: B017 - any refusal from the independent reader
        jwcrypto_decrypt(flipped, key)


def test_the_key_is_in_no_log_line_no_row_and_no_header(cli, db, client, caplog):
    caplog.set_level(logging.DEBUG)
    made = make(cli, db)
    payload = read_payload(made.url)
    key, token = payload["key"], payload["url"].rsplit("/", 1)[1]
    responses = [
        client.post(manifest_path(payload), json={"recipient": "x", "passcode": p})
        for p in ("wrong-one", "correct-horse")
    ]
    responses.append(client.get("/view"))
    key_bytes = base64.urlsafe_b64decode(key + "=")
    with db.engine.connect() as connection:
        for table in all_models().sorted_tables:
            for row in connection.execute(text(f"SELECT * FROM {table.name}")):
                flat = " ".join(str(v) for v in row)
                assert key not in flat and token not in flat, table.name
                assert key_bytes.hex() not in flat
    for record in caplog.records:
        message = record.getMessage()
        assert key not in message and token not in message
    for response in responses:
        for name, value in response.headers.items():
            assert key not in value and token not in value, name
        assert key not in response.get_data(as_text=True)


def test_share_links_and_revoke_from_the_command_line(cli, db, tmp_path):
    assert cli("import", str(DANIEL)).exit_code == 0
    qr = tmp_path / "qr.png"
    result = cli(
        "share",
        "FX-DANIEL",
        "--document",
        "passport",
        "--passcode-stdin",
        "--label",
        "Dentist",
        "--expires-in",
        "7d",
        "--base-url",
        BASE,
        "--qr",
        str(qr),
        input="six-chars\n",
    )
    assert result.exit_code == 0, result.output
    link = result.stdout.strip()
    assert link.startswith(BASE + "/view#shlink:/")
    assert [c.text for c in zxingcpp.read_barcodes(Image.open(qr))] == [link]
    listed = cli("links", "FX-DANIEL").stdout
    link_id = listed.split()[0]
    assert "active" in listed and '"Dentist"' in listed
    assert cli("revoke", link_id).exit_code == 0
    assert "revoked" in cli("links", "FX-DANIEL").stdout
    short = cli(
        "share",
        "FX-DANIEL",
        "--document",
        "passport",
        "--passcode-stdin",
        "--base-url",
        BASE,
        input="abc\n",
    )
    assert short.exit_code == 1 and "passcode: must be at least 6 characters" in short.output
    long = cli(
        "share", "FX-DANIEL", "--document", "passport", "--expires-in", "400d", "--base-url", BASE
    )
    assert "expires: must be between 1 and 365 days" in long.output
    assert cli("revoke", "no-such-link").exit_code == 1


def authors_of_cli_link(cli, db, *shared_by: str) -> list[str]:
    """The authors named in the bundle of a link made with `passport share`."""
    from passport.sharing.models import ShareFile
    from tests.helpers import jwe_decrypt, link_payload

    result = cli("share", "FX-DANIEL", "--document", "passport", "--base-url", BASE, *shared_by)
    assert result.exit_code == 0, result.output
    key = base64.urlsafe_b64decode(link_payload(result.stdout.strip())["key"] + "=")
    with db.transaction() as session:
        jwe = session.scalars(select(ShareFile.jwe).order_by(ShareFile.id.desc())).first()
    bundle = json.loads(jwe_decrypt(jwe, key)[1])
    composition = bundle["entry"][0]["resource"]
    return [a["display"] for a in composition["author"] if "display" in a]


def test_a_link_made_on_the_command_line_names_who_shared_it(cli, db):
    assert cli("import", str(DANIEL)).exit_code == 0
    assert authors_of_cli_link(cli, db, "--shared-by", " Sam Patel ") == ["Sam Patel, health team"]
    assert authors_of_cli_link(cli, db) == ["The health team"]
    too_long = cli(
        "share", "FX-DANIEL", "--document", "passport", "--shared-by", "x" * 201
    )  # fmt: skip
    assert too_long.exit_code == 2 and "--shared-by" in too_long.output
    assert "200 characters" in too_long.output


def test_passcodes_are_stored_as_argon2id(cli, db):
    make(cli, db)
    with db.transaction() as session:
        stored = session.query(ShareLink).one().passcode_hash
    assert stored.startswith("$argon2id$") and "correct-horse" not in stored


def test_a_bad_qr_path_still_prints_the_link(cli, tmp_path):
    assert cli("import", str(DANIEL)).exit_code == 0
    result = cli(
        "share",
        "FX-DANIEL",
        "--document",
        "passport",
        "--base-url",
        BASE,
        "--qr",
        str(tmp_path / "nowhere" / "qr.png"),
    )
    assert result.exit_code == 1
    assert result.stdout.strip().startswith(BASE + "/view#shlink:/")
    assert "--qr: cannot write" in result.output


def test_link_ids_can_always_be_typed_after_passport_revoke():
    ids = {service.new_public_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(re.fullmatch(r"[0-9a-f]{16}", i) for i in ids)


def test_request_logs_leave_out_the_manifest_token(cli, db, app, caplog):
    """The development server's request log (a real one, on a socket) and gunicorn's access
    log name the manifest path without its token."""
    import http.client

    from werkzeug.serving import make_server

    payload = read_payload(make(cli, db, passcode=None).url)
    path = manifest_path(payload)
    token = path.rsplit("/", 1)[1]
    caplog.set_level(logging.INFO)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        connection.request(
            "POST", path, body=b'{"recipient": "GP"}', headers={"Content-Type": "application/json"}
        )
        assert connection.getresponse().status == 200
        connection.close()
    finally:
        server.shutdown()
        thread.join()
    # gunicorn logs its access line with a dict of atoms, as here.
    logging.getLogger("gunicorn.access").info(
        '%(h)s "%(r)s" %(s)s', {"h": "127.0.0.1", "r": f"POST {path} HTTP/1.1", "s": "200"}
    )
    lines = [record.getMessage() for record in caplog.records]
    assert sum("POST /api/shl/[token] HTTP/1.1" in line for line in lines) == 2, lines
    assert not any(token in line for line in lines)
