"""Issue 14: every entry of a list section can be changed, or taken out as entered in error,
each with a reason; the new version, the history, the documents and a new link follow."""

from __future__ import annotations

from datetime import date

import pytest
from fhir.resources.R4B.bundle import Bundle

from passport.documents import service as documents
from passport.records.service import load_current, load_record
from tests.conftest import FIXTURES
from tests.helpers import (
    date_parts,
    form_page,
    get_page,
    make_nurse,
    new_link_bundle,
    sign_in,
)
from tests.web.pages import error_summary, parse, text

DANIEL = "/children/FX-DANIEL"
AS_OF = date(2026, 11, 29)


@pytest.fixture
def nurse(client, db, cli):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    make_nurse(db)
    assert sign_in(client).status_code == 302
    return client


def link_named(page, name: str) -> str:
    """The href of the link whose accessible text is exactly `name`."""
    found = [a["href"] for a in page.find_all("a") if " ".join(a.get_text().split()) == name]
    assert len(found) == 1, (name, found)
    return found[0]


def current(db, ref="FX-DANIEL"):
    with db.transaction() as session:
        return load_current(session, ref)


def outputs(db, ref="FX-DANIEL"):
    """The passport's content and a new link's FHIR bundle, as made now."""
    with db.transaction() as session:
        _, passport = documents.build_document(session, ref, "passport", AS_OF)
        bundle = new_link_bundle(session, ref, AS_OF)
    return passport, bundle


def flags_for(db, ref: str, as_of: str) -> set[str]:
    from passport.caseload.service import entry_for

    version, record = current(db, ref)
    return set(entry_for(version, record, date.fromisoformat(as_of)).report.codes())


