"""Doses not given and birth-family consent in the documents (issue 14): the passport and the
leaver summary list a dose declined or not safe to give apart from what was had, never as due;
the carer sheet says it is not due; a family entry reaches the young person only when the
relative's consent is given."""

from __future__ import annotations

import copy
import json
import re
from datetime import date

import pytest
from bs4 import BeautifulSoup

from passport.documents.content import build
from passport.documents.render import render_html
from tests.conftest import ROOT, SPEC

AS_OF = date(2026, 11, 25)
JORDAN = json.loads((SPEC / "examples" / "jordan-typical.json").read_text())


def html_text(html: str) -> str:
    words = " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())
    return words.replace(" ,", ",")  # the space get_text puts after </strong>


def jordan_with_a_dose_declined() -> dict:
    """Jordan (born 2011) in /2, his Td/IPV teenage booster declined, with the reason."""
    record = copy.deepcopy(JORDAN)
    record["format"] = "lac-health-record/2"
    record["immunisations"] = [i for i in record["immunisations"] if i["vaccine"] != "Td/IPV"]
    record["immunisations"].append(
        {
            "vaccine": "Td/IPV",
            "dose": 5,
            "date": "2026-05-03",
            "source": "school_programme",
            "status": "declined",
            "status_reason": "Wants to wait <until after exams>",
            "status_by": "Jordan, with his social worker",
        }
    )
    return record


@pytest.mark.parametrize("kind", ["passport", "leaver-summary"])
def test_the_young_persons_documents_say_a_dose_was_not_given_and_why(kind):
    record = jordan_with_a_dose_declined()
    document = build(kind, record, AS_OF)
    if kind == "passport":  # the summary's content is its own (documents.leaver)
        vaccinations = document.sections["vaccinations"]
        assert "Td/IPV" not in [i["vaccine"] for i in vaccinations["had"]]
        assert "Td/IPV" not in [i["vaccine"] for i in vaccinations["due"]]
    else:
        assert "Td/IPV" not in [v["vaccine"] for v in document.sections["vaccines_had"]]
        assert "Td/IPV" not in [v["vaccine"] for v in document.sections["gp_page"]["vaccines_due"]]
    html = render_html(document)
    words = html_text(html)
    assert (
        "Vaccinations not given Td/IPV dose 5, 3 May 2026. Not given: declined "
        "(Wants to wait <until after exams>)." in words
    )
    assert "&lt;until after exams&gt;" in html  # escaped, never markup


def test_without_the_decision_the_same_dose_is_due():
    record = jordan_with_a_dose_declined()
    record["immunisations"] = [i for i in record["immunisations"] if "status" not in i]
    vaccinations = build("passport", record, AS_OF).sections["vaccinations"]
    assert "Td/IPV" in [i["vaccine"] for i in vaccinations["due"]]
    assert vaccinations["not_given"] == []


def test_a_contraindicated_dose_is_said_as_not_safe_to_give():
    record = jordan_with_a_dose_declined()
    record["immunisations"][-1].update(status="contraindicated", status_reason="Guillain-Barré")
    words = html_text(render_html(build("passport", record, AS_OF)))
    assert "Td/IPV dose 5, 3 May 2026. Not given: not safe to give (Guillain-Barré)." in words


def test_the_carer_sheet_says_the_dose_is_not_due():
    record = jordan_with_a_dose_declined()
    sheet = build("carer-sheet", record, AS_OF)
    assert "Td/IPV" not in sheet.sections["vaccinations_due"]
    words = html_text(render_html(sheet))
    assert (
        "Td/IPV dose 5: not given: declined (Wants to wait <until after exams>). It is not "
        "due, so there is nothing to book." in words
    )


def family_entry(**consent) -> dict:
    record = copy.deepcopy(JORDAN)
    record["format"] = "lac-health-record/2"
    record["family_history"] = [
        {
            "relative": "birth_father",
            "condition": "Type 1 diabetes",
            "category": "physical",
            **consent,
        }
    ]
    return record


@pytest.mark.parametrize(
    ("consent", "shown"),
    [
        ({"consent_state": "given", "consent_on": "2026-03-01"}, True),
        ({"consent_state": "given", "consent_to_share_with_young_person": True}, True),
        ({"consent_state": "asked", "consent_on": "2026-03-01"}, False),
        ({"consent_state": "refused", "consent_to_share_with_young_person": False}, False),
        ({"consent_state": "not_traced"}, False),
        ({"consent_state": "not_asked"}, False),
        ({}, False),
    ],
)
def test_the_young_person_sees_a_family_entry_only_with_consent_given(consent, shown):
    for kind in ("passport", "leaver-summary"):
        words = html_text(render_html(build(kind, family_entry(**consent), AS_OF)))
        assert ("Type 1 diabetes" in words) == shown, (kind, consent)


def test_the_fixture_of_record_still_builds():
    # A /2 fixture with no decisions keeps its documents as they were.
    record = json.loads((ROOT / "fixtures" / "fx-yusuf.json").read_text())
    assert build("passport", record, AS_OF).sections["vaccinations"]["not_given"] == []


def test_the_words_about_a_dose_not_given_are_easy_to_read():
    """The young person's words for doses not given: Flesch reading ease 70 or more."""
    import textstat

    record = jordan_with_a_dose_declined()
    record["immunisations"][-1]["status_reason"] = "You wanted to wait"
    record["immunisations"].append(
        {
            "vaccine": "HPV",
            "date": "2026-05-03",
            "source": "school_programme",
            "status": "contraindicated",
            "status_reason": "You were ill that day",
        }
    )
    soup = BeautifulSoup(render_html(build("passport", record, AS_OF)), "html.parser")
    heading = soup.find("h3", string="Vaccinations not given")
    blocks = [heading, heading.find_next("ul"), heading.find_next("ul").find_next("p")]
    words = " ".join(" ".join(b.get_text(" ").split()) for b in blocks)
    words = re.sub(r"[\d/]+", "", words)  # dates and dose numbers are not words to score
    score = textstat.flesch_reading_ease(words)
    assert score >= 70, (score, words)
