"""The care leaver chooses what goes in their care-leaver summary (issue 15): whether their
birth details are shown, and which of the things they said at health checks go in. The
choices are saved in their own record (format /2 `young_person_choices`) as a new version, so
they travel in the export and show in the history. A care leaver chooses only for their own
record: the record is the signed-in leaver's, never one named in the request."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField
from wtforms.validators import InputRequired, ValidationError

from passport.config import Config
from passport.documents.leaver import DEFAULT_QUOTES, chosen_quote_ids, quotes_available
from passport.homes.leaver import leaver_only, own_record
from passport.records import editing
from passport.rules.dates import long_date
from passport.web import context
from passport.web.fields import MultiCheckboxField

MOST_QUOTES = 5  # the summary stays short (it ran to 12 pages, six of them quotes)
BIRTH_CHOICES = [("yes", "Yes, show my birth details"), ("no", "No, leave them out")]


class SummaryChoicesForm(FlaskForm):
    based_on = HiddenField()
    show_birth_details = RadioField(
        "Do you want your birth details in your summary?",
        choices=BIRTH_CHOICES,
        validators=[InputRequired("Choose if you want your birth details in your summary")],
    )
    summary_quotes = MultiCheckboxField(
        "Which things you said should go in your summary?",
        choices=[],
        validate_choice=False,
    )

    def validate_summary_quotes(self, field: Any) -> None:
        known = {value for value, _ in field.choices}
        if any(value not in known for value in field.data or []):
            raise ValidationError("Choose from the things you said listed here")
        if len(field.data or []) > MOST_QUOTES:
            raise ValidationError(f"Choose {MOST_QUOTES} or fewer things you said")


def _quote_choices(record: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (a["id"], f"{long_date(a['date'])}: \u201c{a['young_person_views']}\u201d")
        for a in quotes_available(record)
    ]


@leaver_only
def choose():
    with context.db().transaction() as session:
        version, record = own_record(session)
    form = SummaryChoicesForm()
    form.summary_quotes.choices = _quote_choices(record)
    if not form.is_submitted():
        shown = (record.get("young_person_choices") or {}).get("show_birth_details")
        form.show_birth_details.data = None if shown is None else ("yes" if shown else "no")
        form.summary_quotes.data = chosen_quote_ids(record)
        form.based_on.data = str(version)
    elif form.validate():
        quotes = [
            value for value, _ in form.summary_quotes.choices if value in form.summary_quotes.data
        ]

        def change(document: dict[str, Any]) -> None:
            document["young_person_choices"] = {
                "show_birth_details": form.show_birth_details.data == "yes",
                "summary_quotes": quotes,
            }

        errors, conflict = editing.save_change(
            g.user.child_ref or "", form.based_on.data or "", change, "summary choices"
        )
        if conflict:
            form.based_on.errors = [
                "Your record changed while you were choosing. Check and save again."
            ]
            form.based_on.data = str(editing.current_version(g.user.child_ref or ""))
        elif errors:
            abort(400)  # the form offers only this record's own quotes: nothing else can fail
        else:
            flash("Your choices are saved. Your summary now shows what you chose.")
            return redirect(url_for("leaver.home"))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "homes/leaver_summary_choices.html",
        form=form,
        default_quotes=DEFAULT_QUOTES,
        most_quotes=MOST_QUOTES,
        has_birth=bool(record.get("birth_history")),
    ), status


def make_blueprint(config: Config) -> Blueprint:
    bp = Blueprint("leaver_choices", __name__, url_prefix="/me/summary-choices")
    bp.add_url_rule("", view_func=choose, methods=["GET", "POST"])
    return bp
