"""Every page issue 14 added, on a phone (390 px): it opens, nothing scrolls sideways, and axe
finds no WCAG 2.2 A/AA violation. The journeys test what the pages do; this tests that each
one is usable by everyone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_axe_violations, make_user, sign_in
from tests.conftest import FIXTURES

pytestmark = pytest.mark.browser  # left out by `make test-fast`

PASSWORD = "correct horse battery"  # noqa: S105 - a test account's password
DANIEL = "/children/FX-DANIEL"

PAGES = [
    f"{DANIEL}/history",
    f"{DANIEL}/versions/1",
    f"{DANIEL}/details",
    f"{DANIEL}/contacts/gp",
    f"{DANIEL}/medications/3/change",
    f"{DANIEL}/allergies/0/entered-in-error",
    f"{DANIEL}/assessments/RHA-2026/plan/0/change",
    f"{DANIEL}/assessments/RHA-2026/amend",
    f"{DANIEL}/information-requests/0/change",
    "/children/FX-CHLOE/information-requests/2/withdraw",
    f"{DANIEL}/immunisations/not-given",
    f"{DANIEL}/add/mental_health",
    f"{DANIEL}/add/hospital_episodes",
    f"{DANIEL}/hospital_episodes/0/change",
    f"{DANIEL}/add/health_advice",
    f"{DANIEL}/placements/0/change",
]


def test_every_new_page_fits_a_phone_and_passes_axe(page, live_server, db, cli):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    make_user(db, "nurse@example.org", PASSWORD, "nurse", authority="Example City Council")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "nurse@example.org", PASSWORD)
    for path in PAGES:
        response = page.goto(f"{live_server}{path}")
        assert response is not None and response.status == 200, path
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
        assert_no_axe_violations(page)
