"""The one current view of a record: what is current, past, due and overdue, and what each
audience may see. Every output reads it (issue 15), so its sets are tested here once."""

from __future__ import annotations

import json
from datetime import date

from passport.records.audience import CARER, STAFF, YOUNG_PERSON
from passport.records.current import current_view
from tests.conftest import ROOT

AS_OF = date(2026, 11, 29)


def fixture(name: str) -> dict:
    return json.loads((ROOT / "fixtures" / f"fx-{name}.json").read_text())


def names(items, key="name"):
    return [item[key] for item in items]


def test_daniels_stopped_medicines_are_past_and_only_adapalene_is_current():
    view = current_view(fixture("daniel"), STAFF, AS_OF)
    assert names(view.medicines_current) == ["Adapalene 0.1% gel"]
    past = names(view.medicines_past)
    assert "Methylphenidate modified-release" in past and "Emollient cream" in past
    # Newest stop first.
    assert past[0] == "Methylphenidate modified-release"


def test_a_stop_date_after_today_is_still_a_current_medicine():
    record = fixture("daniel")
    record["medications"][-1]["stopped"] = "2026-12-20"
    view = current_view(record, STAFF, AS_OF)
    assert "Adapalene 0.1% gel" in names(view.medicines_current)


def test_resolved_and_refuted_allergies_are_past_and_conditions_split_by_status():
    record = fixture("daniel")
    record["allergies"][0].update(status="refuted", status_on="2026-11-10")
    view = current_view(record, STAFF, AS_OF)
    assert view.allergies_active == []
    assert names(view.allergies_past, "substance") == ["Penicillin"]
    assert {c["status"] for c in view.conditions_active} <= {"active", "suspected"}
    assert {c["status"] for c in view.conditions_past} <= {"resolved", "ruled_out"}
    assert "Fractured left wrist" in names(view.conditions_past)


def test_ellies_overdue_review_is_told_to_the_carer_with_who_acts():
    view = current_view(fixture("ellie"), CARER, AS_OF)
    overdue = {o.code: o for o in view.overdue}
    assert "RHA_OVERDUE" in overdue, [o.code for o in view.overdue]
    assert overdue["RHA_OVERDUE"].who == "nurse"
    assert overdue["RHA_OVERDUE"].due == date(2026, 9, 22)
    # Staff work (the SDQ, say) is not the carer's to hear about.
    assert "SDQ_MISSING" not in overdue


def test_staff_work_is_not_shown_to_the_young_person_or_the_carer():
    record = fixture("daniel")
    staff = current_view(record, STAFF, AS_OF)
    for audience, own in ((YOUNG_PERSON, "young_person"), (CARER, "carer")):
        view = current_view(record, audience, AS_OF)
        assert all(action["owner"] == own for action in view.open_plan)
        assert {o.code for o in view.overdue} <= {o.code for o in staff.overdue}
    assert any(action["owner"] != "young_person" for action in staff.open_plan)


def test_dental_check_last_next_and_overdue_follow_the_rules():
    mason = current_view(fixture("mason"), CARER, AS_OF)
    dental = next(c for c in mason.checks if c.kind == "dental")
    assert dental.last == date(2025, 8, 14) and dental.next_due == date(2026, 8, 14)
    assert dental.overdue and "DENTAL_CHECK_OVERDUE" in {o.code for o in mason.overdue}
    record = fixture("mason")
    record["dental_checks"].append("2026-10-01")
    dental = next(c for c in current_view(record, CARER, AS_OF).checks if c.kind == "dental")
    assert not dental.overdue and dental.next_due == date(2027, 10, 1)


def test_family_history_follows_the_audience_rule():
    record = fixture("daniel")
    young = current_view(record, YOUNG_PERSON, AS_OF).family_history
    staff = current_view(record, STAFF, AS_OF).family_history
    assert all(e.get("consent_to_share_with_young_person") is True for e in young)
    assert len(staff) == len(record.get("family_history", []))
