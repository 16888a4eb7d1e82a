"""The acceptance journey of issue 16, on a phone (390 x 844): a care leaver adds an
appointment and a note of their own, makes a link that carries "Things I added", copies it (the
clipboard holds the link, its key only in the fragment), looks at what they will see, and a
stranger opening the link with the passcode sees the same appointment and note. Every page on
the way fits the screen and passes axe."""

from __future__ import annotations

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
from tests.helpers import link_payload

pytestmark = pytest.mark.browser  # left out by `make test-fast`

PASSWORD = "correct horse battery"  # noqa: S105 - a test account's password
DANIEL = ROOT / "fixtures" / "fx-daniel.json"
OWN_PART = "Things I added: appointments, notes, what matters to me"
PHONE = {"width": 390, "height": 844}


def fits_and_passes(page) -> None:
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (page.url, width)
    assert_no_axe_violations(page)


def test_a_care_leaver_shares_what_they_added_and_a_stranger_sees_it(
    page, browser, live_server, cli, db
):
    assert cli("import", str(DANIEL)).exit_code == 0
    make_user(db, "dan@example.org", PASSWORD, "leaver", child_ref="FX-DANIEL")
    page.set_viewport_size(PHONE)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    sign_in(page, live_server, "dan@example.org", PASSWORD)
    page.goto(f"{live_server}/me")
    fits_and_passes(page)

    page.get_by_role("link", name="Go to your own part").click()
    expect(page.get_by_role("heading", level=1, name="Your own part")).to_be_visible()
    fits_and_passes(page)

    # An appointment, first with what it is left out: the field is named, the rest kept.
    page.get_by_role("link", name="Add an appointment").click()
    page.locator("#day-day").fill("14")
    page.locator("#day-month").fill("12")
    page.locator("#day-year").fill("2026")
    page.get_by_label("Time (if you know it)").fill("9:30")
    page.get_by_label("Where is it? (if you know)").fill("Northfield Clinic")
    page.get_by_role("button", name="Save appointment").click()
    expect(page.locator(".nhsuk-error-summary").get_by_role("link")).to_have_text(
        "Enter what the appointment is"
    )
    expect(page.get_by_label("Where is it? (if you know)")).to_have_value("Northfield Clinic")
    fits_and_passes(page)
    page.get_by_label("What is the appointment?").fill("Physio for my knee")
    page.get_by_role("button", name="Save appointment").click()
    expect(page.locator("#own-appointments")).to_contain_text("Physio for my knee")

    page.get_by_role("link", name="Add a note").click()
    fits_and_passes(page)
    page.get_by_label("Your note").fill("Bring my trainers to physio")
    page.get_by_role("button", name="Save note").click()
    expect(page.locator("#own-notes")).to_contain_text("Bring my trainers to physio")
    expect(page.locator("#own-appointments")).to_contain_text("14 December 2026 at 09:30")
    fits_and_passes(page)

    # Their passport shows them as theirs.
    page.goto(f"{live_server}/me/documents/passport")
    own = page.locator("section", has=page.get_by_role("heading", name="Things you added"))
    expect(own).to_contain_text("You wrote this part yourself.")
    expect(own).to_contain_text("Physio for my knee: 14 December 2026 at 09:30")
    expect(own).to_contain_text("Bring my trainers to physio")
    fits_and_passes(page)

    # A link carrying the things they added (off until ticked).
    page.goto(f"{live_server}/me/links/new")
    own_box = page.get_by_label(OWN_PART, exact=True)
    expect(own_box).not_to_be_checked()
    own_box.check()
    page.get_by_label("Who is it for?").fill("Northfield Physio")
    page.get_by_label("Passcode").fill("open-sesame-1")
    fits_and_passes(page)
    page.get_by_role("button", name="Make the link").click()
    expect(page.get_by_role("heading", level=1, name="Your link is ready")).to_be_visible()
    expect(page.locator("#link-carries li").last).to_have_text(OWN_PART)
    fits_and_passes(page)

    # "Copy link": the clipboard holds the link, whose key is only in the fragment.
    shown = page.locator("#share-link").input_value().strip()
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("#copy-status")).to_have_text(
        "Link copied. You can paste it into a message or an email."
    )
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == shown
    before_fragment, _, fragment = copied.partition("#")
    assert fragment.startswith("shlink:/")
    key = link_payload(copied)["key"]
    assert key not in before_fragment

    page.get_by_text("See what they will see").click()
    preview = page.locator("#preview-record")
    expect(preview.locator("#own-part")).to_be_visible()
    expect(preview.locator("#own-part-by")).to_have_text(
        "Written by Daniel in their own words. A nurse or doctor did not write or check this part."
    )
    expect(preview.locator("#own-appointments li")).to_have_text(
        ["Physio for my knee: 14 December 2026 at 09:30, Northfield Clinic"]
    )
    expect(preview.locator("#own-notes li")).to_have_text(
        ["29 November 2026: Bring my trainers to physio"]
    )
    fits_and_passes(page)
    assert_no_console_errors(page)
    previewed = preview.locator("#own-part").inner_text()

    with another_person(browser) as stranger:
        stranger.set_viewport_size(PHONE)
        stranger.goto(copied)
        stranger.get_by_label("Your name or organisation").fill("Northfield Physio")
        stranger.get_by_label("Passcode").fill("open-sesame-1")
        stranger.get_by_role("button", name="Open the record").click()
        expect(stranger.locator("#patient-name")).to_have_text("Daniel Okoro-Reid")
        expect(stranger.locator("#own-part")).to_be_visible()
        assert stranger.locator("#own-part").inner_text() == previewed
        expect(stranger.locator("#own-appointments li")).to_have_text(
            ["Physio for my knee: 14 December 2026 at 09:30, Northfield Clinic"]
        )
        expect(stranger.locator("#own-notes li")).to_have_text(
            ["29 November 2026: Bring my trainers to physio"]
        )
        fits_and_passes(stranger)
