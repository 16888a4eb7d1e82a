"""Each flag code: one record that raises it and one just inside the line that does not."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from rules_factories import (
    AS_OF,
    assessment,
    clean_record,
    latest,
    sdq,
    with_changes,
)

from passport.rules import FLAG_CODES, check_record


def codes(record: dict[str, Any], as_of: date = AS_OF, **kwargs: Any) -> list[str]:
    return check_record(record, as_of, **kwargs).codes()


def flag(record: dict[str, Any], code: str, as_of: date = AS_OF, **kwargs: Any):
    found = [f for f in check_record(record, as_of, **kwargs).flags if f.code == code]
    assert len(found) == 1, found
    return found[0]


def test_clean_record_raises_nothing():
    report = check_record(clean_record(), AS_OF)
    assert report.flags == []
    assert report.immunisations.missing == []
    assert report.next_rha_due == date(2027, 1, 19)


# --- builders: each returns (record, as_of) ------------------------------------------------


def entered_before_easter(iha_on: str | None) -> Callable[[], dict[str, Any]]:
    """In care from Friday 27 March 2026: Good Friday and Easter Monday fall in the 20 days,
    so the 20th working day is Tuesday 28 April 2026."""

    def build() -> dict[str, Any]:
        record = clean_record(entered_care="2026-03-27")
        record["assessments"] = [assessment("IHA-1", "IHA", iha_on)] if iha_on else []
        return record

    return build


def spring_bank_holiday_iha(iha_on: str) -> Callable[[], dict[str, Any]]:
    """In care from Friday 22 May 2026, before the late-May bank holiday (25 May): the 20th
    working day is Monday 22 June 2026."""

    def build() -> dict[str, Any]:
        record = clean_record(entered_care="2026-05-22")
        record["assessments"] = [assessment("IHA-1", "IHA", iha_on)]
        return record

    return build


def rha_for_under_five(last_on: str) -> Callable[[], dict[str, Any]]:
    """A three-year-old: reviews every 6 months."""

    def build() -> dict[str, Any]:
        record = clean_record(date_of_birth="2023-02-01", entered_care="2025-04-07")
        record["assessments"] = [
            assessment("IHA-1", "IHA", "2025-04-14"),
            assessment("RHA-1", "RHA", last_on),
        ]
        record["immunisations"] = []
        return record

    return build


def latest_changed(**changes: Any) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        record = clean_record()
        target = latest(record)
        for key, value in changes.items():
            if value is None:
                target.pop(key, None)
            else:
                target[key] = value
        return record

    return build


def practitioner(**fields: Any) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        record = clean_record()
        latest(record)["practitioner"].update(fields)
        for key, value in fields.items():
            if value is None:
                del latest(record)["practitioner"][key]
        return record

    return build


def iha_practitioner(**fields: Any) -> Callable[[], dict[str, Any]]:
    """Clean, with the IHA's practitioner changed (None removes a field)."""

    def build() -> dict[str, Any]:
        record = clean_record()
        [iha] = [a for a in record["assessments"] if a["type"] == "IHA"]
        iha["practitioner"].update(fields)
        for key, value in fields.items():
            if value is None:
                del iha["practitioner"][key]
        return record

    return build


def summary(text: str | None) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        record = clean_record()
        if text is None:
            latest(record).pop("findings")
        else:
            latest(record)["findings"]["summary"] = text
        return record

    return build


def gp_input(
    sources: list[str],
    requests: list[dict[str, Any]] | None = None,
    camhs_referred_on: str | None = None,
) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        record = clean_record()
        latest(record)["sources_consulted"] = sources
        if requests is not None:
            record["information_requests"] = requests
        if camhs_referred_on:
            record["mental_health"] = [{"service": "CAMHS", "referred_on": camhs_referred_on}]
        return record

    return build


def request(
    sent_on: str, received_on: str | None = None, to: str = "gp", **extra: Any
) -> dict[str, Any]:
    body = {"to": to, "sent_on": sent_on, **extra}
    if received_on:
        body["received_on"] = received_on
    return body


