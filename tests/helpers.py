"""Helpers shared by test modules (no test module imports another)."""

from __future__ import annotations

import base64
import json
import re
from contextlib import contextmanager
from typing import Any

from bs4 import BeautifulSoup
from jwcrypto import jwe as jwcrypto_jwe
from jwcrypto import jwk
from sqlalchemy import event

from passport.accounts.invitations import grant_carer
from passport.accounts.service import create_user
from passport.records.service import check_record, export_record, import_record, load_current
from passport.sharing.shl import b64url_encode
from tests.conftest import FIXTURES, ROOT, TEST_SECRET, TODAY, next_code
from tests.web.pages import parse


def jwe_decrypt(token: str, key: bytes) -> tuple[dict[str, Any], bytes]:
    """(protected header, plaintext) of a compact JWE, read with jwcrypto as any conformant
    reader would: the product never decrypts."""
    message = jwcrypto_jwe.JWE()
    message.deserialize(token.strip(), key=jwk.JWK(kty="oct", k=b64url_encode(key)))
    header = json.loads(message.objects["protected"])
    return header, message.payload


# --- accounts and forms -----------------------------------------------------------------------

PASSWORD = "correct horse battery"


def make_nurse(db, email="nurse@example.org", authority="Example City Council"):
    with db.transaction() as session:
        create_user(
            session,
            email=email,
            password=PASSWORD,
            role="nurse",
            authority=authority,
            app_secret=TEST_SECRET,
        )


def make_carer(
    db,
    email: str,
    carer_ref: str,
    *refs: str,
    name: str | None = None,
    authority: str = "Example City Council",
) -> None:
    """A foster carer's account (no second factor), granted each child in `refs` by `authority`."""
    with db.transaction() as session:
        user = create_user(
            session,
            email=email,
            password=PASSWORD,
            role="carer",
            carer_ref=carer_ref,
            name=name,
            app_secret=TEST_SECRET,
        )
        for ref in refs:
            grant_carer(
                session, user, child_ref=ref, authority=authority, carer_ref=carer_ref, by="test"
            )


def make_leaver(db, email: str, ref: str) -> None:
    """A care leaver's account for their own record `ref`."""
    with db.transaction() as session:
        create_user(
            session,
            email=email,
            password=PASSWORD,
            role="leaver",
            child_ref=ref,
            app_secret=TEST_SECRET,
        )


def csrf_token(client, path="/sign-in") -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, page
    return match.group(1)


def sign_in(client, email="nurse@example.org", password=PASSWORD, code=True):
    """Password, then (for accounts with a second factor) the current security code."""
    response = client.post(
        "/sign-in", data={"email": email, "password": password, "csrf_token": csrf_token(client)}
    )
    if (
        code
        and response.status_code == 302
        and response.headers["Location"].endswith("/sign-in/code")
    ):
        database = client.application.extensions["db"]
        response = client.post(
            "/sign-in/code",
            data={
                "code": next_code(database, email),
                "csrf_token": csrf_token(client, "/sign-in/code"),
            },
        )
    return response


def signed_in(app, email: str):
    """A new test client of `app`, signed in as `email` (password and security code)."""
    client = app.test_client()
    assert sign_in(client, email=email).status_code == 302
    return client


def nurse_signed_in(client, db, cli):
    """`client` signed in as the usual nurse, with every fixture record imported."""
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    make_nurse(db)
    assert sign_in(client).status_code == 302
    return client


def form_page(client, path):
    """The form's CSRF token and version, as the browser would post them back."""
    page = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    version = re.search(r'name="version" type="hidden" value="([^"]*)"', page)
    version = version or re.search(
        r'id="version" name="version" type="hidden" value="([^"]*)"', page
    )
    return token, version.group(1) if version else None


def get_page(client, url: str, status: int = 200) -> BeautifulSoup:
    """GET a page as a person would, assert its status, and check its hygiene on the way
    (`tests.web.pages.parse`: one h1, a title, unique ids, nonces, and an error summary whose
    every link points at a field on the page)."""
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return parse(response)


def rha_form_data(token: str, version: str, **overrides) -> dict:
    """The new-assessment form filled in for a review health assessment by Sam Patel (NMC
    registered), as posted; `overrides` replace or add fields."""
    data = {
        "csrf_token": token,
        "version": version,
        "type": "RHA",
        **date_parts("date", "2026-11-20"),
        "practitioner_name": "Sam Patel",
        "practitioner_role": "Specialist LAC nurse",
        "practitioner_grade": "Band 7",
        "practitioner_registration_body": "NMC",
        "practitioner_registration_number": "12A3456E",
        "consent_status": "given",
        "findings_summary": "Growing well; asthma reviewed.",
    }
    data.update(overrides)
    return data


# --- the database -------------------------------------------------------------------------------


@contextmanager
def counting_queries(engine):
    """The SQL statements run on `engine` inside the block."""
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


