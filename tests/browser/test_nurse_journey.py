"""A nurse's everyday journey in a real browser: find the child whose review is overdue from the
caseload filter, record the review with GP input, and see the flag clear. Each page on the way
is checked with axe (WCAG 2.2 A/AA)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_no_axe_violations,
    assert_no_console_errors,
    make_user,
    sign_in,
)
from tests.conftest import FIXTURES

pytestmark = pytest.mark.browser  # left out by `make test-fast`

PASSWORD = "correct horse battery"  # noqa: S105 - a test account's password


def test_nurse_records_an_overdue_review_and_the_flag_clears(page, live_server, db, cli):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    make_user(db, "nurse@example.org", PASSWORD, "nurse", authority="Example City Council")

    sign_in(page, live_server, "nurse@example.org", PASSWORD)
    expect(page.get_by_role("heading", level=1, name="Caseload")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_label("Show").select_option(label="Something overdue")
    page.get_by_role("button", name="Show children").click()
    expect(page).to_have_url(f"{live_server}/caseload?filter=overdue&q=&sort=urgency")
    ellie_row = page.locator("#caseload tbody tr", has_text="Ellie Fraser")
    expect(ellie_row).to_contain_text("Review overdue")
    expect(page.locator("#caseload")).not_to_contain_text("Noah Fraser")
    ellie_row.get_by_role("link", name="Ellie Fraser").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Ellie Fraser")
    flags = page.locator(".app-flag-list")
    expect(flags).to_contain_text("Review overdue")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Record an assessment").click()
    expect(page.get_by_role("heading", level=1, name="Record a health assessment")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_label("Review health assessment (RHA)").check()
    date = page.get_by_role("group", name="Date of the assessment")
    date.get_by_label("Day").fill("20")
    date.get_by_label("Month").fill("11")
    date.get_by_label("Year").fill("2026")
    page.get_by_label("Name", exact=True).fill("Sam Patel")
    page.get_by_label("Role", exact=True).fill("Specialist LAC nurse")
    page.get_by_label("Grade").fill("Band 7")
    page.get_by_label("NMC (nurse or midwife)").check()
    page.get_by_label("Registration number").fill("12A3456E")
    page.get_by_label("Given", exact=True).check()
    page.get_by_label("The young person", exact=True).first.check()
    sources = page.get_by_role("group", name="Who was asked for information before the assessment")
    sources.get_by_label("GP", exact=True).check()
    sources.get_by_label("Carer", exact=True).check()
    page.get_by_label("What the young person said, in their own words").fill(
        "I'd like to go back to swimming <b>soon</b>."
    )
    page.get_by_label("Summary of findings").fill("Growing well. Sleeping better.")
    page.get_by_role("button", name="Save assessment").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Ellie Fraser")
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Assessment saved")
    expect(flags).not_to_contain_text("Review overdue")
    expect(page.get_by_text("I'd like to go back to swimming <b>soon</b>.")).to_be_visible()
    assert_no_axe_violations(page)
    assert_no_console_errors(page)

    page.get_by_role("link", name="Caseload", exact=True).click()
    page.get_by_label("Show").select_option(label="Something overdue")
    page.get_by_role("button", name="Show children").click()
    expect(page.locator("#caseload")).not_to_contain_text("Ellie Fraser")


def test_an_assessment_form_with_errors_is_accessible(page, live_server, db, cli):
    assert cli("import", *map(str, FIXTURES[:3])).exit_code == 0
    make_user(db, "nurse@example.org", PASSWORD, "nurse", authority="Example City Council")
    sign_in(page, live_server, "nurse@example.org", PASSWORD)
    page.goto(f"{live_server}/children/FX-AMARA/assessments/new")
    page.get_by_role("button", name="Save assessment").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Select the type of assessment")
    expect(summary).to_contain_text("Enter the date of the assessment")
    expect(page).to_have_title("Error: Record a health assessment – Health Passport – NHS")
    summary.get_by_role("link", name="Enter the date of the assessment").click()
    expect(page.locator("#date-day")).to_be_focused()
    assert_no_axe_violations(page)


def test_nurse_adds_a_sight_test_on_a_phone_and_the_flag_clears(page, live_server, db, cli):
    """At 390 px, as a nurse on a phone would: the record's checks section, the form (axe, no
    sideways scroll, an error for a future date), and the flag gone after saving."""
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    make_user(db, "nurse@example.org", PASSWORD, "nurse", authority="Example City Council")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "nurse@example.org", PASSWORD)
    page.goto(f"{live_server}/children/FX-ELLIE")
    expect(page.locator(".app-flag-list")).to_contain_text("Sight test overdue")
    page.get_by_role("link", name="Add a sight test").click()
    expect(page.get_by_role("heading", level=1, name="Add a sight test")).to_be_visible()
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    when = page.get_by_role("group", name="Date of the test")
    when.get_by_label("Day").fill("5")
    when.get_by_label("Month").fill("1")
    when.get_by_label("Year").fill("2027")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Date of the test must not be in the future"
    )
    assert_no_axe_violations(page)

    when.get_by_label("Year").fill("2026")
    when.get_by_label("Month").fill("11")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Sight test added")
    expect(page.locator("#checks + dl")).to_contain_text("5 November 2026")
    expect(page.locator(".app-flag-list")).not_to_contain_text("Sight test overdue")
    assert_no_console_errors(page)


def test_stopping_a_medicine_and_ruling_out_an_allergy_on_a_phone(page, live_server, db, cli):
    """Both forms at 390 px: no sideways scroll, no axe violation, the links named for the
    entry they change, and the record page saying what happened."""
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    make_user(db, "nurse@example.org", PASSWORD, "nurse", authority="Example City Council")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "nurse@example.org", PASSWORD)
    page.goto(f"{live_server}/children/FX-DANIEL")

    page.get_by_role("link", name="Stop Adapalene 0.1% gel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop Adapalene 0.1% gel")
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    when = page.get_by_role("group", name="Date stopped")
    when.get_by_label("Day").fill("1")
    when.get_by_label("Month").fill("11")
    when.get_by_label("Year").fill("2026")
    page.get_by_label("Why it was stopped").fill("Skin clear")
    page.get_by_role("button", name="Stop this medicine").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Adapalene 0.1% gel stopped")

    page.get_by_role("link", name="Resolve or rule out Penicillin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Resolve or rule out Penicillin")
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Save").click()  # nothing chosen: errors, nothing saved
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Select what has changed")
    assert_no_axe_violations(page)
    page.get_by_label("It never was an allergy").check()
    when = page.get_by_role("group", name="Date")
    when.get_by_label("Day").fill("10")
    when.get_by_label("Month").fill("11")
    when.get_by_label("Year").fill("2026")
    page.get_by_label("Who decided").fill("Allergy clinic")
    page.get_by_label("Why").fill("Negative oral challenge")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Penicillin: ruled out")
    expect(page.locator("#allergies + dl")).to_contain_text(
        "Ruled out on 10 November 2026 by Allergy clinic: Negative oral challenge"
    )
    expect(page.locator("#medications + dl")).to_contain_text("(stopped: Skin clear)")
    assert_no_console_errors(page)
