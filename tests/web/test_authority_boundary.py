"""The line between local authorities (issue 11, items 1 and 2): importing cannot take over
another council's record, and a carer's access comes only from the child's own council."""

from __future__ import annotations

import io
import json
import re

import pytest
from pypdf import PdfReader

from passport.accounts.service import create_user
from passport.records.service import load_current
from tests.conftest import ROOT, TEST_SECRET
from tests.helpers import PASSWORD, csrf_token, get_page, sign_in
from tests.web.pages import error_summary, parse, text

CITY = "Example City Council"
SHIRE = "Northshire County Council"
ELLIE = ROOT / "fixtures" / "fx-ellie.json"  # Example City's, placed with carer FC-0201 today
NOAH = ROOT / "fixtures" / "fx-noah.json"


@pytest.fixture
def councils(app, db, cli):
    assert cli("import", str(ELLIE), str(NOAH)).exit_code == 0
    with db.transaction() as session:
        create_user(
            session,
            email="city-nurse@example.org",
            password=PASSWORD,
            role="nurse",
            authority=CITY,
            app_secret=TEST_SECRET,
        )
        create_user(
            session,
            email="shire-nurse@example.org",
            password=PASSWORD,
            role="nurse",
            authority=SHIRE,
            app_secret=TEST_SECRET,
        )
    return app


def nurse(app, council: str):
    client = app.test_client()
    assert sign_in(client, email=f"{council}-nurse@example.org").status_code == 302
    return client


def upload(client, record: dict, *, replace: bool):
    data = {
        "csrf_token": csrf_token(client, "/import"),
        "file": (io.BytesIO(json.dumps(record).encode()), "record.json"),
    }
    if replace:
        data["replace"] = "y"
    return client.post("/import", data=data, content_type="multipart/form-data")


def ellie_as_shire_says() -> dict:
    """Example City's Ellie, as a Northshire nurse would forge her: same ref, her own council
    named, and her own carer."""
    record = json.loads(ELLIE.read_text())
    record["child"]["responsible_authority"] = SHIRE
    record["child"]["given_name"] = "Taken"
    return record


def current(db, ref: str) -> tuple[int, dict]:
    with db.transaction() as session:
        return load_current(session, ref)


def messages(response) -> list[str]:
    return [m for _, m in error_summary(parse(response))]


def test_a_file_naming_her_own_council_cannot_add_a_version_to_another_councils_record(
    councils, db
):
    shire = nurse(councils, "shire")
    taken = upload(shire, ellie_as_shire_says(), replace=True)
    assert taken.status_code == 400
    version, record = current(db, "FX-ELLIE")
    assert version == 1 and record["child"]["responsible_authority"] == CITY
    assert record["child"]["given_name"] == "Ellie"
    assert shire.get("/children/FX-ELLIE").status_code == 404

    # The same answer as for a ref that does not exist: nothing says the record is there.
    ghost = ellie_as_shire_says()
    ghost["child"]["ref"] = "FX-NOBODY"
    missing = upload(shire, ghost, replace=True)
    assert missing.status_code == 400
    assert [m.replace("FX-NOBODY", "REF") for m in messages(missing)] == [
        m.replace("FX-ELLIE", "REF") for m in messages(taken)
    ]
    assert current(db, "FX-ELLIE")[0] == 1


def test_already_exists_is_said_only_of_records_she_may_see(councils, db):
    shire = nurse(councils, "shire")
    refused = upload(shire, ellie_as_shire_says(), replace=False)
    assert refused.status_code == 400
    said = " ".join(messages(refused))
    assert "already exists" not in said and "cannot be used for a new record" in said
    assert current(db, "FX-ELLIE")[0] == 1

    city = nurse(councils, "city")
    own = json.loads(ELLIE.read_text())
    again = upload(city, own, replace=False)
    assert again.status_code == 400 and "already exists" in " ".join(messages(again))


