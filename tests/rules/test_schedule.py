"""The schedule data: sources, names and cohort boundaries."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from passport.rules import load_schedule

SPEC_NAMES = {
    "5-in-1",
    "6-in-1",
    "PCV",
    "MenC",
    "MenB",
    "Rotavirus",
    "Hib/MenC",
    "MMR",
    "MMRV",
    "4-in-1 pre-school booster",
    "Flu",
    "HPV",
    "Td/IPV",
    "MenACWY",
    "BCG",
    "Hepatitis B",
    "COVID-19",
}


def test_schedule_is_loaded_once():
    assert load_schedule() is load_schedule()


def test_every_dose_cites_a_known_source():
    schedule = load_schedule()
    for row in schedule.doses:
        assert row.sources, row
        for source in row.sources:
            assert source.split(":")[0] in schedule.sources, (row, source)
    for source in schedule.sources.values():
        assert source["url"].startswith("https://")


def test_vaccine_names_are_the_spec_names():
    schedule = load_schedule()
    assert {row.vaccine for row in schedule.doses} <= SPEC_NAMES
    assert set(schedule.families_of) | schedule.never_missing <= SPEC_NAMES
    assert {schedule.canonical_name(n) for n in ("infanrix hexa", " MMR ", "Revaxis")} == {
        "6-in-1",
        "MMR",
        "Td/IPV",
    }
    assert schedule.canonical_name("Yellow fever") is None


@pytest.mark.parametrize("sex", ["female", "male", None])
def test_each_cohort_from_2001_has_one_row_per_dose(sex):
    """From 2001: every cohort a care leaver can belong to (issue 12; it started at 2005)."""
    schedule = load_schedule()
    day = date(2001, 1, 1)
    while day <= date(2026, 12, 31):
        for as_of in (date(2020, 1, 1), date(2026, 11, 25)):
            rows = schedule.doses_for(day, sex, as_of)
            counts = Counter((row.family, row.dose) for rows_ in rows.values() for row in rows_)
            assert max(counts.values()) == 1, (day, counts)
            assert [r.dose for r in rows["dtap_ipv"]][:3] == [1, 2, 3], day
            assert len(rows["measles"]) >= 2, day
            assert "menacwy" in rows, day
        day += timedelta(days=3)


def vaccines(
    date_of_birth: date, family: str, sex: str = "female", as_of: date = date(2026, 11, 25)
) -> list[tuple[str, int]]:
    rows = load_schedule().doses_for(date_of_birth, sex, as_of).get(family, [])
    return [(row.vaccine, row.dose) for row in rows]


@pytest.mark.parametrize(
    ("family", "last_old", "first_new", "old", "new"),
    [
        ("dtap_ipv", date(2017, 7, 31), date(2017, 8, 1), "5-in-1", "6-in-1"),
        ("hib", date(2024, 6, 30), date(2024, 7, 1), [("Hib/MenC", 1)], [("6-in-1", 4)]),
        ("menb", date(2015, 6, 30), date(2015, 7, 1), [], [("MenB", 1), ("MenB", 2), ("MenB", 3)]),
        ("rotavirus", date(2013, 5, 5), date(2013, 5, 6), [], [("Rotavirus", 1), ("Rotavirus", 2)]),
        (
            "pcv",
            date(2019, 12, 31),
            date(2020, 1, 1),
            [("PCV", 1), ("PCV", 2), ("PCV", 3)],
            [("PCV", 1), ("PCV", 2)],
        ),
        ("menc", date(2013, 2, 8), date(2013, 2, 9), [("MenC", 1), ("MenC", 2)], [("MenC", 1)]),
        ("menc", date(2016, 4, 7), date(2016, 4, 8), [("MenC", 1)], []),
        (
            "measles",
            date(2022, 8, 31),
            date(2022, 9, 1),
            [("MMR", 1), ("MMR", 2)],
            [("MMR", 1), ("MMRV", 2)],
        ),
        (
            "measles",
            date(2024, 6, 30),
            date(2024, 7, 1),
            [("MMR", 1), ("MMRV", 2)],
            [("MMR", 1), ("MMRV", 2), ("MMRV", 3)],
        ),
        (
            "measles",
            date(2024, 12, 31),
            date(2025, 1, 1),
            [("MMR", 1), ("MMRV", 2), ("MMRV", 3)],
            [("MMRV", 1), ("MMRV", 2)],
        ),
    ],
)
def test_cohort_boundaries(family, last_old, first_new, old, new):
    if isinstance(old, str):
        assert {v for v, _ in vaccines(last_old, family)[:3]} == {old}
        assert {v for v, _ in vaccines(first_new, family)[:3]} == {new}
    else:
        assert vaccines(last_old, family) == old
        assert vaccines(first_new, family) == new


def test_family_level_rules_cite_known_sources():
    import json
    from importlib import resources

    data = json.loads(resources.files("passport.rules").joinpath("schedule.json").read_text())
    known = set(data["sources"])
    for name, family in data["families"].items():
        for part in ("catch_up_vaccine", "from_tenth_birthday", "catch_up_after_first_birthday"):
            for source in (family.get(part) or {}).get("source", ()):
                assert source.split(":")[0] in known, (name, part, source)


def test_the_mmrv_catch_up_is_one_offer_for_its_cohort_only():
    assert vaccines(date(2019, 12, 31), "varicella") == []
    assert vaccines(date(2020, 1, 1), "varicella") == [("MMRV", 1)]
    assert vaccines(date(2022, 8, 31), "varicella") == [("MMRV", 1)]
    assert vaccines(date(2022, 9, 1), "varicella") == []
    assert vaccines(date(2021, 1, 1), "varicella", as_of=date(2028, 4, 1)) == []


def test_hpv_boys_from_september_2006_cohort():
    assert vaccines(date(2006, 8, 31), "hpv", sex="male") == []
    assert vaccines(date(2006, 8, 31), "hpv", sex="female") == [("HPV", 1)]
    assert vaccines(date(2006, 9, 1), "hpv", sex="male") == [("HPV", 1)]
    assert vaccines(date(2006, 9, 1), "hpv", sex="male", as_of=date(2020, 1, 1)) == [
        ("HPV", 1),
        ("HPV", 2),
    ]
