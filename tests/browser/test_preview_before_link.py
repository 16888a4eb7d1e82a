"""On a phone (390 x 844), before making a link: the young person ticks parts, presses "See
what they will see", reads what the recipient will read, then makes the link with the same
ticks; a stranger opening it with the passcode sees the same record as the preview did."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from passport.sharing.models import ShareLink
from tests.browser.conftest import (
    assert_no_axe_violations,
    assert_no_console_errors,
    make_user,
    sign_in,
)
from tests.browser.test_leaver_and_carer import another_person
from tests.browser.test_share_choice import PARTS_LABELS, what_is_shown
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"  # noqa: S105 - a test account's password
DANIEL = ROOT / "fixtures" / "fx-daniel.json"
CHOSEN = ["Allergies and medicines", "Vaccinations", "Health checks"]


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def links(db) -> int:
    with db.transaction() as session:
        return session.query(ShareLink).count()


def test_see_what_they_will_see_before_making_the_link(page, browser, live_server, cli, db):
    assert cli("import", str(DANIEL)).exit_code == 0
    make_user(db, "dan@example.org", PASSWORD, "leaver", child_ref="FX-DANIEL")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "dan@example.org", PASSWORD)
    page.goto(f"{live_server}/me/links/new")
    for label in PARTS_LABELS:
        box = page.get_by_label(label, exact=True)
        box.check() if label in CHOSEN else box.uncheck()
    page.get_by_role("button", name="See what they will see").click()

    preview = page.locator("#preview-record")
    expect(preview.locator("#patient-name")).to_have_text("Daniel Okoro-Reid")
    expect(page.locator("#preview-title")).to_have_text("Care-leaver health summary")
    expect(preview.locator("#shared-by")).to_contain_text("Shared by Daniel, care leaver")
    expect(page.get_by_role("heading", name="What they will see")).to_be_focused()
    assert links(db) == 0  # nothing made yet
    seen_in_preview = what_is_shown(page, "#preview-record")
    preview_text = preview.inner_text()
    assert "Penicillin" in preview_text  # ticked
    assert "Health checks" in seen_in_preview["headings"]
    assert "Family health history" not in seen_in_preview["headings"]  # not ticked
    assert "Time in hospital" not in seen_in_preview["headings"]
    assert "In their own words" not in seen_in_preview["headings"]
    no_sideways_scroll(page)
    assert_no_axe_violations(page)
    assert_no_console_errors(page)

    # The ticks are still there; make the link with them.
    for label in PARTS_LABELS:
        box = page.get_by_label(label, exact=True)
        expect(box).to_be_checked() if label in CHOSEN else expect(box).not_to_be_checked()
    page.get_by_label("Who is it for?").fill("Northfield Surgery")
    page.get_by_label("Passcode").fill("open-sesame-1")
    page.get_by_role("button", name="Make the link").click()
    expect(page.get_by_role("heading", level=1, name="Your link is ready")).to_be_visible()
    expect(page.locator("#link-carries li")).to_have_text(CHOSEN)
    no_sideways_scroll(page)
    assert links(db) == 1
    url = page.locator("#share-link").input_value().strip()

    with another_person(browser) as stranger:
        stranger.set_viewport_size({"width": 390, "height": 844})
        stranger.goto(url)
        stranger.get_by_label("Your name or organisation").fill("Northfield Surgery")
        stranger.get_by_label("Passcode").fill("open-sesame-1")
        stranger.get_by_role("button", name="Open the record").click()
        expect(stranger.locator("#patient-name")).to_have_text("Daniel Okoro-Reid")
        assert what_is_shown(stranger, "#record") == seen_in_preview
        assert stranger.locator("#record").inner_text() == preview_text
        no_sideways_scroll(stranger)
        assert_no_axe_violations(stranger)