def test_the_rightful_nurse_adds_a_version_of_her_own_child(councils, db):
    city = nurse(councils, "city")
    record = json.loads(ELLIE.read_text())
    record["child"]["preferred_name"] = "Ells"
    added = upload(city, record, replace=True)
    assert added.status_code == 302 and added.headers["Location"].endswith("/children/FX-ELLIE")
    version, stored = current(db, "FX-ELLIE")
    assert version == 2 and stored["child"]["preferred_name"] == "Ells"


def test_a_file_for_another_council_is_refused_even_for_a_new_ref(councils, db):
    city = nurse(councils, "city")
    record = ellie_as_shire_says()
    record["child"]["ref"] = "FX-NEWCOMER"
    refused = upload(city, record, replace=False)
    assert refused.status_code == 400
    assert any(
        m.startswith("child.responsible_authority: must be Example City Council")
        for m in messages(refused)
    )
    assert city.get("/children/FX-NEWCOMER").status_code == 404


# --- carers -------------------------------------------------------------------------------


def shire_child_placed_with(carer_ref: str) -> dict:
    """A Northshire child placed today with `carer_ref` (Example City's carer's ref)."""
    record = json.loads(NOAH.read_text())
    record["child"].update(
        ref="SH-ROWAN",
        given_name="Rowan",
        family_name="Shireling",
        nhs_number="9991000046",
        responsible_authority=SHIRE,
    )
    for placement in record["placements"]:
        placement["carer_ref"] = carer_ref
    return record


def invite_carer(client, ref: str, email: str) -> str:
    made = client.post(
        f"/children/{ref}/invite",
        data={
            "csrf_token": csrf_token(client, f"/children/{ref}"),
            "role": "carer",
            "email": email,
        },
    )
    assert made.status_code == 200, made.status_code
    url = parse(made).select_one("#invitation-link").get_text().strip()
    return url.split("#", 1)[1]


