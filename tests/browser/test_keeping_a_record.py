"""Keeping a record true over the years, in a real browser: a nurse stops a medicine, rules out
an allergy after testing, records a declined vaccine, adds an A&E attendance and a dental
check; every output then says so (the passport,
the care-leaver summary and the carer's sheet, on screen and in their PDFs, and a new sharing
link opened by a stranger), the history says what changed and why, and the dental flag is gone.
Each new page is checked with axe."""

from __future__ import annotations

import io
import json

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.conftest import (
    assert_no_axe_violations,
    assert_no_console_errors,
    make_user,
    sign_in,
)
from tests.conftest import ROOT

pytestmark = pytest.mark.browser  # left out by `make test-fast`

PASSWORD = "correct horse battery"  # noqa: S105 - a test account's password
DOCUMENTS = ("passport", "leaver-summary", "carer-sheet")


def _daniel_with_an_old_dental_check(tmp_path) -> str:
    """Daniel's record as in fixtures/, but his last dental check 16 months ago (the check of
    May 2026 not yet recorded), so the dental flag is up."""
    record = json.loads((ROOT / "fixtures" / "fx-daniel.json").read_text())
    record["dental_checks"] = [d for d in record["dental_checks"] if d < "2025-08-01"]
    path = tmp_path / "daniel.json"
    path.write_text(json.dumps(record))
    return str(path)


def _fill_date(page: Page, group: str, day: str, month: str, year: str) -> None:
    when = page.get_by_role("group", name=group)
    when.get_by_label("Day").fill(day)
    when.get_by_label("Month").fill(month)
    when.get_by_label("Year").fill(year)


def _pdf_text(page: Page, base: str, kind: str) -> str:
    """The PDF the nurse downloads, read back as text (page.request shares the session)."""
    response = page.request.get(f"{base}/children/FX-DANIEL/documents/{kind}.pdf")
    assert response.ok, (kind, response.status)
    reader = PdfReader(io.BytesIO(response.body()))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def test_a_nurse_keeps_daniels_record_true_and_every_output_follows(
    page, browser, live_server, db, cli, tmp_path
):
    assert cli("import", _daniel_with_an_old_dental_check(tmp_path)).exit_code == 0
    make_user(db, "nurse@example.org", PASSWORD, "nurse", authority="Example City Council")
    sign_in(page, live_server, "nurse@example.org", PASSWORD)
    page.goto(f"{live_server}/children/FX-DANIEL")
    flags = page.locator(".app-flag-list")
    expect(flags).to_contain_text("Dental check overdue")

    # Before: every document still has the medicine and the allergy.
    before = {kind: _pdf_text(page, live_server, kind) for kind in DOCUMENTS}
    assert "Adapalene" in before["passport"]
    assert "Penicillin" in before["carer-sheet"]

    # Stop a medicine.
    page.get_by_role("link", name="Stop Adapalene 0.1% gel").click()
    _fill_date(page, "Date stopped", "1", "11", "2026")
    page.get_by_label("Why it was stopped").fill("Skin clear, agreed with the GP")
    page.get_by_role("button", name="Stop this medicine").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Adapalene 0.1% gel stopped")

    # Resolve an allergy after testing.
    page.get_by_role("link", name="Resolve or rule out Penicillin").click()
    page.get_by_label("It never was an allergy").check()
    _fill_date(page, "Date", "10", "11", "2026")
    page.get_by_label("Who decided").fill("Allergy clinic")
    page.get_by_label("Why").fill("Negative oral penicillin challenge")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Penicillin: ruled out")

    # A vaccine declined: not given, and said so.
    page.get_by_role("link", name="Record a vaccine not given").click()
    assert_no_axe_violations(page)
    page.get_by_label("Vaccine").select_option("Flu")
    _fill_date(page, "Date of the decision", "15", "10", "2026")
    page.get_by_label("Declined: the young person, or a parent or carer, said no").check()
    page.get_by_label("Reason").fill("Does not want the nasal spray this year")
    page.get_by_label("Who decided").fill("Daniel, with the school nurse")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(
        "Flu: recorded as not given (declined)"
    )

    # A hospital episode: an A&E attendance.
    page.get_by_role("link", name="Add a hospital episode").click()
    assert_no_axe_violations(page)
    page.get_by_label("A&E attendance", exact=True).check()
    _fill_date(page, "Date of admission", "12", "9", "2026")
    page.get_by_label("Hospital").fill("Example General Hospital")
    page.get_by_label("Why, or what was done").fill("Sprained ankle playing football")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Hospital episode added")

    # A dental check: the flag goes.
    page.get_by_role("link", name="Add a dental check").click()
    _fill_date(page, "Date of the check", "12", "5", "2026")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Dental check added")
    expect(flags).not_to_contain_text("Dental check overdue")
    assert_no_console_errors(page)

    # The history says what changed, who and why.
    page.get_by_role("link", name="See what changed in each version, and why").click()
    history = page.locator("main")
    expect(history).to_contain_text(
        "Adapalene 0.1% gel: stopped on 1 November 2026 - Skin clear, agreed with the GP"
    )
    expect(history).to_contain_text("Penicillin: ruled out")
    expect(history).to_contain_text("Dental check added: 12 May 2026")
    expect(history).to_contain_text(
        "Flu: declined on 15 October 2026 - Does not want the nasal spray this year"
    )
    expect(history).to_contain_text("Sprained ankle playing football")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Open version 1 of the record, read-only").click()
    expect(page.locator("main")).to_contain_text("Adapalene 0.1% gel")
    assert_no_axe_violations(page)

    # Every document follows: no current adapalene, no penicillin allergy, the new check.
    after = {kind: _pdf_text(page, live_server, kind) for kind in DOCUMENTS}
    for kind, text in after.items():
        assert "Penicillin allergy" not in text, kind
    assert "Adapalene" not in after["carer-sheet"]
    assert "12 May 2026" in after["passport"]
    assert "12 May 2026" in after["leaver-summary"]
    for kind, text in after.items():
        assert "Sprained ankle playing football" in text, kind
        assert "Not given: declined" in text or "not given: declined" in text, kind
        assert "Sprained ankle" not in before[kind], kind
    for kind in DOCUMENTS:
        page.goto(f"{live_server}/children/FX-DANIEL/documents/{kind}")
        expect(page.locator("main")).not_to_contain_text("allergic to Penicillin")
        assert_no_axe_violations(page)

    # A new link, opened by a stranger, carries the record as it is now.
    page.goto(f"{live_server}/children/FX-DANIEL/links/new")
    page.get_by_role("radio", name="Health passport").check()
    page.get_by_label("A name for this link").fill("New GP")
    page.get_by_label("The young person agreed to share this").check()
    page.get_by_role("button", name="Make the link").click()
    url = page.locator("#share-link").input_value()

    stranger = browser.new_context(locale="en-GB", timezone_id="Europe/London").new_page()
    try:
        stranger.goto(url)
        stranger.get_by_label("Your name or organisation").fill("Northfield Surgery")
        stranger.get_by_role("button", name="Open the record").click()
        expect(stranger.locator("#patient-name")).to_have_text("Daniel Okoro-Reid")
        record = stranger.locator("#record")
        expect(record).to_contain_text("No known allergies.")
        expect(record).to_contain_text("Adapalene 0.1% gel (stopped on 1 November 2026)")
        expect(stranger.get_by_role("table", name="Vaccinations not given")).to_contain_text("Flu")
        expect(record).to_contain_text("Sprained ankle playing football")
        assert_no_axe_violations(stranger)
    finally:
        stranger.context.close()
