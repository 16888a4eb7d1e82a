"""The nurse's workspace through the Flask test client: caseload, child page, forms, import,
export, audit, and the rules that keep it safe."""

from __future__ import annotations

import json
import logging
import re
from datetime import date

import pytest

from passport.audit.models import AuditEvent
from passport.records.service import check_record, import_record, load_current
from tests.conftest import FIXTURES, ROOT, SPEC
from tests.helpers import (
    counting_queries,
    date_parts,
    form_page,
    get_page,
    make_nurse,
    nurse_signed_in,
    rha_form_data,
    sign_in,
)
from tests.web.pages import error_summary, parse, text

ELLIE = "FX-ELLIE"


@pytest.fixture
def nurse(client, db, cli):
    return nurse_signed_in(client, db, cli)


def rha_form(token: str, version: str, **overrides) -> dict:
    """The assessment form with the views, findings, SDQ and a health plan action filled in."""
    more = {
        "consent_by": "young_person",
        "sources_consulted": ["gp", "carer", "young_person"],
        "young_person_views": "I want to do swimming again.",
        "findings_height_cm": "136.5",
        "sdq_total": "11",
        "sdq_completed_by": "carer",
        "health_plan_0_action": "Book a dental check",
        "health_plan_0_owner": "carer",
        **date_parts("health_plan_0_due", "2027-01-31"),
    }
    return rha_form_data(token, version, **{**more, **overrides})


def flags_for(db, ref: str, as_of="2026-11-25") -> set[str]:
    from datetime import date

    from passport.caseload.service import entry_for

    with db.transaction() as session:
        version, record = load_current(session, ref)
    return set(entry_for(version, record, date.fromisoformat(as_of)).report.codes())


def test_caseload_lists_the_nurses_own_authority_most_urgent_first(nurse):
    soup = get_page(nurse, "/caseload")
    rows = soup.select("#caseload tbody tr")
    names = [row.select_one("a").get_text(strip=True) for row in rows]
    assert len(names) == 9  # 11 fixtures, 2 of them Northshire's
    assert not any("Liam" in n or "Mason" in n for n in names)
    assert names[0] == "Ellie Fraser"  # the urgent overdue review comes first
    assert "Review overdue" in text(rows[0])


def test_caseload_filters(nurse):
    def names(filter_name):
        soup = get_page(nurse, f"/caseload?filter={filter_name}")
        return {a.get_text(strip=True) for a in soup.select("#caseload tbody tr a")}

    assert "Ellie Fraser" in names("overdue") and "Noah Fraser" not in names("overdue")
    assert names("uasc") == {"يوسف الأحمد (Yusuf)"}
    assert names("out-of-area") == {"Chloe Barnes (Cole)"}
    assert names("leaving-care") == {"Daniel Okoro-Reid"}
    assert "Noah Fraser" not in names("flags") and "Noah Fraser" in names("all")


def test_caseload_paginates(client, db):
    make_nurse(db)
    with db.transaction() as session:
        for i in range(30):
            import_record(
                session,
                check_record(small_record(i), lambda: __import__("datetime").date(2026, 11, 25)),
                actor="test",
            )
    sign_in(client)
    first = get_page(client, "/caseload")
    assert len(first.select("#caseload tbody tr")) == 25
    assert "page 1 of 2" in text(first)
    second = get_page(client, "/caseload?page=2")
    assert len(second.select("#caseload tbody tr")) == 5


def small_record(i: int) -> dict:
    return {
        "format": "lac-health-record/1",
        "child": {
            "ref": f"SMALL-{i:04d}",
            "given_name": "Child",
            "family_name": f"N{i}",
            "date_of_birth": "2015-01-01",
            "entered_care": "2024-01-01",
            "responsible_authority": "Example City Council",
        },
        "placements": [{"start": "2024-01-01", "type": "foster_care", "area": "in_area"}],
    }


def test_caseload_page_queries_do_not_grow_with_1000_children(client, db):
    make_nurse(db)
    from datetime import date

    def add(start, count):
        with db.transaction() as session:
            for i in range(start, start + count):
                import_record(
                    session, check_record(small_record(i), lambda: date(2026, 11, 25)), actor="test"
                )

    add(0, 10)
    sign_in(client)
    with counting_queries(db.engine) as few:
        assert client.get("/caseload").status_code == 200
    add(10, 990)
    with counting_queries(db.engine) as many:
        response = client.get("/caseload?page=40")
    assert response.status_code == 200
    assert "1000 children" in text(parse(response))
    assert len(many) == len(few)


