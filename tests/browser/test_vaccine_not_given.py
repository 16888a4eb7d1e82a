"""Issue 14 in Chromium at 390 px: a nurse records a vaccine declined (axe, no sideways scroll,
a refused future date), the record page lists it and no longer calls it due, and a new
sharing link's viewer lists it under "Vaccinations not given"."""

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
from tests.helpers import new_link

pytestmark = pytest.mark.browser  # left out by `make test-fast`

PASSWORD = "correct horse battery"  # noqa: S105 - a test account's password


def test_a_declined_vaccine_on_a_phone_and_in_the_link_viewer(page, live_server, db, cli):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    make_user(db, "nurse@example.org", PASSWORD, "nurse", authority="Example City Council")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "nurse@example.org", PASSWORD)
    page.goto(f"{live_server}/children/FX-CHLOE")
    expect(page.locator("#immunisations ~ ul").first).to_contain_text("MenACWY dose 1: due")

    page.get_by_role("link", name="Record a vaccine not given").click()
    expect(page.get_by_role("heading", level=1, name="Record a vaccine not given")).to_be_visible()
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_label("Vaccine").select_option("MenACWY")
    page.get_by_label("Dose number").fill("1")
    when = page.get_by_role("group", name="Date of the decision")
    when.get_by_label("Day").fill("10")
    when.get_by_label("Month").fill("11")
    when.get_by_label("Year").fill("2027")
    page.get_by_label("Declined: the young person, or a parent or carer, said no").check()
    page.get_by_label("Reason").fill("Wants to talk it over with her foster carer first")
    page.get_by_label("Who decided").fill("Chloe, with Dr A Example (GP)")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Date of the decision must not be in the future (10 November 2027 is after today)"
    )
    assert_no_axe_violations(page)

    when.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(
        "MenACWY: recorded as not given (declined)"
    )
    expect(page.locator("#immunisations-not-given + ul")).to_contain_text(
        "MenACWY dose 1: declined on 10 November 2026 - Wants to talk it over with her foster "
        "carer first, decided by Chloe, with Dr A Example (GP)"
    )
    expect(page.locator("#immunisations ~ ul").first).not_to_contain_text("MenACWY dose 1: due")
    # The immunisations section fits the phone (the information requests table further down
    # the page does not yet: another part of issue 14).
    for selector in ("#immunisations-not-given + ul", "#immunisations ~ table"):
        box = page.locator(selector).first.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390, selector
    assert_no_console_errors(page)

    with db.transaction() as session:
        made = new_link(
            session,
            today=cli.app.extensions["passport_config"].today(),
            ref="FX-CHLOE",
            base_url=live_server,
            actor="nurse@example.org",
        )
    page.goto(made.url)
    page.get_by_role("button", name="Open the record").click()
    expect(page.locator("#patient-name")).to_be_visible()
    not_given = page.get_by_role("table", name="Vaccinations not given")
    expect(not_given).to_contain_text("MenACWY")
    expect(not_given).to_contain_text(
        "Declined (Wants to talk it over with her foster carer first)"
    )
    expect(page.get_by_role("table", name="Vaccinations", exact=True)).not_to_contain_text(
        "Wants to talk"
    )
    assert_no_axe_violations(page)
