"""A stranger opens a sharing link in Chromium: the record is decrypted in the browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from passport.db import utcnow
from passport.sharing import service
from tests.browser.conftest import assert_no_axe_violations, assert_no_console_errors
from tests.conftest import ROOT
from tests.helpers import daniel_link

pytestmark = pytest.mark.browser  # left out by `make test-fast`

DANIEL = ROOT / "fixtures" / "fx-daniel.json"


def test_a_stranger_opens_a_link_with_its_passcode(page, live_server, cli, db):
    assert cli("import", str(DANIEL)).exit_code == 0
    with db.transaction() as session:
        made = service.make_link(
            session,
            ref="FX-DANIEL",
            document="leaver-summary",
            label="University health centre",
            days=30,
            passcode="let-me-in",
            base_url=live_server,
            actor="nurse@example.org",
            now=utcnow(),
            today=cli.app.extensions["passport_config"].today(),
        )
    page.goto(made.url)
    expect(page.get_by_text("“University health centre”")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Your name or organisation").fill("Northfield University")
    page.get_by_label("Passcode").fill("not-it")
    page.get_by_role("button", name="Open the record").click()
    expect(page.locator("#viewer-status")).to_have_text(
        "That passcode is not right. You have 4 tries left."
    )

    page.get_by_label("Passcode").fill("let-me-in")
    page.get_by_role("button", name="Open the record").click()
    expect(page.locator("#patient-name")).to_have_text("Daniel Okoro-Reid")
    expect(page.get_by_text("Likes to be called Dan")).to_be_visible()
    vaccinations = page.get_by_role("table", name="Vaccinations")
    expect(vaccinations).to_contain_text("MenACWY")
    expect(vaccinations).to_contain_text("18 January 2023")
    hospital = page.locator("#hospital-episodes")
    expect(hospital).to_contain_text(
        "A&E attendance on 14 March 2026 at Example General Hospital A&E: Sprained left wrist"
    )
    expect(hospital).to_contain_text(
        "Operation on 2 June 2025 to 4 June 2025 at Example General Hospital: Appendix removed"
    )
    expect(page.get_by_role("link", name="Download the PDF to print or keep")).to_be_visible()
    assert_no_axe_violations(page)
    # Only the 401 of the wrong passcode is logged by the browser; nothing else went wrong.
    assert all("401" in message for message, _ in page.console_errors), page.console_errors

    with db.transaction() as session:
        outcomes = [
            (a.recipient, a.outcome) for a in service.links_for(session, "FX-DANIEL")[0].accesses
        ]
    assert outcomes == [
        ("Northfield University", "wrong_passcode"),
        ("Northfield University", "opened"),
    ]


def test_a_cancelled_link_says_so(page, live_server, cli, db):
    made = daniel_link(cli, db, base_url=live_server)
    with db.transaction() as session:
        service.revoke(session, made.link.public_id, utcnow())
    page.goto(made.url)
    page.get_by_role("button", name="Open the record").click()
    expect(page.locator("#viewer-status")).to_contain_text("This link does not work any more")
    expect(page.locator("#patient-name")).to_have_count(0)


def test_the_viewer_without_a_link_explains(page, live_server):
    page.goto(f"{live_server}/view")
    expect(page.locator("#viewer-status")).to_contain_text("This page needs a sharing link")
    assert_no_console_errors(page)


def test_the_key_leaves_the_address_bar_once_the_link_is_read(page, live_server, cli, db):
    made = daniel_link(cli, db, base_url=live_server)
    page.goto(made.url)
    expect(page.get_by_text("“GP”")).to_be_visible()
    assert page.evaluate("window.location.hash") == ""
    assert "shlink" not in page.url
    # The link still opens: the page kept what it read.
    page.get_by_role("button", name="Open the record").click()
    expect(page.locator("#patient-name")).to_have_text("Daniel Okoro-Reid")
    assert "shlink" not in page.url


def test_a_tampered_file_is_explained_in_plain_words(page, live_server, cli, db):
    from passport.sharing.models import ShareFile

    made = daniel_link(cli, db, base_url=live_server)
    with db.transaction() as session:
        stored = session.query(ShareFile).one()
        header, key, iv, cipher, tag = stored.jwe.split(".")
        flipped = "A" if cipher[10] != "A" else "B"
        stored.jwe = ".".join([header, key, iv, cipher[:10] + flipped + cipher[11:], tag])
    page.goto(made.url)
    page.get_by_role("button", name="Open the record").click()
    expect(page.locator("#viewer-status")).to_have_text(
        "The shared record has been changed or damaged since it was shared, so it cannot be "
        "shown. Ask the person who shared it for a new link."
    )
    expect(page.locator("#patient-name")).to_have_count(0)


def test_a_damaged_link_is_explained_in_plain_words(page, live_server):
    page.goto(f"{live_server}/view#shlink:/not-base64-json!!")
    expect(page.locator("#viewer-status")).to_contain_text("This link is damaged or not complete")
    assert page.evaluate("window.location.hash") == ""
