"""A stranger opens a sharing link in Chromium: the record is decrypted in the browser."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from playwright.sync_api import expect

from passport.db import utcnow
from passport.sharing import service
from tests.browser.conftest import assert_no_axe_violations, assert_no_console_errors
from tests.conftest import ROOT
from tests.helpers import daniel_link, new_link

pytestmark = pytest.mark.browser  # left out by `make test-fast`

DANIEL = ROOT / "fixtures" / "fx-daniel.json"


def test_a_stranger_opens_a_link_with_its_passcode(page, live_server, cli, db):
    assert cli("import", str(DANIEL)).exit_code == 0
    with db.transaction() as session:
        made = new_link(
            session,
            today=cli.app.extensions["passport_config"].today(),
            document="leaver-summary",
            label="University health centre",
            passcode="let-me-in",
            base_url=live_server,
            actor="nurse@example.org",
        )
    page.goto(made.url)
    expect(page.get_by_text("“University health centre”")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Your name or organisation").fill("Northfield University")
    page.get_by_label("Passcode").fill("not-it")
    page.get_by_role("button", name="Open the record").click()
    # A wrong passcode in the NHS error-message style: the summary at the top links to the
    # field, the field says what is wrong, and the page title starts with "Error".
    wrong = (
        "The passcode is not right. Check it with the person who shared the link. "
        "You have 4 tries left."
    )
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link", name=wrong)).to_have_attribute("href", "#passcode")
    expect(page.locator("#passcode-group")).to_have_class(
        "nhsuk-form-group nhsuk-form-group--error"
    )
    expect(page.locator("#passcode-group .nhsuk-error-message")).to_have_text(f"Error: {wrong}")
    expect(page.get_by_label("Passcode")).to_have_class(
        "nhsuk-input nhsuk-input--width-10 nhsuk-input--error"
    )
    expect(page.get_by_label("Passcode")).to_have_attribute(
        "aria-describedby", "passcode-hint passcode-error"
    )
    assert page.title().startswith("Error: ")
    assert_no_axe_violations(page)

    # An empty passcode is named without spending a try.
    page.get_by_label("Passcode").fill("")
    page.get_by_role("button", name="Open the record").click()
    expect(page.locator("#passcode-group .nhsuk-error-message")).to_have_text(
        "Error: Enter the passcode. The person who shared the link will have told you it."
    )
    assert page.title().count("Error: ") == 1

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
    # A right passcode clears the error.
    expect(page.locator(".nhsuk-error-summary")).to_have_count(0)
    assert not page.title().startswith("Error")
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


def test_the_viewer_names_the_document_and_sharer_and_lays_out_the_record(
    page, live_server, cli, db, tmp_path
):
    """On a real link: the document and who shared it, the NHS number as people write it,
    allergy reactions and severity, stopped medicines marked, vaccines by date."""
    record = json.loads(DANIEL.read_text())
    record["immunisations"].reverse()  # stored newest first: the viewer puts them in order
    shuffled = tmp_path / "fx-daniel.json"
    shuffled.write_text(json.dumps(record))
    assert cli("import", str(shuffled)).exit_code == 0
    with db.transaction() as session:
        made = new_link(
            session,
            today=cli.app.extensions["passport_config"].today(),
            document="leaver-summary",
            label="New GP",
            base_url=live_server,
            actor="nurse@example.org",
            sharer=service.sharer_for("nurse", "Sam Patel"),
        )
    page.goto(made.url)
    page.get_by_label("Your name or organisation").fill("Northfield Surgery")
    page.get_by_role("button", name="Open the record").click()
    expect(page.locator("#viewer-heading")).to_have_text("Care-leaver health summary")
    expect(page.locator("#shared-by")).to_have_text(
        re.compile(r"^Shared by Sam Patel, looked-after children's nurse, on \d+ \w+ 20\d\d$")
    )
    expect(page.locator("#nhs-number")).to_have_text("NHS number 999 630 4183")

    allergies = page.get_by_role("table", name="Allergies")
    expect(allergies.locator("tbody tr")).to_have_count(1)
    expect(allergies.locator("tbody tr td")).to_have_text(
        ["Penicillin", "Itchy raised rash on the third day of amoxicillin", "Mild"]
    )
    expect(page.locator("#medicines-now li")).to_have_text(["Adapalene 0.1% gel"])
    expect(page.locator("#medicines-stopped")).to_contain_text(
        "Methylphenidate modified-release (stopped on 10 July 2023)"
    )
    expect(page.locator("#medicines-stopped li")).to_have_count(3)

    cells = page.get_by_role("table", name="Vaccinations").locator("tbody tr td:nth-child(2)")
    expect(cells).to_have_count(
        len([i for i in record["immunisations"] if i.get("status", "given") == "given"])
    )
    days = [datetime.strptime(text, "%d %B %Y").date() for text in cells.all_inner_texts()]
    assert days == sorted(days) and days[0] < days[-1]
    assert_no_axe_violations(page)
