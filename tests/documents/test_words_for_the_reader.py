"""Issue 15, "Each reader gets words meant for them", in the young person's documents: read
back from real PDFs. Each test fails on the documents made before the issue."""

from __future__ import annotations

import copy
import json
import re

import pytest
import textstat
from bs4 import BeautifulSoup

from passport.documents.content import build
from passport.documents.render import render_html, render_pdf
from passport.documents.words import plan_action, voice_for
from tests.conftest import FIXTURES, ROOT, SPEC, TODAY
from tests.documents.test_documents import html_text, pdf_text

NURSE_NOTE = "Carers should know the early signs"


def fixture(name: str) -> dict:
    return json.loads((ROOT / "fixtures" / f"fx-{name}.json").read_text())


def passport_pdf(record: dict, kind: str = "passport") -> str:
    return pdf_text(render_pdf(build(kind, record, TODAY)))


# --- 2. staff tasks never in the third person --------------------------------------------


def test_daniels_documents_never_show_the_nurses_task_about_him():
    daniel = fixture("daniel")
    text = passport_pdf(daniel)
    assert "Give Daniel his care-leaver health summary" not in text
    assert "go through it with him" not in text
    # His own open action is still there, said as his.
    assert "Apply for an HC2 certificate (help with NHS costs)" in text
    next_steps = build("passport", daniel, TODAY).sections["next"]
    assert "Your nurse will go through it with you." in " ".join(next_steps)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_no_plan_action_in_a_young_persons_words_talks_about_them(path):
    """Every fixture whose documents speak to the young person: no plan action shown names
    them or says he, she or they about anyone."""
    record = json.loads(path.read_text())
    child = record["child"]
    names = [n for n in (child["given_name"], child.get("preferred_name")) if n]
    third = re.compile(r"\b(he|him|his|she|her|they|them|their)\b", re.IGNORECASE)
    for kind in ("passport", "leaver-summary"):
        doc = build(kind, record, TODAY)
        if not doc.sections["voice"].to_child:
            continue
        if kind == "leaver-summary":  # its own layout: one "still to do" list
            agreed, said = [], doc.sections["to_do"]
        else:
            agreed = [x["action"] for c in doc.sections["checks"] for x in c["agreed"]]
            said = doc.sections["next"]
        for line in agreed + said:
            assert not any(re.search(rf"\b{re.escape(n)}\b", line) for n in names), line
        for line in agreed:
            assert not third.search(line), line


def test_the_rule_keeps_clinical_actions_and_the_young_persons_own():
    daniel = fixture("daniel")
    you = voice_for(daniel["child"], TODAY)
    said = plan_action(
        {"action": "Urgent CAMHS referral", "owner": "lac_nurse"}, daniel["child"], you
    )
    assert said == "Urgent CAMHS referral (your nurse)"
    mine = {"action": "Dental check-up", "owner": "young_person"}
    assert plan_action(mine, daniel["child"], you) == "Dental check-up (you)"
    about = {"action": "Ask the school for a named adult Dan can go to", "owner": "social_worker"}
    assert plan_action(about, daniel["child"], you) is None


# --- 3. notes written for staff never reach the young person ------------------------------


@pytest.mark.parametrize("name", ["ellie", "noah"])
def test_a_staff_note_stays_out_of_the_passport_and_a_note_for_them_is_shown(name):
    record = fixture(name)
    assert NURSE_NOTE in json.dumps(record)  # the note is in the record, for staff
    assert NURSE_NOTE not in passport_pdf(record)

    marked = copy.deepcopy(record)
    entry = next(e for e in marked["family_history"] if NURSE_NOTE in (e.get("notes") or ""))
    entry["notes"] = "Your dad has type 1 diabetes. Tell a doctor if you are always thirsty."
    entry["notes_for"] = "young_person"
    assert "Tell a doctor if you are always thirsty" in passport_pdf(marked)


def test_notes_for_the_young_person_show_on_conditions_and_hospital_stays():
    daniel = fixture("daniel")
    daniel["conditions"].append(
        {
            "name": "Hay fever",
            "status": "active",
            "notes": "Staff: check the inhaler technique <b>next time</b>.",
        }
    )
    daniel["conditions"].append(
        {
            "name": "Acne",
            "status": "active",
            "notes": "Wash your face <b>twice</b> a day.",
            "notes_for": "young_person",
        }
    )
    daniel["hospital_episodes"][0]["notes"] = "Ward staff only: family contact restricted."
    html = render_html(build("passport", daniel, TODAY))
    text = html_text(html)
    assert "Wash your face <b>twice</b> a day." in text  # escaped, shown as typed
    assert "<b>twice</b>" not in html
    assert "check the inhaler technique" not in text
    assert "family contact restricted" not in text


# --- 4. under 12, the passport speaks to the people looking after the child ---------------


def test_a_baby_is_not_told_to_call_nhs_111_if_she_is_struggling():
    rosie = fixture("rosie")  # born 2 March 2026: 8 months old
    text = passport_pdf(rosie)
    assert "Rosie's health passport, for the people who look after Rosie" in text
    assert "struggling" not in text
    assert "Hello Rosie" not in text
    assert "If Rosie is ill and you are not sure what to do, call NHS 111." in text