# The only fields export may add: the two booleans with defaults.
DEFAULTED = {"date_of_birth_is_estimate": False, "unaccompanied_asylum_seeking": False}


def same_data_as_given(given: dict, exported: dict) -> None:
    """export(import(x)) == x as data, allowing only the two defaulted booleans to appear. A
    lac-health-record/1 file comes back as /2, the same in every other field."""
    assert exported["format"] == "lac-health-record/2"
    given = {**given, "format": "lac-health-record/2"}
    child = dict(exported["child"])
    for key, default in DEFAULTED.items():
        if key not in given["child"]:
            assert child.pop(key) == default
    assert {**exported, "child": child} == given


# --- records ------------------------------------------------------------------------------------


def current_version(db, ref: str) -> int:
    """The version number of `ref`'s current record."""
    with db.transaction() as session:
        return load_current(session, ref)[0]


def with_parts(record: dict, **parts: Any) -> dict:
    """A deep copy of `record` with the given top-level parts set (`young_person_own=...`)."""
    record = json.loads(json.dumps(record))
    record.update(parts)
    return record


def own_part(note: str, dentist: str) -> dict:
    """Danny's own part of his record (format /2 `young_person_own`): what he likes to be called,
    one note of his own (`note`) and two appointments, Physio to come and `dentist` past."""
    return {
        "preferred_name": "Danny",
        "pronouns": "he/they",
        "what_matters": "Keeping my football on Saturdays",
        "notes": [{"id": "n1", "text": note, "written_on": "2026-11-20"}],
        "appointments": [
            {
                "id": "a1",
                "what": "Physio",
                "date": "2026-12-14",
                "time": "09:30",
                "where": "Northfield",
            },
            {"id": "a2", "what": dentist, "date": "2026-10-02"},
        ],
    }


def import_then_export(db, record: dict) -> dict:
    """Import `record` (checked as of the tests' today), then export it again."""
    with db.transaction() as session:
        import_record(session, check_record(record, lambda: TODAY), actor="test")
    with db.transaction() as session:
        return export_record(session, record["child"]["ref"])


# --- sharing links ------------------------------------------------------------------------------


def link_payload(url: str) -> dict[str, Any]:
    """A link's payload, read from its #shlink:/ fragment as the protocol says."""
    encoded = url.split("#shlink:/", 1)[1]
    return json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))


def manifest_path(url: str, base_url: str = "http://localhost") -> str:
    """The path of a link's manifest on the app (the link's url without its origin)."""
    return link_payload(url)["url"].removeprefix(base_url)


def new_link(
    session,
    *,
    today,
    ref: str = "FX-DANIEL",
    document: str = "passport",
    label: str = "GP",
    days: int = 30,
    passcode: str | None = None,
    base_url: str = "http://localhost",
    actor: str = "test",
    carries=None,
    sharer=None,
):
    """A new sharing link to `ref`'s `document`, made now in `session` (the product's
    `make_link`, with the tests' usual answers for what is not given)."""
    from passport.db import utcnow
    from passport.sharing import service as sharing

    return sharing.make_link(
        session,
        ref=ref,
        document=document,
        label=label,
        days=days,
        passcode=passcode,
        base_url=base_url,
        actor=actor,
        now=utcnow(),
        today=today,
        carries=carries,
        sharer=sharer,
    )


def read_bundle(made) -> dict:
    """A link's FHIR bundle read back as a recipient would: the key from the link's fragment,
    the stored file decrypted with jwcrypto."""
    key = link_payload(made.url)["key"]
    key_bytes = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    return json.loads(jwe_decrypt(made.encrypted_file, key_bytes)[1])


def daniel_link(
    cli,
    db,
    *,
    passcode: str | None = None,
    document: str = "passport",
    base_url: str = "http://localhost",
    label: str = "GP",
    carries=None,
    sharer=None,
):
    """A new sharing link for Daniel's record (imported first if it is not there yet)."""
    if cli("export", "FX-DANIEL").exit_code != 0:
        assert cli("import", str(ROOT / "fixtures" / "fx-daniel.json")).exit_code == 0
    with db.transaction() as session:
        return new_link(
            session,
            today=cli.app.extensions["passport_config"].today(),
            document=document,
            label=label,
            passcode=passcode,
            base_url=base_url,
            carries=carries,
            sharer=sharer,
        )


def new_link_bundle(session, ref: str, today) -> dict:
    """Make a plain link to `ref`'s passport and read its FHIR bundle back as a recipient
    would (the key from the link's fragment, the file decrypted with jwcrypto)."""
    return read_bundle(new_link(session, today=today, ref=ref))


def date_parts(name: str, iso: str) -> dict[str, str]:
    """A date as the three boxes of a date field (`stopped-day`, `stopped-month`, ...)."""
    year, month, day = iso.split("-")
    return {f"{name}-day": str(int(day)), f"{name}-month": str(int(month)), f"{name}-year": year}
