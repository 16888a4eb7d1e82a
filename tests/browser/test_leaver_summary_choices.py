"""A care leaver, in a real browser, chooses what goes in their summary: birth details shown,
a different set of their own words; the summary then shows exactly that. A choice left out is
refused with a message naming it, and the page passes axe (WCAG 2.2 A/AA)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_no_axe_violations,
    assert_no_console_errors,
    make_user,
    sign_in,
)
from tests.conftest import ROOT

pytestmark = pytest.mark.browser  # left out by `make test-fast`

PASSWORD = "correct horse battery"  # noqa: S105 - a test account's password
CHOSEN = "Doing this on a video call is awkward."  # RHA-2021
LEFT_OUT = "I'm fine without the tablets."  # RHA-2024, one of the latest three by default


def test_a_care_leaver_chooses_what_goes_in_their_summary(page, live_server, db, cli):
    assert cli("import", str(ROOT / "fixtures" / "fx-daniel.json")).exit_code == 0
    make_user(db, "dan@example.org", PASSWORD, "leaver", child_ref="FX-DANIEL")
    sign_in(page, live_server, "dan@example.org", PASSWORD)

    # Before choosing, the summary says birth details can be added and has the latest three.
    page.goto(f"{live_server}/me/documents/leaver-summary")
    expect(page.get_by_text("You can choose to add details of your birth")).to_be_visible()
    expect(page.get_by_text(LEFT_OUT)).to_be_visible()

    page.goto(f"{live_server}/me")
    page.get_by_role("link", name="Choose what goes in your summary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose what goes in your summary")
    assert_no_axe_violations(page)

    # Nothing chosen for birth details: refused, naming the question, nothing saved.
    page.get_by_role("button", name="Save my choices").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Choose if you want your birth details in your summary"
    )
    assert_no_axe_violations(page)

    page.get_by_label("Yes, show my birth details").check()
    page.get_by_label(LEFT_OUT, exact=False).uncheck()
    page.get_by_label(CHOSEN, exact=False).check()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_text("Your choices are saved")).to_be_visible()

    page.goto(f"{live_server}/me/documents/leaver-summary")
    expect(page.get_by_text("You were born at Example General Hospital")).to_be_visible()
    expect(page.get_by_text(CHOSEN)).to_be_visible()
    expect(page.get_by_text(LEFT_OUT)).to_have_count(0)
    expect(page.get_by_text("You chose these things you said")).to_be_visible()
    assert_no_console_errors(page)
