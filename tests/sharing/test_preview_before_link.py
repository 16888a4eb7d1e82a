"""Issue 15: "See what they will see" before the link is made. The young person (or the nurse
with them) ticks parts and presses the button: the page shows the bundle a link with exactly
those ticks would carry, built by the code that builds a link's, and no link is made. The ticks
stay ticked for "Make the link"."""

from __future__ import annotations

import base64
import json

from sqlalchemy import func, select

from passport.accounts.service import create_user
from passport.sharing.models import ShareLink
from passport.sharing.parts import PARTS
from tests.conftest import ROOT, TEST_SECRET
from tests.helpers import PASSWORD, form_page, jwe_decrypt, link_payload, make_nurse, sign_in
from tests.sharing.test_fhir import validate
from tests.web.pages import error_summary, parse, text

DANIEL = ROOT / "fixtures" / "fx-daniel.json"
CHOSEN = ["conditions", "immunisations", "health_checks"]


def links(db) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(ShareLink))


def signed_in_leaver(cli, db, client) -> None:
    assert cli("import", str(DANIEL)).exit_code == 0
    with db.transaction() as session:
        create_user(
            session,
            email="dan@example.org",
            password=PASSWORD,
            role="leaver",
            child_ref="FX-DANIEL",
            app_secret=TEST_SECRET,
        )
    sign_in(client, "dan@example.org", code=False)


def shown(response) -> dict:
    """The bundle the preview lays out, as the page gives it to the browser."""
    soup = parse(response)
    return json.loads(soup.select_one("script#preview-bundle").string)


def kinds(bundle: dict) -> set[str]:
    return {e["resource"]["resourceType"] for e in bundle["entry"]}


def sections(bundle: dict) -> list[tuple[str, str]]:
    """Each section's title and narrative: what a reader of the document reads."""
    return [(s["title"], s["text"]["div"]) for s in bundle["entry"][0]["resource"]["section"]]


def ticked(response) -> list[str]:
    return [box["value"] for box in parse(response).select("input[name=carries][checked]")]


def test_the_preview_shows_exactly_the_chosen_parts_and_makes_no_link(cli, db, client):
    signed_in_leaver(cli, db, client)
    token, _ = form_page(client, "/me/links/new")
    before = links(db)
    response = client.post(
        "/me/links/preview",
        data={"csrf_token": token, "document": "leaver-summary", "carries": CHOSEN},
    )
    assert response.status_code == 200
    assert links(db) == before  # no link, no row
    bundle = shown(response)
    validate(bundle)
    assert {"Condition", "Immunization", "ClinicalImpression"} <= kinds(bundle)
    assert not kinds(bundle) & {"AllergyIntolerance", "MedicationStatement", "DocumentReference"}
    assert not kinds(bundle) & {"FamilyMemberHistory"}
    assert "Penicillin" not in json.dumps(bundle)  # Daniel's allergy: not ticked
    # Own words were not ticked: Daniel's words at his health check are not there.
    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] == "ClinicalImpression":
            assert not entry["resource"].get("note")
    composition = bundle["entry"][0]["resource"]
    assert composition["title"] == "Care-leaver health summary"
    assert composition["author"][-1]["display"] == "Daniel, care leaver"

    # The ticks stay ticked, and "Make the link" sends them to the maker of links.
    assert ticked(response) == CHOSEN
    page = parse(response)
    assert page.select_one("form:has(#preview-button)")["action"] == "/me/links/new"
    assert page.select_one("#preview-button")["formaction"] == "/me/links/preview"
    assert "The link is not made yet" in text(page)

    # Made with the same ticks, the link carries the very same document.
    made = client.post(
        "/me/links/new",
        data={
            "csrf_token": token,
            "document": "leaver-summary",
            "carries": CHOSEN,
            "days": "30",
            "passcode": "open-sesame-1",
            "label": "Northfield Surgery",
        },
    )
    assert made.status_code == 200 and links(db) == before + 1
    url = parse(made).select_one("#share-link").get_text().strip()
    with db.transaction() as session:
        link = session.scalars(select(ShareLink)).one()
        key = base64.urlsafe_b64decode(link_payload(url)["key"] + "=")
        carried = json.loads(jwe_decrypt(link.files[0].jwe, key)[1])
    assert sections(carried) == sections(bundle)
    assert sorted(e["resource"]["resourceType"] for e in carried["entry"]) == sorted(
        e["resource"]["resourceType"] for e in bundle["entry"]
    )


def test_every_part_can_be_previewed_on_its_own_terms(cli, db, client):
    """Whatever parts.py lists: everything ticked brings each part's resources, the printable
    copy among them (a PDF without a QR code: there is no link yet)."""
    signed_in_leaver(cli, db, client)
    token, _ = form_page(client, "/me/links/new")
    response = client.post(
        "/me/links/preview",
        data={"csrf_token": token, "document": "passport", "carries": list(PARTS)},
    )
    assert response.status_code == 200
    bundle = shown(response)
    assert {"DocumentReference", "FamilyMemberHistory", "AllergyIntolerance"} <= kinds(bundle)
    assert ticked(response) == list(PARTS)
    assert links(db) == 0


def test_a_choice_that_cannot_be_shared_is_named_and_not_previewed(cli, db, client):
    signed_in_leaver(cli, db, client)
    token, _ = form_page(client, "/me/links/new")
    response = client.post(
        "/me/links/preview",
        data={"csrf_token": token, "document": "leaver-summary", "carries": ["own_words"]},
    )
    assert response.status_code == 400
    page = parse(response)
    assert page.select_one("#preview-bundle") is None
    assert error_summary(page) == [
        (
            "#carries",
            "Own words are part of the health checks, so also tick health checks, or untick own words",
        )
    ]
    assert links(db) == 0


def test_the_preview_needs_the_forms_csrf_token(cli, db, client):
    signed_in_leaver(cli, db, client)
    response = client.post(
        "/me/links/preview", data={"document": "leaver-summary", "carries": CHOSEN}
    )
    assert response.status_code == 400
    assert b"preview-bundle" not in response.data


def test_the_nurse_previews_with_the_young_person_and_only_for_their_children(cli, db, client):
    assert cli("import", str(DANIEL)).exit_code == 0
    assert cli("import", str(ROOT / "fixtures" / "fx-liam.json")).exit_code == 0
    make_nurse(db)
    sign_in(client)
    token, _ = form_page(client, "/children/FX-DANIEL/links/new")
    response = client.post(
        "/children/FX-DANIEL/links/preview",
        data={"csrf_token": token, "document": "passport", "carries": ["allergies_medicines"]},
    )
    assert response.status_code == 200
    bundle = shown(response)
    assert kinds(bundle) & {"AllergyIntolerance", "MedicationStatement"}
    assert not kinds(bundle) & {"Condition", "Immunization", "ClinicalImpression"}
    assert bundle["entry"][0]["resource"]["title"] == "Health passport"
    assert ticked(response) == ["allergies_medicines"]
    form = parse(response).select_one("form:has(#preview-button)")
    assert form["action"] == "/children/FX-DANIEL/links/new"
    assert links(db) == 0
    other = client.post(
        "/children/FX-LIAM/links/preview",
        data={"csrf_token": token, "document": "passport", "carries": ["allergies_medicines"]},
    )
    assert other.status_code == 404
