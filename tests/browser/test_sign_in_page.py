"""The sign-in page in a real browser: accessible (axe, WCAG 2.2 A/AA), errors shown the NHS way,
and a carer lands on the page that says their pages are not ready yet."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_no_axe_violations,
    assert_no_console_errors,
    make_user,
    sign_in,
)

pytestmark = pytest.mark.browser  # left out by `make test-fast`

PASSWORD = "correct horse battery"  # noqa: S105 - a test account's password


def test_the_sign_in_page_has_no_accessibility_violations(page, live_server):
    response = page.goto(f"{live_server}/sign-in")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    expect(page).to_have_title("Sign in – Health Passport – NHS")
    assert_no_axe_violations(page)
    assert_no_console_errors(page)


def test_a_wrong_password_shows_the_error_summary(page, live_server, db):
    make_user(db, "nurse@example.org", PASSWORD, "nurse", authority="Example City Council")
    response = sign_in(page, live_server, "nurse@example.org", "not the password")
    assert response is not None and response.status == 400
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(
        summary.get_by_role("link", name="Enter a correct email address and password")
    ).to_be_visible()
    expect(page).to_have_title("Error: Sign in – Health Passport – NHS")
    assert page.url.endswith("/sign-in")
    assert_no_axe_violations(page)
    assert_no_console_errors(page)


def test_a_carer_signs_in_to_the_children_placed_with_them(page, live_server, db):
    make_user(db, "carer@example.org", PASSWORD, "carer", carer_ref="FC-1")
    response = sign_in(page, live_server, "carer@example.org", PASSWORD)
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1, name="Children placed with you")).to_be_visible()
    expect(page.get_by_text("No children are placed with you today")).to_be_visible()
    assert_no_axe_violations(page)
    assert_no_console_errors(page)
