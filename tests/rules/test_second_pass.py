"""Issue 12, "Clinical rules, second pass": one test per item, each from a record of its own.

Sources are cited in each test and, in full, in ``docs/rules.md``. Every one of these failed on
the rules before the second pass (commit d768fda).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rules_factories import AS_OF, clean_record, history, latest, no_history_record, sdq

from passport.rules import (
    assess_immunisations,
    check_record,
    load_schedule,
    plan_lines,
    render_text,
)

TODAY = date(2026, 11, 29)  # the fixed "today" of the property tests, never date.today()


def missing(record: dict[str, Any], as_of: date = AS_OF) -> list[tuple[str, int, date]]:
    return [(m.vaccine, m.dose, m.due_since) for m in assess_immunisations(record, as_of).missing]


def due_soon(record: dict[str, Any], as_of: date = AS_OF) -> list[tuple[str, int, date]]:
    return [(d.vaccine, d.dose, d.due_on) for d in assess_immunisations(record, as_of).due_soon]


def flags(record: dict[str, Any], code: str, as_of: date = AS_OF):
    return [f for f in check_record(record, as_of).flags if f.code == code]


# --- 1. No false "up to date" -------------------------------------------------------------
# UKHSA uncertain or incomplete status (1 July 2025), from the 10th birthday: Td/IPV x3, MMR x2,
# MenACWY; MenACWY up to the 25th birthday for anyone born from 1 September 1996 (NHS); MMR at
# any age without two documented doses (Green Book chapter 21).


def test_a_care_leaver_born_in_2003_with_an_unknown_history_has_doses_missing():
    record = no_history_record("2003-05-10", sex="male", entered_care="2019-02-04")
    record["child"]["left_care"] = "2021-05-10"
    found = missing(record)
    assert found, "a 23-year-old with no record is owed a catch-up"
    assert {vaccine for vaccine, _, _ in found} == {"Td/IPV", "MMR", "MenACWY"}
    status = assess_immunisations(record, AS_OF)
    assert status.uncertain and not status.up_to_date
    codes = check_record(record, AS_OF).codes()
    assert {"IMMUNISATIONS_INCOMPLETE", "IMMUNISATION_HISTORY_UNKNOWN"} <= set(codes)


def test_every_cohort_from_2001_has_a_schedule():
    schedule = load_schedule()
    for born in (date(2001, 1, 1), date(2002, 6, 30), date(2004, 12, 31)):
        rows = schedule.doses_for(born, "female", AS_OF)
        assert [r.dose for r in rows["dtap_ipv"]][:3] == [1, 2, 3], born
        assert [r.vaccine for r in rows["measles"]] == ["MMR", "MMR"], born
        assert rows["menacwy"] and rows["hpv"], born


def test_mmr_has_no_upper_age_but_menacwy_and_hpv_end_at_25():
    record = no_history_record("2001-01-01", sex="female", entered_care="2016-03-01")
    names = {vaccine for vaccine, _, _ in missing(record, TODAY)}
    assert names == {"Td/IPV", "MMR"}  # 25 on 1 January 2026: MenACWY and HPV have ended
    younger = no_history_record("2002-01-01", sex="female", entered_care="2016-03-01")
    assert {"MenACWY", "HPV"} <= {vaccine for vaccine, _, _ in missing(younger, TODAY)}


def test_partial_history_is_never_up_to_date_even_with_nothing_missing():
    record = clean_record()
    record["immunisation_history_status"] = "partial"
    status = assess_immunisations(record, AS_OF)
    assert not status.up_to_date
    record["immunisation_history_status"] = "complete"
    assert assess_immunisations(record, AS_OF).up_to_date


# --- 2. Catch-up is a plan from now ---------------------------------------------------------
# UKHSA: "plan catch-up immunisation schedule with minimum number of visits", 4-week gaps.


def sixteen_year_old_who_arrived_in_september() -> dict[str, Any]:
    record = no_history_record("2010-05-10", sex="male", uasc=True, entered_care="2026-09-14")
    record["child"]["arrived_in_uk"] = "2026-09-01"
    return record


def test_catch_up_is_dated_from_arrival_not_from_infancy():
    record = sixteen_year_old_who_arrived_in_september()
    td_ipv = [(dose, since) for vaccine, dose, since in missing(record) if vaccine == "Td/IPV"]
    assert td_ipv == [(1, date(2026, 9, 1)), (2, date(2026, 9, 29)), (3, date(2026, 10, 27))]
    assert all(since >= date(2026, 9, 1) for _, _, since in missing(record))
    flag = flags(record, "IMMUNISATIONS_INCOMPLETE")[0]
    assert flag.extra["since"] == date(2026, 9, 1)
    assert "3 doses of Td/IPV, at least 4 weeks apart (the first due now)" in flag.message
    assert "2010" not in flag.message and "booster" not in flag.message


def test_without_an_arrival_date_the_plan_starts_on_entering_care():
    record = sixteen_year_old_who_arrived_in_september()
    del record["child"]["arrived_in_uk"]
    assert min(since for _, _, since in missing(record)) == date(2026, 9, 14)


def test_the_plan_reads_as_numbered_doses_with_their_intervals():
    record = sixteen_year_old_who_arrived_in_september()
    status = assess_immunisations(record, AS_OF)
    assert plan_lines(status) == [
        "3 doses of Td/IPV, at least 4 weeks apart (the first due now)",
        "2 doses of MMR, at least 4 weeks apart (the first due now)",
        "1 dose of HPV (due now)",
        "1 dose of MenACWY (due now)",
    ]
    text = render_text(check_record(record, AS_OF))
    assert "Catch-up plan from 1 September 2026" in text
    assert "teenage booster" not in text


def test_a_resumed_course_counts_what_was_given_since_arrival():
    record = sixteen_year_old_who_arrived_in_september()
    record["immunisations"] = history(
        ("Td/IPV", "2026-10-01"),
        ("MMR", "2026-10-01"),
        ("MenACWY", "2026-10-01"),
        ("HPV", "2026-10-01"),
    )
    assert missing(record) == [("Td/IPV", 2, date(2026, 10, 29)), ("MMR", 2, date(2026, 10, 29))]
    assert due_soon(record) == [("Td/IPV", 3, date(2026, 11, 26))]


# --- 3. PCV from the first birthday -----------------------------------------------------------
# UKHSA uncertain status, first to second birthday: one PCV13 at visit 1.


def test_one_pcv_after_the_first_birthday_completes_the_course():
    record = no_history_record("2025-10-08", entered_care="2026-10-20")
    record["immunisation_history_status"] = "partial"
    record["immunisations"] = history(("PCV", "2026-11-08"))
    assert not [m for m in missing(record) if m[0] == "PCV"]
    assert not [d for d in due_soon(record) if d[0] == "PCV"]


def test_one_pcv_after_the_first_birthday_also_for_the_2_plus_1_cohort():
    record = no_history_record("2018-06-01", entered_care="2019-06-10")
    record["immunisation_history_status"] = "partial"
    record["immunisations"] = history(("PCV", "2019-07-01"))
    assert not [m for m in missing(record, date(2019, 9, 1)) if m[0] == "PCV"]


# --- 4. The 6-in-1 for catch-up under 10 -------------------------------------------------------
# UKHSA uncertain status, second to 10th birthday: DTaP/IPV/Hib/HepB at visits 1-3.


def test_a_child_born_before_august_2017_is_caught_up_with_the_6_in_1():
    record = no_history_record("2016-12-01", entered_care="2026-10-05")
    names = {vaccine for vaccine, _, _ in missing(record) + due_soon(record)}
    assert "6-in-1" in names and "5-in-1" not in names


def test_before_the_6_in_1_existed_the_5_in_1_was_the_catch_up():
    record = no_history_record("2014-03-01", entered_care="2016-01-04")
    assert {v for v, _, _ in missing(record, date(2016, 6, 1)) if "in-1" in v} == {"5-in-1"}


# --- 5. SDQ from the young person and the teacher ---------------------------------------------
# Youth in Mind, "Scoring the SDQ" (sdqinfo.org), four bands: self-report 0-14 / 15-17 /
# 18-19 / 20-40; teacher 0-11 / 12-15 / 16-18 / 19-40.


def sdq_record(total: int, completed_by: str) -> dict[str, Any]:
    record = clean_record(date_of_birth="2012-02-02")
    latest(record)["sdq"] = sdq(total, "2026-01-19", completed_by)
    return record


def test_a_self_report_score_of_19_is_a_cause_for_concern_and_says_whose():
    found = flags(sdq_record(19, "young_person"), "SDQ_CONCERN")
    assert len(found) == 1
    assert found[0].extra["completed_by"] == "young_person"
    assert "young person's own" in found[0].message and "18 or more" in found[0].message


@pytest.mark.parametrize(
    ("total", "completed_by", "code"),
    [
        (14, "young_person", None),
        (15, "young_person", "SDQ_BORDERLINE"),
        (17, "young_person", "SDQ_BORDERLINE"),
        (18, "young_person", "SDQ_CONCERN"),
        (11, "teacher", None),
        (12, "teacher", "SDQ_BORDERLINE"),
        (15, "teacher", "SDQ_BORDERLINE"),
        (16, "teacher", "SDQ_CONCERN"),
        (13, "carer", None),
        (14, "carer", "SDQ_BORDERLINE"),
        (17, "carer", "SDQ_CONCERN"),
    ],
)
def test_each_version_has_its_own_bands(total, completed_by, code):
    codes = check_record(sdq_record(total, completed_by), AS_OF).codes()
    raised = [c for c in codes if c in ("SDQ_BORDERLINE", "SDQ_CONCERN")]
    assert raised == ([code] if code else [])


def test_a_teacher_score_does_not_stand_in_for_the_yearly_carer_sdq():
    record = sdq_record(8, "teacher")
    for assessment in record["assessments"][:-1]:
        assessment.pop("sdq", None)
    assert "SDQ_MISSING" in check_record(record, AS_OF).codes()


# --- 6. Screening by history for children arriving from abroad --------------------------------
# RCPCH (UASC assessment); Migrant Health Guide (country pages, helminths); NICE NG33 (BCG).
# Arch Dis Child 2020;105:530: schistosomiasis in 16% of UASC tested, hepatitis B 4.8%.


def arriving(
    country: str | None,
    *,
    uasc: bool = True,
    born: str = "2010-03-03",
    arrived_on: str = "2026-08-20",
) -> dict[str, Any]:
    record = clean_record(
        date_of_birth=born,
        entered_care="2026-09-01",
        unaccompanied_asylum_seeking=uasc,
        arrived_in_uk=arrived_on,
    )
    record["assessments"] = [
        {**latest(record), "id": "IHA-1", "type": "IHA", "date": "2026-09-10", "sdq": None}
    ]
    record["assessments"][0].pop("sdq")
    if country:
        record["child"]["country_of_origin"] = country
    record["screening"] = []
    return record


def test_a_child_from_eritrea_is_prompted_for_schistosomiasis_and_strongyloides():
    found = flags(arriving("ER"), "UASC_SCREENING_INCOMPLETE")[0]
    assert found.extra["missing"] == [
        "tb",
        "hepatitis_b",
        "hepatitis_c",
        "hiv",
        "schistosomiasis",
        "strongyloides",
    ]
    assert found.extra["country"] == "Eritrea"


def test_a_named_parasite_serology_counts_and_an_unnamed_parasite_screen_does_not():
    record = arriving("Eritrea")
    record["screening"] = [
        {"test": test, "result": "negative", "date": "2026-09-20"}
        for test in ("tb", "hepatitis_b", "hepatitis_c", "hiv", "parasites")
    ]
    assert flags(record, "UASC_SCREENING_INCOMPLETE")[0].extra["missing"] == [
        "schistosomiasis",
        "strongyloides",
    ]
    record["screening"] += [
        {
            "test": "parasites",
            "name": "Schistosoma serology",
            "result": "negative",
            "date": "2026-09-20",
        },
        {
            "test": "other",
            "name": "Strongyloides serology",
            "result": "pending",
            "date": "2026-09-20",
        },
    ]
    found = flags(record, "UASC_SCREENING_INCOMPLETE")[0]
    assert found.extra["missing"] == ["strongyloides"]
    assert "awaiting the result for strongyloides" in found.message


def test_a_child_from_a_high_hiv_country_is_offered_hiv_and_syphilis_without_being_uasc():
    found = flags(arriving("NG", uasc=False), "ARRIVAL_SCREENING_INCOMPLETE")[0]
    assert found.extra["missing"] == [
        "tb",
        "hepatitis_b",
        "hiv",
        "syphilis",
        "schistosomiasis",
        "strongyloides",
    ]


def test_a_country_the_table_does_not_know_prompts_every_test():
    found = flags(arriving("Atlantis", uasc=False), "ARRIVAL_SCREENING_INCOMPLETE")[0]
    assert len(found.extra["missing"]) == 7
    assert "not in the country table" in found.message


def test_without_a_country_an_asylum_seeker_gets_the_four_tests_as_before():
    found = flags(arriving(None), "UASC_SCREENING_INCOMPLETE")[0]
    assert found.extra["missing"] == ["tb", "hepatitis_b", "hepatitis_c", "hiv"]
    assert not flags(arriving(None), "BCG_ELIGIBLE")


def test_bcg_for_new_entrants_from_high_incidence_countries():
    assert flags(arriving("AF", born="2011-03-03"), "BCG_ELIGIBLE")  # 15: under 16
    assert not flags(arriving("IR", born="2011-03-03"), "BCG_ELIGIBLE")  # under 40 per 100,000
    # 16 to 35: only from sub-Saharan Africa or a country of 500 or more per 100,000.
    assert not flags(arriving("AF"), "BCG_ELIGIBLE")
    assert flags(arriving("ER"), "BCG_ELIGIBLE")
    treated = arriving("AF", born="2011-03-03")
    treated["screening"] = [{"test": "tb", "result": "positive", "date": "2026-09-20"}]
    assert not flags(treated, "BCG_ELIGIBLE")


# --- 7. Optical checks -------------------------------------------------------------------------
# NHS: a sight test every 2 years, free for children (more often if the optician advises).


def test_a_sight_test_older_than_two_years_is_flagged():
    record = clean_record()
    record["optical_checks"] = ["2024-11-24"]
    found = flags(record, "SIGHT_TEST_OVERDUE")[0]
    assert found.extra["due"] == date(2026, 11, 24)
    assert "24 November 2024" in found.message
    record["optical_checks"] = []
    assert flags(record, "SIGHT_TEST_OVERDUE")[0].message.startswith("No sight test is recorded")


def test_a_vision_screening_result_counts_as_a_sight_test():
    record = clean_record()
    record["optical_checks"] = []
    record["screening"] = [{"test": "vision", "date": "2026-02-01", "result": "negative"}]
    assert not flags(record, "SIGHT_TEST_OVERDUE")


# --- 8. The MMRV catch-up ----------------------------------------------------------------------
# UKHSA/NHSE letter of 31 October 2025: born 1 January 2020 to 31 August 2022, one MMRV between
# 1 November 2026 and 31 March 2028 if they have not had chickenpox.


def five_year_old(**changes: Any) -> dict[str, Any]:
    record = clean_record(date_of_birth="2021-03-01", entered_care="2023-01-09")
    record["immunisations"] = history(
        ("6-in-1", "2021-04-26"),
        ("6-in-1", "2021-05-24"),
        ("6-in-1", "2021-06-21"),
        ("Hib/MenC", "2022-03-02"),
        ("MMR", "2022-03-02"),
        ("4-in-1 pre-school booster", "2024-07-01"),
        ("MMR", "2024-07-01"),
    )
    record.update(changes)
    return record


def test_mmrv_catch_up_is_offered_while_it_runs():
    assert ("MMRV", 1, date(2026, 11, 1)) in due_soon(five_year_old())
    assert ("MMRV", 1, date(2026, 11, 1)) in due_soon(five_year_old(), date(2026, 9, 10))
    assert not [d for d in due_soon(five_year_old(), date(2028, 4, 1)) if d[0] == "MMRV"]
    assert not [m for m in missing(five_year_old(), date(2028, 4, 1)) if m[0] == "MMRV"]


def test_no_mmrv_catch_up_after_chickenpox_or_an_mmrv_or_outside_the_cohort():
    had_it = five_year_old(conditions=[{"name": "Chickenpox", "status": "resolved"}])
    assert not [d for d in due_soon(had_it) if d[0] == "MMRV"]
    vaccinated = five_year_old()
    vaccinated["immunisations"] += history(("MMRV", "2026-11-10"))
    assert not [d for d in due_soon(vaccinated) if d[0] == "MMRV"]
    too_old = five_year_old()
    too_old["child"]["date_of_birth"] = "2019-12-31"
    assert not [d for d in due_soon(too_old) if d[0] == "MMRV"]


# --- Properties over every birth date a care leaver or child can have -------------------------

BIRTH_DATES = st.dates(date(2001, 1, 1), TODAY)


@st.composite
def unknown_history(draw: st.DrawFn, from_weeks: int = 8) -> tuple[dict[str, Any], date]:
    """A record with an unknown history and no dose recorded, checked on a day on or after
    entering care (and, for ``missing``, from the age the first doses fall due: 8 weeks)."""
    born = draw(st.dates(date(2001, 1, 1), TODAY - timedelta(weeks=from_weeks)))
    entered = draw(st.dates(born, TODAY))
    as_of = draw(st.dates(max(entered, born + timedelta(weeks=from_weeks)), TODAY))
    record = no_history_record(
        born.isoformat(),
        sex=draw(st.sampled_from(["female", "male"])),
        uasc=draw(st.booleans()),
        entered_care=entered.isoformat(),
    )
    if draw(st.booleans()):
        record["child"]["arrived_in_uk"] = draw(st.dates(born, entered)).isoformat()
    return record, as_of


PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(unknown_history())
def test_an_unknown_history_always_has_something_missing(case):
    record, as_of = case
    status = assess_immunisations(record, as_of)
    assert status.missing, (record["child"], as_of)
    assert not status.up_to_date
    assert "up to date" not in render_text(check_record(record, as_of)).casefold()


@PROPERTY
@given(unknown_history())
def test_no_catch_up_dose_is_due_before_arrival_or_entering_care(case):
    record, as_of = case
    child = record["child"]
    start = date.fromisoformat(child.get("arrived_in_uk") or child["entered_care"])
    status = assess_immunisations(record, as_of)
    assert all(m.due_since >= start for m in status.missing)
    assert all(d.due_on >= start for d in status.due_soon)
    if "arrived_in_uk" not in child:
        entered = date.fromisoformat(child["entered_care"])
        assert all(m.due_since >= entered for m in status.missing)


@PROPERTY
@given(unknown_history(from_weeks=0))
def test_a_baby_under_8_weeks_with_no_record_is_never_called_up_to_date(case):
    """Nothing is owed before 8 weeks, so ``missing`` may be empty; the first doses are due
    within the next 8 weeks and the status still is not up to date."""
    record, as_of = case
    status = assess_immunisations(record, as_of)
    assert not status.up_to_date
    assert status.missing or status.due_soon
