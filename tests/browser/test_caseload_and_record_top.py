"""On a phone (390 px): find a child on the caseload by NHS number, filter and sort, then read
the top of their record (summary, jump links, older assessments folded). axe on each page."""

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


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_find_a_child_by_nhs_number_and_read_the_top_of_their_record(page, live_server, db, cli):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    make_user(db, "nurse@example.org", PASSWORD, "nurse", authority="Example City Council")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "nurse@example.org", PASSWORD)
    expect(page.get_by_role("heading", level=1, name="Caseload")).to_be_visible()

    page.get_by_label("Show").select_option(label="Leaver summary due (16 and over, none issued)")
    page.get_by_label("Sort by").select_option(label="Name, A to Z")
    page.get_by_label("Search by name, ref or NHS number").fill("999 630 4183")
    page.get_by_role("button", name="Show children").click()
    expect(page.locator("#caseload-count")).to_contain_text("1 child found")
    rows = page.locator("#caseload tbody tr")
    expect(rows).to_have_count(1)
    assert_no_axe_violations(page)
    no_sideways_scroll(page)

    rows.get_by_role("link", name="Daniel Okoro-Reid").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Daniel Okoro-Reid")
    summary = page.locator("#summary")
    expect(summary.locator("#summary-medicines")).to_contain_text("Adapalene")
    expect(summary.locator("#summary-medicines")).not_to_contain_text("Methylphenidate")
    expect(summary.locator("#summary-allergies")).to_contain_text("Penicillin")
    older = page.locator("details#older-assessments")
    expect(older.locator(".nhsuk-card").first).not_to_be_visible()
    assert_no_axe_violations(page)
    no_sideways_scroll(page)

    page.get_by_role("navigation", name="On this page").get_by_role(
        "link", name="Medicines"
    ).click()
    expect(page).to_have_url(f"{live_server}/children/FX-DANIEL#medications")
    older.locator("summary").click()
    expect(older.locator(".nhsuk-card").first).to_be_visible()
    no_sideways_scroll(page)
    assert_no_console_errors(page)