def test_child_page_shows_the_record_flags_and_history(nurse):
    soup = get_page(nurse, f"/children/{ELLIE}")
    page = text(soup)
    assert "Ellie Fraser" in soup.h1.get_text()
    assert "Review overdue." in page and "22 September 2026" in page
    assert "Version history" in page and "Version 1 is the current one" in page
    assert "Birth-family health history" in page


def test_a_child_of_another_authority_or_no_child_at_all_is_a_404(nurse):
    for path in (
        "/children/FX-LIAM",
        "/children/NOBODY",
        "/children/FX-LIAM/export",
        "/children/FX-LIAM/assessments/new",
        "/children/FX-LIAM/add/allergies",
        "/children/FX-LIAM/information-requests/0/answer",
    ):
        assert nurse.get(path).status_code == 404, path


def test_recording_an_rha_with_gp_input_clears_the_overdue_flag(nurse, db):
    assert "RHA_OVERDUE" in flags_for(db, ELLIE)
    token, version = form_page(nurse, f"/children/{ELLIE}/assessments/new")
    assert version == "1"
    response = nurse.post(f"/children/{ELLIE}/assessments/new", data=rha_form(token, version))
    assert response.status_code == 302, text(parse(response))
    assert "RHA_OVERDUE" not in flags_for(db, ELLIE)
    with db.transaction() as session:
        new_version, record = load_current(session, ELLIE)
    assert new_version == 2
    saved = record["assessments"][-1]
    assert saved["id"] == "RHA-2026-11-20"
    assert saved["sources_consulted"] == ["gp", "carer", "young_person"]
    assert saved["young_person_views"] == "I want to do swimming again."
    assert saved["findings"]["height_cm"] == 136.5
    assert saved["health_plan"][0]["owner"] == "carer"
    page = text(get_page(nurse, f"/children/{ELLIE}"))
    assert "Assessment saved" in page and "Version 2 is the current one" in page


def test_a_bad_assessment_names_each_field_and_saves_nothing(nurse, db):
    token, version = form_page(nurse, f"/children/{ELLIE}/assessments/new")
    data = rha_form(
        token,
        version,
        practitioner_name="",
        consent_status="",
        findings_summary="",
        **date_parts("date", "2099-01-01"),
    )
    response = nurse.post(f"/children/{ELLIE}/assessments/new", data=data)
    assert response.status_code == 400
    summary = dict(error_summary(parse(response)))
    assert summary["#practitioner_name"].startswith("Enter the name of the person")
    assert summary["#consent_status"] == "Select whether consent was given"
    assert summary["#findings_summary"] == "Enter a summary of what was found"
    # What was typed is still there.
    assert "I want to do swimming again." in response.get_data(as_text=True)
    with db.transaction() as session:
        assert load_current(session, ELLIE)[0] == 1


def test_the_formats_own_checks_reach_the_form_fields(nurse, db):
    token, version = form_page(nurse, f"/children/{ELLIE}/assessments/new")
    response = nurse.post(
        f"/children/{ELLIE}/assessments/new",
        data=rha_form(token, version, **date_parts("date", "2099-01-01")),
    )
    assert response.status_code == 400
    summary = dict(error_summary(parse(response)))
    assert summary["#date-day"].startswith("Date of the assessment must not be in the future")
    impossible = rha_form(token, version, **{"date-day": "31", "date-month": "2"})
    summary = dict(
        error_summary(parse(nurse.post(f"/children/{ELLIE}/assessments/new", data=impossible)))
    )
    assert summary["#date-day"] == "Date of the assessment must be a real date"
    with db.transaction() as session:
        assert load_current(session, ELLIE)[0] == 1