def info_request(sent_on: str, received_on: str | None = None) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        return with_changes(clean_record(), information_requests=[request(sent_on, received_on)])

    return build


def without_immunisation(vaccine: str, on: str) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        record = clean_record()
        record["immunisations"] = [
            i for i in record["immunisations"] if (i["vaccine"], i["date"]) != (vaccine, on)
        ]
        return record

    return build


def history_status(status: str) -> Callable[[], dict[str, Any]]:
    return lambda: with_changes(clean_record(), immunisation_history_status=status)


def uasc(results: dict[str, str], is_uasc: bool = True) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        record = clean_record(unaccompanied_asylum_seeking=is_uasc)
        record["screening"] = [
            {"test": test, "result": result, "date": "2023-01-30"}
            for test, result in results.items()
        ]
        return record

    return build


ALL_DONE = {
    "tb": "negative",
    "hepatitis_b": "negative",
    "hepatitis_c": "negative",
    "hiv": "declined",
}


def last_sdq(
    total: int, on: str, completed_by: str = "carer", **child: Any
) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        record = clean_record(**child)
        latest(record)["sdq"] = sdq(total, on, completed_by)
        return record

    return build


def plan_action(due: str, status: str = "open") -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        record = clean_record()
        latest(record)["health_plan"] = [
            {"action": "Eye test at the optician", "owner": "carer", "due": due, "status": status}
        ]
        return record

    return build


def dental(checks: list[str], **child: Any) -> Callable[[], dict[str, Any]]:
    return lambda: with_changes(clean_record(**child), dental_checks=checks)


def contacts(with_gp: bool) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        record = clean_record()
        if not with_gp:
            del record["contacts"]["gp"]
        return record

    return build


def arrived(
    country: str, on: str, screened: dict[str, str] | None = None, **changes: Any
) -> Callable[[], dict[str, Any]]:
    """A child (not an asylum seeker) who came to the UK from ``country`` on ``on``; the
    screening results are keyed by test code, or by name for a parasite serology."""

    def build() -> dict[str, Any]:
        record = clean_record(country_of_origin=country, arrived_in_uk=on)
        record["screening"] = [
            (
                {"test": "parasites", "name": f"{test} serology"}
                if test[0].isupper()
                else {"test": test}
            )
            | {"result": result, "date": "2026-01-19"}
            for test, result in (screened or {}).items()
        ]
        record.update(changes)
        return record

    return build


ERITREA_DONE = {
    "tb": "negative",
    "hepatitis_b": "negative",
    "Schistosoma": "negative",
    "Strongyloides": "negative",
}


def sight_tests(tests: list[str]) -> Callable[[], dict[str, Any]]:
    return lambda: with_changes(clean_record(), optical_checks=tests)


def born(date_of_birth: str) -> Callable[[], dict[str, Any]]:
    return lambda: clean_record(date_of_birth=date_of_birth, entered_care="2023-01-09")


