"""The template filters and globals every page may use, registered once in `create_app`."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from passport.config import ENGLAND
from passport.documents.words import tel_href
from passport.records.exchange import as_exchange_json
from passport.records.forms import words as form_words
from passport.rules.dates import long_date

FLAG_LABELS = {
    "IHA_MISSING": "No initial assessment",
    "IHA_LATE": "Initial assessment late",
    "RHA_OVERDUE": "Review overdue",
    "CONSENT_NOT_RECORDED": "Consent not recorded",
    "PRACTITIONER_INCOMPLETE": "Practitioner details missing",
    "IHA_NOT_BY_DOCTOR": "Initial assessment not done by a doctor",
    "VAGUE_FINDINGS": "Vague findings",
    "NO_GP_CAMHS_INPUT": "No GP or CAMHS input",
    "INFO_REQUEST_OUTSTANDING": "Information request outstanding",
    "IMMUNISATIONS_INCOMPLETE": "Immunisations incomplete",
    "IMMUNISATION_HISTORY_UNKNOWN": "Immunisation history unknown",
    "UASC_SCREENING_INCOMPLETE": "Screening on arrival incomplete",
    "ARRIVAL_SCREENING_INCOMPLETE": "Screening after arriving in the UK incomplete",
    "BCG_ELIGIBLE": "BCG to consider",
    "SIGHT_TEST_OVERDUE": "Sight test overdue",
    "SDQ_MISSING": "SDQ missing",
    "SDQ_BORDERLINE": "SDQ borderline",
    "SDQ_CONCERN": "SDQ concern",
    "HEALTH_PLAN_ACTION_OVERDUE": "Health plan action overdue",
    "DENTAL_CHECK_OVERDUE": "Dental check overdue",
    "GP_NOT_REGISTERED": "No GP",
    "LEAVER_SUMMARY_DUE": "Care-leaver summary due",
}


def flag_label(code: str) -> str:
    return FLAG_LABELS.get(code, code.replace("_", " ").capitalize())


def words(value: str | None) -> str:
    return form_words(value) if value else ""


def uk_time(moment: datetime) -> str:
    """``4 December 2026 at 11:50am``: a stored UTC moment in England's local time, in the
    NHS style for times."""
    local = moment.astimezone(ENGLAND)
    hour = local.hour % 12 or 12
    return (
        f"{long_date(local.date())} at {hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"
    )


def init_app(app: Flask) -> None:
    app.add_template_filter(long_date, "long_date")
    app.add_template_filter(flag_label, "flag_label")
    app.add_template_filter(words, "words")
    app.add_template_filter(tel_href, "tel_href")
    app.add_template_filter(uk_time, "uk_time")
    app.add_template_global(as_exchange_json, "as_exchange_json")
