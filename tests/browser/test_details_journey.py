"""Keeping the details up to date in a real browser at 390 px (issue 14): change the GP
practice and record a move to a new placement; each form and the record page pass axe and fit
the screen, and the carer's sheet shows the new GP and the date of the move."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    assert_no_axe_violations,
    assert_no_console_errors,
    make_user,
    sign_in,
)
from tests.conftest import FIXTURES

pytestmark = pytest.mark.browser  # left out by `make test-fast`

PASSWORD = "correct horse battery"  # noqa: S105 - a test account's password


def fill_date(page: Page, group: str, day: str, month: str, year: str) -> None:
    when = page.get_by_role("group", name=group)
    when.get_by_label("Day").fill(day)
    when.get_by_label("Month").fill(month)
    when.get_by_label("Year").fill(year)


def fits_and_passes_axe(page: Page) -> None:
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_nurse_changes_the_gp_and_records_a_move_on_a_phone(page, live_server, db, cli):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    make_user(db, "nurse@example.org", PASSWORD, "nurse", authority="Example City Council")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "nurse@example.org", PASSWORD)
    page.goto(f"{live_server}/children/FX-DANIEL")
    expect(page.get_by_role("link", name="Change date of birth")).to_be_visible()
    fits_and_passes_axe(page)

    page.get_by_role("link", name="Change GP practice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the GP practice")
    fits_and_passes_axe(page)
    page.get_by_label("ODS code").fill("12345")
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("The ODS code must be a letter then 5 digits")
    expect(summary).to_contain_text("Enter why you are making this change")
    fits_and_passes_axe(page)
    page.get_by_label("Name", exact=True).fill("Riverside Surgery")
    page.get_by_label("ODS code").fill("Y99055")
    fill_date(page, "Date registered", "21", "11", "2026")
    page.get_by_label("Why are you making this change?").fill("Moved nearer college")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("GP practice changed")
    expect(page.locator("#contacts + dl")).to_contain_text("Riverside Surgery (Y99055)")

    page.get_by_role("link", name="Record a move to a new placement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a move to a new placement")
    fits_and_passes_axe(page)
    fill_date(page, "Date of the move", "20", "11", "2026")
    page.get_by_label("Foster care").check()
    page.get_by_label("Carer or home reference").fill("FC-0200")
    page.get_by_label("In area", exact=True).check()
    page.get_by_label("Why are you making this change?").fill("Needed a foster home")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Move recorded")
    newest = page.locator("#placements + table tbody tr").first
    expect(newest).to_contain_text("FC-0200")
    expect(page.locator("#placements + table tbody tr").nth(1)).to_contain_text("20 November 2026")
    fits_and_passes_axe(page)

    # The other forms, as they first open: axe and no sideways scroll.
    page.get_by_role("link", name="Change date of birth").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change their details")
    expect(page.locator("#date_of_birth-year")).to_have_value("2008")
    fits_and_passes_axe(page)
    for path in ("placements/6/end", "contacts/social_worker/remove", "placements/new"):
        page.goto(f"{live_server}/children/FX-DANIEL/{path}")
        fits_and_passes_axe(page)

    page.goto(f"{live_server}/children/FX-DANIEL/history")
    expect(page.locator("#version-3")).to_contain_text(
        "Placement with SI-0031 ended on 20 November 2026 - moved to a new carer"
    )
    page.goto(f"{live_server}/children/FX-DANIEL/documents/carer-sheet")
    expect(page.locator("main")).to_contain_text("20 November 2026")
    expect(page.locator("main")).to_contain_text("Riverside Surgery")
    assert_no_console_errors(page)
