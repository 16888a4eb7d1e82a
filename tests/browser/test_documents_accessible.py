"""The documents on screen, as a care leaver and a carer see them, pass axe (WCAG 2.2 A/AA)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_axe_violations, make_user, sign_in
from tests.conftest import FIXTURES

pytestmark = pytest.mark.browser  # left out by `make test-fast`

PASSWORD = "correct horse battery"  # noqa: S105 - a test account's password


def test_the_leavers_documents_on_screen_are_accessible(page, live_server, db, cli):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    make_user(db, "dan@example.org", PASSWORD, "leaver", child_ref="FX-DANIEL")
    sign_in(page, live_server, "dan@example.org", PASSWORD)
    for kind, title in (
        ("passport", "Your health passport"),
        ("leaver-summary", "Your health summary for leaving care"),
    ):
        page.goto(f"{live_server}/me/documents/{kind}")
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        assert_no_axe_violations(page)


def test_the_carers_sheet_on_screen_is_accessible(page, live_server, db, cli):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    make_user(
        db,
        "carer@example.org",
        PASSWORD,
        "carer",
        carer_ref="FC-0201",
        children=("FX-ELLIE", "FX-NOAH"),
    )
    sign_in(page, live_server, "carer@example.org", PASSWORD)
    page.goto(f"{live_server}/placements/FX-NOAH/sheet")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Placement health sheet")
    assert_no_axe_violations(page)