# code, builder that raises it, builder just inside the line, as_of for both
CASES = [
    pytest.param(
        "IHA_MISSING",
        entered_before_easter(None),
        entered_before_easter(None),
        (date(2026, 4, 29), date(2026, 4, 28)),
        id="iha-missing-after-easter",
    ),
    pytest.param(
        "IHA_LATE",
        entered_before_easter("2026-04-29"),
        entered_before_easter("2026-04-28"),
        date(2026, 6, 1),
        id="iha-late-21st-working-day-after-easter",
    ),
    pytest.param(
        "IHA_LATE",
        spring_bank_holiday_iha("2026-06-23"),
        spring_bank_holiday_iha("2026-06-22"),
        date(2026, 7, 1),
        id="iha-late-after-spring-bank-holiday",
    ),
    pytest.param(
        "RHA_OVERDUE",
        rha_for_under_five("2026-05-24"),
        rha_for_under_five("2026-05-25"),
        AS_OF,
        id="rha-six-monthly-under-five",
    ),
    pytest.param(
        "RHA_OVERDUE",
        latest_changed(date="2025-11-24"),
        latest_changed(date="2025-11-25"),
        AS_OF,
        id="rha-yearly-from-five",
    ),
    pytest.param(
        "CONSENT_NOT_RECORDED",
        latest_changed(consent={"status": "not_recorded"}),
        latest_changed(consent={"status": "declined", "by": "young_person"}),
        AS_OF,
        id="consent-not-recorded-vs-declined",
    ),
    pytest.param(
        "CONSENT_NOT_RECORDED",
        latest_changed(consent=None),
        latest_changed(consent={"status": "partial", "by": "young_person"}),
        AS_OF,
        id="consent-absent-vs-partial",
    ),
    pytest.param(
        "PRACTITIONER_INCOMPLETE",
        practitioner(registration=None),
        practitioner(registration="NMC 99X9999Z"),
        AS_OF,
        id="no-registration",
    ),
    pytest.param(
        "PRACTITIONER_INCOMPLETE",
        practitioner(grade="  "),
        practitioner(grade="Band 6"),
        AS_OF,
        id="blank-grade",
    ),
    pytest.param(
        "IHA_NOT_BY_DOCTOR",
        iha_practitioner(registration_body="NMC", registration_number="12A3456E"),
        iha_practitioner(registration_body="GMC", registration_number="7012345"),
        AS_OF,
        id="iha-by-a-nurse-vs-a-doctor",
    ),
    pytest.param(
        "IHA_NOT_BY_DOCTOR",
        iha_practitioner(registration="HCPC PA12345"),
        iha_practitioner(registration=None),
        AS_OF,
        id="iha-by-hcpc-in-1-text-vs-register-unknown",
    ),
    pytest.param(
        "VAGUE_FINDINGS",
        summary("No concerns."),
        summary("No concerns about growth: weight on the 50th centile."),
        AS_OF,
        id="vague-no-concerns",
    ),
    pytest.param(
        "VAGUE_FINDINGS",
        summary(None),
        summary("Asthma reviewed; inhaler technique good."),
        AS_OF,
        id="findings-missing",
    ),
    pytest.param(
        "NO_GP_CAMHS_INPUT",
        gp_input(["carer"]),
        gp_input(["carer"], [request("2026-01-05", "2026-01-12", for_assessment="RHA-2026")]),
        AS_OF,
        id="gp-report-received-counts",
    ),
    pytest.param(
        "NO_GP_CAMHS_INPUT",
        gp_input(["carer"], [request("2026-01-05", for_assessment="RHA-2026")]),
        gp_input(["carer", "gp"]),
        AS_OF,
        id="gp-request-never-answered",
    ),
    pytest.param(
        "NO_GP_CAMHS_INPUT",
        gp_input(["gp", "carer"], camhs_referred_on="2026-01-19"),
        gp_input(["gp", "carer"], camhs_referred_on="2026-01-20"),
        AS_OF,
        id="camhs-involved-by-assessment-date",
    ),
    pytest.param(
        "INFO_REQUEST_OUTSTANDING",
        info_request("2026-08-21"),
        info_request("2026-08-21"),
        (date(2026, 9, 15), date(2026, 9, 14)),
        id="request-15-working-days-over-august-bank-holiday",
    ),
    pytest.param(
        "INFO_REQUEST_OUTSTANDING",
        info_request("2026-08-21"),
        info_request("2026-08-21", "2026-09-14"),
        date(2026, 9, 15),
        id="request-answered",
    ),
    pytest.param(
        "IMMUNISATIONS_INCOMPLETE",
        without_immunisation("MMR", "2019-09-16"),
        clean_record,
        AS_OF,
        id="mmr-dose-2-missing",
    ),
    pytest.param(
        "IMMUNISATION_HISTORY_UNKNOWN",
        history_status("unknown"),
        history_status("partial"),
        AS_OF,
        id="history-unknown",
    ),
    pytest.param(
        "UASC_SCREENING_INCOMPLETE",
        uasc({**ALL_DONE, "tb": "pending"}),
        uasc(ALL_DONE),
        AS_OF,
        id="uasc-tb-pending",
    ),
    pytest.param(
        "UASC_SCREENING_INCOMPLETE",
        uasc({"tb": "positive"}),
        uasc({}, is_uasc=False),
        AS_OF,
        id="uasc-only-for-uasc",
    ),
    pytest.param(
        "ARRIVAL_SCREENING_INCOMPLETE",
        arrived("ER", "2023-01-02"),
        arrived("ER", "2023-01-02", ERITREA_DONE),
        AS_OF,
        id="arrival-from-eritrea-screened-by-country",
    ),
    pytest.param(
        "ARRIVAL_SCREENING_INCOMPLETE",
        arrived("ER", "2021-11-26"),
        arrived("ER", "2021-11-25"),
        AS_OF,
        id="arrival-new-entrant-for-5-years",
    ),
    pytest.param(
        "BCG_ELIGIBLE",
        arrived("AF", "2026-09-01"),
        arrived(
            "AF",
            "2026-09-01",
            immunisations=[{"vaccine": "BCG", "date": "2026-10-05", "source": "gp_record"}],
        ),
        AS_OF,
        id="bcg-for-new-entrant-from-high-incidence-country",
    ),
    pytest.param(
        "BCG_ELIGIBLE",
        arrived("AF", "2026-09-01"),
        arrived("IR", "2026-09-01"),
        AS_OF,
        id="bcg-not-from-low-incidence-country",
    ),
    pytest.param(
        "SIGHT_TEST_OVERDUE",
        sight_tests(["2024-11-24"]),
        sight_tests(["2024-11-25"]),
        AS_OF,
        id="sight-test-older-than-two-years",
    ),
    # Vision screening is at 4 to 5, in Reception: a sight test is expected once it is over.
    pytest.param(
        "SIGHT_TEST_OVERDUE",
        lambda: with_changes(clean_record(date_of_birth="2021-08-31"), optical_checks=[]),
        lambda: with_changes(clean_record(date_of_birth="2021-09-01"), optical_checks=[]),
        AS_OF,
        id="sight-test-after-the-reception-year",
    ),
    pytest.param(
        "SDQ_MISSING",
        last_sdq(8, "2025-11-24"),
        last_sdq(8, "2025-11-25"),
        AS_OF,
        id="sdq-12-months-old",
    ),
    pytest.param(
        "SDQ_MISSING",
        last_sdq(8, "2025-06-01", date_of_birth="2009-11-26"),
        last_sdq(8, "2025-06-01", date_of_birth="2009-11-25"),
        AS_OF,
        id="sdq-until-17th-birthday",
    ),
    pytest.param(
        "SDQ_BORDERLINE",
        last_sdq(14, "2026-01-19"),
        last_sdq(13, "2026-01-19"),
        AS_OF,
        id="sdq-14-borderline",
    ),
    pytest.param(
        "SDQ_CONCERN",
        last_sdq(17, "2026-01-19"),
        last_sdq(16, "2026-01-19"),
        AS_OF,
        id="sdq-17-concern",
    ),
    # The young person's own SDQ has its own cut-offs (sdqinfo): 17 is "slightly raised"
    # (borderline) on the self-report, a cause for concern on the carer's.
    pytest.param(
        "SDQ_CONCERN",
        last_sdq(17, "2026-01-19"),
        last_sdq(17, "2026-01-19", completed_by="young_person"),
        AS_OF,
        id="sdq-self-report-has-its-own-cut-offs",
    ),
    pytest.param(
        "HEALTH_PLAN_ACTION_OVERDUE",
        plan_action("2026-11-24"),
        plan_action("2026-11-25"),
        AS_OF,
        id="plan-action-due-yesterday",
    ),
    pytest.param(
        "HEALTH_PLAN_ACTION_OVERDUE",
        plan_action("2026-06-01"),
        plan_action("2026-06-01", status="done"),
        AS_OF,
        id="plan-action-done",
    ),
    pytest.param(
        "DENTAL_CHECK_OVERDUE",
        dental(["2025-11-24"]),
        dental(["2025-11-25"]),
        AS_OF,
        id="dental-12-months",
    ),
    pytest.param(
        "DENTAL_CHECK_OVERDUE",
        dental([], date_of_birth="2025-11-25", entered_care="2025-11-25"),
        dental([], date_of_birth="2025-11-26", entered_care="2025-11-26"),
        AS_OF,
        id="dental-from-first-birthday",
    ),
    pytest.param(
        "GP_NOT_REGISTERED", contacts(with_gp=False), contacts(with_gp=True), AS_OF, id="gp"
    ),
    pytest.param(
        "LEAVER_SUMMARY_DUE",
        born("2009-05-25"),
        born("2009-05-26"),
        AS_OF,
        id="leaver-summary-from-17-and-a-half",
    ),
]


