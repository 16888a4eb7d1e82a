"""Issue 12 in the documents: catch-up said as a plan, never a false "up to date".

UKHSA, "Vaccination of individuals with uncertain or incomplete immunisation status" (from
1 July 2025): a dose without a record counts as not given; plan the fewest visits, 4 weeks
apart. Sources in full: docs/rules.md.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import textstat
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passport.documents.content import build
from passport.documents.render import render_html

AS_OF = date(2026, 11, 25)
TODAY = date(2026, 11, 29)
FALSE_COMFORT = ("up to date with", "nothing is due.")


def record(
    date_of_birth: str, *, entered_care: str, status: str = "unknown", **child: Any
) -> dict[str, Any]:
    return {
        "format": "lac-health-record/1",
        "child": {
            "ref": "T-DOC",
            "given_name": "Sami",
            "family_name": "Test",
            "date_of_birth": date_of_birth,
            "sex_at_birth": "male",
            "entered_care": entered_care,
            **child,
        },
        "immunisation_history_status": status,
    }


def vaccinations_text(
    document_kind: str, data: dict[str, Any], as_of: date = AS_OF, heading: str = "vaccinations"
) -> str:
    soup = BeautifulSoup(render_html(build(document_kind, data, as_of)), "html.parser")
    section = soup.find(id=f"{heading}-heading").parent
    blocks = [" ".join(el.get_text(" ").split()) for el in section.select("p, li, h2, h3, td, dt")]
    return " ".join(b if b.endswith((".", "?", "!", ":")) else b + "." for b in blocks if b)


def test_a_care_leaver_born_in_2003_is_not_told_they_are_up_to_date():
    leaver = record("2003-05-10", entered_care="2019-02-04", left_care="2021-05-10")
    # The summary says what is due on its first page, for a new GP.
    text = vaccinations_text("leaver-summary", leaver, heading="gp-page")
    assert not any(phrase in text.casefold() for phrase in FALSE_COMFORT), text
    due = text.split("Vaccinations still due", 1)[1]
    for vaccine in ("Td/IPV", "MMR", "MenACWY"):
        assert vaccine in due
    assert "from when you came into care, on 4 February 2019" in due


def test_the_catch_up_is_a_numbered_plan_from_arrival_not_a_teenage_booster():
    arrived = record(
        "2010-05-10",
        entered_care="2026-09-14",
        arrived_in_uk="2026-09-01",
        unaccompanied_asylum_seeking=True,
    )
    due = vaccinations_text("passport", arrived).split("What is still due", 1)[1]
    assert "You need three doses, at least 4 weeks apart, starting at your next GP visit." in due
    assert "from when you came to the UK, on 1 September 2026" in due
    assert "booster" not in due and "2010" not in due and "due since" not in due


def test_the_teenage_booster_is_still_called_one_when_it_is():
    jordan_like = record("2011-03-02", entered_care="2020-01-06", status="complete")
    jordan_like["immunisations"] = [
        {"vaccine": vaccine, "date": day, "source": "gp_record"}
        for vaccine, day in (
            ("5-in-1", "2011-04-27"),
            ("5-in-1", "2011-05-25"),
            ("5-in-1", "2011-06-22"),
            ("Hib/MenC", "2012-03-05"),
            ("MMR", "2012-03-05"),
            ("4-in-1 pre-school booster", "2014-07-07"),
            ("MMR", "2014-07-07"),
            ("HPV", "2024-11-12"),
        )
    ]
    due = vaccinations_text("passport", jordan_like).split("What is still due", 1)[1]
    assert "tetanus, diphtheria and polio (the teenage booster)" in due
    assert "It was due on 1 September 2024. You can still have it." in due


def test_an_incomplete_history_with_nothing_due_is_not_called_up_to_date():
    partial = record("2010-05-10", entered_care="2026-09-14", status="partial")
    partial["immunisations"] = (
        [
            {"vaccine": vaccine, "date": "2026-09-20", "source": "gp_record"}
            for vaccine in ("Td/IPV", "MMR", "MenACWY", "HPV")
        ]
        + [
            {"vaccine": vaccine, "date": "2026-10-20", "source": "gp_record"}
            for vaccine in ("Td/IPV", "MMR")
        ]
        + [{"vaccine": "Td/IPV", "date": "2026-11-18", "source": "gp_record"}]
    )
    text = vaccinations_text("passport", partial)
    assert "we can't say you are up to date" in text
    assert not any(phrase in text.casefold() for phrase in FALSE_COMFORT), text


def test_the_carers_sheet_names_each_vaccine_once():
    arrived = record("2010-05-10", entered_care="2026-09-14", arrived_in_uk="2026-09-01")
    sheet = build("carer-sheet", arrived, AS_OF).sections
    assert sheet["vaccinations_due"] == ["Td/IPV", "MMR", "HPV", "MenACWY"]


def test_catch_up_wording_reads_easily():
    """The project's measure (test_readability.py): Flesch reading ease over our own words,
    numbers left out. Catch-up wording for the young person must score 70 or more."""
    for data in (
        record("2010-05-10", entered_care="2026-09-14", arrived_in_uk="2026-09-01"),
        record("2003-05-10", entered_care="2019-02-04", left_care="2021-05-10"),
        record("2019-02-01", entered_care="2026-06-01"),
    ):
        for kind in ("passport", "leaver-summary"):
            text = re.sub(r"\b\d+\b\s*", "", vaccinations_text(kind, data))
            score = textstat.flesch_reading_ease(text)
            assert score >= 70, f"{kind}: Flesch reading ease {score:.1f}"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dates(date(2001, 1, 1), TODAY - timedelta(weeks=8)), st.data())
def test_no_document_tells_someone_with_an_unknown_history_they_are_up_to_date(born, data):
    entered = data.draw(st.dates(born, TODAY))
    as_of = data.draw(st.dates(max(entered, born + timedelta(weeks=8)), TODAY))
    unknown = record(born.isoformat(), entered_care=entered.isoformat())
    for kind in ("passport", "leaver-summary"):
        text = vaccinations_text(kind, unknown, as_of).casefold()
        assert not any(phrase in text for phrase in FALSE_COMFORT), (born, kind, text)


def carer_todo(data: dict[str, Any], as_of: date = AS_OF) -> str:
    soup = BeautifulSoup(render_html(build("carer-sheet", data, as_of)), "html.parser")
    return " ".join(soup.find(id="todo-heading").parent.get_text(" ").split())


def test_the_carer_is_not_told_nothing_is_due_when_the_record_is_incomplete():
    """The carer's sheet said "Nothing is due right now" for a partial history with no dose
    listed: never reassurance the record cannot give (issue 12, item 1)."""
    partial = record("2010-05-10", entered_care="2026-09-14", status="partial")
    partial["immunisations"] = [
        {"vaccine": vaccine, "date": day, "source": "gp_record"}
        for vaccine, day in (
            ("Td/IPV", "2026-09-20"),
            ("MMR", "2026-09-20"),
            ("MenACWY", "2026-09-20"),
            ("HPV", "2026-09-20"),
            ("Td/IPV", "2026-10-20"),
            ("MMR", "2026-10-20"),
            ("Td/IPV", "2026-11-18"),
        )
    ]
    todo = carer_todo(partial)
    assert "Nothing is due right now" not in todo
    assert (
        "The vaccination record is not complete, so we cannot say all vaccinations are done" in todo
    )

    complete = {**partial, "immunisation_history_status": "complete"}
    assert "The vaccination record is not complete" not in carer_todo(complete)
