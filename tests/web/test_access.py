"""One authorisation layer: for every route with a child in it and every kind of outsider, the
answer is 404 or a redirect to sign-in, never the child's data, HTML and PDF alike."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader

from passport.accounts.invitations import create_invitation, grant_carer
from passport.accounts.models import User
from passport.accounts.service import create_user
from passport.records.service import check_record, import_record
from tests.conftest import FIXTURES, TEST_SECRET, TODAY, next_code
from tests.helpers import PASSWORD, csrf_token, form_page, get_page, sign_in
from tests.web.pages import parse, text

CHILD = "MX-ONE"
SECRET_FACT = "Unique marker condition 7Q"


def the_child() -> dict:
    """A child who moved from carer FC-ENDED (placement ended yesterday) to FC-NOW today."""
    yesterday = TODAY - timedelta(days=1)
    return {
        "format": "lac-health-record/1",
        "child": {
            "ref": CHILD,
            "nhs_number": "9991000011",
            "given_name": "Marnie",
            "family_name": "Exampleton",
            "date_of_birth": "2012-05-01",
            "entered_care": "2024-01-10",
            "responsible_authority": "Example City Council",
        },
        "placements": [
            {
                "start": "2024-01-10",
                "end": yesterday.isoformat(),
                "type": "foster_care",
                "carer_ref": "FC-ENDED",
                "area": "in_area",
            },
            {
                "start": TODAY.isoformat(),
                "type": "foster_care",
                "carer_ref": "FC-NOW",
                "area": "in_area",
            },
        ],
        "contacts": {"gp": {"name": "Harbour Surgery"}},
        "assessments": [
            {
                "id": "IHA-1",
                "type": "IHA",
                "date": "2024-01-30",
                "practitioner": {
                    "name": "Dr Q",
                    "role": "Paediatrician",
                    "grade": "Consultant",
                    "registration": "GMC 7000001",
                },
                "consent": {"status": "given"},
                "sources_consulted": ["gp"],
                "young_person_views": "Private words 5K about home",
                "findings": {"summary": "Assessment narrative 3Z: growing well."},
                "health_plan": [{"action": "Book optician", "owner": "carer", "status": "open"}],
            }
        ],
        "mental_health": [
            {
                "service": "CAMHS",
                "referred_on": "2024-03-01",
                "notes": "CAMHS notes 8W about anxiety",
            }
        ],
        "allergies": [{"substance": "Penicillin", "severity": "moderate"}],
        "family_history": [
            {
                "relative": "birth_mother",
                "condition": SECRET_FACT,
                "category": "genetic",
                "consent_to_share_with_young_person": False,
                "relevant_to_carer": False,
            },
            {
                "relative": "birth_father",
                "condition": "Shared peanut allergy 2R",
                "category": "allergy",
                "consent_to_share_with_young_person": True,
                "relevant_to_carer": True,
            },
            {
                "relative": "grandparent",
                "condition": "Carer-only condition 4T",
                "category": "physical",
                "relevant_to_carer": True,
            },
        ],
    }


@pytest.fixture
def world(app, db, cli):
    assert cli("import", *map(str, FIXTURES[:2])).exit_code == 0
    with db.transaction() as session:
        import_record(session, check_record(the_child(), lambda: TODAY), actor="test")
        users = {
            "nurse": dict(role="nurse", authority="Example City Council", name="Sam Patel"),
            "nurse_other_team": dict(role="nurse", authority="Northshire County Council"),
            "carer_now": dict(role="carer", carer_ref="FC-NOW"),
            "carer_other_child": dict(role="carer", carer_ref="FC-0201"),
            "carer_ended_yesterday": dict(role="carer", carer_ref="FC-ENDED"),
            # Another council's carer who happens to use the same carer ref (ADR 0007).
            "carer_other_council": dict(role="carer", carer_ref="FC-NOW"),
            "leaver": dict(role="leaver", child_ref=CHILD),
            "other_leaver": dict(role="leaver", child_ref="FX-AMARA"),
        }
        for name, extras in users.items():
            user = create_user(
                session,
                email=f"{name}@example.org",
                password=PASSWORD,
                app_secret=TEST_SECRET,
                **extras,
            )
            if name == "carer_other_council":
                grant_carer(
                    session,
                    user,
                    child_ref=CHILD,
                    authority="Northshire County Council",
                    carer_ref="FC-NOW",
                    by="nurse_other_team@example.org",
                )
            elif extras.get("role") == "carer":
                # Each carer holds a grant for every child placed with their ref, as the
                # responsible authority's invitations would give them (ADR 0007).
                for ref in CARER_CHILDREN[extras["carer_ref"]]:
                    grant_carer(
                        session,
                        user,
                        child_ref=ref,
                        authority="Example City Council",
                        carer_ref=extras["carer_ref"],
                        by="nurse@example.org",
                    )
    return app


CARER_CHILDREN = {"FC-NOW": [CHILD], "FC-ENDED": [CHILD], "FC-0201": ["FX-AMARA", "FX-CHLOE"]}


def client_for(app, who: str | None):
    client = app.test_client()
    if who is not None:
        response = sign_in(client, email=f"{who}@example.org")
        assert response.status_code == 302, who
    return client


def child_routes(app) -> list[tuple[str, str]]:
    """(method, path) for every route whose URL names a child or belongs to one person."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule.startswith("/api/"):
            continue
        own_area = rule.rule == "/me" or rule.rule.startswith(("/me/", "/placements"))
        if "<ref>" not in rule.rule and not own_area:
            continue
        path = rule.rule.replace("<ref>", CHILD).replace("<section>", "allergies")
        path = path.replace("<kind>", "passport").replace("<assessment_id>", "IHA-1")
        path = re.sub(r"<int:[a-z_]+>", "0", path)
        path = re.sub(r"<[a-z_]+>", "x", path)
        for method in sorted(rule.methods & {"GET", "POST"}):
            out.append((method, path))
    return sorted(set(out))


