"""The young person's own part (format /2 `young_person_own`, issue 16) in the documents: the
passport shows it as theirs, in their own words, read back from the real PDF and the HTML;
their free text is escaped; the carer's sheet never shows it."""

from __future__ import annotations

import json
import re
from datetime import date

from passport.documents.content import build
from passport.documents.render import render_html, render_pdf
from tests.conftest import ROOT
from tests.documents.test_documents import html_text, pdf_text
from tests.helpers import own_part, with_parts

AS_OF = date(2026, 11, 29)
DANIEL = json.loads((ROOT / "fixtures" / "fx-daniel.json").read_text())
AMARA = json.loads((ROOT / "fixtures" / "fx-amara.json").read_text())
OWN = own_part("Ask about my knee <script>alert(1)</script>", dentist="Dentist check-up")


def with_own(record: dict) -> dict:
    return with_parts(record, young_person_own=OWN)


def test_the_passport_shows_their_own_part_as_theirs():
    document = build("passport", with_own(DANIEL), AS_OF)
    html = render_html(document)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for text in (pdf_text(render_pdf(document)), html_text(html)):
        text = re.sub(r" ([:,.)])", r"\1", text)  # the HTML's inline tags add a space
        assert "Things you added" in text
        assert "You wrote this part yourself" in text
        assert "You told us you like to be called Danny (he/they)." in text
        assert "Keeping my football on Saturdays" in text
        assert "Appointments coming up Physio: 14 December 2026 at 09:30, at Northfield" in text
        assert "Past appointments Dentist check-up: 2 October 2026" in text
        assert "20 November 2026: Ask about my knee <script>alert(1)</script>" in text
        # The nurse's record of the name stays as the nurse wrote it.
        assert "You like to be called Dan " in text


def test_the_care_leaver_summary_shows_their_own_part_too():
    """documents.md: the summary holds everything in the passport, their own part included."""
    document = build("leaver-summary", with_own(DANIEL), AS_OF)
    html = render_html(document)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    for text in (pdf_text(render_pdf(document)), html_text(html)):
        text = re.sub(r" ([:,.)])", r"\1", text)
        assert "Things you added" in text
        assert "You told us you like to be called Danny (he/they)." in text
        assert "Keeping my football on Saturdays" in text
        assert "Appointments coming up Physio: 14 December 2026 at 09:30, at Northfield" in text
        assert "20 November 2026: Ask about my knee <script>alert(1)</script>" in text
    without = html_text(render_html(build("leaver-summary", DANIEL, AS_OF)))
    assert "Things you added" not in without


def test_without_an_own_part_the_passport_says_nothing_of_it():
    text = html_text(render_html(build("passport", DANIEL, AS_OF)))
    assert "Things you added" not in text


def test_the_carer_sheet_never_shows_the_young_persons_own_part():
    record = with_own(AMARA)
    record["young_person_own"] = {**OWN, "preferred_name": "Mara-own", "pronouns": "xe/xem"}
    document = build("carer-sheet", record, AS_OF)
    for text in (html_text(render_html(document)), pdf_text(render_pdf(document))):
        for private in ("Ask about my knee", "Physio", "football", "Mara-own", "xe/xem"):
            assert private not in text
