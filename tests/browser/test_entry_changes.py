"""Issue 14 in a real browser at 390 px: a nurse changes a medicine's dose and takes an allergy
out as entered in error. Each page fits the phone, has no axe violation, and the record page
says what happened."""

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


def fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_changing_a_dose_and_an_allergy_entered_in_error_on_a_phone(page, live_server, db, cli):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    make_user(db, "nurse@example.org", PASSWORD, "nurse", authority="Example City Council")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "nurse@example.org", PASSWORD)
    page.goto(f"{live_server}/children/FX-DANIEL")
    fits_the_phone(page)  # every entry with its actions, tables stacked

    page.get_by_role("link", name="Change Adapalene 0.1% gel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change Adapalene 0.1% gel")
    expect(page.get_by_label("Dose")).to_have_value("Thin layer at night")
    assert_no_axe_violations(page)
    fits_the_phone(page)
    page.get_by_label("Dose").fill("Twice a day")
    page.get_by_role("button", name="Save the change").click()  # no reason: refused
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Enter why you are making this change"
    )
    assert_no_axe_violations(page)
    page.get_by_label("Why are you making this change?").fill("GP letter: dose changed")
    page.get_by_role("button", name="Save the change").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Adapalene 0.1% gel changed")
    expect(page.locator("#medications + dl")).to_contain_text("Twice a day")

    page.get_by_role("link", name="Entered in error (Penicillin)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Was Penicillin entered in error?")
    assert_no_axe_violations(page)
    fits_the_phone(page)
    page.get_by_label("Why was this entered in error?").fill("Recorded on the wrong child")
    page.get_by_role("button", name="Take it out of the record").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(
        "Penicillin taken out of the record as entered in error"
    )
    expect(page.locator("#allergies + p")).to_have_text("None recorded.")
    assert_no_axe_violations(page)

    page.goto(f"{live_server}/children/FX-DANIEL/history")
    expect(page.locator("main")).to_contain_text(
        "Entered in error: Penicillin allergy - Recorded on the wrong child"
    )
    assert_no_console_errors(page)