OUTSIDERS = [
    "nurse_other_team",
    "carer_other_child",
    "carer_ended_yesterday",
    "carer_other_council",
    "other_leaver",
    None,
]


def test_there_is_a_route_list_to_check(world):
    routes = child_routes(world)
    assert len(routes) >= 25
    assert ("GET", f"/children/{CHILD}/documents/passport.pdf") in routes


@pytest.mark.parametrize("who", OUTSIDERS, ids=lambda w: w or "signed_out")
def test_outsiders_get_404_or_sign_in_never_the_childs_data(world, who):
    client = client_for(world, who)
    token = csrf_token(client)  # a real token, so the request reaches the access check
    for method, path in child_routes(world):
        if path.startswith(("/me", "/placements")) and who is not None:
            # Their own area: it must not show this child (checked below), but may exist.
            continue
        data = {"csrf_token": token, "version": "1"}
        response = client.get(path) if method == "GET" else client.post(path, data=data)
        allowed = response.status_code == 404 or (
            response.status_code == 302 and response.headers["Location"].endswith("/sign-in")
        )
        assert allowed, (who, method, path, response.status_code)
        body = response.get_data()
        assert b"Marnie" not in body and b"Exampleton" not in body


@pytest.mark.parametrize(
    "who", ["carer_other_child", "carer_ended_yesterday", "carer_other_council", "other_leaver"]
)
def test_outsiders_own_pages_never_show_the_child(world, who):
    client = client_for(world, who)
    paths = [
        "/placements",
        f"/placements/{CHILD}",
        f"/placements/{CHILD}/sheet",
        f"/placements/{CHILD}/sheet.pdf",
        "/me",
        "/me/documents/passport",
        "/me/documents/passport.pdf",
        "/me/activity",
    ]
    for path in paths:
        response = client.get(path)
        body = response.get_data()
        if path.endswith(".pdf") and response.status_code == 200:
            body = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages).encode()
        assert b"Marnie" not in body, (who, path)


def test_the_right_people_do_get_in(world):
    nurse = client_for(world, "nurse")
    assert nurse.get(f"/children/{CHILD}").status_code == 200
    carer = client_for(world, "carer_now")
    assert "Marnie" in text(get_page(carer, "/placements"))
    assert carer.get(f"/placements/{CHILD}/sheet.pdf").status_code == 200
    leaver = client_for(world, "leaver")
    assert "Hello Marnie" in text(get_page(leaver, "/me"))
    assert leaver.get("/me/documents/leaver-summary.pdf").status_code == 200


