"""Saving a nurse's form as a new version of a record, and putting what the format's checks
found back on the form's fields. Used by every edit form of the record page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import g, render_template, request

from passport.records import service
from passport.records.schemas import RecordSchema
from passport.web import context
from passport.web.auth import visible_record

Change = Callable[[dict[str, Any]], None]


def child_or_404(session: Any, ref: str) -> tuple[int, dict[str, Any]]:
    """The child's current version and record, or the 404 `passport.access` decides."""
    return visible_record(session, ref, context.today())


def save_change(
    ref: str, based_on: str, change: Change, what: str, reason: str | None = None
) -> tuple[list[service.FieldError], bool]:
    """Apply `change` to the newest record and save it as a new version, with the `reason`
    the nurse gave when the change alters or ends something already recorded.

    Returns (errors, conflict). A conflict means someone saved since the form was opened;
    nothing is saved and the form keeps what was typed. Errors are the format's, at their
    paths; nothing is saved either.
    """
    try:
        with context.db().transaction() as session:
            version, record = child_or_404(session, ref)
            if str(version) != based_on:
                return [], True
            document = RecordSchema().dump_record(record)
            change(document)
            checked = service.check_record(document, context.config().today)
            saved = service.save_edit(
                session, checked, actor=g.user.email, based_on_version=version, reason=reason
            )
            context.audit(session, "edit", what, ref, saved.version)
    except (service.EditConflict, service.RecordExists):
        # RecordExists: on SQLite another save took this version number first.
        return [], True
    except service.RecordRefused as refused:
        return refused.errors, False
    return [], False


def attach_errors(form: Any, errors: list[service.FieldError], prefix: str) -> list[str]:
    """Put each error on its field (`assessments[3].findings.summary` under the prefix
    `assessments[3].` is the field `findings_summary`); return those that belong to no field."""
    loose = []
    for error in errors:
        if error.path.startswith(prefix):
            name = re.sub(r"\[(\d+)\]", r"_\1", error.path[len(prefix) :]).replace(".", "_")
            if name in form:
                field = form[name]
                field.errors = [*field.errors, f"{field.label.text} {error.message}"]
                continue
        loose.append(str(error))
    return loose


def current_version(ref: str) -> int:
    with context.db().transaction() as session:
        version, _ = child_or_404(session, ref)
    return version


def render_form(
    template: str, ref: str, form: Any, conflict: bool, loose: list[str], **extra: Any
) -> tuple[str, int]:
    """The form again: 409 after a conflict (with the version brought up to date, so a second
    save goes through), 400 after refused input, 200 when first shown."""
    if conflict:
        form.version.data = str(current_version(ref))
    status = 409 if conflict else 400 if request.method == "POST" else 200
    with context.db().transaction() as session:
        _, record = child_or_404(session, ref)
    return render_template(
        template, form=form, record=record, conflict=conflict, loose_errors=loose, **extra
    ), status
