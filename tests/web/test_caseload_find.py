"""Finding a child on the caseload: the filters for an overdue review, a correction the young
person asked for and a care-leaver summary due; search by name, ref or NHS number; sorting."""

from __future__ import annotations

from datetime import date

import pytest

from passport.records import workflow
from passport.rules.dates import age_in_years
from tests.conftest import FIXTURES, TODAY, load_json
from tests.helpers import csrf_token, get_page, make_nurse, sign_in
from tests.web.pages import text

MINE = {
    load_json(path)["child"]["ref"]: load_json(path)["child"]
    for path in FIXTURES
    if load_json(path)["child"]["responsible_authority"] == "Example City Council"
}


@pytest.fixture
def nurse(client, db, cli):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    make_nurse(db)
    assert sign_in(client).status_code == 302
    return client


def rows(client, query: str) -> list[tuple[str, str]]:
    """(ref, name shown) of each row, in order."""
    soup = get_page(client, f"/caseload?{query}")
    return [
        (a["href"].rsplit("/", 1)[1], a.get_text(strip=True))
        for a in soup.select("#caseload tbody tr a")
    ]


def refs(client, query: str) -> set[str]:
    return {ref for ref, _ in rows(client, query)}


def test_review_overdue_lists_only_children_whose_review_is_overdue(nurse, db):
    from passport.caseload.service import entry_for
    from passport.records.service import load_current

    found = refs(nurse, "filter=review-overdue")
    assert "FX-ELLIE" in found
    for ref in MINE:
        with db.transaction() as session:
            version, record = load_current(session, ref)
        overdue = "RHA_OVERDUE" in entry_for(version, record, TODAY).report.codes()
        assert (ref in found) == overdue, ref
    assert found != set(MINE)


def test_correction_requested_lists_children_with_an_open_request(nurse, db):
    assert refs(nurse, "filter=correction") == set()
    with db.transaction() as session:
        workflow.ask_for_correction(
            session, ref="FX-TIA", version=1, user_id=None, email="t@example.org", message="x"
        )
        answered = workflow.ask_for_correction(
            session, ref="FX-CHLOE", version=1, user_id=None, email="c@example.org", message="y"
        )
        session.flush()
        workflow.answer_correction(
            session, "FX-CHLOE", answered.id, by="n", accepted=False, answer="No"
        )
    assert refs(nurse, "filter=correction") == {"FX-TIA"}
    soup = get_page(nurse, "/caseload?filter=correction")
    assert "1 child found (correction requested)" in text(soup.select_one("#caseload-count"))
    # The row says why, in every list.
    everyone = get_page(nurse, "/caseload?sort=name")
    tagged = {
        row.select_one("a")["href"].rsplit("/", 1)[1]
        for row in everyone.select("#caseload tbody tr")
        if row.select_one(".app-tag-correction")
    }
    assert tagged == {"FX-TIA"}


def test_leaver_summary_due_is_16_and_over_without_one_issued(nurse, db):
    sixteen_plus = {
        ref
        for ref, c in MINE.items()
        if age_in_years(date.fromisoformat(c["date_of_birth"]), TODAY) >= 16
    }
    assert len(sixteen_plus) >= 2  # Daniel and Yusuf
    assert refs(nurse, "filter=leaver-summary-due") == sixteen_plus
    token = csrf_token(nurse, "/children/FX-DANIEL")
    assert (
        nurse.post(
            "/children/FX-DANIEL/leaver-summary/issue", data={"csrf_token": token}
        ).status_code
        == 302
    )
    assert refs(nurse, "filter=leaver-summary-due") == sixteen_plus - {"FX-DANIEL"}


@pytest.mark.parametrize(
    "search",
    ["okoro", "OKORO-reid", "fx-daniel", "9996304183", "999 630 4183", " 999 630  4183 ", "30418"],
)
def test_search_by_name_ref_or_nhs_number(nurse, search):
    assert refs(nurse, f"q={search}") == {"FX-DANIEL"}


def test_search_finds_a_preferred_name_and_says_when_nothing_matches(nurse):
    assert refs(nurse, "q=yusuf") == {"FX-YUSUF"}
    soup = get_page(nurse, "/caseload?q=nobody-called-this")
    assert soup.select("#caseload") == []
    assert "0 children found" in text(soup)
    # Another authority's child is not found, even by its exact NHS number.
    assert refs(nurse, "q=9997420063") == set()


def test_search_and_filter_together_and_the_form_keeps_them(nurse):
    assert refs(nurse, "filter=leaver-summary-due&q=yusuf") == {"FX-YUSUF"}
    assert refs(nurse, "filter=uasc&q=okoro") == set()
    soup = get_page(nurse, "/caseload?filter=uasc&q=yusuf&sort=name")
    assert soup.select_one("#q")["value"] == "yusuf"
    assert soup.select_one("#filter option[selected]")["value"] == "uasc"
    assert soup.select_one("#sort option[selected]")["value"] == "name"
    for field in ("filter", "q", "sort"):
        label = soup.select_one(f"label[for={field}]")
        assert label is not None and label.get_text(strip=True)
    assert soup.select_one("form.app-filters")["method"] == "get"


def test_sort_by_name(nurse):
    names = [name for _, name in rows(nurse, "sort=name")]
    assert len(names) == len(MINE)
    assert names == sorted(names, key=str.casefold)


def test_sort_by_age_oldest_first(nurse):
    ages = [
        age_in_years(date.fromisoformat(MINE[ref]["date_of_birth"]), TODAY)
        for ref, _ in rows(nurse, "sort=age")
    ]
    assert ages == sorted(ages, reverse=True) and ages[0] > ages[-1]


def test_sort_by_next_review_soonest_first(nurse):
    soup = get_page(nurse, "/caseload?sort=next-rha")
    cells = [
        td.get_text(" ", strip=True).removeprefix("Next review due ")
        for td in soup.select("#caseload tbody tr td:nth-of-type(4)")
    ]
    dated = [c for c in cells if c != "None due"]
    undated = [c for c in cells if c == "None due"]
    assert cells == dated + undated  # the children with no review due come last
    from datetime import datetime

    days = [datetime.strptime(c, "%d %B %Y").date() for c in dated]
    assert days == sorted(days) and len(set(days)) > 1


def test_urgency_is_the_default_sort_and_differs_from_name(nurse):
    default = rows(nurse, "")
    assert rows(nurse, "sort=urgency") == default
    assert default[0][0] == "FX-ELLIE"
    assert [n for _, n in default] != [n for _, n in rows(nurse, "sort=name")]
    # An unknown sort falls back to urgency rather than failing.
    assert rows(nurse, "sort=zzz") == default


def test_a_server_that_saw_nothing_shows_the_kept_reports_flags_in_full(nurse, app):
    """After the nightly job, a fresh server's caseload reads each child's kept report: the rows
    it shows carry every flag's wording, exactly as a server that checked the records shows."""
    from passport import jobs
    from passport.caseload import service as caseload

    checked_here = text(get_page(nurse, "/caseload?sort=name"))
    with app.app_context():
        jobs.enqueue("caseload.nightly")
    caseload._REPORTS.clear()
    kept = get_page(nurse, "/caseload?sort=name")
    assert text(kept) == checked_here
    assert kept.select("#caseload tbody tr")
