"""States no link leads to, on a phone (390 x 844), which the crawl in
`test_every_page_on_a_phone.py` cannot reach: a nurse's and a care leaver's save that met
someone else's ("Someone else saved"), an invitation already used, a correction the nurse has
answered (agreed and not), and a carer's booking page once something is booked. Each state is
made as people make it (two tabs, a used link), then checked as the sweep checks a page: no
sideways scroll and nothing from axe, with every rule."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from passport.accounts.invitations import accept_invitation, create_invitation
from passport.records import workflow
from tests.browser.conftest import make_user, sign_in
from tests.browser.test_every_page_on_a_phone import (
    AUTHORITY,
    PASSWORD,
    PHONE,
    Sweep,
    ask_for_a_correction,
    import_children,
)

pytestmark = pytest.mark.browser


def test_a_nurses_save_that_met_another_is_said_and_keeps_what_was_typed(
    page, live_server, db, cli
):
    import_children(cli, "fx-daniel")
    make_user(db, "nurse@example.org", PASSWORD, "nurse", authority=AUTHORITY)
    page.set_viewport_size(PHONE)
    sweep = Sweep(page, live_server)
    sign_in(page, live_server, "nurse@example.org", PASSWORD)
    form = f"{live_server}/children/FX-DANIEL/allergies/0/change"
    page.goto(form)
    reaction = page.get_by_label("What happens")
    # The same form in a second tab, saved first.
    other = page.context.new_page()
    other.set_viewport_size(PHONE)
    other.goto(form)
    other.get_by_label("What happens").fill("Rash on the third day (second tab)")
    other.get_by_label("Why are you making this change?").fill("GP letter")
    other.get_by_role("button", name="Save the change").click()
    expect(other.locator(".nhsuk-notification-banner")).to_be_visible()
    other.close()

    reaction.fill("Itchy rash, third day of amoxicillin, 2019")
    page.get_by_label("Why are you making this change?").fill("Clinic letter")
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_role("heading", name="Someone else saved this record")).to_be_visible()
    expect(page.get_by_label("What happens")).to_have_value(
        "Itchy rash, third day of amoxicillin, 2019"
    )
    sweep.check("a nurse's save that met another")
    sweep.assert_clean()


def test_a_care_leavers_save_that_met_another_and_an_answered_correction(
    page, live_server, db, cli
):
    import_children(cli, "fx-daniel")
    dan = make_user(db, "dan@example.org", PASSWORD, "leaver", child_ref="FX-DANIEL")
    page.set_viewport_size(PHONE)
    sweep = Sweep(page, live_server)
    sign_in(page, live_server, "dan@example.org", PASSWORD)

    page.goto(f"{live_server}/me/own/about")
    other = page.context.new_page()
    other.set_viewport_size(PHONE)
    other.goto(f"{live_server}/me/own/about")
    other.get_by_label("What do you like to be called?").fill("Danny")
    other.get_by_role("button", name="Save").click()
    expect(other.locator(".nhsuk-notification-banner")).to_be_visible()
    other.close()
    page.get_by_label("What do you like to be called?").fill("D")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-warning-callout")).to_be_visible()
    expect(page.get_by_label("What do you like to be called?")).to_have_value("D")
    sweep.check("a care leaver's save that met another")

    # Two corrections, one agreed and one not, as the home page shows the answers.
    ask_for_a_correction(db, dan)
    ask_for_a_correction(db, dan)
    with db.transaction() as session:
        first, second = sorted(c.id for c in workflow.open_corrections(session, "FX-DANIEL"))
        workflow.answer_correction(
            session, "FX-DANIEL", first, by="nurse@example.org", accepted=True,
            answer="Thank you. I have changed your GP to Dr Shah.", section="contacts",
        )  # fmt: skip
        workflow.answer_correction(
            session, "FX-DANIEL", second, by="nurse@example.org", accepted=False,
            answer="Your GP letter of 1 May still says Dr Patel. Can you check with them?",
        )  # fmt: skip
    page.goto(f"{live_server}/me")
    expect(page.get_by_text("Your nurse agreed and will change your record.")).to_be_visible()
    expect(page.get_by_text("Your nurse did not change your record.")).to_be_visible()
    sweep.check("the care leaver's home with answered corrections")
    sweep.assert_clean()


def test_an_invitation_already_used_says_so(page, live_server, db, cli):
    import_children(cli, "fx-daniel")
    with db.transaction() as session:
        _, token = create_invitation(
            session, role="leaver", email="dan@example.org", actor="nurse@example.org",
            child_ref="FX-DANIEL",
        )  # fmt: skip
    with db.transaction() as session:
        accept_invitation(session, token, PASSWORD, name="Dan")
    page.set_viewport_size(PHONE)
    sweep = Sweep(page, live_server)
    page.goto(f"{live_server}/invitation#{token}")
    page.get_by_label("Choose a password").fill("another good password")
    page.get_by_label("Type it again").fill("another good password")
    page.get_by_role("button", name="Set password").click()
    expect(
        page.get_by_role("heading", level=1, name="This invitation does not work any more")
    ).to_be_visible()
    sweep.check("an invitation already used")
    sweep.assert_clean()


def test_a_carers_booking_page_once_booked(page, live_server, db, cli):
    import_children(cli, "fx-noah")
    make_user(db, "carer@example.org", PASSWORD, "carer", carer_ref="FC-0201",
              children=("FX-NOAH",))  # fmt: skip
    page.set_viewport_size(PHONE)
    sweep = Sweep(page, live_server)
    sign_in(page, live_server, "carer@example.org", PASSWORD)
    page.goto(f"{live_server}/placements/FX-NOAH")
    page.get_by_role("link", name="Mark as booked").first.click()
    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Booked for")
    page.get_by_role("link", name="Change the booking").first.click()
    expect(page.get_by_role("heading", name="Appointment cancelled?")).to_be_visible()
    sweep.check("a carer's booking page once booked")
    page.get_by_role("button", name="Remove the booking").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Not booked now")
    sweep.check("a child's page after a booking was removed")
    sweep.assert_clean()
