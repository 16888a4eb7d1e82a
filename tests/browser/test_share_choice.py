"""The young person chooses what a link carries and sees what the recipient will see: the
preview on the link-made page and a stranger opening the link show the same record, and a part
left unticked is in neither, nor in the encrypted bundle."""

from __future__ import annotations

import base64
import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_no_axe_violations,
    assert_no_console_errors,
    make_user,
    sign_in,
)
from tests.browser.test_leaver_and_carer import another_person
from tests.conftest import ROOT
from tests.helpers import jwe_decrypt, link_payload

pytestmark = pytest.mark.browser  # left out by `make test-fast`

PASSWORD = "correct horse battery"  # noqa: S105 - a test account's password
DANIEL = ROOT / "fixtures" / "fx-daniel.json"
PARTS_LABELS = [
    "A printable copy with a front sheet for a GP (PDF)",
    "Allergies and medicines",
    "Health conditions and time in hospital",
    "Vaccinations",
    "Health checks",
    "Family health history",
    "Own words from health checks",
]
CHOSEN = [
    "Health conditions and time in hospital",
    "Vaccinations",
    "Health checks",
    "Family health history",
    "Own words from health checks",
]


def what_is_shown(page, box: str) -> dict[str, list[str]]:
    """The headings, table rows and list items in `box`, as a reader meets them."""
    return {
        "headings": page.locator(f"{box} h2, {box} h3, {box} caption").all_inner_texts(),
        "rows": page.locator(f"{box} tbody tr").all_inner_texts(),
        "items": page.locator(f"{box} li").all_inner_texts(),
        "downloads": page.locator(f"{box} #download-pdf").all_inner_texts(),
    }


def test_the_preview_is_exactly_what_a_stranger_sees(page, browser, live_server, cli, db):
    assert cli("import", str(DANIEL)).exit_code == 0
    make_user(db, "dan@example.org", PASSWORD, "leaver", child_ref="FX-DANIEL")
    sign_in(page, live_server, "dan@example.org", PASSWORD)
    page.goto(f"{live_server}/me/links/new")

    # Sensible defaults: the clinical parts ticked, family history and own words not.
    for label in PARTS_LABELS:
        box = page.get_by_label(label, exact=True)
        if label in ("Family health history", "Own words from health checks"):
            expect(box).not_to_be_checked()
        else:
            expect(box).to_be_checked()

    # Nothing ticked: the error names the field.
    for label in PARTS_LABELS[:5]:
        page.get_by_label(label, exact=True).uncheck()
    page.get_by_label("Who is it for?").fill("Northfield Surgery")
    page.get_by_label("Passcode").fill("open-sesame-1")
    page.get_by_role("button", name="Make the link").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary.get_by_role("link")).to_have_text(
        "Select at least one part of the record to share"
    )
    expect(page.locator(".nhsuk-form-group--error .nhsuk-error-message")).to_contain_text(
        "Select at least one part of the record to share"
    )
    assert_no_axe_violations(page)

    # The printable copy without allergies and medicines: said plainly.
    for label in ["A printable copy with a front sheet for a GP (PDF)", *CHOSEN]:
        page.get_by_label(label, exact=True).check()
    page.get_by_label("Passcode").fill("open-sesame-1")
    page.get_by_role("button", name="Make the link").click()
    expect(summary.get_by_role("link")).to_have_text(
        "The printable copy shows everything, so also tick allergies and medicines, "
        "or untick the printable copy"
    )
    page.get_by_label(PARTS_LABELS[0], exact=True).uncheck()
    page.get_by_label("Passcode").fill("open-sesame-1")
    page.get_by_role("button", name="Make the link").click()

    expect(page.get_by_role("heading", level=1, name="Your link is ready")).to_be_visible()
    expect(page.locator("#link-carries li")).to_have_text(CHOSEN)
    page.get_by_text("See what they will see").click()
    preview = page.locator("#preview-record")
    expect(preview.locator("#patient-name")).to_have_text("Daniel Okoro-Reid")
    expect(page.locator("#preview-title")).to_have_text("Care-leaver health summary")
    expect(preview.locator("#shared-by")).to_contain_text("Shared by Daniel, care leaver")
    assert_no_axe_violations(page)
    assert_no_console_errors(page)
    seen_in_preview = what_is_shown(page, "#preview-record")
    preview_text = preview.inner_text()
    url = page.locator("#share-link").input_value().strip()

    # The leaver's list of links says what each one shares.
    page.goto(f"{live_server}/me")
    card = page.locator(".nhsuk-card", has_text="Northfield Surgery")
    expect(card.locator(".app-link-carries li")).to_have_text(CHOSEN)

    with another_person(browser) as stranger:
        stranger.goto(url)
        stranger.get_by_label("Your name or organisation").fill("Northfield Surgery")
        stranger.get_by_label("Passcode").fill("open-sesame-1")
        stranger.get_by_role("button", name="Open the record").click()
        expect(stranger.locator("#patient-name")).to_have_text("Daniel Okoro-Reid")
        seen_by_stranger = what_is_shown(stranger, "#record")
        assert seen_by_stranger == seen_in_preview
        assert stranger.locator("#record").inner_text() == preview_text

    # What was ticked is there; what was not is in neither view.
    assert "Family health history" in seen_in_preview["headings"]
    assert "In their own words" in seen_in_preview["headings"]
    assert "Health checks" in seen_in_preview["headings"]
    assert "Allergies" in seen_in_preview["headings"]  # said, not silently dropped ...
    assert "No information about allergies in this link." in preview_text
    assert "Penicillin" not in preview_text  # ... and empty of what was left out
    assert "Adapalene" not in preview_text
    assert seen_in_preview["downloads"] == []

    # Nor in the encrypted bundle itself.
    from passport.sharing.models import ShareLink

    with db.transaction() as session:
        link = session.query(ShareLink).one()
        key = link_payload(url)["key"]
        bundle = json.loads(jwe_decrypt(link.files[0].jwe, base64.urlsafe_b64decode(key + "="))[1])
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert not kinds & {"AllergyIntolerance", "MedicationStatement", "DocumentReference"}
    assert {"FamilyMemberHistory", "ClinicalImpression", "Immunization"} <= kinds
    assert "Penicillin" not in json.dumps(bundle)
