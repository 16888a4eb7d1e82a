"""Doses not given (format /2): a dose declined or contraindicated is a decision, not a gap.
It never counts as given, and it and the later doses of that vaccine are neither missing nor
due, until a dose of that vaccine is given after the decision."""

from __future__ import annotations

from rules_factories import AS_OF, BASE_IMMUNISATIONS, clean_record, history, no_history_record

from passport.rules import assess_immunisations, check_record

SECOND_MMR = ("MMR", "2019-09-16")


def not_given(vaccine, on, status="declined", dose=None, **more):
    entry = {"vaccine": vaccine, "date": on, "source": "gp_record", "status": status, **more}
    if dose is not None:
        entry["dose"] = dose
    return entry


def without_second_mmr(*extra):
    record = clean_record()
    record["format"] = "lac-health-record/2"
    doses = tuple(d for d in BASE_IMMUNISATIONS if d != SECOND_MMR)
    record["immunisations"] = [*history(*doses), *extra]
    return record


def listed(record):
    status = assess_immunisations(record, AS_OF)
    return [(m.vaccine, m.dose) for m in status.missing] + [
        (d.vaccine, d.dose) for d in status.due_soon
    ]


def test_a_missing_dose_is_flagged_until_it_is_declined():
    assert listed(without_second_mmr()) == [("MMR", 2)]
    assert "IMMUNISATIONS_INCOMPLETE" in check_record(without_second_mmr(), AS_OF).codes()

    record = without_second_mmr(
        not_given("MMR", "2026-05-03", dose=2, status_reason="Parent's wish", status_by="Dr A")
    )
    status = assess_immunisations(record, AS_OF)
    assert listed(record) == []
    assert status.up_to_date
    assert "IMMUNISATIONS_INCOMPLETE" not in check_record(record, AS_OF).codes()
    [decision] = status.not_given
    assert (decision.vaccine, decision.dose, decision.status, decision.reason) == (
        "MMR",
        2,
        "declined",
        "Parent's wish",
    )


def test_a_contraindication_with_no_dose_number_covers_every_dose_of_the_vaccine():
    record = clean_record()
    record["immunisations"] = [
        *history(*(d for d in BASE_IMMUNISATIONS if d[0] != "MMR")),
        not_given("MMR", "2017-04-01", status="contraindicated", status_reason="Chemotherapy"),
    ]
    assert listed(record) == []


def test_declining_the_first_dose_also_stops_the_later_ones_being_due():
    record = clean_record()
    record["immunisations"] = [
        *history(*(d for d in BASE_IMMUNISATIONS if d[0] != "MMR")),
        not_given("MMR", "2017-05-12", dose=1),
    ]
    assert listed(record) == []


def test_a_dose_given_after_the_decision_ends_it_and_the_course_resumes():
    record = clean_record()
    record["immunisations"] = [
        *history(*(d for d in BASE_IMMUNISATIONS if d[0] != "MMR")),
        not_given("MMR", "2017-05-12", dose=1),
        *history(("MMR", "2020-02-03")),  # the family changed their mind
    ]
    assert listed(record) == [("MMR", 2)]


def test_a_dose_not_given_never_counts_as_given():
    # The second MMR was recorded, but as contraindicated on the day: dose 2 is not given, and
    # no longer due either (dose 2 and later are covered by the decision).
    record = without_second_mmr(not_given("MMR", "2019-09-16", status="contraindicated", dose=2))
    status = assess_immunisations(record, AS_OF)
    assert status.missing == [] and len(status.not_given) == 1
    # With no immunisation status and only a decision recorded, the history is not known.
    only_a_decision = no_history_record("2011-03-01")
    del only_a_decision["immunisation_history_status"]
    only_a_decision["immunisations"] = [not_given("Td/IPV", "2026-10-20")]
    status = assess_immunisations(only_a_decision, AS_OF)
    assert status.catch_up_from is not None and not status.up_to_date
    vaccines = {m.vaccine for m in [*status.missing, *status.due_soon]}
    assert "Td/IPV" not in vaccines and "MMR" in vaccines


def test_a_decision_for_another_vaccine_changes_nothing():
    record = without_second_mmr(not_given("HPV", "2026-05-03", dose=1))
    assert listed(record) == [("MMR", 2)]


def test_a_decision_dated_after_the_day_of_the_check_does_not_count_yet():
    record = without_second_mmr(not_given("MMR", "2026-11-20", dose=2))
    assert listed(record) == []
    status = assess_immunisations(record, AS_OF.replace(day=19))
    assert [(m.vaccine, m.dose) for m in status.missing] == [("MMR", 2)]


def test_the_command_line_report_lists_the_decisions():
    from passport.rules.report import render_text

    record = without_second_mmr(
        not_given("MMR", "2026-05-03", dose=2, status_reason="Parent's wish", status_by="Dr A")
    )
    text = render_text(check_record(record, AS_OF))
    assert text.endswith(
        "Not given (not due while the decision stands):\n"
        "  - MMR dose 2: declined on 3 May 2026 - Parent's wish\n"
    )
    assert "Missing immunisations" not in text
