"""The care-leaver summary a care leaver can use (issue 15): page 1 for a new GP, then what is
still to do (said to them), tests, teeth and eyes, hospital, history, vaccines, their own
words as they chose, looking after their health and how to get their full record. Read back
from real PDFs, page by page where the page matters."""

from __future__ import annotations

import copy
import io
import json
import re
import unicodedata
from datetime import date

import pytest
import textstat
from bs4 import BeautifulSoup
from pypdf import PdfReader

from passport.documents.content import build
from passport.documents.leaver import NOTHING_LEFT
from passport.documents.render import render_html, render_pdf
from tests.conftest import ROOT, SPEC, TODAY

DANIEL = json.loads((ROOT / "fixtures" / "fx-daniel.json").read_text())
YUSUF = json.loads((ROOT / "fixtures" / "fx-yusuf.json").read_text())
QUOTED = sorted(
    (a for a in DANIEL["assessments"] if a.get("young_person_views")),
    key=lambda a: a["date"],
    reverse=True,
)


def amir() -> dict:
    """Amir, 16, came to the UK alone this year: no vaccine record, TB result still awaited."""
    record = copy.deepcopy(YUSUF)
    record["child"].update(given_name="Amir", family_name="Haddad", preferred_name="Amir")
    for test in record["screening"]:
        if test["test"] == "tb":
            test["result"] = "pending"
            test.pop("result_on", None)
    return record


def pages(pdf: bytes) -> list[str]:
    return [
        " ".join(unicodedata.normalize("NFKC", page.extract_text() or "").split())
        for page in PdfReader(io.BytesIO(pdf)).pages
    ]


def text_of(record: dict) -> str:
    html = render_html(build("leaver-summary", record, TODAY))
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


@pytest.fixture(scope="module")
def daniel_pages() -> list[str]:
    return pages(render_pdf(build("leaver-summary", DANIEL, TODAY)))


@pytest.fixture(scope="module")
def amir_pages() -> list[str]:
    return pages(render_pdf(build("leaver-summary", amir(), TODAY)))


def test_page_one_is_for_a_new_gp(daniel_pages):
    first = daniel_pages[0]
    assert "For your new GP" in first
    assert "999 630 4183" in first
    # Allergies with their reaction, current medicines and active conditions only.
    assert "Penicillin" in first and "Itchy raised rash" in first
    assert "Adapalene" in first
    assert "Methylphenidate" not in first  # stopped in 2023
    assert "Attention deficit hyperactivity disorder (ADHD)" in first and "Acne" in first
    assert "Infantile eczema" not in first  # resolved
    # Family history the relative agreed to share, and nothing else.
    assert "Depression" in first and "Type 2 diabetes" in first
    assert "Hepatitis C" not in first and "Heroin" not in first
    # The last health check and who did it.
    assert "9 March 2026" in first and "Sam Patel" in first
    assert "None. You are up to date" in first


def test_allergies_are_on_page_one_only_and_the_summary_is_short(daniel_pages):
    # It ran to 12 pages, with allergies on page 5 after three pages of vaccines.
    assert len(daniel_pages) <= 6, len(daniel_pages)
    assert "Itchy raised rash" not in " ".join(daniel_pages[1:])
    assert "Penicillin" not in daniel_pages[4]


def test_vaccines_due_are_on_page_one_and_nothing_left_to_do_is_not_said(amir_pages):
    first = amir_pages[0]
    for vaccine in ("HPV", "Td/IPV", "MMR"):
        assert vaccine in first
    whole = " ".join(amir_pages)
    assert NOTHING_LEFT not in whole
    assert "Vaccinations still due: HPV, Td/IPV, MMR" in whole
    assert "You are waiting for test results: TB (tuberculosis)" in whole
    # Late is over once it happened; nothing else about the first check is to do.
    assert "first health check (IHA) was late" not in whole


def test_tb_screening_appears_and_pending_is_said_as_pending(amir_pages):
    tests_page = next(page for page in amir_pages if "Your tests" in page)
    row = re.search(r"TB \(tuberculosis\) (.{0,40})", tests_page)
    assert row and "14 September 2026 Waiting for the result" in row.group(1)
    assert "Hepatitis B 14 September 2026 Clear: nothing was found" in tests_page
    # The follow-up notes are written for staff and never reach the young person.
    assert "second talk with the interpreter" not in " ".join(amir_pages)


def test_nothing_left_to_do_only_when_true():
    daniel = text_of(DANIEL)
    assert NOTHING_LEFT not in daniel  # his own HC2 application is open
    assert "Apply for an HC2 certificate" in daniel and "This is for you to do" in daniel
    done = copy.deepcopy(DANIEL)
    for assessment in done["assessments"]:
        for action in assessment.get("health_plan", []):
            if action["owner"] == "young_person" and action["status"] == "open":
                action.update(status="done", completed_on="2026-11-20")
    text = text_of(done)
    assert f"Yes {NOTHING_LEFT}" in text
    assert "Still to do" not in text


OTHERS = "Your nurse and your GP also have things to do from your health plan."


