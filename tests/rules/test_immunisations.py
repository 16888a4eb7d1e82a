"""Routine immunisations by birth cohort, catch-up, and what counts as a dose."""

from __future__ import annotations

from datetime import date

import pytest
from rules_factories import AS_OF, BASE_IMMUNISATIONS, cohort_record, no_history_record

from passport.rules import assess_immunisations, check_record


def missing(record, as_of=AS_OF):
    return [(m.vaccine, m.dose) for m in assess_immunisations(record, as_of).missing]


def missing_with_dates(record, as_of=AS_OF):
    return [(m.vaccine, m.dose, m.due_since) for m in assess_immunisations(record, as_of).missing]


def due_soon(record, as_of=AS_OF):
    return [(d.vaccine, d.dose, d.due_on) for d in assess_immunisations(record, as_of).due_soon]


def without(doses, *drop):
    return tuple(dose for dose in doses if dose not in drop)


# Complete histories, written out by hand, one per birth cohort.
GIRL_2005 = (
    "2005-02-14",
    (
        ("5-in-1", "2005-04-11"),
        ("MenC", "2005-04-11"),
        ("5-in-1", "2005-05-09"),
        ("MenC", "2005-05-09"),
        ("5-in-1", "2005-06-06"),
        ("MenC", "2005-06-06"),
        ("MMR", "2006-02-20"),
        ("4-in-1 pre-school booster", "2008-06-16"),
        ("MMR", "2008-06-16"),
        ("HPV", "2017-11-15"),
        ("HPV", "2018-06-12"),
        ("Td/IPV", "2019-01-15"),
        ("MenACWY", "2019-01-15"),
    ),
)
BOY_2009 = (
    "2009-03-10",
    (
        ("5-in-1", "2009-05-05"),
        ("PCV", "2009-05-05"),
        ("5-in-1", "2009-06-02"),
        ("MenC", "2009-06-02"),
        ("5-in-1", "2009-06-30"),
        ("PCV", "2009-06-30"),
        ("MenC", "2009-06-30"),
        ("Hib/MenC", "2010-03-12"),
        ("PCV", "2010-03-12"),
        ("MMR", "2010-03-12"),
        ("4-in-1 pre-school booster", "2012-07-13"),
        ("MMR", "2012-07-13"),
        ("HPV", "2021-11-10"),
        ("Td/IPV", "2023-01-18"),
        ("MenACWY", "2023-01-18"),
    ),
)
BOY_2014 = (
    "2014-01-20",
    (
        ("5-in-1", "2014-03-17"),
        ("PCV", "2014-03-17"),
        ("Rotavirus", "2014-03-17"),
        ("5-in-1", "2014-04-14"),
        ("MenC", "2014-04-14"),
        ("Rotavirus", "2014-04-14"),
        ("5-in-1", "2014-05-12"),
        ("PCV", "2014-05-12"),
        ("Hib/MenC", "2015-01-22"),
        ("PCV", "2015-01-22"),
        ("MMR", "2015-01-22"),
        ("4-in-1 pre-school booster", "2017-05-22"),
        ("MMR", "2017-05-22"),
    ),
)
GIRL_2016 = ("2016-05-10", BASE_IMMUNISATIONS)
GIRL_2018 = (
    "2018-02-05",
    (
        ("6-in-1", "2018-04-02"),
        ("PCV", "2018-04-02"),
        ("Rotavirus", "2018-04-02"),
        ("MenB", "2018-04-02"),
        ("6-in-1", "2018-04-30"),
        ("Rotavirus", "2018-04-30"),
        ("6-in-1", "2018-05-28"),
        ("PCV", "2018-05-28"),
        ("MenB", "2018-05-28"),
        ("Hib/MenC", "2019-02-06"),
        ("PCV", "2019-02-06"),
        ("MenB", "2019-02-06"),
        ("MMR", "2019-02-06"),
        ("4-in-1 pre-school booster", "2021-06-07"),
        ("MMR", "2021-06-07"),
    ),
)
BOY_2021 = (
    "2021-06-15",
    (
        ("6-in-1", "2021-08-10"),
        ("Rotavirus", "2021-08-10"),
        ("MenB", "2021-08-10"),
        ("6-in-1", "2021-09-07"),
        ("Rotavirus", "2021-09-07"),
        ("PCV", "2021-09-07"),
        ("6-in-1", "2021-10-05"),
        ("MenB", "2021-10-05"),
        ("Hib/MenC", "2022-06-16"),
        ("PCV", "2022-06-16"),
        ("MenB", "2022-06-16"),
        ("MMR", "2022-06-16"),
        ("4-in-1 pre-school booster", "2024-10-16"),
        ("MMR", "2024-10-16"),
        ("Flu", "2025-10-20"),
    ),
)
GIRL_2024_H2 = (
    "2024-09-02",
    (
        ("6-in-1", "2024-10-28"),
        ("Rotavirus", "2024-10-28"),
        ("MenB", "2024-10-28"),
        ("6-in-1", "2024-11-25"),
        ("Rotavirus", "2024-11-25"),
        ("PCV", "2024-11-25"),
        ("6-in-1", "2024-12-23"),
        ("MenB", "2024-12-23"),
        ("PCV", "2025-09-03"),
        ("MenB", "2025-09-03"),
        ("MMR", "2025-09-03"),
        ("6-in-1", "2026-03-03"),
        ("MMRV", "2026-03-03"),
    ),
)
BOY_2026 = (
    "2026-08-03",
    (
        ("6-in-1", "2026-09-28"),
        ("MenB", "2026-09-28"),
        ("Rotavirus", "2026-09-28"),
        ("6-in-1", "2026-10-26"),
        ("MenB", "2026-10-26"),
        ("Rotavirus", "2026-10-26"),
        ("6-in-1", "2026-11-23"),
        ("PCV", "2026-11-23"),
    ),
)

