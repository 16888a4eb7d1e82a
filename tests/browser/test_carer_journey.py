"""The foster carer's journey on a phone (390 x 844), issue 16: the child's page has tap-to-call
links for who to call, out of hours included, and what is coming up; the carer marks a plan
action booked (with the appointment's date), then done, then undoes "done" the same day, and
it is booked again. Every page passes axe and has no sideways scroll."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    assert_no_axe_violations,
    assert_no_console_errors,
    make_user,
    sign_in,
)
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"  # noqa: S105 - a test account's password
NOAH = ROOT / "fixtures" / "fx-noah.json"
ACTION = "MMRV catch-up dose when the GP invites him (not needed if he has had chickenpox)"


def fits_and_passes_axe(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url
    assert_no_axe_violations(page)


def test_a_carer_calls_books_marks_done_and_undoes_it(page, live_server, db, cli):
    assert cli("import", str(NOAH)).exit_code == 0
    make_user(
        db,
        "jo.carer@example.org",
        PASSWORD,
        "carer",
        carer_ref="FC-0201",
        children=("FX-NOAH",),
        name="Jo Carer",
    )
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "jo.carer@example.org", PASSWORD)
    page.goto(f"{live_server}/placements/FX-NOAH")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Noah")

    # Who to call, tap to call: the day-time contacts, out of hours, 111 and 999.
    contacts = page.locator("#contacts")
    expect(contacts.get_by_role("link", name="01632 960001 (call the GP)")).to_have_attribute(
        "href", "tel:+441632960001"
    )
    out_of_hours = page.locator("#out-of-hours")
    expect(out_of_hours).to_contain_text("Out of hours (evenings, weekends, bank holidays)")
    expect(
        out_of_hours.get_by_role("link", name="01632 960900 (call out of hours)")
    ).to_have_attribute("href", "tel:+441632960900")
    expect(contacts.get_by_role("link", name="call 111")).to_have_attribute("href", "tel:111")
    expect(contacts.get_by_role("link", name="Call 999")).to_have_attribute("href", "tel:999")
    # What is coming up, with dates.
    upcoming = page.locator("#upcoming")
    expect(upcoming).to_contain_text("Health check (review health assessment)")
    expect(upcoming).to_contain_text(f"{ACTION}")
    expect(upcoming).to_contain_text("Due by 31 March 2027")
    fits_and_passes_axe(page)

    action = page.locator("#carer-actions > li", has_text=ACTION)
    expect(action).to_contain_text("Not booked yet")
    action.locator("a", has_text="Mark as booked").click()
    expect(page.get_by_role("heading", level=1, name="Mark as booked")).to_be_visible()
    fits_and_passes_axe(page)
    # A date that cannot be: a message naming the field, and what was typed stays.
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2027")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Date of the appointment must be a real date"
    )
    expect(page.get_by_label("Day")).to_have_value("31")
    fits_and_passes_axe(page)
    page.get_by_label("Day").fill("7")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(f"{live_server}/placements/FX-NOAH#actions")
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(
        f"Booked for 7 December 2026: {ACTION}"
    )
    action = page.locator("#carer-actions > li", has_text=ACTION)
    expect(action).to_contain_text("Booked for 7 December 2026")
    expect(page.locator("#upcoming")).to_contain_text("Booked for 7 December 2026")
    fits_and_passes_axe(page)

    action.get_by_role("button", name="Mark as done").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(f"Marked as done: {ACTION}")
    action = page.locator("#carer-actions > li", has_text=ACTION)
    expect(action).to_contain_text("Done on 29 November 2026")
    expect(action.get_by_role("button", name="Mark as done")).to_have_count(0)
    fits_and_passes_axe(page)

    action.get_by_role("button", name="Undo done").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(
        f"Not done after all: {ACTION}"
    )
    action = page.locator("#carer-actions > li", has_text=ACTION)
    expect(action).to_contain_text("Booked for 7 December 2026")
    expect(action.get_by_role("button", name="Undo done")).to_have_count(0)
    expect(action.get_by_role("button", name="Mark as done")).to_be_visible()
    fits_and_passes_axe(page)
    assert_no_console_errors(page)