def resources(bundle, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def history_lines(nurse) -> str:
    return text(get_page(nurse, f"{DANIEL}/history"))


def post_form(nurse, url: str, fields: dict, version: str | None = None):
    token, shown = form_page(nurse, url)
    return nurse.post(url, data={"csrf_token": token, "version": version or shown, **fields})


def medicine_fields(**changes) -> dict:
    fields = {
        "name": "Adapalene 0.1% gel",
        "dose": "Thin layer at night",
        "reason": "Acne",
        **date_parts("started", "2022-06-07"),
        "change_reason": "GP letter of 20 November: dose changed",
    }
    fields.update(changes)
    return fields


def test_a_medicines_dose_is_changed_and_every_output_follows(nurse, db):
    page = get_page(nurse, DANIEL)
    url = link_named(page, "Change Adapalene 0.1% gel")
    form = get_page(nurse, url)
    assert form.select_one("h1").get_text(strip=True) == "Change Adapalene 0.1% gel"
    assert form.select_one("#dose")["value"] == "Thin layer at night"  # prefilled
    assert form.select_one("#started-year")["value"] == "2022"

    done = post_form(nurse, url, medicine_fields(dose="Twice a day"))
    assert done.status_code == 302
    version, record = current(db)
    assert version == 2
    gel = record["medications"][3]
    assert (gel["name"], gel["dose"], gel["started"]) == (
        "Adapalene 0.1% gel",
        "Twice a day",
        date(2022, 6, 7),
    )
    assert len(record["medications"]) == 4  # replaced, not added
    lines = history_lines(nurse)
    assert "Adapalene 0.1% gel: dose changed from Thin layer at night to Twice a day" in lines
    assert "GP letter of 20 November: dose changed" in lines
    passport, bundle = outputs(db)
    [shown] = [m for m in passport.sections["health"]["medicines"] if m["name"].startswith("Adap")]
    assert shown["dose"] == "Twice a day"
    [statement] = [
        s
        for s in resources(bundle, "MedicationStatement")
        if s["medicationCodeableConcept"]["text"].startswith("Adapalene")
    ]
    assert statement["dosage"] == [{"text": "Twice a day"}]
    Bundle.model_validate(bundle)


def test_a_change_without_a_reason_or_with_impossible_dates_saves_nothing(nurse, db):
    url = f"{DANIEL}/medications/3/change"
    no_reason = post_form(nurse, url, medicine_fields(dose="Twice a day", change_reason=""))
    assert no_reason.status_code == 400
    assert ("#change_reason", "Enter why you are making this change") in error_summary(
        parse(no_reason)
    )
    early = post_form(nurse, url, medicine_fields(**date_parts("stopped", "2022-01-01")))
    assert early.status_code == 400
    messages = [m for _, m in error_summary(parse(early))]
    assert "The stop date must be on or after the start date, 7 June 2022" in messages
    future = post_form(nurse, url, medicine_fields(**date_parts("stopped", "2027-01-01")))
    assert "The stop date must be today or in the past" in [
        m for _, m in error_summary(parse(future))
    ]
    before_birth = post_form(nurse, url, medicine_fields(**date_parts("started", "2007-01-01")))
    assert "The start date must be on or after the date of birth, 20 December 2008" in [
        m for _, m in error_summary(parse(before_birth))
    ]
    for refused in (no_reason, early, future, before_birth):
        assert "medications[" not in refused.get_data(as_text=True)
    assert current(db)[0] == 1  # nothing saved


def test_a_stale_version_is_refused_and_nothing_is_saved(nurse, db):
    url = f"{DANIEL}/medications/3/change"
    token, version = form_page(nurse, url)
    assert post_form(nurse, f"{DANIEL}/allergies/0/change", allergy_fields()).status_code == 302
    stale = nurse.post(
        url, data={"csrf_token": token, "version": version, **medicine_fields(dose="Twice")}
    )
    assert stale.status_code == 409
    version_now, record = current(db)
    assert version_now == 2
    assert record["medications"][3]["dose"] == "Thin layer at night"


def allergy_fields(**changes) -> dict:
    fields = {
        "substance": "Penicillin",
        "reaction": "Swollen lips and wheeze within an hour",
        "severity": "severe",
        **date_parts("recorded_on", "2011-02-22"),
        "change_reason": "Allergy clinic letter: the reaction was worse than first noted",
    }
    fields.update(changes)
    return fields


def test_an_allergys_reaction_and_severity_are_changed(nurse, db):
    url = link_named(get_page(nurse, DANIEL), "Change Penicillin")
    assert post_form(nurse, url, allergy_fields()).status_code == 302
    _, record = current(db)
    assert record["allergies"][0]["severity"] == "severe"
    lines = history_lines(nurse)
    assert "Penicillin: severity changed from mild to severe" in lines
    assert (
        "Penicillin: reaction changed from Itchy raised rash on the third day of amoxicillin "
        "to Swollen lips and wheeze within an hour" in lines
    )
    passport, bundle = outputs(db)
    assert passport.sections["health"]["allergies"] == [
        {
            "what": "Penicillin",
            "reaction": "Swollen lips and wheeze within an hour",
            "severity": "severe",
        }
    ]
    [allergy] = resources(bundle, "AllergyIntolerance")
    assert allergy["reaction"] == [
        {
            "manifestation": [{"text": "Swollen lips and wheeze within an hour"}],
            "severity": "severe",
        }
    ]


def test_a_condition_moves_from_active_to_resolved_with_its_date(nurse, db):
    url = link_named(get_page(nurse, DANIEL), "Change Acne")
    fields = {
        "name": "Acne",
        "status": "resolved",
        **date_parts("onset", "2022-05-01"),
        "change_reason": "Skin clear at the review",
    }
    missing_date = post_form(nurse, url, fields)
    assert missing_date.status_code == 400
    assert "Enter the date it was resolved" in [m for _, m in error_summary(parse(missing_date))]
    too_early = post_form(nurse, url, {**fields, **date_parts("resolved_on", "2021-01-01")})
    assert "The date it was resolved must be on or after the date it started, 1 May 2022" in [
        m for _, m in error_summary(parse(too_early))
    ]
    assert current(db)[0] == 1

    assert (
        post_form(nurse, url, {**fields, **date_parts("resolved_on", "2026-11-01")}).status_code
        == 302
    )
    _, record = current(db)
    acne = next(c for c in record["conditions"] if c["name"] == "Acne")
    assert (acne["status"], acne["resolved_on"]) == ("resolved", date(2026, 11, 1))
    assert "Acne: status changed from active to resolved" in history_lines(nurse)
    passport, bundle = outputs(db)
    assert "Acne" not in str(passport.sections["health"]["conditions"])
    assert {"name": "Acne", "since": "1 May 2022", "until": "1 November 2026"} in (
        passport.sections["health"]["past_conditions"]
    )
    [acne_resource] = [c for c in resources(bundle, "Condition") if c["code"]["text"] == "Acne"]
    assert acne_resource["clinicalStatus"]["coding"][0]["code"] == "resolved"


def test_a_screening_result_moves_from_pending_to_a_result(nurse, db):
    url = link_named(get_page(nurse, DANIEL), "Change School entry vision screening")
    fields = {
        "test": "vision",
        "name": "School entry vision screening",
        **date_parts("date", "2014-01-20"),
        "result": "pending",
        "change_reason": "The result was not back yet",
    }
    assert post_form(nurse, url, fields).status_code == 302
    assert (
        "School entry vision screening, vision, 20 January 2014: result changed from negative to pending"
        in (history_lines(nurse))
    )
    fields.update(result="positive", follow_up="Glasses", change_reason="Result came back")
    early = post_form(nurse, url, {**fields, **date_parts("result_on", "2014-01-19")})
    assert early.status_code == 400
    assert (
        "#result_on-day",
        "The date of the result must be on or after the date of the test, 20 January 2014",
    ) in error_summary(parse(early))
    pending_dated = post_form(
        nurse, url, {**fields, "result": "pending", **date_parts("result_on", "2014-02-01")}
    )
    assert "Leave the date of the result blank while it is pending" in [
        m for _, m in error_summary(parse(pending_dated))
    ]
    assert current(db)[0] == 2
    fields.update(date_parts("result_on", "2014-02-03"))
    assert post_form(nurse, url, fields).status_code == 302
    version, record = current(db)
    assert version == 3
    assert record["screening"][2]["result"] == "positive"
    assert record["screening"][2]["result_on"] == date(2014, 2, 3)
    lines = history_lines(nurse)
    assert (
        "School entry vision screening, vision, 20 January 2014: result changed from pending to positive"
        in lines
    )
    assert (
        "School entry vision screening, vision, 20 January 2014: follow-up added: Glasses" in lines
    )
    page = text(get_page(nurse, DANIEL))
    assert (
        "School entry vision screening Positive (20 January 2014), result on 3 February 2014. "
        "Glasses" in page
    )
    assert "date of the result added: 3 February 2014" in lines


def test_a_mental_health_service_is_changed(nurse, db):
    url = link_named(get_page(nurse, DANIEL), "Change CAMHS neurodevelopmental pathway")
    form = get_page(nurse, url)
    assert form.select_one("#service")["value"] == "CAMHS neurodevelopmental pathway"
    fields = {
        "service": "CAMHS neurodevelopmental pathway",
        **date_parts("referred_on", "2016-11-14"),
        **date_parts("first_seen_on", "2017-04-03"),
        **date_parts("discharged_on", "2016-01-01"),
        "change_reason": "Discharge letter found",
    }
    refused = post_form(nurse, url, fields)
    assert "The discharge date must be on or after the referral date, 14 November 2016" in [
        m for _, m in error_summary(parse(refused))
    ]
    fields.update(date_parts("discharged_on", "2018-03-01"))
    assert post_form(nurse, url, fields).status_code == 302
    _, record = current(db)
    assert record["mental_health"][0]["discharged_on"] == date(2018, 3, 1)
    assert "notes" not in record["mental_health"][0]  # the form is what the entry now says
    assert (
        "CAMHS neurodevelopmental pathway: date discharged changed from 12 February 2018 "
        "to 1 March 2018" in history_lines(nurse)
    )


def test_an_immunisation_dated_before_birth_is_refused(nurse, db):
    url = link_named(get_page(nurse, DANIEL), "Change 5-in-1 dose 1")
    refused = post_form(
        nurse,
        url,
        {
            "vaccine": "5-in-1",
            "dose": "1",
            **date_parts("date", "2008-01-01"),
            "source": "gp_record",
            "change_reason": "Wrong date",
        },
    )
    assert refused.status_code == 400
    assert "The date it was given must be on or after the date of birth, 20 December 2008" in [
        m for _, m in error_summary(parse(refused))
    ]
    assert current(db)[0] == 1


def test_an_allergy_entered_in_error_leaves_every_output_and_stays_in_the_history(nurse, db):
    page = get_page(nurse, DANIEL)
    url = link_named(page, "Entered in error (Penicillin)")
    confirm = get_page(nurse, url)
    assert "Was Penicillin entered in error?" in text(confirm)
    empty = post_form(nurse, url, {})
    assert empty.status_code == 400
    assert ("#error_reason", "Enter why this was entered in error") in error_summary(parse(empty))
    assert current(db)[0] == 1

    done = post_form(nurse, url, {"error_reason": "recorded on the wrong child"})
    assert done.status_code == 302
    version, record = current(db)
    assert version == 2
    assert record.get("allergies", []) == []
    with db.transaction() as session:
        assert load_record(session, "FX-DANIEL", 1)["allergies"][0]["substance"] == "Penicillin"
    lines = history_lines(nurse)
    assert "Entered in error: Penicillin allergy - recorded on the wrong child" in lines
    passport, bundle = outputs(db)
    assert passport.sections["health"]["allergies"] == []
    assert "Penicillin" not in str(passport.sections)
    with db.transaction() as session:
        _, sheet = documents.build_document(session, "FX-DANIEL", "carer-sheet", AS_OF)
        _, leaver = documents.build_document(session, "FX-DANIEL", "leaver-summary", AS_OF)
    assert "Penicillin" not in str(sheet.sections["allergies"])
    assert leaver.sections["gp_page"]["allergies"] == []
    assert not [r for r in resources(bundle, "AllergyIntolerance") if "Penicillin" in str(r)]
    Bundle.model_validate(bundle)
    assert "Penicillin" not in text(get_page(nurse, DANIEL)).split("Version history")[0]


def test_a_medicine_entered_in_error_is_named_in_the_history(nurse, db):
    url = link_named(get_page(nurse, DANIEL), "Entered in error (Adapalene 0.1% gel)")
    assert post_form(nurse, url, {"error_reason": "Never prescribed"}).status_code == 302
    assert "Entered in error: Adapalene 0.1% gel (medicine) - Never prescribed" in (
        history_lines(nurse)
    )
    _, bundle = outputs(db)
    assert not [r for r in resources(bundle, "MedicationStatement") if "Adapalene" in str(r)]


@pytest.mark.parametrize("action", ["change", "entered-in-error"])
def test_another_authoritys_child_or_a_missing_entry_is_not_found(nurse, db, action):
    assert nurse.get(f"/children/FX-MASON/medications/0/{action}").status_code == 404
    token, _ = form_page(nurse, f"{DANIEL}/medications/0/{action}")
    posted = nurse.post(
        f"/children/FX-MASON/medications/0/{action}",
        data={"csrf_token": token, "version": "1", "error_reason": "x", "change_reason": "x"},
    )
    assert posted.status_code == 404
    assert nurse.get(f"{DANIEL}/medications/99/{action}").status_code == 404
    assert nurse.get(f"{DANIEL}/child/0/{action}").status_code == 404
    assert nurse.get(f"{DANIEL}/nonsense/0/{action}").status_code == 404
    assert current(db, "FX-MASON")[0] == 1


def test_every_entry_has_its_actions_named_for_it(nurse):
    page = get_page(nurse, DANIEL)
    names = [" ".join(a.get_text().split()) for a in page.find_all("a")]
    for expected in (
        "Change Methylphenidate modified-release",
        "Entered in error (Methylphenidate modified-release)",
        "Stop Adapalene 0.1% gel",
        "Resolve or rule out Penicillin",
        "Change Birth mother: Hepatitis C",
        "Change MMR dose 1",
        "Change CAMHS looked-after children's team",
    ):
        assert expected in names, expected
    assert "Stop Methylphenidate modified-release" not in names  # already stopped


# --- plan actions, information requests, assessments -------------------------------------------

PLAN = "/children/FX-DANIEL/assessments/RHA-2026/plan"
SUMMARY_ACTION = "Give Daniel his care-leaver health summary and go through it with him"


def test_a_plan_action_is_marked_done_with_who_and_when(nurse, db):
    page = get_page(nurse, DANIEL)
    url = link_named(page, f"Change the plan action: {SUMMARY_ACTION}")
    assert url == f"{PLAN}/0/change"
    form = get_page(nurse, url)
    assert form.select_one("#owner option[selected]")["value"] == "lac_nurse"
    fields = {
        "owner": "lac_nurse",
        **date_parts("due", "2026-12-11"),
        "status": "done",
        "change_reason": "Met Dan on 20 November",
    }
    missing = post_form(nurse, url, fields)
    assert missing.status_code == 400
    assert {m for _, m in error_summary(parse(missing))} >= {
        "Enter the date it was done",
        "Enter who did it",
    }
    future = post_form(
        nurse, url, {**fields, **date_parts("status_on", "2027-01-02"), "status_by": "Sam"}
    )
    assert "The date it was done or cancelled must be today or in the past" in [
        m for _, m in error_summary(parse(future))
    ]
    assert current(db)[0] == 1

    done = post_form(
        nurse, url, {**fields, **date_parts("status_on", "2026-11-20"), "status_by": "Sam Patel"}
    )
    assert done.status_code == 302
    _, record = current(db)
    rha = next(a for a in record["assessments"] if a["id"] == "RHA-2026")
    action = rha["health_plan"][0]
    assert (action["status"], action["completed_on"], action["status_by"]) == (
        "done",
        date(2026, 11, 20),
        "Sam Patel",
    )
    assert action["due"] == date(2026, 12, 11)
    assert (
        f"Review health assessment of 9 March 2026: {SUMMARY_ACTION[0].lower()}"
        f"{SUMMARY_ACTION[1:]}: done on 20 November 2026 by Sam Patel" in history_lines(nurse)
    )
    passport, _ = outputs(db)
    assert not any(SUMMARY_ACTION in step for step in passport.sections["next"])
    assert "(marked done by Sam Patel)" in text(get_page(nurse, DANIEL))


def test_a_plan_action_is_cancelled_with_a_reason_and_leaves_the_next_steps(nurse, db):
    url = f"{PLAN}/1/change"
    passport, _ = outputs(db)
    assert any("HC2" in step for step in passport.sections["next"])
    fields = {
        "owner": "young_person",
        "status": "cancelled",
        **date_parts("status_on", "2026-11-21"),
        "status_by": "Sam Patel",
        "change_reason": "Personal adviser rang",
    }
    no_why = post_form(nurse, url, fields)
    assert "Enter why it was cancelled" in [m for _, m in error_summary(parse(no_why))]
    assert current(db)[0] == 1
    saved = post_form(nurse, url, {**fields, "cancelled_reason": "He already has an HC2"})
    assert saved.status_code == 302
    assert "cancelled on 21 November 2026 by Sam Patel - He already has an HC2" in (
        history_lines(nurse)
    )
    passport, _ = outputs(db)
    assert not any("HC2" in step for step in passport.sections["next"])
    for check in passport.sections.get("checks", []) or []:
        assert not any("HC2" in a["action"] for a in check.get("agreed", []))


def test_a_plan_actions_owner_and_due_date_change_and_the_next_steps_follow(nurse, db):
    url = f"{PLAN}/3/change"
    saved = post_form(
        nurse,
        url,
        {
            "owner": "lac_nurse",
            **date_parts("due", "2027-02-26"),
            "status": "open",
            "change_reason": "Allergy clinic appointment moved",
        },
    )
    assert saved.status_code == 302
    lines = history_lines(nurse)
    assert "who will do it changed from GP to LAC nurse" in lines
    assert "due date changed from 29 January 2027 to 26 February 2027" in lines
    passport, _ = outputs(db)
    # The passport's next steps hold the young person's own actions; a staff action is said
    # as who else has things to do (issue 15), and what was agreed names the new owner.
    assert not any("penicillin allergy label" in s for s in passport.sections["next"])
    assert any(s.startswith("Your nurse") for s in passport.sections["next"])
    agreed = [a["action"] for c in passport.sections["checks"] for a in c["agreed"]]
    assert (
        "Check whether the penicillin allergy label is still right (allergy testing) "
        "(your nurse)" in agreed
    )


def test_the_nurse_books_a_plan_action_changes_the_date_and_takes_the_booking_off(nurse, db):
    """Format /2's booking, which a carer can also mark: the nurse sees it on the form and can
    put it right. A date with "No" is named and nothing is saved."""
    url = f"{PLAN}/3/change"  # the GP's allergy check, open and not booked
    form = get_page(nurse, url)
    assert form.select_one("input[name=booked][value=no]").has_attr("checked")
    fields = {"owner": "gp", **date_parts("due", "2027-01-29"), "status": "open",
              "change_reason": "Allergy clinic rang"}  # fmt: skip
    date_but_no = post_form(nurse, url, {**fields, "booked": "no",
                                         **date_parts("booked_for", "2027-01-12")})  # fmt: skip
    assert date_but_no.status_code == 400
    [(target, message)] = error_summary(parse(date_but_no))
    assert target.startswith("#booked_for")
    assert message == "Leave the date of the appointment empty, or choose Yes: it is booked"
    assert current(db)[0] == 1

    booked = post_form(nurse, url, {**fields, "booked": "yes",
                                    **date_parts("booked_for", "2027-01-12")})  # fmt: skip
    assert booked.status_code == 302
    action = next(a for a in current(db)[1]["assessments"] if a["id"] == "RHA-2026")["health_plan"][
        3
    ]
    assert (action["status"], action["booked_on"], action["booked_for"], action["booked_by"]) == (
        "open", AS_OF, date(2027, 1, 12), "nurse@example.org",
    )  # fmt: skip
    assert "booked for 12 January 2027" in text(get_page(nurse, DANIEL))
    form = get_page(nurse, url)
    assert form.select_one("input[name=booked][value=yes]").has_attr("checked")

    moved = post_form(nurse, url, {**fields, "booked": "yes",
                                   **date_parts("booked_for", "2027-01-19")})  # fmt: skip
    assert moved.status_code == 302
    action = next(a for a in current(db)[1]["assessments"] if a["id"] == "RHA-2026")["health_plan"][
        3
    ]
    assert (action["booked_on"], action["booked_for"]) == (AS_OF, date(2027, 1, 19))

    off = post_form(nurse, url, {**fields, "booked": "no"})
    assert off.status_code == 302
    action = next(a for a in current(db)[1]["assessments"] if a["id"] == "RHA-2026")["health_plan"][
        3
    ]
    assert not {"booked_on", "booked_for", "booked_by"} & set(action)
    assert current(db)[0] == 4
    # A form sent without the booking question (an older page) leaves the booking alone.
    post_form(nurse, url, {**fields, "booked": "yes"})
    post_form(nurse, url, {**fields, "change_reason": "Due date checked"})
    action = next(a for a in current(db)[1]["assessments"] if a["id"] == "RHA-2026")["health_plan"][
        3
    ]
    assert action["booked_on"] == AS_OF and "booked_for" not in action


def test_a_plan_action_of_another_authority_or_not_there_is_not_found(nurse):
    assert nurse.get("/children/FX-MASON/assessments/RHA-2026/plan/0/change").status_code == 404
    assert nurse.get(f"{PLAN}/9/change").status_code == 404
    assert nurse.get("/children/FX-DANIEL/assessments/NOPE/plan/0/change").status_code == 404


CHLOE = "/children/FX-CHLOE"


def test_an_information_request_is_withdrawn_and_is_not_chased_any_more(nurse, db):
    assert "INFO_REQUEST_OUTSTANDING" in flags_for(db, "FX-CHLOE", "2026-11-29")
    page = get_page(nurse, CHLOE)
    url = link_named(page, "Withdraw the request to the GP sent 1 September 2026")
    early = post_form(
        nurse, url, {**date_parts("withdrawn_on", "2026-08-01"), "withdrawn_reason": "x"}
    )
    assert (
        "The date it was withdrawn must be on or after the date it was sent, 1 September 2026"
        in [m for _, m in error_summary(parse(early))]
    )
    assert current(db, "FX-CHLOE")[0] == 1
    saved = post_form(
        nurse,
        url,
        {
            **date_parts("withdrawn_on", "2026-11-20"),
            "withdrawn_reason": "The new GP sent the summary with the registration",
        },
    )
    assert saved.status_code == 302
    _, record = current(db, "FX-CHLOE")
    assert record["information_requests"][2]["withdrawn_on"] == date(2026, 11, 20)
    assert "INFO_REQUEST_OUTSTANDING" not in flags_for(db, "FX-CHLOE", "2026-11-29")
    shown = text(get_page(nurse, CHLOE))
    assert (
        "Withdrawn on 20 November 2026: The new GP sent the summary with the registration" in shown
    )
    assert "Chase today (GP, sent 1 September 2026)" not in shown
    assert nurse.get(url).status_code == 404  # withdrawn already
    lines = text(get_page(nurse, f"{CHLOE}/history"))
    assert "Information request to GP, 1 September 2026: withdrawn on 20 November 2026" in lines


def test_an_information_requests_recipient_and_dates_are_changed(nurse, db):
    url = link_named(get_page(nurse, CHLOE), "Change the request to the GP sent 1 September 2026")
    form = get_page(nurse, url)
    assert form.select_one("#sent_on-day")["value"] == "1"
    fields = {
        "to": "previous_authority",
        "for_assessment": "RHA-2026",
        **date_parts("sent_on", "2026-09-02"),
        "summary": "Health file asked of the previous authority",
        "change_reason": "It went to the previous authority, not the GP",
    }
    early = post_form(nurse, url, {**fields, **date_parts("received_on", "2026-09-01")})
    assert (
        "The date the answer came must be on or after the date it was sent, 2 September 2026"
        in [m for _, m in error_summary(parse(early))]
    )
    assert current(db, "FX-CHLOE")[0] == 1
    assert post_form(nurse, url, fields).status_code == 302
    _, record = current(db, "FX-CHLOE")
    changed = record["information_requests"][2]
    assert (changed["to"], changed["sent_on"]) == ("previous_authority", date(2026, 9, 2))
    assert changed["chased_on"] == [date(2026, 9, 22), date(2026, 10, 13)]  # kept
    lines = text(get_page(nurse, f"{CHLOE}/history"))
    assert "GP, 1 September 2026: to changed from GP to Previous local authority" in lines


def test_an_assessment_is_amended_with_a_reason(nurse, db):
    page = get_page(nurse, DANIEL)
    url = link_named(page, "Amend the review health assessment of 9 March 2026")
    form = get_page(nurse, url)
    assert form.select_one("h1").get_text(strip=True) == (
        "Amend the review health assessment of 9 March 2026"
    )
    summary = form.select_one("#findings_summary").get_text()
    assert summary  # prefilled
    data = {}
    for field in form.select("#main-form input, #main-form textarea, #main-form select"):
        name = field.get("name")
        if not name:
            continue
        if field.name == "textarea":
            data[name] = field.get_text()
        elif field.name == "select":
            chosen = field.select_one("option[selected]")
            data[name] = chosen["value"] if chosen else ""
        elif field.get("type") in ("radio", "checkbox"):
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field["value"])
        else:
            data[name] = field.get("value", "")
    data["findings_summary"] = "Well. Acne much better."
    data["change_reason"] = "Typing error in the summary"
    future = nurse.post(url, data={**data, **date_parts("date", "2027-03-09")})
    assert "The date of the assessment must be today or in the past" in [
        m for _, m in error_summary(parse(future))
    ]
    assert current(db)[0] == 1
    saved = nurse.post(url, data=data)
    assert saved.status_code == 302, error_summary(parse(saved))
    with db.transaction() as session:
        before = load_record(session, "FX-DANIEL", 1)
    _, record = current(db)
    old = next(a for a in before["assessments"] if a["id"] == "RHA-2026")
    new = next(a for a in record["assessments"] if a["id"] == "RHA-2026")
    assert new["findings"]["summary"] == "Well. Acne much better."
    assert {k: v for k, v in new.items() if k != "findings"} == {
        k: v for k, v in old.items() if k != "findings"
    }  # nothing else moved: the plan, consent and SDQ dates are kept
    assert {k: v for k, v in new["findings"].items() if k != "summary"} == {
        k: v for k, v in old["findings"].items() if k != "summary"
    }
    lines = history_lines(nurse)
    assert "Review health assessment of 9 March 2026: findings summary changed from" in lines
    assert "Typing error in the summary" in lines
    assert nurse.get("/children/FX-MASON/assessments/RHA-2026/amend").status_code == 404