COHORTS = {
    "2005-girl": (*GIRL_2005, "female"),
    "2009-boy": (*BOY_2009, "male"),
    "2014-boy": (*BOY_2014, "male"),
    "2016-girl": (*GIRL_2016, "female"),
    "2018-girl": (*GIRL_2018, "female"),
    "2021-boy": (*BOY_2021, "male"),
    "2024-H2-girl": (*GIRL_2024_H2, "female"),
    "2026-boy": (*BOY_2026, "male"),
}


@pytest.mark.parametrize("cohort", COHORTS)
def test_complete_history_has_nothing_missing(cohort):
    date_of_birth, doses, sex = COHORTS[cohort]
    record = cohort_record(date_of_birth, doses, sex=sex)
    assert missing(record) == []
    assert "IMMUNISATIONS_INCOMPLETE" not in check_record(record, AS_OF).codes()


# cohort, doses left out, what is then missing on AS_OF (vaccine, dose, due since)
INCOMPLETE = [
    pytest.param(
        GIRL_2005,
        "female",
        [("HPV", "2017-11-15"), ("HPV", "2018-06-12"), ("MenACWY", "2019-01-15")],
        [("HPV", 1, date(2017, 9, 1)), ("MenACWY", 1, date(2018, 9, 1))],
        id="2005-girl-no-HPV-or-MenACWY",
    ),
    pytest.param(
        BOY_2009,
        "male",
        [
            ("4-in-1 pre-school booster", "2012-07-13"),
            ("MMR", "2012-07-13"),
            ("Td/IPV", "2023-01-18"),
            ("MenACWY", "2023-01-18"),
        ],
        [
            ("Td/IPV", 4, date(2012, 7, 10)),
            ("MMR", 2, date(2012, 7, 10)),
            ("MenACWY", 1, date(2022, 9, 1)),
        ],
        id="2009-boy-no-boosters-named-td-ipv-after-10",
    ),
    pytest.param(
        BOY_2009,
        "male",
        [("4-in-1 pre-school booster", "2012-07-13")],
        [],
        id="2009-boy-teenage-td-ipv-stands-in-for-a-missed-booster",
    ),
    pytest.param(
        BOY_2014,
        "male",
        [("4-in-1 pre-school booster", "2017-05-22"), ("Hib/MenC", "2015-01-22")],
        [("Td/IPV", 4, date(2017, 5, 20))],
        id="2014-boy-no-booster-no-hib-after-10",
    ),
    pytest.param(
        GIRL_2016,
        "female",
        [("MenB", "2017-05-12"), ("MMR", "2019-09-16")],
        [("MMR", 2, date(2019, 9, 10))],
        id="2016-girl-menb-never-caught-up-after-2",
    ),
    pytest.param(
        GIRL_2018,
        "female",
        [("6-in-1", "2018-05-28"), ("4-in-1 pre-school booster", "2021-06-07")],
        [("6-in-1", 3, date(2018, 5, 28))],
        id="2018-girl-third-6-in-1-booster-waits-for-it",
    ),
    pytest.param(
        GIRL_2018,
        "female",
        [("6-in-1", "2018-05-28")],
        [("4-in-1 pre-school booster", 4, date(2022, 6, 7))],
        id="2018-girl-booster-given-as-third-dose-resumes-course",
    ),
    pytest.param(
        BOY_2021,
        "male",
        [("4-in-1 pre-school booster", "2024-10-16"), ("MMR", "2024-10-16")],
        [("4-in-1 pre-school booster", 4, date(2024, 10, 15)), ("MMR", 2, date(2024, 10, 15))],
        id="2021-boy-no-pre-school-visit",
    ),
    pytest.param(
        GIRL_2024_H2,
        "female",
        [("6-in-1", "2026-03-03"), ("MMRV", "2026-03-03")],
        [("6-in-1", 4, date(2026, 3, 2)), ("MMRV", 2, date(2026, 3, 2))],
        id="2024-H2-girl-no-18-month-visit",
    ),
    pytest.param(
        BOY_2026,
        "male",
        [("6-in-1", "2026-11-23"), ("PCV", "2026-11-23")],
        [("6-in-1", 3, date(2026, 11, 23)), ("PCV", 1, date(2026, 11, 23))],
        id="2026-boy-16-week-visit",
    ),
]


