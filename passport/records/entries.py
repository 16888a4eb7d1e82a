"""Keeping each entry of the record true over the years: change any entry of a list section,
or mark it "Entered in error" (taken out of the current version and so out of every document
and link, kept in the history).

Every route asks who is signed in and whether the child is one of theirs; an unknown section
or entry is a 404 like an unknown child. Each save is a new version with the nurse's reason.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, request, url_for
from flask import redirect as redirect_to
from flask.typing import ResponseReturnValue

from passport.records import entry_forms as ef
from passport.records import section_forms as sf
from passport.records.changes import ENTERED_IN_ERROR
from passport.records.editing import attach_errors, child_or_404, render_form, save_change
from passport.web import context
from passport.web.auth import require_role

nurse_only = require_role("nurse", "admin")


def _entry(ref: str, section: str, index: int) -> tuple[int, dict[str, Any], dict[str, Any]]:
    """(version, record, entry), or 404 for a section or entry that is not there."""
    if section not in ef.ENTRY_SECTIONS:
        abort(404)
    with context.db().transaction() as session:
        version, record = child_or_404(session, ref)
    items = record.get(section) or []
    if not 0 <= index < len(items):
        abort(404)
    return version, record, items[index]


def _born(record: dict[str, Any]) -> date | None:
    born = record["child"].get("date_of_birth")
    return born if isinstance(born, date) else None


def _anchor(section: str) -> str:
    return "mental-health" if section == "mental_health" else section


@nurse_only
def change_entry(ref: str, section: str, index: int) -> ResponseReturnValue:
    """The section's form, prefilled from the entry; saving replaces the entry."""
    version, record, entry = _entry(ref, section, index)
    spec = ef.ENTRY_SECTIONS[section]
    form = ef.CHANGE_FORMS[section]()
    label = ef.entry_label(section, entry)
    if request.method == "GET":
        form.version.data = str(version)
        ef.prefill(spec, form, entry)
    conflict, loose = False, []
    if form.validate_on_submit():
        typed = sf.section_item(spec, form)
        problems = ef.date_problems(section, typed, _born(record), context.today())
        for field, message in problems:
            form[field].errors = [*form[field].errors, message]
        if not problems:
            reason = form.change_reason.data.strip()

            def change(document: dict[str, Any]) -> None:
                items = document.get(section) or []
                if index >= len(items):
                    abort(404)
                items[index] = ef.changed_entry(spec, items[index], typed)

            errors, conflict = save_change(ref, form.version.data, change, section, reason)
            if not errors and not conflict:
                flash(f"{label} changed")
                return redirect_to(url_for("records.child", ref=ref, _anchor=_anchor(section)))
            loose = attach_errors(form, errors, f"{section}[{index}].")
    return render_form(
        "records/entry_change.html",
        ref,
        form,
        conflict,
        loose,
        spec=spec,
        label=label,
        anchor=_anchor(section),
    )


@nurse_only
def entered_in_error(ref: str, section: str, index: int) -> ResponseReturnValue:
    """Confirm, with a reason, that an entry should never have been recorded; saving takes it
    out of the current version."""
    version, _, entry = _entry(ref, section, index)
    form = ef.EnteredInErrorForm()
    label = ef.entry_label(section, entry)
    if request.method == "GET":
        form.version.data = str(version)
    conflict, loose = False, []
    if form.validate_on_submit():
        why = form.error_reason.data.strip()

        def take_out(document: dict[str, Any]) -> None:
            items = document.get(section) or []
            if index >= len(items):
                abort(404)
            del items[index]

        errors, conflict = save_change(
            ref, form.version.data, take_out, section, f"{ENTERED_IN_ERROR}{why}"
        )
        if not errors and not conflict:
            flash(f"{label} taken out of the record as entered in error")
            return redirect_to(url_for("records.child", ref=ref, _anchor=_anchor(section)))
        loose = [str(e) for e in errors]
    return render_form(
        "records/entry_error.html",
        ref,
        form,
        conflict,
        loose,
        label=label,
        noun=ef.ENTRY_NOUNS[section],
        anchor=_anchor(section),
    )


ROUTES = (
    ("/children/<ref>/<section>/<int:index>/change", change_entry, ["GET", "POST"]),
    ("/children/<ref>/<section>/<int:index>/entered-in-error", entered_in_error, ["GET", "POST"]),
)