@pytest.mark.parametrize(("code", "raises", "does_not", "as_of"), CASES)
def test_flag_raised_and_not_raised(code, raises, does_not, as_of):
    raise_on, quiet_on = as_of if isinstance(as_of, tuple) else (as_of, as_of)
    assert code in codes(raises(), raise_on)
    assert code not in codes(does_not(), quiet_on)


def test_every_flag_code_has_a_case():
    assert {case.values[0] for case in CASES} == set(FLAG_CODES)


# --- details of individual rules -------------------------------------------------------------


def test_iha_missing_message_and_due_date():
    found = flag(entered_before_easter(None)(), "IHA_MISSING", date(2026, 4, 29))
    assert found.severity == "urgent"
    assert found.extra["due"] == date(2026, 4, 28)
    assert "28 April 2026" in found.message and "Book it now" in found.message


def test_iha_missing_is_a_records_task_when_reviews_happened_since():
    record = clean_record()
    record["assessments"] = [a for a in record["assessments"] if a["type"] != "IHA"]
    found = flag(record, "IHA_MISSING")
    assert found.severity == "warning"
    assert "Find the IHA report" in found.message


def test_iha_late_counts_working_days_late():
    found = flag(entered_before_easter("2026-05-05")(), "IHA_LATE", date(2026, 6, 1))
    # 29 and 30 April, 1 May, (4 May bank holiday), 5 May
    assert found.extra["working_days_late"] == 4
    assert found.severity == "info"
    assert found.extra["assessment_id"] == "IHA-1"


