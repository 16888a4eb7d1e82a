"""The top of the record page: the summary a nurse reads first, the jump links, the older
assessments folded away and the notes about past assessments in one line."""

from __future__ import annotations

import pytest

from passport.caseload.service import OVERDUE_CODES, entry_for
from passport.records.service import load_current
from tests.conftest import FIXTURES, TODAY
from tests.helpers import form_page, get_page, make_nurse, sign_in
from tests.web.pages import text

DANIEL = "/children/FX-DANIEL"


@pytest.fixture
def nurse(client, db, cli):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    make_nurse(db)
    assert sign_in(client).status_code == 302
    return client


def items(soup, box: str) -> list[str]:
    return [text(li) for li in soup.select(f"#summary-{box} li")]


def test_the_summary_comes_first_and_lists_what_is_current(nurse, db):
    soup = get_page(nurse, DANIEL)
    html = str(soup)
    assert html.index('id="summary"') < html.index('id="details"')
    medicines = items(soup, "medicines")
    # Daniel's three stopped medicines are not current; the one he still uses is.
    assert [m.split(",")[0] for m in medicines] == ["Adapalene 0.1% gel"]
    assert not any("Methylphenidate" in m for m in medicines)
    assert "Methylphenidate" in text(soup.select_one("#medications").find_next("dl"))
    conditions = items(soup, "conditions")
    assert "Attention deficit hyperactivity disorder (ADHD)" in conditions and "Acne" in conditions
    assert not any("wrist" in c for c in conditions)  # resolved
    [allergy] = items(soup, "allergies")
    assert allergy.startswith("Penicillin")

    with db.transaction() as session:
        version, record = load_current(session, "FX-DANIEL")
    report = entry_for(version, record, TODAY).report
    overdue = [f for f in report.flags if f.code in OVERDUE_CODES]
    assert len(items(soup, "overdue")) == len(overdue)
    assert all("Who must act:" in line for line in items(soup, "overdue"))
    open_actions = [
        action["action"]
        for assessment in record["assessments"]
        for action in assessment.get("health_plan", [])
        if action["status"] == "open"
    ]
    assert len(items(soup, "plan")) == len(open_actions) > 0
    for action in open_actions:
        assert any(line.startswith(action) for line in items(soup, "plan"))


def test_the_summary_says_what_is_overdue_and_who_must_act(nurse):
    soup = get_page(nurse, "/children/FX-ELLIE")
    overdue = items(soup, "overdue")
    assert any(
        line.startswith("Review overdue") and line.endswith("Who must act: LAC nurse")
        for line in overdue
    ), overdue


def test_a_resolved_allergy_leaves_the_summary(nurse):
    url = f"{DANIEL}/allergies/0/status"
    token, version = form_page(nurse, url)
    saved = nurse.post(
        url,
        data={
            "csrf_token": token,
            "version": version,
            "status": "resolved",
            "status_on-day": "10",
            "status_on-month": "11",
            "status_on-year": "2026",
            "status_by": "Dr Example (allergy clinic)",
            "status_reason": "Negative oral challenge",
        },
    )
    assert saved.status_code == 302
    soup = get_page(nurse, DANIEL)
    assert items(soup, "allergies") == []
    assert text(soup.select_one("#summary-allergies")) == "None known"
    # Still in the allergies section below, as resolved.
    assert "Resolved on 10 November 2026" in text(soup.select_one("#allergies").find_next("dl"))


def test_a_stopped_medicine_leaves_the_summary(nurse):
    soup = get_page(nurse, DANIEL)
    assert any(m.startswith("Adapalene") for m in items(soup, "medicines"))
    url = f"{DANIEL}/medications/3/stop"
    token, version = form_page(nurse, url)
    saved = nurse.post(
        url,
        data={
            "csrf_token": token,
            "version": version,
            "stopped-day": "20",
            "stopped-month": "11",
            "stopped-year": "2026",
            "stop_reason": "Acne cleared",
        },
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    soup = get_page(nurse, DANIEL)
    assert items(soup, "medicines") == []
    assert text(soup.select_one("#summary-medicines")) == "None"


def test_jump_links_go_to_sections_on_the_page(nurse):
    for ref in ("FX-DANIEL", "FX-ELLIE", "FX-ROSIE"):
        soup = get_page(nurse, f"/children/{ref}")
        links = soup.select("nav[aria-labelledby=on-this-page] a")
        assert len(links) >= 12
        for link in links:
            target = link["href"].removeprefix("#")
            assert soup.find(id=target) is not None, (ref, target)
        targets = {link["href"] for link in links}
        assert {"#allergies", "#medications", "#assessments", "#history"} <= targets


def test_assessments_older_than_the_last_two_are_folded_away(nurse, db):
    soup = get_page(nurse, DANIEL)
    with db.transaction() as session:
        _, record = load_current(session, "FX-DANIEL")
    count = len(record["assessments"])
    older = soup.select_one("details#older-assessments")
    assert older is not None
    assert len(older.select(".nhsuk-card")) == count - 2
    assert f"{count - 2} older assessments" in text(older.select_one("summary"))
    section = soup.select_one("#assessments").parent
    shown = [
        card
        for card in section.select(".nhsuk-card")
        if card.find_parent("details") is None and card.find_parent(id="summary") is None
    ]
    newest = sorted(record["assessments"], key=lambda a: a["date"], reverse=True)[:2]
    headings = [text(card.select_one(".nhsuk-card__heading")) for card in shown]
    from passport.rules.dates import long_date

    open_headings = [h for h in headings if "health assessment," in h]
    assert len(open_headings) == 2
    for heading, assessment in zip(open_headings, newest, strict=True):
        assert heading.endswith(long_date(assessment["date"]))


def test_two_assessments_are_not_folded(nurse):
    soup = get_page(nurse, "/children/FX-ELLIE")
    assert soup.select_one("#older-assessments") is None


def test_notes_about_past_assessments_are_one_line(nurse, db):
    with db.transaction() as session:
        version, record = load_current(session, "FX-DANIEL")
    report = entry_for(version, record, TODAY).report
    latest = max(record["assessments"], key=lambda a: a["date"])["id"]
    past = [
        f
        for f in report.flags
        if f.severity == "info" and f.extra.get("assessment_id") not in (None, latest)
    ]
    assert len(past) >= 2
    soup = get_page(nurse, DANIEL)
    flags = soup.select_one("#flags").find_next("ul")
    line = flags.select_one("#past-assessment-notes")
    assert line is not None
    assert len(line.select("details li")) == len(past)
    top_level = flags.find_all("li", recursive=False)
    assert len(top_level) == len(report.flags) - len(past) + 1
