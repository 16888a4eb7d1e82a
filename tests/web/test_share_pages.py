"""The nurse's side of sharing: make a link (shown once), see who opened it, cancel it."""

from __future__ import annotations

import re

from passport.sharing.parts import DEFAULT_PARTS
from tests.conftest import ROOT
from tests.helpers import form_page, get_page, make_nurse, sign_in
from tests.web.pages import error_summary, parse, text


def signed_in_nurse(cli, db, client):
    assert cli("import", str(ROOT / "fixtures" / "fx-daniel.json")).exit_code == 0
    make_nurse(db)
    sign_in(client)


def test_make_see_the_access_log_and_cancel_a_link(cli, db, client):
    signed_in_nurse(cli, db, client)
    token, _ = form_page(client, "/children/FX-DANIEL/links/new")
    made = client.post(
        "/children/FX-DANIEL/links/new",
        data={
            "csrf_token": token,
            "document": "leaver-summary",
            "label": "College nurse",
            "days": "14",
            "passcode": "open-sesame",
            "consent": "y",
            "carries": list(DEFAULT_PARTS),
        },
    )
    assert made.status_code == 200
    soup = parse(made)
    link = soup.select_one("#share-link").get_text().strip()
    assert link.startswith("http://localhost/view#shlink:/")
    assert soup.select_one("#share-qr")["src"].startswith("data:image/png;base64,")
    assert "This is the only time the link is shown" in text(soup)

    payload_url = re.search(
        r'"url":\s*"([^"]+)"',
        __import__("base64").urlsafe_b64decode(link.split("shlink:/")[1] + "==").decode(),
    ).group(1)
    path = payload_url.replace("http://localhost", "")
    assert (
        client.post(
            path, json={"recipient": "Westmoor College", "passcode": "open-sesame"}
        ).status_code
        == 200
    )

    page = get_page(client, "/children/FX-DANIEL")
    card = page.find("h3", string="College nurse").find_parent(class_="nhsuk-card")
    assert "Westmoor College" in text(card) and "Opened it" in text(card)
    assert link not in str(page)  # the link is never shown again

    token, _ = form_page(client, "/children/FX-DANIEL")
    public_id = card.find("form")["action"].split("/")[-2]
    cancelled = client.post(
        f"/children/FX-DANIEL/links/{public_id}/revoke", data={"csrf_token": token}
    )
    assert cancelled.status_code == 302
    assert (
        client.post(
            path, json={"recipient": "Westmoor College", "passcode": "open-sesame"}
        ).status_code
        == 404
    )
    assert "Cancelled on" in text(get_page(client, "/children/FX-DANIEL"))


def test_the_link_form_names_what_is_wrong(cli, db, client):
    signed_in_nurse(cli, db, client)
    token, _ = form_page(client, "/children/FX-DANIEL/links/new")
    response = client.post(
        "/children/FX-DANIEL/links/new",
        data={"csrf_token": token, "document": "passport", "days": "400", "passcode": "abc"},
    )
    assert response.status_code == 400
    summary = dict(error_summary(parse(response)))
    assert summary["#days"] == "Enter a number of days from 1 to 365"
    assert summary["#consent"] == "Confirm the young person agreed to share this"
    assert summary["#carries"] == "Select at least one part of the record to share"
    response = client.post(
        "/children/FX-DANIEL/links/new",
        data={
            "csrf_token": token,
            "document": "passport",
            "days": "30",
            "passcode": "abc",
            "consent": "y",
            "carries": ["allergies_medicines"],
        },
    )
    assert dict(error_summary(parse(response)))["#passcode"] == "Must be at least 6 characters"


def test_links_of_another_authoritys_child_are_a_404(cli, db, client):
    signed_in_nurse(cli, db, client)
    assert cli("import", str(ROOT / "fixtures" / "fx-liam.json")).exit_code == 0
    assert client.get("/children/FX-LIAM/links/new").status_code == 404


def test_days_that_are_not_a_number_are_named_plainly(cli, db, client):
    signed_in_nurse(cli, db, client)
    token, _ = form_page(client, "/children/FX-DANIEL/links/new")
    response = client.post(
        "/children/FX-DANIEL/links/new",
        data={
            "csrf_token": token,
            "document": "passport",
            "days": "thirty",
            "consent": "y",
            "carries": ["immunisations"],
        },
    )
    assert dict(error_summary(parse(response)))["#days"] == (
        "How many days the link works for must be a whole number, like 12"
    )