def test_iha_from_an_earlier_period_in_care_does_not_count():
    record = entered_before_easter(None)()
    record["assessments"] = [assessment("IHA-OLD", "IHA", "2025-01-06")]
    assert "IHA_MISSING" in codes(record, date(2026, 5, 1))
    record["assessments"] = [assessment("IHA-RECENT", "IHA", "2026-01-06")]
    assert "IHA_MISSING" not in codes(record, date(2026, 5, 1))


@pytest.mark.parametrize(
    ("date_of_birth", "last", "expected"),
    [
        ("2023-02-01", "2026-05-25", date(2026, 11, 25)),  # 3: six-monthly
        ("2022-01-10", "2026-06-01", date(2026, 12, 1)),  # still 4 on the six-month date
        ("2021-10-01", "2026-06-01", date(2027, 6, 1)),  # 5 by the six-month date: yearly
        ("2021-12-01", "2026-06-01", date(2027, 6, 1)),  # 5 on the six-month date itself
        ("2016-05-10", "2026-01-19", date(2027, 1, 19)),  # 10: yearly
        ("2016-05-10", "2025-08-31", date(2026, 8, 31)),
    ],
)
def test_next_rha_due(date_of_birth, last, expected):
    record = clean_record(date_of_birth=date_of_birth, entered_care=date_of_birth)
    record["assessments"] = [assessment("RHA-1", "RHA", last)]
    assert check_record(record, date(2026, 6, 2)).next_rha_due == expected


