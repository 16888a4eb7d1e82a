"""The care-leaver summary is offered from 16 (issue 15): a 9-year-old's record page has no
"Issue the care-leaver summary" button, and posting the form anyway is refused."""

from __future__ import annotations

from tests.conftest import ROOT
from tests.helpers import csrf_token, get_page, make_nurse, sign_in
from tests.web.pages import text

ISSUE = "Issue the care-leaver summary"


def _nurse(cli, db, client):
    fixtures = (ROOT / "fixtures" / name for name in ("fx-ellie.json", "fx-daniel.json"))
    assert cli("import", *map(str, fixtures)).exit_code == 0
    make_nurse(db)
    sign_in(client)


def test_a_nine_year_old_is_not_offered_the_care_leaver_summary(cli, db, client):
    _nurse(cli, db, client)
    page = get_page(client, "/children/FX-ELLIE")  # Ellie is 9
    assert ISSUE not in text(page)
    assert page.select('form[action$="/leaver-summary/issue"]') == []
    assert text(page.select_one("#leaver-summary-status")) == (
        "The care-leaver summary is for young people aged 16 or over."
    )
    token = csrf_token(client, "/children/FX-ELLIE")
    refused = client.post("/children/FX-ELLIE/leaver-summary/issue", data={"csrf_token": token})
    assert refused.status_code == 400
    assert ISSUE not in text(get_page(client, "/children/FX-ELLIE"))
    assert "issued on" not in text(
        get_page(client, "/children/FX-ELLIE").select_one("#leaver-summary-status")
    )


def test_a_seventeen_year_old_is_offered_it(cli, db, client):
    _nurse(cli, db, client)
    page = get_page(client, "/children/FX-DANIEL")  # Daniel is 17
    button = page.select_one('form[action$="/leaver-summary/issue"] button')
    assert button is not None and text(button).startswith(ISSUE)