@pytest.mark.parametrize(("cohort", "sex", "drop", "expected"), INCOMPLETE)
def test_incomplete_history(cohort, sex, drop, expected):
    date_of_birth, doses = cohort
    record = cohort_record(date_of_birth, without(doses, *drop), sex=sex)
    assert missing_with_dates(record) == expected


def test_2009_cohort_was_offered_5_in_1_and_menc():
    record = cohort_record(BOY_2009[0], (), sex="male")
    as_of = date(2009, 6, 10)
    assert missing(record, as_of) == [("5-in-1", 1), ("PCV", 1), ("5-in-1", 2), ("MenC", 1)]
    assert due_soon(record, as_of) == [
        ("5-in-1", 3, date(2009, 6, 30)),
        ("PCV", 2, date(2009, 6, 30)),
        ("MenC", 2, date(2009, 6, 30)),
    ]


def test_2026_cohort_is_offered_6_in_1_menb_rotavirus_and_pcv_at_16_weeks():
    record = cohort_record(BOY_2026[0], (), sex="male")
    as_of = date(2026, 10, 1)
    assert missing(record, as_of) == [("6-in-1", 1), ("Rotavirus", 1), ("MenB", 1)]
    # Rotavirus dose 2 only follows a first dose given before 15 weeks.
    assert due_soon(record, as_of) == [
        ("6-in-1", 2, date(2026, 10, 26)),
        ("MenB", 2, date(2026, 10, 26)),
        ("6-in-1", 3, date(2026, 11, 23)),
        ("PCV", 1, date(2026, 11, 23)),
    ]