def test_no_rha_due_on_or_after_the_18th_birthday():
    record = clean_record(date_of_birth="2009-08-01")
    latest(record)["date"] = "2026-08-01"
    report = check_record(record, AS_OF, leaver_summary_issued_on=date(2026, 9, 1))
    assert report.next_rha_due is None
    latest(record)["date"] = "2026-07-31"
    assert check_record(record, AS_OF).next_rha_due == date(2027, 7, 31)


def test_reviews_restart_with_a_new_period_in_care():
    record = entered_before_easter(None)()
    record["assessments"] = [assessment("RHA-OLD", "RHA", "2023-06-01")]
    report = check_record(record, date(2026, 5, 1))
    assert report.next_rha_due is None
    assert "RHA_OVERDUE" not in report.codes()
    assert "IHA_MISSING" in report.codes()
    record["assessments"].append(assessment("IHA-NEW", "IHA", "2026-04-20"))
    assert check_record(record, date(2026, 5, 1)).next_rha_due == date(2027, 4, 20)


def test_as_of_may_be_a_datetime():
    from datetime import datetime

    report = check_record(clean_record(), datetime(2026, 11, 25, 9, 30))
    assert report.as_of == AS_OF and report.flags == []


def test_rha_overdue_names_the_due_date():
    found = flag(latest_changed(date="2025-06-10")(), "RHA_OVERDUE")
    assert found.message == (
        "The review health assessment was due on 10 June 2026 and has not been done. Book it now."
    )
    assert found.severity == "urgent"


def test_quality_flags_on_older_assessments_are_info():
    record = clean_record()
    record["assessments"][1]["consent"] = {"status": "not_recorded"}
    latest(record)["consent"] = {"status": "not_recorded"}
    found = sorted(
        (f.extra["assessment_id"], f.severity)
        for f in check_record(record, AS_OF).flags
        if f.code == "CONSENT_NOT_RECORDED"
    )
    assert found == [("RHA-2024", "info"), ("RHA-2026", "warning")]


def test_iha_not_by_doctor_names_the_register_and_the_regulation():
    found = flag(iha_practitioner(registration_body="NMC")(), "IHA_NOT_BY_DOCTOR")
    assert found.extra["assessment_id"] == "IHA-2023"
    assert found.extra["registration_body"] == "NMC"
    assert found.severity == "info"  # not the latest assessment: history, worth an audit
    assert "the NMC register, not a doctor on the GMC register" in found.message
    assert "Regulations 2010, regulation 7" in found.message


def test_iha_not_by_doctor_is_a_warning_when_the_iha_is_the_latest_assessment():
    record = iha_practitioner(registration_body="other")()
    record["assessments"] = [a for a in record["assessments"] if a["type"] == "IHA"]
    found = flag(record, "IHA_NOT_BY_DOCTOR", date(2023, 2, 1))
    assert found.severity == "warning"
    assert "someone on another register" in found.message


@pytest.mark.parametrize(
    "fields",
    [
        {"registration": None},  # an old record: the register is not known
        {"registration": "7012345"},  # a number with no register named
        {"registration": "NMC 12A3456E", "registration_body": "GMC"},  # /2 field wins
    ],
)
def test_no_iha_not_by_doctor_when_the_register_is_unknown_or_gmc(fields):
    assert "IHA_NOT_BY_DOCTOR" not in codes(iha_practitioner(**fields)())


def test_an_rha_by_a_nurse_is_not_flagged():
    assert "IHA_NOT_BY_DOCTOR" not in codes(practitioner(registration_body="NMC")())


def test_a_registration_number_counts_as_the_registration():
    record = practitioner(registration=None, registration_number="12A3456E")()
    assert "PRACTITIONER_INCOMPLETE" not in codes(record)


def test_practitioner_incomplete_lists_what_is_missing():
    found = flag(practitioner(grade=None, registration=None)(), "PRACTITIONER_INCOMPLETE")
    assert found.extra["missing"] == ["grade", "registration"]
    assert "grade or professional registration" in found.message