def test_two_nurses_saving_the_same_record_the_second_is_refused_and_keeps_its_text(nurse, db, app):
    other = app.test_client()
    make_nurse(db, email="second@example.org")
    sign_in(other, email="second@example.org")
    token_a, version_a = form_page(nurse, f"/children/{ELLIE}/add/allergies")
    token_b, version_b = form_page(other, f"/children/{ELLIE}/add/allergies")
    first = nurse.post(
        f"/children/{ELLIE}/add/allergies",
        data={"csrf_token": token_a, "version": version_a, "substance": "Penicillin"},
    )
    assert first.status_code == 302
    second = other.post(
        f"/children/{ELLIE}/add/allergies",
        data={
            "csrf_token": token_b,
            "version": version_b,
            "substance": "Latex",
            "reaction": "Rash on hands",
        },
    )
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    assert "Someone else saved this record" in text(parse(second))
    assert "Rash on hands" in page and 'value="Latex"' in page
    with db.transaction() as session:
        version, record = load_current(session, ELLIE)
    assert version == 2 and [a["substance"] for a in record.get("allergies", [])] == ["Penicillin"]
    # Saving again from the refreshed form keeps both.
    token_b2 = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    again = other.post(
        f"/children/{ELLIE}/add/allergies",
        data={"csrf_token": token_b2, "version": "2", "substance": "Latex"},
    )
    assert again.status_code == 302
    with db.transaction() as session:
        assert [a["substance"] for a in load_current(session, ELLIE)[1]["allergies"]] == [
            "Penicillin",
            "Latex",
        ]


@pytest.mark.parametrize(
    "section,data,check",
    [
        (
            "immunisations",
            {
                "vaccine": "MMR",
                "dose": "2",
                **date_parts("date", "2026-11-01"),
                "source": "gp_record",
            },
            lambda r: (
                r["immunisations"][-1]
                == {"vaccine": "MMR", "dose": 2, "date": "2026-11-01", "source": "gp_record"}
            ),
        ),
        (
            "conditions",
            {"name": "Hay fever", "status": "active"},
            lambda r: r["conditions"][-1] == {"name": "Hay fever", "status": "active"},
        ),
        (
            "medications",
            {"name": "Cetirizine", "dose": "5mg once a day"},
            lambda r: r["medications"][-1]["dose"] == "5mg once a day",
        ),
        (
            "screening",
            {"test": "vision", "result": "negative", **date_parts("date", "2026-10-10")},
            lambda r: r["screening"][-1]["test"] == "vision",
        ),
        (
            "family_history",
            {
                "relative": "birth_mother",
                "condition": "Asthma",
                "category": "physical",
                "consent_state": "refused",
                **date_parts("consent_on", "2026-10-01"),
                "consent_by": "Sam Patel",
                "relevant_to_carer": "yes",
            },
            lambda r: (
                r["family_history"][-1]["consent_state"] == "refused"
                and r["family_history"][-1]["consent_on"] == "2026-10-01"
                and r["family_history"][-1]["consent_by"] == "Sam Patel"
                and r["family_history"][-1]["consent_to_share_with_young_person"] is False
                and r["family_history"][-1]["relevant_to_carer"] is True
            ),
        ),
    ],
)
def test_each_section_form_saves_a_new_version(nurse, db, section, data, check):
    token, version = form_page(nurse, f"/children/{ELLIE}/add/{section}")
    response = nurse.post(
        f"/children/{ELLIE}/add/{section}", data={"csrf_token": token, "version": version, **data}
    )
    assert response.status_code == 302, error_summary(parse(response))
    with db.transaction() as session:
        new_version, record = load_current(session, ELLIE)
    assert new_version == 2
    from passport.records.exchange import as_exchange_json

    assert check(as_exchange_json(record))


def test_section_form_names_its_missing_fields(nurse):
    token, version = form_page(nurse, f"/children/{ELLIE}/add/family_history")
    response = nurse.post(
        f"/children/{ELLIE}/add/family_history", data={"csrf_token": token, "version": version}
    )
    targets = [href for href, _ in error_summary(parse(response))]
    assert targets == [
        "#relative",
        "#condition",
        "#category",
        "#consent_state",
        "#relevant_to_carer",
    ]