def test_who_else_is_acting_is_said_beside_the_list_and_never_their_task(daniel_pages):
    """Others' open plan actions are said as who acts (as the passport says it), beside
    "Still to do", not in it: what others do is not left for the young person to do."""
    assert any(OTHERS in page for page in daniel_pages)  # in the real PDF
    mine_done = copy.deepcopy(DANIEL)
    for assessment in mine_done["assessments"]:
        for action in assessment.get("health_plan", []):
            if action["owner"] == "young_person" and action["status"] == "open":
                action.update(status="done", completed_on="2026-11-20")
    text = text_of(mine_done)
    assert f"Yes {NOTHING_LEFT}" in text and OTHERS in text
    assert "allergy label is still right" not in text  # who acts, never the staff task
    all_done = copy.deepcopy(mine_done)
    for assessment in all_done["assessments"]:
        for action in assessment.get("health_plan", []):
            if action["status"] == "open":
                action.update(status="done", completed_on="2026-11-20")
    assert "also have things to do" not in text_of(all_done)
    assert "also has things to do" not in text_of(all_done)


def test_no_staff_task_reaches_the_young_person():
    text = text_of(DANIEL)
    assert "Give Daniel his care-leaver health summary" not in text
    assert "allergy label is still right" not in text  # the GP's task, in staff words
    assert "has no care-leaver health summary yet" not in text  # the rules' staff message


def test_birth_details_go_in_only_by_the_young_persons_choice():
    unchosen = text_of(DANIEL)
    assert "You can choose to add details of your birth" in unchosen
    assert "You were born at" not in unchosen and "2.64 kg" not in unchosen
    shown = copy.deepcopy(DANIEL)
    shown["young_person_choices"] = {"show_birth_details": True}
    text = text_of(shown)
    assert "You were born at Example General Hospital" in text
    assert "You weighed 2.64 kg" in text
    assert "heroin" not in text.lower()  # the birth notes are the nurse's
    hidden = copy.deepcopy(DANIEL)
    hidden["young_person_choices"] = {"show_birth_details": False}
    text = text_of(hidden)
    assert "You chose to leave out your birth details" in text
    assert "You were born at" not in text and "2.64 kg" not in text


def test_own_words_are_the_latest_three_unless_they_chose():
    text = text_of(DANIEL)
    for assessment in QUOTED[:3]:
        assert assessment["young_person_views"] in text
    for assessment in QUOTED[3:]:
        assert assessment["young_person_views"] not in text
    assert "I hate it here" not in text
    chosen = copy.deepcopy(DANIEL)
    chosen["young_person_choices"] = {"summary_quotes": ["RHA-2021", "RHA-2026"]}
    text = text_of(chosen)
    said = {a["id"]: a["young_person_views"] for a in QUOTED}
    assert said["RHA-2021"] in text and said["RHA-2026"] in text
    assert said["RHA-2025"] not in text
    assert "You chose these things you said" in text
    none = copy.deepcopy(DANIEL)
    none["young_person_choices"] = {"summary_quotes": []}
    text = text_of(none)
    assert "You chose not to add anything you said" in text
    assert not any(a["young_person_views"] in text for a in QUOTED)


def test_their_words_are_escaped():
    record = copy.deepcopy(DANIEL)
    record["assessments"][-1]["young_person_views"] = "<script>alert(1)</script> & me"
    html = render_html(build("leaver-summary", record, TODAY))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; me" in html


def test_looking_after_your_health_and_the_advice_recorded():
    text = text_of(DANIEL)
    section = text[text.index("Looking after your health") :]
    for said in (
        "Sign up with a GP",
        "HC2 certificate",
        "NHS dental care is free until you are 18",
        "Sexual health clinics are free",
        "NHS Talking Therapies",
        "Sex, relationships and contraception: on 20 November 2025, by Sam Patel, LAC nurse",
        "How to sign up with a GP: on 10 May 2026",
        "Jade Wilson, phone 07700 900231",
    ):
        assert said in section, said
    assert "Synthetic. Talked about" not in text  # the advice notes are the nurse's


def test_how_to_get_the_full_health_record():
    text = text_of(DANIEL)
    section = text[text.index("How to get your full health record") :]
    for said in (
        "subject access request",
        "In most cases it is free",
        "Ask Ashgrove Medical Practice",
        "Ask Example City Council",
        "your health checks and health plans",
        "within one month",
        "your NHS number",
    ):
        assert said in section, said


def test_the_history_is_compact_and_past_medicines_say_stopped():
    text = text_of(DANIEL)
    assert "Methylphenidate modified-release, stopped on 10 July 2023" in text
    assert "You had 23 health checks while you were in care, from 31 March 2009" in text
    # One row a vaccine: each flu dose date in the same row.
    assert re.search(r"Flu 14 October 2015, 12 October 2016", text)


def fixed_wording() -> str:
    """The summary of a record with nothing in it but a name: only our own words remain."""
    minimal = json.loads((SPEC / "examples" / "minimal.json").read_text())
    soup = BeautifulSoup(
        render_html(build("leaver-summary", minimal, date(2026, 11, 25))), "html.parser"
    )
    blocks = [" ".join(el.get_text(" ").split()) for el in soup.select("p, li, dd, h2, h3, td")]
    text = " ".join(b if b.endswith((".", "?", "!", ":")) else b + "." for b in blocks if b)
    return re.sub(r"\b\d+\b\s*", "", text)


def test_the_fixed_wording_of_the_summary_is_easy_to_read():
    text = fixed_wording()
    for new in ("subject access request", "HC2 certificate", "Sexual health clinics"):
        assert new in text
    assert len(text.split()) > 300
    score = textstat.flesch_reading_ease(text)
    assert score >= 70, f"Flesch reading ease {score:.1f}"
