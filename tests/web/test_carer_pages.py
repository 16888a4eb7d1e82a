"""The foster carer's pages as a carer reads them on a phone: the list says each child's age and
flags allergies and overdue care, the child's page says who to call with tap-to-call links, and
"no known allergies" is not dressed as an alarm. The placement sheet has who to call on page 1."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tests.conftest import ROOT
from tests.helpers import get_page, make_carer, sign_in
from tests.web.pages import text

AMARA = ROOT / "fixtures" / "fx-amara.json"
ELLIE = ROOT / "fixtures" / "fx-ellie.json"
NOAH = ROOT / "fixtures" / "fx-noah.json"


def test_the_list_gives_each_childs_age_and_badges(db, cli, client, app):
    assert cli("import", str(AMARA), str(ELLIE), str(NOAH)).exit_code == 0
    make_carer(db, "amara.carer@example.org", "FC-0174", "FX-AMARA")
    make_carer(db, "ellie.carer@example.org", "FC-0201", "FX-ELLIE", "FX-NOAH")

    sign_in(client, "amara.carer@example.org", code=False)
    items = get_page(client, "/placements").select("#children li")
    assert len(items) == 1
    amara = " ".join(items[0].get_text(" ").split())
    assert "age 6" in amara and "Has allergies" in amara

    with app.test_client() as other:
        sign_in(other, "ellie.carer@example.org", code=False)
        listed = {
            li.a.get_text(strip=True): " ".join(li.get_text(" ").split())
            for li in get_page(other, "/placements").select("#children li")
        }
    assert set(listed) == {"Ellie Fraser", "Noah Fraser"}
    assert "Has allergies" not in listed["Ellie Fraser"]
    assert "age 9" in listed["Ellie Fraser"]
    # Ellie's review is overdue (the rules' RHA_OVERDUE on 29 November 2026).
    assert "Something is overdue" in listed["Ellie Fraser"]


def test_the_childs_page_has_tap_to_call_links_and_no_alarm_without_allergies(db, cli, client, app):
    assert cli("import", str(AMARA), str(ELLIE)).exit_code == 0
    make_carer(db, "amara.carer@example.org", "FC-0174", "FX-AMARA")
    make_carer(db, "ellie.carer@example.org", "FC-0201", "FX-ELLIE")

    sign_in(client, "amara.carer@example.org", code=False)
    page = get_page(client, "/placements/FX-AMARA")
    calls = {a.get_text(" ", strip=True): a["href"] for a in page.select("#contacts a")}
    assert calls["01632 960134 (call the GP)"] == "tel:+441632960134"
    assert calls["01632 960211 (call the Social worker)"] == "tel:+441632960211"
    assert calls["call 111"] == "tel:111" and calls["Call 999"] == "tel:999"
    alarm = page.select_one(".nhsuk-card--care--urgent")
    assert alarm is not None and "Peanut" in text(alarm)

    with app.test_client() as other:
        sign_in(other, "ellie.carer@example.org", code=False)
        page = get_page(other, "/placements/FX-ELLIE")
    assert page.select_one(".nhsuk-card--care--urgent") is None
    assert "No known allergies." in text(page)


def test_the_placement_sheet_says_who_to_call_on_page_one(db, cli, client):
    assert cli("import", str(AMARA)).exit_code == 0
    make_carer(db, "amara.carer@example.org", "FC-0174", "FX-AMARA")
    sign_in(client, "amara.carer@example.org", code=False)
    answer = client.get("/placements/FX-AMARA/sheet.pdf")
    assert answer.status_code == 200
    first = " ".join((PdfReader(io.BytesIO(answer.data)).pages[0].extract_text() or "").split())
    assert "Who to call" in first
    assert "Parkside Health Centre, 01632 960134" in first
    assert "call NHS 111" in first
    # Who to call out of hours (format /2), on page 1 too.
    assert (
        "Out of hours (evenings, weekends, bank holidays) Emergency duty team, "
        "Example City Council, 01632 960900" in first
    )