def test_information_request_log_chase_and_answer(nurse, db):
    token, version = form_page(nurse, f"/children/{ELLIE}/information-requests/new")
    response = nurse.post(
        f"/children/{ELLIE}/information-requests/new",
        data={
            "csrf_token": token,
            "version": version,
            "to": "camhs",
            **date_parts("sent_on", "2026-10-01"),
            "summary": "Any involvement since 2025?",
        },
    )
    assert response.status_code == 302
    assert "INFO_REQUEST_OUTSTANDING" in flags_for(db, ELLIE)
    with db.transaction() as session:
        version, record = load_current(session, ELLIE)
    index = len(record["information_requests"]) - 1
    token, _ = form_page(nurse, f"/children/{ELLIE}")
    chased = nurse.post(
        f"/children/{ELLIE}/information-requests/{index}/chase",
        data={"csrf_token": token, "version": str(version)},
    )
    assert chased.status_code == 302
    with db.transaction() as session:
        version, record = load_current(session, ELLIE)
    assert len(record["information_requests"][index]["chased_on"]) == 1
    token, form_version = form_page(nurse, f"/children/{ELLIE}/information-requests/{index}/answer")
    answered = nurse.post(
        f"/children/{ELLIE}/information-requests/{index}/answer",
        data={
            "csrf_token": token,
            "version": form_version,
            **date_parts("received_on", "2026-11-02"),
            "summary": "Not known to CAMHS.",
        },
    )
    assert answered.status_code == 302
    assert "INFO_REQUEST_OUTSTANDING" not in flags_for(db, ELLIE)


def test_free_text_with_script_shows_as_text(nurse):
    token, version = form_page(nurse, f"/children/{ELLIE}/add/allergies")
    nurse.post(
        f"/children/{ELLIE}/add/allergies",
        data={
            "csrf_token": token,
            "version": version,
            "substance": "<script>alert(1)</script>",
            "reaction": "<img src=x onerror=alert(2)>",
        },
    )
    page = nurse.get(f"/children/{ELLIE}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page


def every_post_route(app):
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and rule.endpoint != "static"
    )


def test_every_form_post_without_a_csrf_token_is_refused(nurse, app, db):
    routes = every_post_route(app)
    # The sharing protocol's manifest is an API for any reader, with no cookie or session:
    # it is the one POST without a form, and the only one exempt.
    assert [r for r in routes if r.startswith("/api/")] == ["/api/shl/<token>"]
    routes = [r for r in routes if not r.startswith("/api/")]
    assert len(routes) >= 8
    for rule in routes:
        path = rule.replace("<ref>", ELLIE).replace("<section>", "allergies")
        path = re.sub(r"<int:[a-z_]+>", "0", path)
        path = re.sub(r"<[a-z_]+>", "x", path)
        response = nurse.post(path, data={"version": "1", "substance": "x"})
        assert response.status_code == 400, path
        assert "The form has expired" in response.get_data(as_text=True)
    with db.transaction() as session:
        assert load_current(session, ELLIE)[0] == 1