def test_2026_cohort_is_offered_mmrv_at_one_and_18_months():
    date_of_birth, doses = BOY_2026
    record = cohort_record(date_of_birth, doses, sex="male")
    assert due_soon(record, date(2027, 7, 1)) == [
        ("PCV", 2, date(2027, 8, 3)),
        ("MenB", 3, date(2027, 8, 3)),
        ("MMRV", 1, date(2027, 8, 3)),
    ]
    record["immunisations"] += [
        {"vaccine": v, "date": "2027-08-04", "source": "red_book"} for v in ("PCV", "MenB", "MMRV")
    ]
    assert due_soon(record, date(2028, 1, 10)) == [
        ("6-in-1", 4, date(2028, 2, 3)),
        ("MMRV", 2, date(2028, 2, 3)),
    ]


def test_school_year_vaccine_is_due_soon_during_its_school_year():
    date_of_birth, doses = BOY_2014
    record = cohort_record(date_of_birth, doses, sex="male")
    # Year 8 runs from 1 September 2026 to 31 August 2027 for a boy born in January 2014.
    assert due_soon(record) == [("HPV", 1, date(2026, 9, 1))]
    assert missing(record, date(2027, 8, 31)) == []
    assert missing(record, date(2027, 9, 1)) == [("HPV", 1)]
    assert due_soon(record, date(2026, 7, 1)) == []


def test_boys_born_before_september_2006_were_not_offered_hpv():
    date_of_birth, doses = GIRL_2005
    boy = cohort_record(
        date_of_birth, without(doses, ("HPV", "2017-11-15"), ("HPV", "2018-06-12")), sex="male"
    )
    assert missing(boy) == []
    boy["child"]["date_of_birth"] = "2006-09-01"
    assert ("HPV", 1) in missing(boy)


def test_hpv_second_dose_only_in_the_two_dose_era():
    date_of_birth, doses = GIRL_2005
    record = cohort_record(date_of_birth, without(doses, ("HPV", "2018-06-12")))
    assert missing_with_dates(record, date(2018, 9, 5)) == [("HPV", 2, date(2018, 5, 15))]
    assert missing(record) == []  # one dose is a full course from 1 September 2023


def test_hpv_and_menacwy_not_listed_from_the_25th_birthday():
    date_of_birth, doses = GIRL_2005
    record = cohort_record(
        date_of_birth,
        without(doses, ("HPV", "2017-11-15"), ("HPV", "2018-06-12"), ("MenACWY", "2019-01-15")),
    )
    assert missing(record, date(2030, 2, 13)) == [("HPV", 1), ("MenACWY", 1)]
    assert missing(record, date(2030, 2, 14)) == []


def test_rotavirus_never_caught_up_after_15_weeks():
    record = cohort_record(BOY_2026[0], (), sex="male")
    assert ("Rotavirus", 1) in missing(record, date(2026, 11, 15))  # 14 weeks 6 days
    assert ("Rotavirus", 2) not in missing(record, date(2026, 11, 15))
    everything = missing(record, date(2026, 11, 16)) + [
        (v, d) for v, d, _ in due_soon(record, date(2026, 11, 16))
    ]
    assert not [item for item in everything if item[0] == "Rotavirus"]


def test_rotavirus_second_dose_before_24_weeks():
    record = cohort_record(BOY_2026[0], (("Rotavirus", "2026-11-09"),), sex="male")
    assert ("Rotavirus", 2, date(2026, 12, 7)) in due_soon(record, date(2026, 11, 25))
    assert ("Rotavirus", 2) in missing(record, date(2027, 1, 17))
    assert ("Rotavirus", 2) not in missing(record, date(2027, 1, 18))  # 24 weeks old


# --- no record at all ---------------------------------------------------------------------

# Issue 12 changed these four: with no record the doses are a catch-up plan from the day the
# child came into care (1 October 2026 here), each course spaced by its least interval, not
# debts dated from infancy (UKHSA, uncertain or incomplete immunisation status, 1 July 2025).


