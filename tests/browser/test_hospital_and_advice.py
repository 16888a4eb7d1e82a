"""Adding a hospital episode and health advice on a phone (390 px): axe on each page, no
sideways scroll, a discharge before the admission refused in plain words, the record page
showing what was saved."""

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


def fill_date(page, group: str, day: str, month: str, year: str) -> None:
    when = page.get_by_role("group", name=group)
    when.get_by_label("Day").fill(day)
    when.get_by_label("Month").fill(month)
    when.get_by_label("Year").fill(year)


def test_a_nurse_adds_a_hospital_stay_and_advice_on_a_phone(page, live_server, db, cli):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    make_user(db, "nurse@example.org", PASSWORD, "nurse", authority="Example City Council")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "nurse@example.org", PASSWORD)
    page.goto(f"{live_server}/children/FX-DANIEL")
    episodes = page.locator("#hospital_episodes + table")
    expect(episodes).to_contain_text("Appendix removed (appendicitis)")  # from the fixture
    assert episodes.bounding_box()["width"] <= 390

    page.get_by_role("link", name="Add a hospital episode").click()
    expect(page.get_by_role("heading", level=1, name="Add a hospital episode")).to_be_visible()
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("Admission", exact=True).check()
    fill_date(page, "Date of admission", "2", "6", "2026")
    fill_date(page, "Date discharged", "1", "6", "2026")
    page.get_by_label("Hospital").fill("Example General Hospital")
    page.get_by_label("Why, or what was done").fill("Asthma attack")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "The discharge date must be on or after the date of admission, 2 June 2026"
    )
    assert_no_axe_violations(page)
    fill_date(page, "Date discharged", "4", "6", "2026")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Hospital episode added")
    expect(episodes).to_contain_text("2 June 2026 to 4 June 2026")
    expect(episodes).to_contain_text("Asthma attack")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Record health advice given").click()
    expect(page.get_by_role("heading", level=1, name="Record health advice given")).to_be_visible()
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("Smoking").check()
    fill_date(page, "Date given", "3", "6", "2026")
    page.get_by_label("Who gave it").fill("Ward nurse")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Health advice recorded")
    expect(page.locator("#health_advice + ul")).to_contain_text(
        "Smoking: 3 June 2026, by Ward nurse"
    )
    assert_no_console_errors(page)