def pdf_text(data: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_a_carer_sees_only_what_a_carer_needs_on_screen_and_in_the_pdf(world):
    carer = client_for(world, "carer_now")
    screens = [
        text(get_page(carer, f"/placements/{CHILD}")),
        carer.get(f"/placements/{CHILD}/sheet").get_data(as_text=True),
        pdf_text(carer.get(f"/placements/{CHILD}/sheet.pdf").data),
    ]
    for shown in screens:
        assert "Penicillin" in shown
        assert SECRET_FACT not in shown
        assert "Assessment narrative 3Z" not in shown and "Private words 5K" not in shown
        assert "CAMHS notes 8W" not in shown
    assert "Shared peanut allergy 2R" in screens[1] and "Carer-only condition 4T" in screens[1]


def test_a_leaver_never_sees_family_history_without_consent(world):
    leaver = client_for(world, "leaver")
    for kind in ("passport", "leaver-summary"):
        html = leaver.get(f"/me/documents/{kind}").get_data(as_text=True)
        pdf = pdf_text(leaver.get(f"/me/documents/{kind}.pdf").data)
        for shown in (html, pdf):
            assert "Shared peanut allergy 2R" in shown
            assert SECRET_FACT not in shown
            assert "Carer-only condition 4T" not in shown


def test_staff_sign_in_needs_the_code_and_a_code_works_once(world):
    client = world.test_client()
    response = sign_in(client, email="nurse@example.org", code=False)
    assert response.headers["Location"].endswith("/sign-in/code")
    assert client.get("/caseload").status_code == 302  # not signed in on a password alone
    code = next_code(world.extensions["db"], "nurse@example.org")
    wrong = client.post(
        "/sign-in/code",
        data={
            "code": "000000" if code != "000000" else "111111",
            "csrf_token": csrf_token(client, "/sign-in/code"),
        },
    )
    assert wrong.status_code == 400
    ok = client.post(
        "/sign-in/code", data={"code": code, "csrf_token": csrf_token(client, "/sign-in/code")}
    )
    assert ok.status_code == 302 and client.get("/caseload").status_code == 200

    again = world.test_client()
    sign_in(again, email="nurse@example.org", code=False)
    reused = again.post(
        "/sign-in/code", data={"code": code, "csrf_token": csrf_token(again, "/sign-in/code")}
    )
    assert reused.status_code == 400
    assert again.get("/caseload").status_code == 302


def test_the_second_factor_secret_is_stored_encrypted(world, cli, db):
    result = cli(
        "user",
        "create",
        "--role",
        "admin",
        "--email",
        "admin@example.org",
        input="a long enough password\n",
    )
    uri = result.stdout.strip().splitlines()[-1]
    assert uri.startswith("otpauth://totp/")
    secret = re.search(r"secret=([A-Z2-7]+)", uri).group(1)
    with db.transaction() as session:
        stored = session.query(User).filter_by(email="admin@example.org").one().totp_secret
    assert secret not in stored and stored.startswith("gAAAA")  # a Fernet token
    leaver = cli(
        "user",
        "create",
        "--role",
        "leaver",
        "--email",
        "l2@example.org",
        "--child-ref",
        CHILD,
        input="a long enough password\n",
    )
    assert "otpauth://" not in leaver.stdout


def test_an_invitation_works_once_and_expires(world, db):
    with db.transaction() as session:
        _, token = create_invitation(
            session,
            role="leaver",
            email="new@example.org",
            actor="nurse@example.org",
            child_ref=CHILD,
        )
        _, old = create_invitation(
            session,
            role="carer",
            email="old@example.org",
            actor="nurse@example.org",
            carer_ref="FC-NOW",
            child_ref=CHILD,
            authority="Example City Council",
        )
        from passport.accounts.models import Invitation
        from passport.db import utcnow

        session.query(Invitation).filter_by(email="old@example.org").update(
            {"expires_at": utcnow() - timedelta(seconds=1)}
        )
    client = world.test_client()
    form_token = csrf_token(client, "/invitation")
    short = client.post(
        "/invitation",
        data={"csrf_token": form_token, "token": token, "password": "short", "confirm": "short"},
    )
    assert short.status_code == 400
    assert f'value="{token}"' in short.get_data(as_text=True)  # kept for the next try
    made = client.post(
        "/invitation",
        data={
            "csrf_token": form_token,
            "token": token,
            "password": "a long new password",
            "confirm": "a long new password",
        },
    )
    assert made.status_code == 302
    again = client.post(
        "/invitation",
        data={
            "csrf_token": form_token,
            "token": token,
            "password": "another long password",
            "confirm": "another long password",
        },
    )
    assert again.status_code == 404  # single use
    assert (
        sign_in(client, email="new@example.org", password="a long new password")
        .headers["Location"]
        .endswith("/")
    )
    assert "Hello Marnie" in text(get_page(client, "/me"))
    stale = world.test_client()
    expired = stale.post(
        "/invitation",
        data={
            "csrf_token": csrf_token(stale, "/invitation"),
            "token": old,
            "password": "a long new password",
            "confirm": "a long new password",
        },
    )
    assert expired.status_code == 404


def test_a_nurse_invites_from_the_child_page(world):
    nurse = client_for(world, "nurse")
    token, _ = form_page(nurse, f"/children/{CHILD}")
    made = nurse.post(
        f"/children/{CHILD}/invite",
        data={"csrf_token": token, "role": "carer", "email": "fc-now@example.org"},
    )
    assert made.status_code == 200
    url = parse(made).select_one("#invitation-link").get_text().strip()
    assert url.startswith("http://localhost/invitation#")  # the token is in the fragment


def test_the_leaver_sees_who_looked_at_their_record_by_name_and_role(world):
    """Names and roles, never email addresses; a carer without a name is "Your carer"; the
    leaver's own views are "You"; times in UK time."""
    client_for(world, "nurse").get(f"/children/{CHILD}")
    client_for(world, "carer_now").get(f"/placements/{CHILD}")
    leaver = client_for(world, "leaver")
    get_page(leaver, "/me")
    page = get_page(leaver, "/me/activity")
    rows = [text(r) for r in page.select("#activity tbody tr")]
    assert any(
        "Sam Patel, nurse at Example City Council" in r and "looked at your record" in r
        for r in rows
    ), rows
    assert any(r.startswith(tuple("0123456789")) and "Your carer" in r for r in rows), rows
    assert any("You looked at" in r or " You " in f" {r} " for r in rows), rows
    assert "@" not in text(page.select_one("#activity"))
    assert "Times are UK time." in text(page)


def test_a_carer_marks_an_action_done_and_the_nurse_sees_who(world, db):
    carer = client_for(world, "carer_now")
    token, _ = form_page(carer, f"/placements/{CHILD}")
    done = carer.post(f"/placements/{CHILD}/actions/IHA-1/0/done", data={"csrf_token": token})
    assert done.status_code == 302
    nurse = client_for(world, "nurse")
    page = text(get_page(nurse, f"/children/{CHILD}"))
    assert "Book optician (Carer): done" in page
    assert "marked done by carer_now@example.org" in page
    outsider = client_for(world, "carer_ended_yesterday")
    token, _ = form_page(outsider, "/placements")
    assert (
        outsider.post(
            f"/placements/{CHILD}/actions/IHA-1/0/done", data={"csrf_token": token}
        ).status_code
        == 404
    )


def test_a_leaver_may_turn_on_security_codes(world, db):
    import pyotp

    leaver = client_for(world, "leaver")
    page = leaver.get("/account/security").get_data(as_text=True)
    secret = re.search(r'id="totp-key">([A-Z2-7]+)<', page).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    wrong = leaver.post("/account/security", data={"csrf_token": token, "code": "12345x"})
    assert wrong.status_code == 400
    ok = leaver.post(
        "/account/security", data={"csrf_token": token, "code": pyotp.TOTP(secret).now()}
    )
    assert ok.status_code == 302
    again = world.test_client()
    first = sign_in(again, email="leaver@example.org", code=False)
    assert first.headers["Location"].endswith("/sign-in/code")
    assert again.get("/me").status_code == 302


@pytest.mark.parametrize("replace", [True, False])
def test_import_cannot_add_a_version_to_a_child_of_another_authority(world, db, replace):
    """The import route in the matrix: a nurse of another council uploads this child's ref
    naming her own council, with and without "add as a new version"."""
    import json as _json

    forged = the_child()
    forged["child"]["responsible_authority"] = "Northshire County Council"
    forged["child"]["given_name"] = "Forged"
    client = client_for(world, "nurse_other_team")
    token, _ = form_page(client, "/import")
    data = {"csrf_token": token, "file": (io.BytesIO(_json.dumps(forged).encode()), "forged.json")}
    if replace:
        data["replace"] = "y"
    refused = client.post("/import", data=data, content_type="multipart/form-data")
    assert refused.status_code == 400
    assert "already exists" not in refused.get_data(as_text=True)
    with db.transaction() as session:
        from passport.records.service import load_current

        version, record = load_current(session, CHILD)
    assert version == 1 and record["child"]["given_name"] == "Marnie"
    assert client.get(f"/children/{CHILD}").status_code == 404