def test_a_stale_entered_in_error_is_refused_and_nothing_is_taken_out(nurse, db):
    url = f"{DANIEL}/allergies/0/entered-in-error"
    token, version = form_page(nurse, url)
    unchanged = post_form(nurse, f"{DANIEL}/medications/3/change", medicine_fields())
    assert unchanged.status_code == 400
    assert "Nothing has changed" in text(parse(unchanged))
    assert current(db)[0] == 1  # no empty version
    changed = post_form(nurse, f"{DANIEL}/medications/3/change", medicine_fields(dose="Twice"))
    assert changed.status_code == 302
    stale = nurse.post(
        url, data={"csrf_token": token, "version": version, "error_reason": "Wrong child"}
    )
    assert stale.status_code == 409
    assert "Someone else saved this record" in text(parse(stale))
    version_now, record = current(db)
    assert version_now == 2
    assert record["allergies"][0]["substance"] == "Penicillin"


def test_a_mental_health_service_is_added_then_changed(nurse, db):
    """A CAMHS referral added from the record page (a discharge before the referral is
    refused, nothing saved), then its discharge recorded with a reason."""
    page = get_page(nurse, "/children/FX-ELLIE")
    url = link_named(page, "Add a mental health service")
    before = current(db, "FX-ELLIE")[0]
    fields = {
        "service": "Northfield CAMHS",
        **date_parts("referred_on", "2026-06-01"),
        **date_parts("discharged_on", "2026-05-01"),
    }
    refused = post_form(nurse, url, fields)
    assert refused.status_code == 400
    assert current(db, "FX-ELLIE")[0] == before
    assert "mental_health[" not in refused.get_data(as_text=True)
    added = post_form(nurse, url, {**fields, **date_parts("discharged_on", "2026-09-01")})
    assert added.status_code == 302 and added.headers["Location"].endswith("#mental-health")
    version, record = current(db, "FX-ELLIE")
    assert version == before + 1
    assert record["mental_health"][-1]["service"] == "Northfield CAMHS"
    page = get_page(nurse, "/children/FX-ELLIE")
    assert "Northfield CAMHS" in text(page.select_one("#mental-health").find_next("dl"))
    change = link_named(page, "Change Northfield CAMHS")
    changed = post_form(
        nurse,
        change,
        {**fields, **date_parts("discharged_on", "2026-10-01"), "change_reason": "Letter came"},
    )
    assert changed.status_code == 302
    assert current(db, "FX-ELLIE")[1]["mental_health"][-1]["discharged_on"] == date(2026, 10, 1)


def test_hospital_episodes_and_advice_open_their_change_forms_named_by_what_and_when(nurse):
    for section in ("hospital_episodes", "health_advice"):
        page = get_page(nurse, f"{DANIEL}/{section}/0/change")
        assert page.select_one("h1").get_text(strip=True).startswith("Change ")
