"""One true picture in every output (issue 15): every fixture, loaded as the app loads it, runs
through every output we can reach, and each output shows, for its reader, the same current
medicines, active allergies, vaccines due and overdue items as the one current view
(`passport.records.current`). Each output is read as its reader gets it: the documents' content
and their PDF text, the pages' HTML, the FHIR bundle's resources. Stopped medicines are current
nowhere.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, time
from typing import Any

import pytest
from pypdf import PdfReader

from passport.accounts.invitations import grant_carer
from passport.accounts.service import create_user
from passport.caseload.service import OVERDUE_CODES
from passport.documents.content import build
from passport.documents.render import render_pdf
from passport.documents.telling import overdue_told
from passport.records.audience import CARER, STAFF, YOUNG_PERSON
from passport.records.current import CurrentView, current_view
from passport.records.exchange import as_exchange_json
from passport.records.placements import current_placement
from passport.records.service import load_current
from passport.rules.dates import long_date
from passport.sharing.fhir import ips_bundle
from tests.conftest import FIXTURES, TEST_SECRET, TODAY, load_json
from tests.helpers import PASSWORD, get_page, make_nurse, sign_in
from tests.web.pages import text

# The bundle is made on the test's day: its current view is taken on the day of `now`.
NOON = datetime.combine(TODAY, time(12), UTC)


def _names(items: list[Any], key: str = "name") -> set[str]:
    return {item[key] for item in items}


def _lines(soup, selector: str) -> list[str]:
    return [text(item) for item in soup.select(selector)]


def _pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() or "" for page in pages).split())


@pytest.fixture(params=FIXTURES, ids=lambda path: path.stem)
def loaded(request, cli, db) -> dict[str, Any]:
    """The fixture as the app loads it: imported, then read back as the exchange format."""
    assert cli("import", str(request.param)).exit_code == 0
    ref = load_json(request.param)["child"]["ref"]
    with db.transaction() as session:
        _, record = load_current(session, ref)
    return as_exchange_json(record)


# The words each overdue item is told in, whoever reads it.
TOLD_AS = {
    "RHA_OVERDUE": "health check",
    "IHA_MISSING": "health check",
    "DENTAL_CHECK_OVERDUE": "dental check",
    "SIGHT_TEST_OVERDUE": "sight test",
    "GP_NOT_REGISTERED": "gp",
    "LEAVER_SUMMARY_DUE": "summary",
}


def views(record: dict[str, Any]) -> dict[str, CurrentView]:
    return {who: current_view(record, who, TODAY) for who in (YOUNG_PERSON, CARER, STAFF)}


def _stopped(record: dict[str, Any], view: CurrentView) -> set[str]:
    return _names(view.medicines_past) - _names(view.medicines_current)


def test_the_documents_content_agrees_with_the_current_view(loaded):
    seen = views(loaded)
    stopped = _stopped(loaded, seen[STAFF])
    view = seen[YOUNG_PERSON]
    passport = build("passport", loaded, TODAY).sections
    # The care-leaver summary says these on its first page, "For your new GP".
    gp_page = build("leaver-summary", loaded, TODAY).sections["gp_page"]
    for kind, health, due in (
        ("passport", passport["health"], passport["vaccinations"]["due"]),
        ("leaver-summary", gp_page, gp_page["vaccines_due"]),
    ):
        assert _names(health["medicines"]) == _names(view.medicines_current), kind
        assert not stopped & _names(health["medicines"]), kind
        assert _names(health["allergies"], "what") == _names(view.allergies_active, "substance"), (
            kind
        )
        assert [v["vaccine"] for v in due] == view.vaccines_due, kind
    # Each overdue item the young person is told of is said in the passport's next steps and
    # the summary's "still to do" (vaccines due are compared above, once each).
    summary = build("leaver-summary", loaded, TODAY).sections
    for kind, lines in (("passport", passport["next"]), ("leaver-summary", summary["to_do"])):
        said = " ".join(lines).casefold()
        for item in view.overdue:
            if item.code == "LEAVER_SUMMARY_DUE" and kind == "leaver-summary":
                continue  # the summary itself, in their hands
            if item.code in TOLD_AS:
                assert TOLD_AS[item.code] in said, (kind, item.code, said)

    view = seen[CARER]
    sheet = build("carer-sheet", loaded, TODAY).sections
    assert _names(sheet["medicines"]) == _names(view.medicines_current)
    assert not stopped & _names(sheet["medicines"])
    assert _names(sheet["allergies"], "what") == _names(view.allergies_active, "substance")
    assert sheet["vaccinations_due"] == view.vaccines_due
    assert sheet["overdue"] == [t.text for t in overdue_told(view, loaded["child"], CARER)]


def test_the_pdfs_say_what_the_current_view_says(loaded):
    seen = views(loaded)
    for kind, who in (("passport", YOUNG_PERSON), ("leaver-summary", YOUNG_PERSON)):
        pdf = _pdf_text(render_pdf(build(kind, loaded, TODAY)))
        view = seen[who]
        for name in _names(view.medicines_current) | _names(view.allergies_active, "substance"):
            assert " ".join(name.split()) in pdf, (kind, name)
        for vaccine in view.vaccines_due:
            assert vaccine in pdf, (kind, vaccine)

    view = seen[CARER]
    sheet = _pdf_text(render_pdf(build("carer-sheet", loaded, TODAY)))
    for name in _names(view.medicines_current) | _names(view.allergies_active, "substance"):
        assert " ".join(name.split()) in sheet, name
    # The carer's sheet shows no past medicine at all.
    for name in _stopped(loaded, view):
        assert name not in sheet, name
    for told in overdue_told(view, loaded["child"], CARER):
        assert told.text in sheet, told.text


def test_the_fhir_bundle_carries_the_same_current_medicines_and_allergies(loaded):
    view = current_view(loaded, YOUNG_PERSON, TODAY)
    bundle = ips_bundle(loaded, document_title="Your health passport", pdf=None, now=NOON)
    resources = [entry["resource"] for entry in bundle["entry"]]
    active_medicines = {
        r["medicationCodeableConcept"]["text"]
        for r in resources
        if r["resourceType"] == "MedicationStatement" and r["status"] == "active"
    }
    assert active_medicines == _names(view.medicines_current)
    active_allergies = {
        r["code"]["text"]
        for r in resources
        if r["resourceType"] == "AllergyIntolerance"
        and r.get("clinicalStatus", {}).get("coding", [{}])[0].get("code") == "active"
    }
    assert active_allergies == _names(view.allergies_active, "substance")


def _plan_of_care(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    by_url = {entry["fullUrl"]: entry["resource"] for entry in bundle["entry"]}
    sections = bundle["entry"][0]["resource"]["section"]
    return [
        by_url[e["reference"]]
        for s in sections
        if s["code"].get("coding", [{}])[0].get("code") == "18776-5"
        for e in s.get("entry", [])
    ]


def test_the_fhir_bundle_has_the_same_vaccines_due_and_overdue_items(loaded):
    """The vaccines due are the passport's and the summary's, in the same order, as data
    (ImmunizationRecommendation); each overdue item the young person is told of is in the
    Plan of Care, with the day it was due, and nothing else is."""
    view = current_view(loaded, YOUNG_PERSON, TODAY)
    bundle = ips_bundle(loaded, document_title="Your health passport", pdf=None, now=NOON)
    resources = [entry["resource"] for entry in bundle["entry"]]
    recommended = [
        item
        for r in resources
        if r["resourceType"] == "ImmunizationRecommendation"
        for item in r["recommendation"]
    ]
    vaccines = list(dict.fromkeys(item["vaccineCode"][0]["text"] for item in recommended))
    assert vaccines == view.vaccines_due
    passport_due = build("passport", loaded, TODAY).sections["vaccinations"]["due"]
    assert vaccines == [v["vaccine"] for v in passport_due]
    overdue_doses = [
        i for i in recommended if i["forecastStatus"]["coding"][0]["code"] == "overdue"
    ]

    plans = _plan_of_care(bundle)
    [told] = [p for p in plans if p["title"] == "Overdue"] or [{"activity": []}]
    told_details = [a["detail"] for a in told["activity"]]
    said = [
        (d["description"].casefold(), d.get("scheduledPeriod", {}).get("end")) for d in told_details
    ]
    health_plan = [
        a["detail"] for p in plans if p["title"].startswith("Health plan") for a in p["activity"]
    ]
    expected = 0
    for item in view.overdue:
        due = item.due.isoformat() if item.due else None
        if item.code == "IMMUNISATIONS_INCOMPLETE":
            assert overdue_doses, item.code
        elif item.code == "HEALTH_PLAN_ACTION_OVERDUE":
            assert due in [d.get("scheduledPeriod", {}).get("end") for d in health_plan]
        else:
            expected += 1
            words = TOLD_AS.get(item.code, "")
            assert any(words in text and when == due for text, when in said), (item.code, said)
    assert len(told_details) == expected
    # Every overdue dose is one the view calls overdue, and the other way round.
    assert len(overdue_doses) == len([d for d in view.doses_due if d.overdue])


def _accounts(db, record: dict[str, Any]) -> tuple[str, str, str]:
    child = record["child"]
    authority = child["responsible_authority"]
    make_nurse(db, "parity.nurse@example.org", authority=authority)
    placement = current_placement(record, TODAY)
    assert placement is not None
    with db.transaction() as session:
        carer = create_user(
            session,
            email="parity.carer@example.org",
            password=PASSWORD,
            role="carer",
            carer_ref=placement["carer_ref"],
            app_secret=TEST_SECRET,
        )
        grant_carer(
            session,
            carer,
            child_ref=child["ref"],
            authority=authority,
            carer_ref=placement["carer_ref"],
            by="test",
        )
        create_user(
            session,
            email="parity.leaver@example.org",
            password=PASSWORD,
            role="leaver",
            child_ref=child["ref"],
            app_secret=TEST_SECRET,
        )
    return "parity.nurse@example.org", "parity.carer@example.org", "parity.leaver@example.org"


def test_the_three_peoples_pages_agree_with_the_current_view(loaded, db, app):
    seen = views(loaded)
    ref = loaded["child"]["ref"]
    nurse, carer, leaver = _accounts(db, loaded)

    with app.test_client() as client:
        sign_in(client, nurse)
        page = get_page(client, f"/children/{ref}")
        view = seen[STAFF]
        medicines = {line.split(",")[0] for line in _lines(page, "#summary-medicines li")}
        assert medicines == _names(view.medicines_current)
        allergies = set(_lines(page, "#summary-allergies li strong"))
        assert allergies == _names(view.allergies_active, "substance")
        overdue = [o for o in view.overdue if o.code in OVERDUE_CODES]
        told = _lines(page, "#summary-overdue li")
        assert len(told) == len(overdue)
        for line, item in zip(told, overdue, strict=True):
            assert item.due is None or long_date(item.due) in line, (line, item)

    with app.test_client() as client:
        sign_in(client, carer, code=False)
        page = get_page(client, f"/placements/{ref}")
        view = seen[CARER]
        assert set(_lines(page, "#medicines li strong")) == _names(view.medicines_current)
        assert set(_lines(page, "#allergy-list li strong")) == _names(
            view.allergies_active, "substance"
        )
        told = [t.text for t in overdue_told(view, loaded["child"], CARER)]
        assert _lines(page, "#overdue li") == told

    with app.test_client() as client:
        sign_in(client, leaver, code=False)
        page = get_page(client, "/me")
        view = seen[YOUNG_PERSON]
        medicines = {line.split(",")[0] for line in _lines(page, "#now-medicines li")}
        assert medicines == _names(view.medicines_current)
        assert set(_lines(page, "#now-allergies li strong")) == _names(
            view.allergies_active, "substance"
        )
        assert _lines(page, "#now-vaccines li") == view.vaccines_due
        told = [t.text for t in overdue_told(view, loaded["child"], YOUNG_PERSON)]
        assert _lines(page, "#now-overdue li") == told
