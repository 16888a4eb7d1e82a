"""The flags about the child's care beyond assessments: requests, plans, checks, GP, leaving.

The decisions and their sources are in the docstring of ``checks``; each flag has its own
helper here: ``information_request_flags`` (INFO_REQUEST_OUTSTANDING, one per request),
``health_plan_flags`` (HEALTH_PLAN_ACTION_OVERDUE, one per action), ``dental_flags``
(DENTAL_CHECK_OVERDUE), ``sight_test_flags`` (SIGHT_TEST_OVERDUE), ``gp_registration_flags``
(GP_NOT_REGISTERED) and ``leaver_summary_flags`` (LEAVER_SUMMARY_DUE).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from .dates import add_months, age_date, long_date, parse_date, required_date, school_year_end
from .record_view import WHO, Assessment, Child, make_flag
from .report import Flag
from .working_days import add_working_days

__all__ = [
    "INFO_REQUEST_WORKING_DAYS",
    "SIGHT_TEST_MONTHS",
    "dental_flags",
    "gp_registration_flags",
    "health_plan_flags",
    "information_request_flags",
    "leaver_summary_flags",
    "sight_test_flags",
]

INFO_REQUEST_WORKING_DAYS = 15
SIGHT_TEST_MONTHS = 24

OWNER = {
    "carer": "carer",
    "young_person": "young person",
    "social_worker": "social worker",
    "lac_nurse": "LAC nurse",
    "gp": "GP",
    "camhs": "CAMHS",
    "dentist": "dentist",
    "school_nurse": "school nurse",
    "other": "other",
}


def information_request_flags(record: Mapping[str, Any], as_of: date) -> list[Flag]:
    """INFO_REQUEST_OUTSTANDING for each request with no reply after 15 working days."""
    found = (
        _outstanding_flag(request, as_of) for request in record.get("information_requests") or ()
    )
    return [flag for flag in found if flag is not None]


def _outstanding_flag(request: Mapping[str, Any], as_of: date) -> Flag | None:
    sent_on = required_date(request["sent_on"])
    received_on = parse_date(request.get("received_on"))
    if request.get("withdrawn_on"):  # no longer needed: nothing to chase
        return None
    if sent_on > as_of or (received_on is not None and received_on <= as_of):
        return None
    reply_by = add_working_days(sent_on, INFO_REQUEST_WORKING_DAYS)
    if as_of <= reply_by:
        return None
    chased = sorted(
        d for d in map(parse_date, request.get("chased_on") or ()) if d is not None and d <= as_of
    )
    chased_text = f" It was last chased on {long_date(chased[-1])}." if chased else ""
    return make_flag(
        "INFO_REQUEST_OUTSTANDING",
        "warning",
        f"The request to {WHO[request['to']]} sent on {long_date(sent_on)} has had no "
        f"reply after 15 working days (due by {long_date(reply_by)}).{chased_text} "
        f"Chase it.",
        due=reply_by,
        to=request["to"],
        sent_on=sent_on,
        assessment_id=request.get("for_assessment"),
    )


def health_plan_flags(assessments: Iterable[Assessment], as_of: date) -> list[Flag]:
    """HEALTH_PLAN_ACTION_OVERDUE for each open action whose ``due`` is before ``as_of``."""
    found = (
        _overdue_action_flag(assessment, action, as_of)
        for assessment in assessments
        for action in assessment.data.get("health_plan") or ()
    )
    return [flag for flag in found if flag is not None]


def _overdue_action_flag(
    assessment: Assessment, action: Mapping[str, Any], as_of: date
) -> Flag | None:
    due = parse_date(action.get("due"))
    if action["status"] != "open" or due is None or due >= as_of:
        return None
    text = action["action"].strip()
    text = text if len(text) <= 80 else text[:77] + "..."
    return make_flag(
        "HEALTH_PLAN_ACTION_OVERDUE",
        "warning",
        f"A health plan action from {assessment.id} was due on {long_date(due)} "
        f'and is still open: "{text}" (for the {OWNER[action["owner"]]}). Check it '
        f"is done or agree a new date.",
        due=due,
        assessment_id=assessment.id,
        owner=action["owner"],
    )


def dental_flags(record: Mapping[str, Any], child: Child, as_of: date) -> list[Flag]:
    """DENTAL_CHECK_OVERDUE: from the first birthday, no dental check in the last 12 months."""
    first_birthday = age_date(child.date_of_birth, years=1)
    if as_of < first_birthday:
        return []
    checks = [d for d in map(required_date, record.get("dental_checks") or ()) if d <= as_of]
    last = max(checks, default=None)
    if last is not None and last >= add_months(as_of, -12):
        return []
    if last is None:
        return [
            make_flag(
                "DENTAL_CHECK_OVERDUE",
                "warning",
                "No dental check is recorded. Book one with a dentist.",
                due=max(first_birthday, child.entered_care),
            )
        ]
    return [
        make_flag(
            "DENTAL_CHECK_OVERDUE",
            "warning",
            f"No dental check in the last 12 months: the last was on {long_date(last)}. Book one.",
            due=add_months(last, 12),
        )
    ]


def sight_test_flags(record: Mapping[str, Any], child: Child, as_of: date) -> list[Flag]:
    """SIGHT_TEST_OVERDUE: after the Reception year, no sight test in the last 2 years."""
    from_age = school_year_end(child.date_of_birth, 0)  # end of Reception: screened by then
    if as_of <= from_age:
        return []
    tests = [d for d in map(required_date, record.get("optical_checks") or ()) if d <= as_of]
    tests += [
        required_date(entry["date"])
        for entry in record.get("screening") or ()
        if entry["test"] == "vision"
        and entry.get("date")
        and entry["result"] not in ("pending", "declined")
        and required_date(entry["date"]) <= as_of
    ]
    last = max(tests, default=None)
    if last is not None and last >= add_months(as_of, -SIGHT_TEST_MONTHS):
        return []
    if last is None:
        return [
            make_flag(
                "SIGHT_TEST_OVERDUE",
                "warning",
                "No sight test is recorded. Book one with an optician: it is free for children "
                "and the NHS advises one every 2 years.",
                due=max(from_age, child.entered_care),
            )
        ]
    return [
        make_flag(
            "SIGHT_TEST_OVERDUE",
            "warning",
            f"No sight test in the last 2 years: the last was on {long_date(last)}. Book one with "
            f"an optician.",
            due=add_months(last, SIGHT_TEST_MONTHS),
        )
    ]


def gp_registration_flags(record: Mapping[str, Any], child: Child) -> list[Flag]:
    """GP_NOT_REGISTERED: the record has no ``contacts.gp``."""
    if (record.get("contacts") or {}).get("gp"):
        return []
    return [
        make_flag(
            "GP_NOT_REGISTERED",
            "urgent",
            "No GP practice is recorded. Register the child with a GP now.",
            since=child.entered_care,
        )
    ]


def leaver_summary_flags(child: Child, as_of: date, issued_on: date | None) -> list[Flag]:
    """LEAVER_SUMMARY_DUE: from 17 and a half until a care-leaver summary is issued (to 25)."""
    if issued_on is not None and issued_on <= as_of:
        return []
    from_date = age_date(child.date_of_birth, years=17, months=6)
    eighteenth = age_date(child.date_of_birth, years=18)
    if not (from_date <= as_of < age_date(child.date_of_birth, years=25)):
        return []
    if as_of < child.entered_care:
        return []
    if (
        child.left_care is not None
        and child.left_care <= as_of
        and (child.left_care < age_date(child.date_of_birth, years=16))
    ):
        return []
    if as_of >= eighteenth:
        return [
            make_flag(
                "LEAVER_SUMMARY_DUE",
                "urgent",
                f"{child.name} is 18 or over and has not been given a care-leaver health summary. "
                f"Prepare it with them and send it now.",
                due=from_date,
            )
        ]
    return [
        make_flag(
            "LEAVER_SUMMARY_DUE",
            "warning",
            f"{child.name} was 17 and a half on {long_date(from_date)} and has no care-leaver "
            f"health summary yet. Prepare it with them before they leave care.",
            due=from_date,
        )
    ]
