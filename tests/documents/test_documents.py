"""The three documents: what they hold, what they must never hold, read back from real PDFs."""

from __future__ import annotations

import io
import json
import re
import unicodedata
from datetime import date

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from passport.documents.content import build
from passport.documents.render import render_html, render_pdf
from passport.documents.words import long_date
from tests.conftest import ROOT, SPEC

AS_OF = date(2026, 11, 25)
JORDAN = json.loads((SPEC / "examples" / "jordan-typical.json").read_text())
YUSUF = json.loads((ROOT / "fixtures" / "fx-yusuf.json").read_text())
AMARA = json.loads((ROOT / "fixtures" / "fx-amara.json").read_text())


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(unicodedata.normalize("NFKC", text).split())


def html_text(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


@pytest.fixture(scope="module")
def jordan_passport():
    document = build("passport", JORDAN, AS_OF)
    return render_html(document), render_pdf(document)


def expected_passport_facts(record) -> list[str]:
    facts = [record["child"]["preferred_name"], record["contacts"]["gp"]["name"]]
    for i in record["immunisations"]:
        facts.append(long_date(i["date"]))
    for a in record["assessments"]:
        if a.get("young_person_views"):
            facts.append(a["young_person_views"])
    return facts


def test_the_passport_pdf_and_html_hold_what_the_young_person_needs(jordan_passport):
    html, pdf = jordan_passport
    assert pdf.startswith(b"%PDF")
    for text in (pdf_text(pdf), html_text(html)):
        for fact in expected_passport_facts(JORDAN):
            assert fact in text, fact
        for vaccine in {i["vaccine"] for i in JORDAN["immunisations"]}:
            assert vaccine in text
        # What is still due, from the rules module: the teenage doses he has not had.
        still_due = text.split("What is still due", 1)[1][:400]
        assert "Td/IPV" in still_due and "MenACWY" in still_due
        # Family history: the consented entry is there, the unconsented one is not.
        assert "Peanut allergy" in text
        assert "Type 2 diabetes" not in text


def test_every_font_is_embedded_and_the_pdf_is_tagged(jordan_passport):
    _, pdf = jordan_passport
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en"
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = (
                font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                if "/DescendantFonts" in font
                else font["/FontDescriptor"]
            )
            fonts[font["/BaseFont"]] = any(
                k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    assert fonts and all(fonts.values()), fonts


def test_an_arabic_script_name_comes_back_out_of_the_pdf():
    pdf = render_pdf(build("passport", YUSUF, AS_OF))
    text = pdf_text(pdf)
    given, family = YUSUF["child"]["given_name"], YUSUF["child"]["family_name"]
    assert given in text
    arabic = "".join(ch for ch in text if "\u0600" <= ch <= "\u06ff")
    for ch in family:
        assert ch in arabic, f"{ch!r} is missing: the name was drawn as boxes"
    fonts = " ".join(
        str(f)
        for page in PdfReader(io.BytesIO(pdf)).pages
        for f in page["/Resources"]["/Font"].values()
        for f in [f.get_object()["/BaseFont"]]
    )
    assert "Arabic" in fonts


def test_leaver_summary_adds_history_checklist_and_help():
    record = json.loads((ROOT / "fixtures" / "fx-daniel.json").read_text())
    html = render_html(build("leaver-summary", record, AS_OF))
    text = html_text(html)
    for heading in (
        "Your leaving-care checklist",
        "Your health history",
        "Looking after your health",
        "HC2 certificate",
    ):
        assert heading in text
    for i in record["immunisations"]:
        assert long_date(i["date"]) in text
    assert "Recorded in" in text  # the full record says where each dose is recorded


def test_the_carer_sheet_holds_only_what_a_carer_needs():
    document = build("carer-sheet", AMARA, AS_OF)
    for text in (html_text(render_html(document)), pdf_text(render_pdf(document))):
        assert "Peanut" in text  # her own allergy
        relevant = [e for e in AMARA["family_history"] if e.get("relevant_to_carer")]
        others = [e for e in AMARA["family_history"] if not e.get("relevant_to_carer")]
        assert relevant and others
        for entry in relevant:
            assert entry["condition"] in text
        for entry in others:
            assert entry["condition"] not in text
        for assessment in AMARA["assessments"]:
            if assessment.get("young_person_views"):
                assert assessment["young_person_views"][:30] not in text
            summary = assessment.get("findings", {}).get("summary")
            if summary:
                assert summary[:30] not in text
        for episode in AMARA.get("mental_health", []):
            if episode.get("notes"):
                assert episode["notes"][:30] not in text


def test_the_carer_sheet_leaves_out_camhs_notes():
    tia = json.loads((ROOT / "fixtures" / "fx-tia.json").read_text())
    text = html_text(render_html(build("carer-sheet", tia, AS_OF)))
    assert any(e.get("notes") for e in tia["mental_health"])
    for episode in tia["mental_health"]:
        if episode.get("notes"):
            assert episode["notes"][:25] not in text
    for request in tia.get("information_requests", []):
        if request.get("summary"):
            assert request["summary"][:25] not in text


def test_a_young_person_never_sees_family_history_without_consent():
    for kind in ("passport", "leaver-summary"):
        text = html_text(render_html(build(kind, AMARA, AS_OF)))
        for entry in AMARA["family_history"]:
            shown = entry["condition"] in text
            assert shown == (entry.get("consent_to_share_with_young_person") is True), entry


def test_free_text_is_escaped_in_html_and_pdf():
    record = json.loads(json.dumps(JORDAN))
    record["assessments"][-1]["young_person_views"] = (
        '<img src="file:///etc/passwd"> <img src="http://169.254.169.254/latest/meta-data/">'
        "<script>alert(1)</script>"
    )
    document = build("passport", record, AS_OF)
    html = render_html(document)
    assert '<img src="file:///etc/passwd">' not in html and "<script>alert" not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    text = pdf_text(render_pdf(document))
    assert '<img src="file:///etc/passwd">' in text
    assert "169.254.169.254" in text


def test_nothing_is_blank_without_a_reason():
    minimal = json.loads((SPEC / "examples" / "minimal.json").read_text())
    text = html_text(render_html(build("passport", minimal, AS_OF)))
    for reason in (
        "We don't have a record of Pat's GP. Pat's nurse can help you register Pat with one.",
        "We don't have a record of any vaccinations",
        "We don't have a record of a health check yet",
        "Nothing has been shared with us that we can show here",
        "Pat has no allergies that we know of",
    ):
        assert reason in text


def test_a_missing_value_fails_the_render_rather_than_printing_a_gap():
    from jinja2 import UndefinedError

    document = build("passport", JORDAN, AS_OF)
    del document.sections["vaccinations"]
    with pytest.raises(UndefinedError):
        render_html(document)


def test_the_page_footer_has_page_numbers_and_the_date_made(jordan_passport):
    _, pdf = jordan_passport
    reader = PdfReader(io.BytesIO(pdf))
    pages = len(reader.pages)
    last = " ".join((reader.pages[-1].extract_text() or "").split())
    assert f"Page {pages} of {pages}" in last
    assert "Made on 25 November 2026" in last


def test_the_qr_area_prints_the_sharing_link():
    link = "https://passport.example/view#shlink:/eyJ1cmwiOiJodHRwczovL2V4YW1wbGUifQ"
    html = render_html(build("passport", JORDAN, AS_OF), share_link=link)
    soup = BeautifulSoup(html, "html.parser")
    img = soup.select_one(".doc-qr img")
    assert img["src"].startswith("data:image/png;base64,")
    assert link in soup.get_text()
    assert re.search(r"Scan this code", soup.get_text())


def test_the_carer_sheet_lists_family_allergies_apart_from_other_family_health():
    record = json.loads(json.dumps(AMARA))
    record["family_history"] = [
        {
            "relative": "birth_father",
            "condition": "Peanut allergy",
            "category": "allergy",
            "relevant_to_carer": True,
        },
        {
            "relative": "birth_mother",
            "condition": "Type 1 diabetes",
            "category": "physical",
            "relevant_to_carer": True,
        },
    ]
    soup = BeautifulSoup(render_html(build("carer-sheet", record, AS_OF)), "html.parser")
    allergies = " ".join(
        soup.select_one("#allergy-heading").find_parent("section").get_text().split()
    )
    family = " ".join(soup.select_one("#family-heading").find_parent("section").get_text().split())
    assert "Peanut allergy" in allergies and "Type 1 diabetes" not in allergies
    assert "Type 1 diabetes" in family


def test_teeth_and_eyes_say_the_last_check_and_what_the_rules_call_overdue():
    """Mason's last dental check was in August 2025: every document says it is overdue, as the
    DENTAL_CHECK_OVERDUE flag does; a check added this year turns it into a date to book by."""
    mason = json.loads((ROOT / "fixtures" / "fx-mason.json").read_text())
    for kind in ("passport", "leaver-summary", "carer-sheet"):
        text = html_text(render_html(build(kind, mason, AS_OF)))
        assert (
            "dental check: 14 August 2025" in text or "dental check was on 14 August 2025" in text
        )
        assert "due by 14 August 2026" in text and "verdue" in text, kind
    seen = {**mason, "dental_checks": [*mason["dental_checks"], "2026-10-01"]}
    for kind in ("passport", "leaver-summary", "carer-sheet"):
        text = html_text(render_html(build(kind, seen, AS_OF)))
        assert "1 October 2026" in text and "due by 1 October 2027" in text, kind
        assert "dental check" in text and "Overdue: the next" not in text, kind
        assert "The next one is overdue" not in text, kind
