"""The care leaver's and the foster carer's own pages in a real browser: a nurse invites a care
leaver, who sets a password, downloads their summary, shares it with a link a stranger opens, and
cancels it; a carer marks a health plan action done and the nurse sees who did; a leaver asks the
nurse for a correction. Each person has their own browser context (their own cookies)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import (
    TIMEOUT_MS,
    _leaves_this_machine,
    assert_no_axe_violations,
    assert_no_console_errors,
    make_user,
    sign_in,
)
from tests.conftest import FIXTURES, ROOT

pytestmark = pytest.mark.browser  # left out by `make test-fast`

PASSWORD = "correct horse battery"  # noqa: S105 - a test account's password
LEAVER_PASSWORD = "three random words"  # noqa: S105 - a test account's password
AUTHORITY = "Example City Council"
DANIEL = ROOT / "fixtures" / "fx-daniel.json"
# Noah is placed with FC-0201 (with his sister Ellie) and has an open action for the carer.
NOAH = ROOT / "fixtures" / "fx-noah.json"
ELLIE = ROOT / "fixtures" / "fx-ellie.json"
NOAH_ACTION = "MMRV catch-up dose when the GP invites him (not needed if he has had chickenpox)"


@contextmanager
def another_person(browser: Browser) -> Iterator[Page]:
    """A second (or third) person at another computer: a fresh context with its own cookies,
    blocked from anything outside 127.0.0.1 like the `page` fixture, with console errors kept."""
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(TIMEOUT_MS)
    outside: list[str] = []

    def block_outside(route):
        if _leaves_this_machine(route.request.url):
            outside.append(route.request.url)
            route.abort("blockedbyclient")
        else:
            route.continue_()

    context.route("**/*", block_outside)
    page = context.new_page()
    page.console_errors = []
    page.documents = set()
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and page.console_errors.append((m.text, (m.location or {}).get("url", "")))
        ),
    )
    page.on("pageerror", lambda e: page.console_errors.append((f"uncaught: {e}", "")))
    page.on("request", lambda r: r.is_navigation_request() and page.documents.add(r.url))
    try:
        yield page
    finally:
        context.close()
    assert not outside, f"the page tried to load from outside 127.0.0.1: {outside}"


def test_nurse_invites_a_leaver_who_downloads_shares_and_sees_the_opening(
    page, browser, live_server, db, cli, tmp_path: Path
):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    make_user(db, "nurse@example.org", PASSWORD, "nurse", authority=AUTHORITY)

    # The nurse makes the invitation and reads the link, shown once.
    sign_in(page, live_server, "nurse@example.org", PASSWORD)
    page.goto(f"{live_server}/children/FX-DANIEL")
    accounts = page.locator("form", has=page.get_by_role("button", name="Make an invitation"))
    accounts.get_by_label("The young person", exact=False).check()
    accounts.get_by_label("Their email address").fill("dan@example.org")
    accounts.get_by_role("button", name="Make an invitation").click()
    expect(page.get_by_role("heading", level=1, name="Invitation made")).to_be_visible()
    invitation_url = page.locator("#invitation-link").input_value().strip()
    # The token rides in the #fragment, so no server log ever holds it.
    assert invitation_url.startswith(f"{live_server}/invitation#"), invitation_url

    with another_person(browser) as leaver, another_person(browser) as stranger:
        # The leaver sets a password from the invitation, then signs in (no second factor).
        leaver.goto(invitation_url)
        expect(leaver.get_by_role("heading", level=1, name="Set your password")).to_be_visible()
        assert_no_axe_violations(leaver)
        leaver.get_by_label("Choose a password").fill(LEAVER_PASSWORD)
        leaver.get_by_label("Type it again").fill(LEAVER_PASSWORD)
        leaver.get_by_role("button", name="Set password").click()
        expect(leaver).to_have_url(f"{live_server}/sign-in")
        expect(leaver.get_by_text("Your password is set")).to_be_visible()
        # The invitation works once.
        leaver.goto(invitation_url)
        leaver.get_by_label("Choose a password").fill(LEAVER_PASSWORD + "x")
        leaver.get_by_label("Type it again").fill(LEAVER_PASSWORD + "x")
        leaver.get_by_role("button", name="Set password").click()
        expect(leaver.get_by_role("heading", level=1)).to_have_text(
            "This invitation does not work any more"
        )
        sign_in(leaver, live_server, "dan@example.org", LEAVER_PASSWORD)
        expect(leaver).to_have_url(f"{live_server}/me")
        expect(leaver.get_by_role("heading", level=1, name="Hello Dan")).to_be_visible()
        assert_no_axe_violations(leaver)

        # Downloads the care-leaver summary as a PDF.
        summary = leaver.locator("li", has_text="Your health summary for leaving care")
        with leaver.expect_download() as download_info:
            summary.get_by_role("link", name="download it as a PDF").click()
        download = download_info.value
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        assert download.suggested_filename == "leaver-summary.pdf"
        assert saved.read_bytes().startswith(b"%PDF")

        # Makes a sharing link of the summary, with a passcode.
        leaver.get_by_role("link", name="Make a sharing link").click()
        expect(leaver.get_by_role("heading", level=1, name="Make a sharing link")).to_be_visible()
        assert_no_axe_violations(leaver)
        leaver.get_by_label("Your health summary for leaving care").check()
        leaver.get_by_label("Who is it for?").fill("Northfield University")
        leaver.get_by_label("How many days should it work for?").fill("30")
        leaver.get_by_label("Passcode").fill("open-sesame-1")
        leaver.get_by_role("button", name="Make the link").click()
        expect(leaver.get_by_role("heading", level=1, name="Your link is ready")).to_be_visible()
        expect(leaver.get_by_text("Your link for “Northfield University”")).to_be_visible()
        shown = leaver.locator("#share-link").input_value().strip()
        assert_no_axe_violations(leaver)
        # "Copy link" puts the link on the clipboard, as a phone's paste would find it.
        leaver.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
        leaver.get_by_role("button", name="Copy link").click()
        expect(leaver.locator("#copy-status")).to_have_text(
            "Link copied. You can paste it into a message or an email."
        )
        share_url = leaver.evaluate("navigator.clipboard.readText()")
        assert share_url == shown and share_url.startswith(f"{live_server}/view#shlink:/"), (
            share_url
        )

        # A stranger opens it with the passcode.
        stranger.goto(share_url)
        expect(stranger.get_by_text("“Northfield University”")).to_be_visible()
        stranger.get_by_label("Your name or organisation").fill("Northfield University admissions")
        stranger.get_by_label("Passcode").fill("open-sesame-1")
        stranger.get_by_role("button", name="Open the record").click()
        expect(stranger.locator("#patient-name")).to_have_text("Daniel Okoro-Reid")
        assert_no_axe_violations(stranger)
        assert_no_console_errors(stranger)

        # The leaver sees who opened it, then cancels it.
        leaver.goto(f"{live_server}/me")
        card = leaver.locator(".nhsuk-card", has_text="Northfield University")
        opened = card.get_by_role("table", name="Who tried to open it")
        expect(opened).to_contain_text("Northfield University admissions")
        expect(opened).to_contain_text("Opened it")
        card.get_by_role("button", name="Cancel this link").click()
        expect(leaver.locator(".nhsuk-card", has_text="Northfield University")).to_contain_text(
            "You cancelled it."
        )
        expect(leaver.get_by_role("button", name="Cancel this link")).to_have_count(0)
        expect(leaver.locator(".nhsuk-notification-banner")).to_contain_text(
            "Your link “Northfield University” is cancelled."
        )
        assert_no_axe_violations(leaver)  # /me again, now with a link, its log and a banner

        # The stranger opens the link again and is turned away. (A reload would not do: the
        # viewer took the key out of the address bar when it first read it.)
        assert "shlink" not in stranger.url
        stranger.goto(share_url)
        stranger.get_by_label("Your name or organisation").fill("Northfield University admissions")
        stranger.get_by_label("Passcode").fill("open-sesame-1")
        stranger.get_by_role("button", name="Open the record").click()
        expect(stranger.locator("#viewer-status")).to_contain_text(
            "This link does not work any more"
        )
        expect(stranger.locator("#patient-name")).to_have_count(0)

        # The refused try is in the link's log, and what the leaver did is in their activity.
        leaver.goto(f"{live_server}/me")
        expect(
            leaver.locator(".nhsuk-card", has_text="Northfield University").get_by_role(
                "table", name="Who tried to open it"
            )
        ).to_contain_text("Could not open it: the link had stopped working")
        leaver.get_by_role("link", name="See who has looked at or changed your record").click()
        expect(
            leaver.get_by_role("heading", level=1, name="Who has looked at your record")
        ).to_be_visible()
        activity = leaver.locator("#activity")
        expect(activity).to_contain_text("made a sharing link")
        expect(activity).to_contain_text("cancelled a sharing link")
        expect(activity).to_contain_text("downloaded a document")
        assert_no_axe_violations(leaver)

        leaver.goto(f"{live_server}/me/tell-us")
        expect(
            leaver.get_by_role("heading", level=1, name="Tell your nurse something is wrong")
        ).to_be_visible()
        assert_no_axe_violations(leaver)
        assert_no_console_errors(leaver)

    assert_no_console_errors(page)


def test_carer_marks_a_plan_action_done_and_the_nurse_sees_it(page, browser, live_server, db, cli):
    assert cli("import", str(ELLIE), str(NOAH), str(DANIEL)).exit_code == 0
    make_user(
        db,
        "carer@example.org",
        PASSWORD,
        "carer",
        carer_ref="FC-0201",
        children=("FX-ELLIE", "FX-NOAH"),
    )
    make_user(db, "nurse@example.org", PASSWORD, "nurse", authority=AUTHORITY)

    sign_in(page, live_server, "carer@example.org", PASSWORD)
    expect(page).to_have_url(f"{live_server}/placements")
    expect(page.get_by_role("heading", level=1, name="Children placed with you")).to_be_visible()
    children = page.locator("#children")
    expect(children).to_contain_text("Noah Fraser")
    expect(children).to_contain_text("Ellie Fraser")
    expect(children).not_to_contain_text("Daniel")
    assert_no_axe_violations(page)

    children.get_by_role("link", name="Noah Fraser").click()
    expect(page).to_have_url(f"{live_server}/placements/FX-NOAH")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Noah")
    # Noah has no allergies: said plainly, not in the red urgent card.
    expect(page.get_by_role("heading", level=2, name="Allergies", exact=True)).to_be_visible()
    expect(page.locator(".nhsuk-card--care--urgent")).to_have_count(0)
    # Who to call, tap to call.
    expect(page.get_by_role("link", name="call 111")).to_have_attribute("href", "tel:111")
    assert page.locator('#contacts a[href^="tel:+44"]').count() >= 1
    assert_no_axe_violations(page)

    row = page.locator("#carer-actions > li", has_text=NOAH_ACTION)
    row.get_by_role("button", name="Mark as done").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(
        f"Marked as done: {NOAH_ACTION}"
    )
    row = page.locator("#carer-actions > li", has_text=NOAH_ACTION)
    expect(row).to_contain_text("Done")
    expect(row.get_by_role("button", name="Mark as done")).to_have_count(0)
    assert_no_axe_violations(page)
    assert_no_console_errors(page)

    # A carer only sees children placed with them today.
    assert page.goto(f"{live_server}/placements/FX-DANIEL").status == 404

    with another_person(browser) as nurse:
        sign_in(nurse, live_server, "nurse@example.org", PASSWORD)
        nurse.goto(f"{live_server}/children/FX-NOAH")
        action = nurse.locator("li", has_text=NOAH_ACTION)
        expect(action).to_contain_text("done")
        expect(action).to_contain_text("(marked done by carer@example.org")


def test_a_leaver_tells_the_nurse_something_is_wrong(page, browser, live_server, db, cli):
    assert cli("import", str(DANIEL)).exit_code == 0
    make_user(db, "dan@example.org", PASSWORD, "leaver", child_ref="FX-DANIEL")
    make_user(db, "nurse@example.org", PASSWORD, "nurse", authority=AUTHORITY)
    message = "My GP is wrong <script>alert(1)</script> it is Dr Shah now"

    sign_in(page, live_server, "dan@example.org", PASSWORD)
    expect(page.get_by_role("heading", level=1, name="Hello Dan")).to_be_visible()
    page.get_by_role("link", name="tell your nurse").click()
    expect(
        page.get_by_role("heading", level=1, name="Tell your nurse something is wrong")
    ).to_be_visible()

    # Sending it empty explains what to do.
    page.get_by_role("button", name="Send to my nurse").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Tell us what is wrong")
    expect(page).to_have_title("Error: Tell your nurse something is wrong – Health Passport – NHS")
    summary.get_by_role("link", name="Tell us what is wrong").click()
    expect(page.get_by_label("What is wrong?")).to_be_focused()
    assert_no_axe_violations(page)

    page.get_by_label("What is wrong?").fill(message)
    page.get_by_role("button", name="Send to my nurse").click()
    expect(page).to_have_url(f"{live_server}/me")
    expect(page.get_by_text("Thank you. Your nurse will look at this")).to_be_visible()
    assert_no_console_errors(page)

    with another_person(browser) as nurse:
        dialogs: list[str] = []
        nurse.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        sign_in(nurse, live_server, "nurse@example.org", PASSWORD)
        nurse.goto(f"{live_server}/children/FX-DANIEL")
        expect(nurse.get_by_role("heading", level=2, name="Corrections asked for")).to_be_visible()
        asked = nurse.locator(".app-correction", has_text="From dan@example.org")
        expect(asked.locator(".app-pre-wrap")).to_have_text(f"“{message}”")
        asked.get_by_role("link", name="Accept or decline").click()
        expect(
            nurse.get_by_role("heading", level=1, name="Answer a correction request")
        ).to_be_visible()
        assert_no_axe_violations(nurse)
        nurse.get_by_label("Decline it: the record stays as it is").check()
        nurse.get_by_label("Your answer to the young person").fill(
            "The clinic letter still says this. Let us talk at your next check."
        )
        nurse.get_by_role("button", name="Save the answer").click()
        expect(nurse.get_by_text("Correction declined")).to_be_visible()
        expect(nurse.locator("#corrections")).to_have_count(0)
        assert dialogs == []
        assert_no_console_errors(nurse)

    page.goto(f"{live_server}/me")
    expect(page.locator(".app-correction-declined")).to_contain_text(
        "Your nurse did not change your record"
    )
    assert_no_axe_violations(page)


def test_a_carer_for_two_councils_adds_the_second_child_on_a_phone(page, live_server, db, cli):
    """ADR 0007 in a browser at 390 px: a carer already signed in opens another council's
    invitation, sees "Add a child to your account" (axe clean, no sideways scroll), and the
    child joins their list. The link's token leaves the address bar."""
    from passport.accounts.invitations import create_invitation

    assert (
        cli(
            "import",
            str(ROOT / "fixtures" / "fx-ellie.json"),
            str(ROOT / "fixtures" / "fx-noah.json"),
        ).exit_code
        == 0
    )
    make_user(
        db, "carer@example.org", PASSWORD, "carer", carer_ref="FC-0201", children=("FX-ELLIE",)
    )
    with db.transaction() as session:
        _, token = create_invitation(
            session,
            role="carer",
            email="carer@example.org",
            actor="nurse@example.org",
            child_ref="FX-NOAH",
            carer_ref="FC-0201",
            authority="Example City Council",
        )
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "carer@example.org", PASSWORD)
    expect(page.locator("main")).not_to_contain_text("Noah")
    page.goto(f"{live_server}/invitation#{token}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a child to your account")
    assert "#" not in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Add to my account").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(
        "The child is now on your list"
    )
    expect(page.locator("main")).to_contain_text("Noah")
    assert_no_axe_violations(page)
    assert_no_console_errors(page)