def test_fifteen_year_old_uasc_with_no_record():
    record = no_history_record("2011-06-01", sex="male", uasc=True)
    assert missing_with_dates(record) == [
        ("Td/IPV", 1, date(2026, 10, 1)),
        ("MMR", 1, date(2026, 10, 1)),
        ("HPV", 1, date(2026, 10, 1)),
        ("MenACWY", 1, date(2026, 10, 1)),
        ("Td/IPV", 2, date(2026, 10, 29)),
        ("MMR", 2, date(2026, 10, 29)),
    ]
    # The third Td/IPV cannot be given before 4 weeks after the second.
    assert due_soon(record) == [("Td/IPV", 3, date(2026, 11, 26))]
    report = check_record(record, AS_OF)
    assert {"IMMUNISATION_HISTORY_UNKNOWN", "IMMUNISATIONS_INCOMPLETE"} <= set(report.codes())


def test_eleven_year_old_with_no_record_is_due_menacwy_at_once():
    record = no_history_record("2015-05-05")
    assert ("MenACWY", 1, date(2026, 10, 1)) in missing_with_dates(record)


def test_nine_year_old_with_no_record():
    """Born before August 2017, but caught up with the 6-in-1, not the 5-in-1 (issue 12)."""
    record = no_history_record("2017-03-01")
    assert missing(record) == [("6-in-1", 1), ("MMR", 1), ("6-in-1", 2), ("MMR", 2)]
    assert due_soon(record) == [("6-in-1", 3, date(2026, 11, 26))]


def test_eighteen_month_old_with_no_record():
    record = no_history_record("2025-05-20")
    assert missing_with_dates(record) == [
        ("6-in-1", 1, date(2026, 10, 1)),
        ("PCV", 2, date(2026, 10, 1)),
        ("MenB", 1, date(2026, 10, 1)),
        ("MMRV", 1, date(2026, 10, 1)),
        ("6-in-1", 2, date(2026, 10, 29)),
        # The 18-month MMRV: not before 18 months, and 4 weeks after the first.
        ("MMRV", 2, date(2026, 11, 20)),
    ]
    # Two doses of one vaccine are never due on the same day: the second waits its interval.
    assert due_soon(record) == [("6-in-1", 3, date(2026, 11, 26)), ("MenB", 2, date(2026, 11, 26))]


def test_a_resumed_course_keeps_its_order_and_spacing():
    """One catch-up Td/IPV dose given at 16: dose 2 four weeks later, dose 3 four weeks after
    dose 2 (not on the infant date of dose 3, years ago)."""
    record = no_history_record("2010-01-01", sex="male", uasc=True)
    record["immunisations"] = [
        {"vaccine": "Td/IPV", "date": "2026-10-01", "source": "gp_record"},
        {"vaccine": "MenACWY", "date": "2026-10-01", "source": "gp_record"},
        {"vaccine": "MMR", "date": "2026-10-01", "source": "gp_record"},
    ]
    dated = missing_with_dates(record) + [
        (d.vaccine, d.dose, d.due_on) for d in assess_immunisations(record, AS_OF).due_soon
    ]
    td_ipv = [(dose, when) for vaccine, dose, when in dated if vaccine == "Td/IPV"]
    assert td_ipv == [(2, date(2026, 10, 29)), (3, date(2026, 11, 26))]


# --- resume, never restart ------------------------------------------------------------------


def test_five_in_one_doses_count_towards_six_in_one():
    record = cohort_record(
        "2018-02-05",
        (
            ("5-in-1", "2018-04-02"),
            ("5-in-1", "2018-04-30"),
            ("MMR", "2019-02-06"),
            ("MMR", "2021-06-07"),
        ),
    )
    assert missing(record) == [("6-in-1", 3)]


def test_six_in_one_after_first_birthday_is_the_hib_dose():
    record = cohort_record(
        "2018-02-05",
        (
            ("6-in-1", "2018-04-02"),
            ("6-in-1", "2018-04-30"),
            ("6-in-1", "2019-03-01"),
            ("MMR", "2019-02-06"),
            ("MMR", "2021-06-07"),
            ("4-in-1 pre-school booster", "2021-06-07"),
        ),
    )
    assert missing(record, date(2022, 1, 1)) == []
    record["immunisations"][2]["date"] = "2018-05-28"
    assert missing(record, date(2022, 1, 1)) == [("Hib/MenC", 1)]