@pytest.mark.parametrize(
    "text",
    [
        "No concerns",
        "no concerns.",
        "NAD",
        "N.A.D.",
        "nad",
        "Nothing to report",
        "Not known",
        "nil",
        "Nil.",
        "Fine",
        "well",
        "WELL!",
        "Fit and well, no concerns.",
        "No issues",
        "n/a",
        "Doing well",
        "No concerns/information",
        "  ",
        "All good",
        "Healthy",
        "No concerns at this time.",
    ],
)
def test_vague_summaries(text):
    assert "VAGUE_FINDINGS" in codes(summary(text)())


@pytest.mark.parametrize(
    "text",
    [
        "Growing well. Talked about sleep and school.",
        "Healthy boy. Foster carer told asthma had been suspected; no wheeze found today.",
        "No concerns raised by carer; dental decay noted, referred to dentist.",
        "Well, but worried about contact with mum.",
        "No wheeze.",
    ],
)
def test_specific_summaries_are_not_vague(text):
    assert "VAGUE_FINDINGS" not in codes(summary(text)())


def test_vague_message_quotes_the_summary():
    found = flag(summary("Fine.")(), "VAGUE_FINDINGS")
    assert '"Fine."' in found.message
    assert found.extra["assessment_id"] == "RHA-2026"


def test_camhs_input_missing_is_named():
    found = flag(gp_input(["carer"], camhs_referred_on="2025-05-01")(), "NO_GP_CAMHS_INPUT")
    assert found.extra["missing"] == ["gp", "camhs"]
    assert "the GP or CAMHS" in found.message


def test_camhs_request_received_for_the_assessment_counts():
    record = gp_input(
        ["gp"], [request("2026-01-02", "2026-01-15", to="camhs", for_assessment="RHA-2026")]
    )()
    assert "NO_GP_CAMHS_INPUT" not in codes(record)
    record["information_requests"][0]["for_assessment"] = "RHA-2025"
    assert "NO_GP_CAMHS_INPUT" in codes(record)


def test_camhs_mentioned_only_in_notes_counts_as_involvement():
    record = gp_input(["gp"])()
    record["mental_health"] = [
        {"service": "Local counselling", "notes": "Referred on to CAMHS in 2025."}
    ]
    assert "NO_GP_CAMHS_INPUT" in codes(record)
    record["mental_health"] = [{"service": "School counsellor"}]
    assert "NO_GP_CAMHS_INPUT" not in codes(record)


def test_outstanding_request_mentions_chasing():
    record = with_changes(
        clean_record(),
        information_requests=[
            request("2026-08-21", chased_on=["2026-09-01", "2026-09-10"], to="camhs")
        ],
    )
    found = flag(record, "INFO_REQUEST_OUTSTANDING", date(2026, 9, 15))
    assert found.extra["due"] == date(2026, 9, 14)
    assert "CAMHS" in found.message and "last chased on 10 September 2026" in found.message


def test_uasc_screening_lists_missing_tests():
    found = flag(uasc({"tb": "pending", "hiv": "negative"})(), "UASC_SCREENING_INCOMPLETE")
    assert found.extra["missing"] == ["tb", "hepatitis_b", "hepatitis_c"]
    assert "awaiting the result for TB" in found.message


def test_sdq_missing_needs_a_year_in_care():
    record = last_sdq(8, "2024-01-01", entered_care="2025-11-26")()
    record["assessments"] = [assessment("IHA-1", "IHA", "2025-12-01", sdq=sdq(8, "2024-01-01"))]
    assert "SDQ_MISSING" not in codes(record)
    record["child"]["entered_care"] = "2025-11-25"
    assert "SDQ_MISSING" in codes(record)


def test_sdq_not_required_before_fourth_birthday():
    record = last_sdq(8, "2024-01-01", date_of_birth="2022-11-26")()
    assert "SDQ_MISSING" not in codes(record)
    record["child"]["date_of_birth"] = "2022-11-25"
    assert "SDQ_MISSING" in codes(record)


