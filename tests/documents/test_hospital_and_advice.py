"""Time in hospital and advice given (format /2) in the three documents, read back from the
PDFs: the young person's words are plain and never show the nurse's notes; the carer sheet
lists only the last 12 months."""

from __future__ import annotations

import json
from datetime import date

import pytest
import textstat
from bs4 import BeautifulSoup

from passport.documents.content import build
from passport.documents.render import render_html, render_pdf
from tests.conftest import ROOT, SPEC
from tests.documents.test_documents import html_text, pdf_text

AS_OF = date(2026, 11, 25)
DANIEL = json.loads((ROOT / "fixtures" / "fx-daniel.json").read_text())
NOTES = [
    item["notes"]
    for section in ("hospital_episodes", "health_advice")
    for item in DANIEL[section]
    if item.get("notes")
]


@pytest.mark.parametrize("kind", ["passport", "leaver-summary"])
def test_the_young_persons_documents_say_time_in_hospital_and_advice_given(kind):
    assert NOTES  # the fixture has notes to keep out
    document = build(kind, DANIEL, AS_OF)
    for text in (html_text(render_html(document)), pdf_text(render_pdf(document))):
        assert "Time in hospital" in text
        assert (
            "You had an operation on 2 June 2025, until 4 June 2025, at Example General "
            "Hospital. Why: Appendix removed (appendicitis)"
        ) in text
        assert "You went to A&E (accident and emergency) on 14 March 2026" in text
        assert "Advice you were given" in text
        assert "How to sign up with a GP: on 10 May 2026, by Sam Patel, LAC nurse" in text
        assert "Sex, relationships and contraception: on 20 November 2025" in text
        for note in NOTES:
            assert note[:25] not in text


def test_the_carer_sheet_lists_only_the_last_12_months_of_hospital():
    document = build("carer-sheet", DANIEL, AS_OF)
    for text in (html_text(render_html(document)), pdf_text(render_pdf(document))):
        assert "Time in hospital in the last 12 months" in text
        assert (
            "Went to A&E on 14 March 2026, at Example General Hospital A&E: Sprained left "
            "wrist playing football"
        ) in text
        assert "2 June 2025" not in text  # the operation was more than 12 months ago
        assert "Advice you were given" not in text
        for note in NOTES:
            assert note[:25] not in text
    later = build("carer-sheet", DANIEL, date(2027, 3, 20))
    assert "No time in hospital in the last 12 months." in html_text(render_html(later))


def _our_sections(record: dict) -> str:
    """The words of the two new sections of the passport, each block a sentence."""
    soup = BeautifulSoup(render_html(build("passport", record, AS_OF)), "html.parser")
    blocks = []
    for heading in ("hospital-heading", "advice-heading"):
        section = soup.find(id=heading).find_parent("section")
        blocks += [" ".join(el.get_text(" ").split()) for el in section.select("h2, p, li")]
    return " ".join(b if b.endswith((".", "?", "!", ":")) else b + "." for b in blocks)


def test_the_new_sections_read_easily_whether_empty_or_full():
    minimal = json.loads((SPEC / "examples" / "minimal.json").read_text())
    empty = _our_sections(minimal)
    # Pat is 11: the passport speaks to the people who look after Pat (issue 15).
    assert "We don't have a record of Pat being in hospital." in empty
    full = _our_sections(DANIEL)
    for text in (empty, full):
        score = textstat.flesch_reading_ease(text)
        assert score >= 70, f"Flesch reading ease {score:.1f}: {text}"
