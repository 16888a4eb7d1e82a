"""Keeping each entry of the record true over the years: change any entry of a list section,
or mark it "Entered in error" (taken out of the current version and so out of every document
and link, kept in the history).

Every route asks who is signed in and whether the child is one of theirs; an unknown section
or entry is a 404 like an unknown child. Each save is a new version with the nurse's reason.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, g, request, url_for
from flask import redirect as redirect_to
from flask.typing import ResponseReturnValue

from passport.records import entry_forms as ef
from passport.records import section_forms as sf
from passport.records import workflow
from passport.records.changes import ENTERED_IN_ERROR
from passport.records.editing import attach_errors, child_or_404, render_form, save_change
from passport.records.schemas import RecordSchema
from passport.rules.dates import long_date
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


def _correction_reason(ref: str) -> str | None:
    """When the change answers a young person's correction (`?correction=ID`), the reason is
    filled in with what they asked, for the nurse to keep or edit."""
    asked = request.args.get("correction", "")
    if not asked.isdigit():
        return None
    with context.db().transaction() as session:
        item = workflow.correction_about(session, ref, int(asked))
        message = " ".join(item.message.split()) if item is not None else None
    if message is None:
        return None
    short = message if len(message) <= 300 else message[:297] + "..."
    return f"The young person asked for a correction: \u201c{short}\u201d"


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
        form.change_reason.data = _correction_reason(ref)
    conflict, loose = False, []
    if form.validate_on_submit():
        typed = sf.section_item(spec, form)
        problems = ef.date_problems(section, typed, _born(record), context.today())
        for field, message in problems:
            form[field].errors = [*form[field].errors, message]
        as_saved = RecordSchema().dump_record(record)[section][index]
        if not problems and ef.changed_entry(spec, as_saved, typed) == as_saved:
            loose = ["Nothing has changed. Change what needs changing, or go back to the record."]
        elif not problems:
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


def _put_problems(form: Any, problems: list[tuple[str, str]]) -> None:
    for field, message in problems:
        form[field].errors = [*form[field].errors, message]


def _assessment_at(record: dict[str, Any], assessment_id: str) -> tuple[int, dict[str, Any]]:
    for position, assessment in enumerate(record.get("assessments") or []):
        if assessment["id"] == assessment_id:
            return position, assessment
    abort(404)


def _find_assessment(document: dict[str, Any], assessment_id: str) -> dict[str, Any]:
    return _assessment_at(document, assessment_id)[1]


@nurse_only
def change_plan_action(ref: str, assessment_id: str, index: int) -> ResponseReturnValue:
    """Who does a plan action and by when; done (when, by whom), not done, or cancelled
    (when, by whom, why)."""
    with context.db().transaction() as session:
        version, record = child_or_404(session, ref)
    position, assessment = _assessment_at(record, assessment_id)
    plan = assessment.get("health_plan") or []
    if not 0 <= index < len(plan):
        abort(404)
    action = plan[index]
    form = ef.PlanActionForm()
    if request.method == "GET":
        form.version.data = str(version)
        form.fill(action)
    conflict, loose = False, []
    if form.validate_on_submit():
        problems = form.problems(_born(record), context.today())
        _put_problems(form, problems)
        if not problems:

            def change(document: dict[str, Any]) -> None:
                actions = _find_assessment(document, assessment_id).get("health_plan") or []
                if index >= len(actions):
                    abort(404)
                actions[index] = form.changed(actions[index], today=context.today(), by=g.user.name)

            errors, conflict = save_change(
                ref, form.version.data, change, "plan action", form.change_reason.data.strip()
            )
            if not errors and not conflict:
                flash(f"Plan action changed: {action['action']}")
                return redirect_to(url_for("records.child", ref=ref, _anchor="assessments"))
            loose = attach_errors(form, errors, f"assessments[{position}].health_plan[{index}].")
    return render_form(
        "records/entry_plan_action.html",
        ref,
        form,
        conflict,
        loose,
        action=action,
        assessment=assessment,
    )


def _request_at(record: dict[str, Any], index: int) -> dict[str, Any]:
    requests = record.get("information_requests") or []
    if not 0 <= index < len(requests):
        abort(404)
    return dict(requests[index])


def _assessment_choices(record: dict[str, Any]) -> list[tuple[str, str]]:
    return [("", "Not for a particular assessment")] + [
        (a["id"], f"{a['type']} on {long_date(a['date'])}") for a in record.get("assessments", [])
    ]


@nurse_only
def change_information_request(ref: str, index: int) -> ResponseReturnValue:
    """Who was asked, when, for which assessment, and when the answer came."""
    with context.db().transaction() as session:
        version, record = child_or_404(session, ref)
    item = _request_at(record, index)
    form = ef.ChangeInformationRequestForm()
    form.for_assessment.choices = _assessment_choices(record)
    if request.method == "GET":
        form.version.data = str(version)
        form.fill(item)
    conflict, loose = False, []
    if form.validate_on_submit():
        problems = form.problems(_born(record), context.today())
        _put_problems(form, problems)
        if not problems:

            def change(document: dict[str, Any]) -> None:
                requests = document.get("information_requests") or []
                if index >= len(requests):
                    abort(404)
                requests[index] = form.changed(requests[index])

            errors, conflict = save_change(
                ref,
                form.version.data,
                change,
                "information request",
                form.change_reason.data.strip(),
            )
            if not errors and not conflict:
                flash("Information request changed")
                return redirect_to(
                    url_for("records.child", ref=ref, _anchor="information-requests")
                )
            loose = attach_errors(form, errors, f"information_requests[{index}].")
    return render_form(
        "records/entry_information_request.html", ref, form, conflict, loose, request_item=item
    )


@nurse_only
def withdraw_information_request(ref: str, index: int) -> ResponseReturnValue:
    """A request no longer needed: withdrawn on a date, with why; it is then not chased."""
    with context.db().transaction() as session:
        version, record = child_or_404(session, ref)
    item = _request_at(record, index)
    if item.get("received_on") or item.get("withdrawn_on"):
        abort(404)  # answered or withdrawn already: nothing to withdraw
    form = ef.WithdrawRequestForm()
    if request.method == "GET":
        form.version.data = str(version)
    conflict, loose = False, []
    if form.validate_on_submit():
        problems = form.problems(item, _born(record), context.today())
        _put_problems(form, problems)
        on = form.withdrawn_on.data
        if not problems and on is not None:
            why = form.withdrawn_reason.data.strip()

            def withdraw(document: dict[str, Any]) -> None:
                requests = document.get("information_requests") or []
                if index >= len(requests):
                    abort(404)
                requests[index].update(withdrawn_on=on.isoformat(), withdrawn_reason=why)

            errors, conflict = save_change(
                ref, form.version.data, withdraw, "information request", why
            )
            if not errors and not conflict:
                flash("Information request withdrawn")
                return redirect_to(
                    url_for("records.child", ref=ref, _anchor="information-requests")
                )
            loose = attach_errors(form, errors, f"information_requests[{index}].")
    return render_form(
        "records/entry_withdraw_request.html", ref, form, conflict, loose, request_item=item
    )


@nurse_only
def amend_assessment(ref: str, assessment_id: str) -> ResponseReturnValue:
    """An assessment already recorded, opened prefilled and put right, with a reason."""
    with context.db().transaction() as session:
        version, record = child_or_404(session, ref)
    position, assessment = _assessment_at(record, assessment_id)
    form = ef.AmendAssessmentForm()
    if request.method == "GET":
        form.version.data = str(version)
        form.fill(assessment)
    conflict, loose = False, []
    if form.validate_on_submit():
        problems = form.problems(_born(record), context.today())
        _put_problems(form, problems)
        has_number_errors = False
        if not problems:
            # to_item reads height and weight, and marks them when they are not numbers.
            form.changed(assessment)
            has_number_errors = any(
                form[n].errors for n in ("findings_height_cm", "findings_weight_kg")
            )
        if not problems and not has_number_errors:

            def amend(document: dict[str, Any]) -> None:
                target = _find_assessment(document, assessment_id)
                amended = form.changed(target)
                target.clear()
                target.update(amended)

            errors, conflict = save_change(
                ref, form.version.data, amend, "assessment", form.change_reason.data.strip()
            )
            if not errors and not conflict:
                flash("Assessment amended")
                return redirect_to(url_for("records.child", ref=ref, _anchor="assessments"))
            loose = attach_errors(form, errors, f"assessments[{position}].")
    return render_form(
        "records/assessment_form.html",
        ref,
        form,
        conflict,
        loose,
        assessment=assessment,
        amend=True,
    )


ROUTES = (
    ("/children/<ref>/<section>/<int:index>/change", change_entry, ["GET", "POST"]),
    ("/children/<ref>/<section>/<int:index>/entered-in-error", entered_in_error, ["GET", "POST"]),
    (
        "/children/<ref>/assessments/<assessment_id>/plan/<int:index>/change",
        change_plan_action,
        ["GET", "POST"],
    ),
    ("/children/<ref>/assessments/<assessment_id>/amend", amend_assessment, ["GET", "POST"]),
    (
        "/children/<ref>/information-requests/<int:index>/change",
        change_information_request,
        ["GET", "POST"],
    ),
    (
        "/children/<ref>/information-requests/<int:index>/withdraw",
        withdraw_information_request,
        ["GET", "POST"],
    ),
)