def accept(app, token: str, email: str):
    """Set a password from the invitation and sign in as the new carer."""
    client = app.test_client()
    made = client.post(
        "/invitation",
        data={
            "csrf_token": csrf_token(client, "/invitation"),
            "token": token,
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert made.status_code == 302, made.get_data(as_text=True)
    assert sign_in(client, email=email).status_code == 302
    return client


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_nurse_cannot_reach_another_councils_child_through_its_carer_ref(councils, db):
    """Issue 11's attack: a Northshire nurse places her own child with Example City's carer
    ref FC-0201, invites herself as that carer, and looks for Ellie (placed with FC-0201)."""
    shire = nurse(councils, "shire")
    assert upload(shire, shire_child_placed_with("FC-0201"), replace=False).status_code == 302
    posing = accept(
        councils, invite_carer(shire, "SH-ROWAN", "posing@example.org"), "posing@example.org"
    )
    for path in (
        "/placements/FX-ELLIE",
        "/placements/FX-ELLIE/sheet",
        "/placements/FX-ELLIE/sheet.pdf",
        "/placements/FX-NOAH",
    ):
        response = posing.get(path)
        assert response.status_code == 404, path
        assert b"Ellie" not in response.data
    listed = text(get_page(posing, "/placements"))
    assert "Rowan" in listed and "Ellie" not in listed and "Noah" not in listed

    # And the other way round: City's real carer is not shown Northshire's child.
    city = nurse(councils, "city")
    real = accept(
        councils, invite_carer(city, "FX-ELLIE", "fc0201@example.org"), "fc0201@example.org"
    )
    assert real.get("/placements/FX-ELLIE").status_code == 200
    assert real.get("/placements/SH-ROWAN").status_code == 404
    assert "Ellie" in pdf_text(real.get("/placements/FX-ELLIE/sheet.pdf").data)


def test_a_carer_for_two_councils_holds_a_grant_from_each(councils, db):
    city = nurse(councils, "city")
    carer = accept(councils, invite_carer(city, "FX-ELLIE", "both@example.org"), "both@example.org")
    assert "Ellie" in text(get_page(carer, "/placements"))
    # One grant is one child: Noah, also placed with FC-0201, needs his own invitation.
    assert carer.get("/placements/FX-NOAH").status_code == 404

    shire = nurse(councils, "shire")
    assert upload(shire, shire_child_placed_with("SH-77"), replace=False).status_code == 302
    token = invite_carer(shire, "SH-ROWAN", "both@example.org")  # an account already exists
    assert carer.get("/placements/SH-ROWAN").status_code == 404  # not until she accepts
    page = carer.get("/invitation")
    assert "Add a child to your account" in text(parse(page))
    accepted = carer.post(
        "/invitation",
        data={"csrf_token": csrf_token(carer, "/invitation"), "token": token, "accept": "1"},
    )
    assert accepted.status_code == 302
    listed = text(get_page(carer, "/placements"))
    assert "Ellie" in listed and "Rowan" in listed
    assert carer.get("/placements/SH-ROWAN/sheet.pdf").status_code == 200

    # Signed out, the same invitation is used up; and a password cannot hijack the account.
    stranger = councils.test_client()
    reused = stranger.post(
        "/invitation",
        data={
            "csrf_token": csrf_token(stranger, "/invitation"),
            "token": token,
            "password": "a brand new password",
            "confirm": "a brand new password",
        },
    )
    assert reused.status_code == 404


def test_an_invitation_to_an_existing_account_needs_that_account_signed_in(councils, db):
    city = nurse(councils, "city")
    accept(councils, invite_carer(city, "FX-ELLIE", "held@example.org"), "held@example.org")
    token = invite_carer(city, "FX-NOAH", "held@example.org")
    stranger = councils.test_client()
    hijack = stranger.post(
        "/invitation",
        data={
            "csrf_token": csrf_token(stranger, "/invitation"),
            "token": token,
            "password": "a brand new password",
            "confirm": "a brand new password",
        },
    )
    assert hijack.status_code == 400
    assert "You already have an account" in hijack.get_data(as_text=True)
    assert (
        sign_in(stranger, email="held@example.org", password="a brand new password").status_code
        == 400
    )

    other = councils.test_client()
    with councils.extensions["db"].transaction() as session:
        create_user(
            session,
            email="other-carer@example.org",
            password=PASSWORD,
            role="carer",
            carer_ref="FC-0201",
        )
    assert sign_in(other, email="other-carer@example.org").status_code == 302
    wrong_account = other.post(
        "/invitation",
        data={"csrf_token": csrf_token(other, "/invitation"), "token": token, "accept": "1"},
    )
    assert wrong_account.status_code == 404
    assert other.get("/placements/FX-NOAH").status_code == 404


def test_a_grant_lapses_when_the_child_moves_to_another_council(councils, db):
    city = nurse(councils, "city")
    carer = accept(
        councils, invite_carer(city, "FX-ELLIE", "moving@example.org"), "moving@example.org"
    )
    assert carer.get("/placements/FX-ELLIE").status_code == 200
    moved = json.loads(ELLIE.read_text())
    moved["child"]["responsible_authority"] = SHIRE
    with db.transaction() as session:
        from passport.records.service import check_record, import_record

        import_record(
            session,
            check_record(moved, lambda: councils.extensions["passport_config"].today()),
            actor="test",
            replace=True,
        )
    assert carer.get("/placements/FX-ELLIE").status_code == 404


def test_the_demo_carer_sees_the_two_children_placed_with_them(app, cli):
    assert cli("demo").exit_code == 0
    carer = app.test_client()
    assert (
        sign_in(carer, email="carer@example.org", password="demo-carer-password").status_code == 302
    )
    listed = text(get_page(carer, "/placements"))
    assert "Ellie" in listed and "Noah" in listed
    assert re.search(r"Daniel|Amara|Chloe", listed) is None