def test_import_from_the_web(nurse, db):
    token, _ = form_page(nurse, "/import")
    jordan = (SPEC / "examples" / "jordan-typical.json").read_bytes()
    from io import BytesIO

    imported = nurse.post(
        "/import",
        data={"csrf_token": token, "file": (BytesIO(jordan), "jordan.json")},
        content_type="multipart/form-data",
    )
    assert imported.status_code == 302 and imported.headers["Location"].endswith("/EX-JORDAN")

    bad = json.loads(jordan)
    bad["child"]["ref"] = "EX-BAD"
    bad["assessments"][1]["date"] = "2099-01-01"
    bad["child"]["nhs_number"] = "9991000012"
    refused = nurse.post(
        "/import",
        data={"csrf_token": token, "file": (BytesIO(json.dumps(bad).encode()), "b.json")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    messages = [m for _, m in error_summary(parse(refused))]
    assert any(m.startswith("child.nhs_number: is not a valid NHS number") for m in messages)
    assert any(m.startswith("assessments[1].date: must not be in the future") for m in messages)
    assert nurse.get("/children/EX-BAD").status_code == 404

    again = nurse.post(
        "/import",
        data={"csrf_token": token, "file": (BytesIO(jordan), "jordan.json")},
        content_type="multipart/form-data",
    )
    assert "already exists" in text(parse(again))

    other = json.loads((ROOT / "fixtures" / "fx-liam.json").read_text())
    other["child"]["ref"] = "FX-LIAM-2"
    foreign = nurse.post(
        "/import",
        data={"csrf_token": token, "file": (BytesIO(json.dumps(other).encode()), "l.json")},
        content_type="multipart/form-data",
    )
    assert foreign.status_code == 400
    assert "child.responsible_authority" in text(parse(foreign))


def test_export_download_is_the_exchange_format(nurse, cli):
    response = nurse.get(f"/children/{ELLIE}/export")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{ELLIE}-v1.json"'
    assert json.loads(response.get_data()) == json.loads(cli("export", ELLIE).stdout)


def test_views_and_changes_are_audited_without_health_data(nurse, db, caplog):
    caplog.set_level(logging.INFO, logger="passport.audit")
    nurse.get(f"/children/{ELLIE}")
    token, version = form_page(nurse, f"/children/{ELLIE}/add/allergies")
    nurse.post(
        f"/children/{ELLIE}/add/allergies",
        data={
            "csrf_token": token,
            "version": version,
            "substance": "Peanuts",
            "reaction": "Swollen lips",
        },
    )
    with db.transaction() as session:
        events = [
            (e.actor, e.action, e.target, e.record_ref, e.record_version)
            for e in session.query(AuditEvent).order_by(AuditEvent.id)
        ]
    assert ("nurse@example.org", "view", "record", ELLIE, 1) in events
    assert ("nurse@example.org", "edit", "allergies", ELLIE, 2) in events
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "action=edit" in logged and ELLIE in logged
    assert "Peanuts" not in logged and "Swollen" not in logged


def test_every_flag_the_rules_raise_has_a_label_of_its_own():
    from passport.rules import FLAG_CODES
    from passport.web.filters import FLAG_LABELS

    assert set(FLAG_CODES) <= set(FLAG_LABELS), set(FLAG_CODES) - set(FLAG_LABELS)


@pytest.mark.parametrize(
    ("kind", "section", "flag"),
    [
        ("dental", "dental_checks", "Dental check overdue"),
        ("optical", "optical_checks", "Sight test overdue"),
    ],
)
def test_a_dental_check_or_sight_test_added_clears_its_overdue_flag(
    app, cli, db, kind, section, flag
):
    """Issue 14: "the Dental check overdue flag cannot be cleared because a dental check cannot
    be added". Mason's record (Northshire's) has both flags."""
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    make_nurse(db, email="shire@example.org", authority="Northshire County Council")
    nurse = app.test_client()
    assert sign_in(nurse, email="shire@example.org").status_code == 302
    assert flag in text(get_page(nurse, "/children/FX-MASON"))
    page = get_page(nurse, f"/children/FX-MASON/checks/{kind}/new")
    assert page.select_one("h1").get_text(strip=True) in ("Add a dental check", "Add a sight test")
    token, version = form_page(nurse, f"/children/FX-MASON/checks/{kind}/new")

    future = nurse.post(
        f"/children/FX-MASON/checks/{kind}/new",
        data={"csrf_token": token, "version": version, **date_parts("on", "2027-01-05")},
    )
    assert future.status_code == 400
    messages = [m for _, m in error_summary(parse(future))]
    assert any("must not be in the future" in m and m.startswith("Date of the") for m in messages)
    assert all("dental_checks" not in m and "optical_checks" not in m for m in messages)

    saved = nurse.post(
        f"/children/FX-MASON/checks/{kind}/new",
        data={"csrf_token": token, "version": version, **date_parts("on", "2026-11-20")},
    )
    assert saved.status_code == 302
    with db.transaction() as session:
        new_version, record = load_current(session, "FX-MASON")
    assert new_version == int(version) + 1
    assert record[section][-1].isoformat() == "2026-11-20"
    assert flag not in text(get_page(nurse, "/children/FX-MASON"))
    assert nurse.get("/children/FX-MASON/checks/hearing/new").status_code == 404


def test_a_nurse_stops_a_medicine_with_a_reason_and_every_output_follows(nurse, db):
    """Issue 14: a medicine stopped stays "current" nowhere. The link names the medicine,
    bad dates are refused in plain words with UK dates, and the new version, the record page,
    the young person's passport and a new link's FHIR bundle all show it stopped."""
    from passport.documents import service as documents
    from tests.helpers import date_parts, new_link_bundle

    page = get_page(nurse, "/children/FX-DANIEL")
    [stop] = [a for a in page.find_all("a") if a["href"].endswith("/stop")]
    assert " ".join(stop.get_text(" ").split()) == "Stop Adapalene 0.1% gel"
    url = stop["href"]
    token, version = form_page(nurse, url)

    def send(**fields):
        return nurse.post(url, data={"csrf_token": token, "version": version, **fields})

    early = send(**date_parts("stopped", "2022-01-01"), stop_reason="Skin clear")
    assert early.status_code == 400
    assert ("#stopped-day", "The stop date must be on or after the start date, 7 June 2022") in (
        error_summary(parse(early))
    )
    no_reason = send(**date_parts("stopped", "2026-11-01"))
    assert no_reason.status_code == 400
    assert any("Enter why it was stopped" in m for _, m in error_summary(parse(no_reason)))
    with db.transaction() as session:
        assert load_current(session, "FX-DANIEL")[0] == 1  # nothing saved

    done = send(**date_parts("stopped", "2026-11-01"), stop_reason="Skin clear")
    assert done.status_code == 302
    with db.transaction() as session:
        new_version, record = load_current(session, "FX-DANIEL")
        _, passport = documents.build_document(session, "FX-DANIEL", "passport", date(2026, 11, 29))
        bundle = new_link_bundle(session, "FX-DANIEL", date(2026, 11, 29))
    assert new_version == 2
    gel = next(m for m in record["medications"] if m["name"].startswith("Adapalene"))
    assert (gel["stopped"].isoformat(), gel["stop_reason"]) == ("2026-11-01", "Skin clear")
    shown = text(get_page(nurse, "/children/FX-DANIEL"))
    assert "to 1 November 2026 (stopped: Skin clear)" in shown
    assert "Adapalene" not in str(passport.sections["health"]["medicines"])
    statements = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "MedicationStatement"
    ]
    adapalene = next(
        s for s in statements if s["medicationCodeableConcept"]["text"].startswith("Adapalene")
    )
    assert adapalene["status"] == "stopped"  # ended with a reason: stopped, not completed
    assert adapalene["effectivePeriod"]["end"] == "2026-11-01"


def test_a_penicillin_label_ruled_out_by_testing_leaves_every_output(nurse, db):
    """Issue 14: "an allergy disproved by testing stays an allergy". Daniel's penicillin label
    is ruled out after testing: the record keeps it with when, who and why, and the passport,
    the carer's and the young person's lists and a new link's bundle no longer call it one."""
    from passport.documents import service as documents
    from tests.helpers import date_parts, new_link_bundle

    page = get_page(nurse, "/children/FX-DANIEL")
    [link] = [a for a in page.find_all("a") if a["href"].endswith("/status")]
    assert " ".join(link.get_text(" ").split()) == "Resolve or rule out Penicillin"
    url = link["href"]
    token, version = form_page(nurse, url)
    missing = nurse.post(url, data={"csrf_token": token, "version": version})
    assert missing.status_code == 400
    assert {m for _, m in error_summary(parse(missing))} >= {
        "Select what has changed",
        "Enter the date",
        "Enter who decided",
    }
    future = nurse.post(
        url,
        data={
            "csrf_token": token,
            "version": version,
            "status": "refuted",
            **date_parts("status_on", "2027-02-01"),
            "status_by": "Dr Example (allergy clinic)",
            "status_reason": "Negative oral challenge",
        },
    )
    assert any("must not be in the future" in m for _, m in error_summary(parse(future)))
    saved = nurse.post(
        url,
        data={
            "csrf_token": token,
            "version": version,
            "status": "refuted",
            **date_parts("status_on", "2026-11-10"),
            "status_by": "Dr Example (allergy clinic)",
            "status_reason": "Negative oral challenge",
        },
    )
    assert saved.status_code == 302
    shown = text(get_page(nurse, "/children/FX-DANIEL"))
    assert ("Penicillin (moderate)" in shown or "Penicillin" in shown) and (
        "Ruled out on 10 November 2026 by Dr Example (allergy clinic): Negative oral challenge"
        in shown
    )

    with db.transaction() as session:
        new_version, record = load_current(session, "FX-DANIEL")
        _, passport = documents.build_document(session, "FX-DANIEL", "passport", date(2026, 11, 29))
        _, sheet = documents.build_document(session, "FX-DANIEL", "carer-sheet", date(2026, 11, 29))
        bundle = new_link_bundle(session, "FX-DANIEL", date(2026, 11, 29))
    assert new_version == 2
    assert record["allergies"][0]["status"] == "refuted"
    assert "Penicillin" not in str(passport.sections["health"]["allergies"])
    assert "Penicillin" not in str(sheet.sections["allergies"])
    [allergy] = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "AllergyIntolerance"
    ]
    assert allergy["verificationStatus"]["coding"][0]["code"] == "refuted"
    # FHIR R4 invariant ait-1: a clinicalStatus unless entered-in-error.
    assert allergy["clinicalStatus"]["coding"][0]["code"] == "inactive"
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(bundle)
    assert nurse.get(url).status_code == 404  # nothing left to rule out