def test_latest_sdq_counts_not_the_worst():
    record = clean_record()
    record["assessments"][1]["sdq"] = sdq(22, "2024-01-22")
    assert not {"SDQ_CONCERN", "SDQ_BORDERLINE"} & set(codes(record))


def test_sdq_concern_carries_score():
    found = flag(last_sdq(18, "2026-01-19")(), "SDQ_CONCERN")
    assert (found.extra["score"], found.severity) == (18, "urgent")
    assert found.extra["since"] == date(2026, 1, 19)


def test_health_plan_action_flag_names_action_and_owner():
    found = flag(plan_action("2026-10-31")(), "HEALTH_PLAN_ACTION_OVERDUE")
    assert '"Eye test at the optician"' in found.message and "carer" in found.message
    assert found.extra["due"] == date(2026, 10, 31)


def test_dental_never_checked():
    found = flag(dental([])(), "DENTAL_CHECK_OVERDUE")
    assert found.message == "No dental check is recorded. Book one with a dentist."


def test_leaver_summary_issued_stops_the_flag():
    record = born("2009-01-01")()
    assert "LEAVER_SUMMARY_DUE" in codes(record)
    assert "LEAVER_SUMMARY_DUE" not in codes(record, leaver_summary_issued_on=date(2026, 10, 1))


def test_leaver_summary_urgent_from_18_even_after_leaving_care():
    record = clean_record(date_of_birth="2008-06-01", left_care="2026-06-01")
    found = flag(record, "LEAVER_SUMMARY_DUE")
    assert found.severity == "urgent"
    assert found.extra["due"] == date(2025, 12, 1)


def test_no_leaver_summary_for_a_child_who_left_care_young():
    record = clean_record(date_of_birth="2009-01-01", left_care="2024-06-01")
    assert "LEAVER_SUMMARY_DUE" not in codes(record)


def test_left_care_raises_only_what_still_makes_sense():
    record = clean_record(left_care="2026-06-01", unaccompanied_asylum_seeking=True)
    record["assessments"] = [
        assessment(
            "RHA-1",
            "RHA",
            "2024-01-01",
            consent={"status": "not_recorded"},
            findings={"summary": "NAD"},
        )
    ]
    record["immunisations"] = []
    record["immunisation_history_status"] = "unknown"
    record["dental_checks"] = []
    del record["contacts"]["gp"]
    report = check_record(record, AS_OF)
    assert report.codes() == ["IMMUNISATIONS_INCOMPLETE", "IMMUNISATION_HISTORY_UNKNOWN"]
    assert {f.severity for f in report.flags} == {"info"}
    assert report.next_rha_due is None
    assert report.immunisations.missing  # still listed for the care-leaver summary


def test_eighteen_year_old_without_left_care_is_treated_as_left():
    record = clean_record(date_of_birth="2008-01-10")
    latest(record)["date"] = "2025-01-01"
    report = check_record(record, AS_OF)
    assert report.next_rha_due is None
    # Only the leaving-care summary and (for it) the teenage doses this history lacks.
    assert {(f.code, f.severity) for f in report.flags} == {
        ("LEAVER_SUMMARY_DUE", "urgent"),
        ("IMMUNISATIONS_INCOMPLETE", "info"),
    }


def test_events_after_as_of_are_ignored():
    record = clean_record()
    record["dental_checks"] = ["2027-01-05"]
    assert "DENTAL_CHECK_OVERDUE" in codes(record)
    assert check_record(record, date(2026, 2, 1)).next_rha_due == date(2027, 1, 19)
    assert check_record(record, date(2025, 6, 1)).next_rha_due == date(2026, 1, 20)


def test_jordan_sdq_history(jordan):
    report = check_record(jordan, AS_OF)
    assert "SDQ_CONCERN" not in report.codes()  # 18 in 2022, 11 in the latest (2025)
    assert "SDQ_MISSING" in report.codes()  # none since June 2025