def test_pronouns_are_used_where_known_and_the_name_where_not():
    amara = fixture("amara")  # 6, she/her
    text = passport_pdf(amara)
    assert "Amara's health passport, for the people who look after her" in text
    assert "She has 1 vaccination to have: MMRV. Her GP can give it." in text
    assert "Her birth father: Peanut and tree nut allergy" in text
    assert "Your birth father" not in text


# The carer reading an under-12's passport is "you"; the child is named, never "you".
SAID_TO_THE_CHILD = re.compile(r"\b(your (GP|dentist|eyes|LAC nurse|social worker|own number|"
                               r"records|health check|list|nurse, or sign in)|you were|"
                               r"protects you|keep you well|how you are|after you came)\b", re.I)  # fmt: skip


@pytest.mark.parametrize("name", ["noah", "rosie", "amara"])
def test_an_under_12s_passport_names_the_child_in_contacts_vaccines_glossary_and_sharing(name):
    record = fixture(name)
    document = build("passport", record, TODAY)
    soup = BeautifulSoup(render_html(document), "html.parser")
    whose = f"{record['child'].get('preferred_name') or record['child']['given_name']}'s"
    for text in (passport_pdf(record), " ".join(soup.get_text(" ").split())):
        found = SAID_TO_THE_CHILD.findall(text)
        assert not found, found
        assert f"{whose} GP, dentist and optician" in text
        assert "Any high street optician can check your eyes" not in text
        assert "like a new doctor or a university" not in text
    assert soup.title.get_text().startswith("Health passport:")
    people = soup.select_one("section[aria-labelledby=contacts-heading]").get_text(" ")
    assert f"{whose} LAC nurse:" in " ".join(people.split())
    glossary = dict(document.sections["glossary"])
    assert "came into care" in glossary["IHA"] and "you" not in glossary["IHA"].lower()


def test_the_teenagers_passport_still_says_you_in_the_same_places():
    text = passport_pdf(fixture("tia"))
    assert "Your GP, dentist and optician" in text
    assert "Your first health check after you came into care." in text
    assert "like a new doctor or a university" in text


def test_from_12_the_passport_speaks_to_the_young_person():
    tia = fixture("tia")  # 15
    text = passport_pdf(tia)
    assert "Hello Tia. This is your health passport." in text
    assert "If you are struggling" in text


# --- 5. catch-up as a course from now -----------------------------------------------------


def amir_like() -> dict:
    """Born in 2010, came to the UK and into care in 2026, history said to be complete but
    with no dose recorded: the rules count every childhood dose as missed."""
    record = fixture("yusuf")
    record["immunisation_history_status"] = "complete"
    record["immunisations"] = []
    return record


def test_catch_up_is_a_course_from_now_never_due_since_before_care():
    text = passport_pdf(amir_like())
    due = text.split("What is still due", 1)[1].split("Allergies", 1)[0]
    assert "2010" not in due and "2011" not in due and "2020" not in due
    assert "due since" not in due and "was due on" not in due
    assert "You need three doses, at least 4 weeks apart, starting at your next GP visit." in due
    assert due.count("Td/IPV") == 1


def test_a_dose_due_after_coming_into_care_keeps_its_date():
    """Jordan-like records keep "It was due on 1 September 2024" (test_catch_up_wording):
    only doses due before care become a course from now."""
    yusuf = fixture("yusuf")
    yusuf["immunisation_history_status"] = "complete"
    due = passport_pdf(yusuf).split("What is still due", 1)[1].split("Allergies", 1)[0]
    assert "The first one was due on 29 October 2026. You can still have it." in due


# --- 6. "nothing left to do" only when true ------------------------------------------------


def test_next_steps_say_what_is_overdue_and_who_acts():
    minimal = json.loads((SPEC / "examples" / "minimal.json").read_text())
    text = passport_pdf(minimal)
    nxt = text.split("What happens next", 1)[1].split("What the words mean", 1)[0]
    assert "Nothing is" not in nxt
    assert "Pat's first health check was due on 29 October 2026. Pat's nurse is arranging it." in (
        nxt
    )
    assert "Pat's dental check was due on 1 October 2026." in nxt


def test_nothing_left_to_do_only_when_nothing_is():
    minimal = json.loads((SPEC / "examples" / "minimal.json").read_text())
    done = build("passport", minimal, TODAY)
    assert done.sections["next"], "Pat has overdue checks"
    ellie = fixture("ellie")
    steps = " ".join(build("passport", ellie, TODAY).sections["next"])
    assert "Her health check was due on 22 September 2026. Her nurse is arranging it." in steps


# --- the new fixed wording reads easily in both voices ------------------------------------


def _fixed_words(record: dict) -> str:
    soup = BeautifulSoup(render_html(build("passport", record, TODAY)), "html.parser")
    blocks = [" ".join(el.get_text(" ").split()) for el in soup.select("p, li, dd, h2, h3")]
    text = " ".join(b if b.endswith((".", "?", "!", ":")) else b + "." for b in blocks if b)
    return re.sub(r"\b\d+\b\s*", "", text)


@pytest.mark.parametrize("born", ["2015-05-05", "2009-05-05"], ids=["under-12", "teenager"])
def test_the_passports_fixed_wording_reads_at_70_or_more(born):
    minimal = json.loads((SPEC / "examples" / "minimal.json").read_text())
    minimal["child"]["date_of_birth"] = born
    score = textstat.flesch_reading_ease(_fixed_words(minimal))
    assert score >= 70, f"Flesch reading ease {score:.1f}"