def test_mmr_counts_towards_mmrv():
    record = cohort_record("2025-02-10", (("MMR", "2026-02-11"), ("MMRV", "2026-08-11")))
    assert not [m for m in missing(record) if m[0].startswith("MMR")]


def test_mmr_before_first_birthday_does_not_count():
    date_of_birth, doses = GIRL_2018
    early = tuple(
        ("MMR", "2019-01-30") if dose == ("MMR", "2019-02-06") else dose for dose in doses
    )
    record = cohort_record(date_of_birth, early)
    assert missing_with_dates(record) == [("MMR", 2, date(2021, 7, 5))]


def test_same_dose_recorded_twice_counts_once():
    date_of_birth, doses = BOY_2021
    record = cohort_record(date_of_birth, without(doses, ("MMR", "2024-10-16")), sex="male")
    record["immunisations"].append(
        {"vaccine": "MMR", "date": "2022-06-16", "source": "red_book", "dose": 2}
    )
    assert missing(record) == [("MMR", 2)]


def test_dose_numbers_on_records_are_ignored(jordan):
    for entry in jordan["immunisations"]:
        entry.pop("dose", None)
    jordan["immunisations"].reverse()
    assert missing(jordan) == [("Td/IPV", 5), ("MenACWY", 1)]


def test_recorded_names_are_matched_without_case_and_by_product():
    date_of_birth, doses = GIRL_2018
    renamed = {"6-in-1": "Infanrix hexa", "MMR": "mmr", "MenB": "Bexsero"}
    record = cohort_record(date_of_birth, tuple((renamed.get(v, v), d) for v, d in doses))
    assert missing(record) == []


def test_flu_and_selective_vaccines_are_never_missing():
    record = no_history_record("2021-03-01")
    names = {vaccine for vaccine, _ in missing(record)}
    assert names == {"6-in-1", "MMR"}
    assert not names & {"Flu", "BCG", "Hepatitis B", "COVID-19"}


def test_infant_doses_from_abroad_then_boosters_as_td_ipv():
    record = cohort_record(
        "2014-06-01",
        (
            ("DTaP/IPV/Hib/HepB", "2014-08-01"),
            ("DTaP/IPV/Hib/HepB", "2014-09-01"),
            ("DTaP/IPV/Hib/HepB", "2014-10-01"),
            ("MMR", "2015-06-02"),
            ("MMR", "2017-10-02"),
        ),
    )
    assert missing_with_dates(record) == [("Td/IPV", 4, date(2017, 10, 1))]


def test_course_started_at_15_boosts_five_years_later():
    record = cohort_record(
        "2010-01-15",
        (
            ("Td/IPV", "2025-03-01"),
            ("Td/IPV", "2025-03-29"),
            ("Td/IPV", "2025-04-26"),
            ("MMR", "2025-03-01"),
            ("MMR", "2025-03-29"),
            ("MenACWY", "2025-03-01"),
            ("HPV", "2025-03-01"),
        ),
        sex="male",
    )
    assert missing(record) == []
    assert missing_with_dates(record, date(2030, 5, 1)) == [("Td/IPV", 4, date(2030, 4, 26))]


def test_menb_after_first_birthday_needs_two_doses():
    record = cohort_record("2025-05-20", (("MenB", "2025-07-15"),))
    assert [m for m in missing(record) if m[0] == "MenB"] == [("MenB", 2), ("MenB", 3)]
    record["immunisations"].append({"vaccine": "MenB", "date": "2025-08-12", "source": "gp_record"})
    assert [m for m in missing(record) if m[0] == "MenB"] == [("MenB", 3)]


def test_jordan_is_missing_only_the_teenage_doses(jordan):
    assert missing_with_dates(jordan) == [
        ("Td/IPV", 5, date(2024, 9, 1)),
        ("MenACWY", 1, date(2024, 9, 1)),
    ]
    during_year_9 = date(2025, 6, 30)
    assert missing(jordan, during_year_9) == []
    assert due_soon(jordan, during_year_9) == [
        ("Td/IPV", 5, date(2024, 9, 1)),
        ("MenACWY", 1, date(2024, 9, 1)),
    ]
