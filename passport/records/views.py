"""The child's record page and the nurse's everyday edits: assessments, information requests,
the simpler sections, corrections, import and export.

Every route asks who is signed in and whether the child is one of theirs (a nurse keeps the
records of their own responsible authority); anything else is a 404, the same answer as for a
child that does not exist.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, flash, g, render_template, request, url_for
from flask import redirect as redirect_to
from flask.typing import ResponseReturnValue

from passport import access
from passport.caseload.service import entry_for
from passport.config import Config
from passport.db import utcnow
from passport.documents import service as documents
from passport.records import details, entries, history, service, workflow
from passport.records import entry_forms as ef
from passport.records import forms as f
from passport.records import section_forms as sf
from passport.records.audience import STAFF
from passport.records.current import current_view
from passport.records.editing import (
    attach_errors,
    child_or_404,
    current_version,
    render_form,
    save_change,
)
from passport.records.exchange import as_exchange_json
from passport.records.schemas import RecordSchema
from passport.records.summary import summarise
from passport.rules.dates import long_date
from passport.sharing import service as sharing
from passport.web import context
from passport.web.auth import require_role

nurse_only = require_role("nurse", "admin")


def _to_child(ref: str, anchor: str | None = None) -> ResponseReturnValue:
    return redirect_to(url_for("records.child", ref=ref, _anchor=anchor))


@nurse_only
def child(ref: str) -> ResponseReturnValue:
    today = context.today()
    with context.db().transaction() as session:
        version, record = child_or_404(session, ref)
        history = service.history(session, ref)
        issued = documents.latest_issue(session, ref)
        links = sharing.links_for(session, ref)
        corrections = workflow.open_corrections(session, ref)
        completions = workflow.completions(session, ref)
        context.audit(session, "view", "record", ref, version)
    entry = entry_for(version, record, today, issued.issued_on if issued else None)
    # What the young person wrote themselves, read-only here: it is theirs to change.
    own = current_view(as_exchange_json(record), STAFF, today).own_part
    return render_template(
        "records/child.html",
        record=record,
        entry=entry,
        own=own,
        summary=summarise(record, entry),
        version=version,
        history=history,
        today=today,
        sections=sf.SECTIONS,
        issued=issued,
        document_kinds=documents.KINDS,
        links=links,
        now=utcnow(),
        corrections=corrections,
        completions=completions,
        invite_form=f.InviteForm(),
    )


@nurse_only
def new_assessment(ref: str) -> ResponseReturnValue:
    form = f.AssessmentForm()
    if request.method == "GET":
        form.version.data = str(current_version(ref))
    conflict, loose = False, []
    has_number_errors = False
    if form.validate_on_submit():
        item = form.to_item("")
        has_number_errors = any(
            form[n].errors for n in ("findings_height_cm", "findings_weight_kg")
        )
        index = 0

        def add(document: dict[str, Any]) -> None:
            nonlocal index
            assessments = document.setdefault("assessments", [])
            item["id"] = workflow.next_assessment_id(assessments, item["type"], item["date"])
            index = len(assessments)
            assessments.append(item)

        if not has_number_errors:
            errors, conflict = save_change(ref, form.version.data, add, "assessment")
            if not errors and not conflict:
                flash("Assessment saved")
                return _to_child(ref)
            loose = attach_errors(form, errors, f"assessments[{index}].")
    return render_form("records/assessment_form.html", ref, form, conflict, loose)


@nurse_only
def new_information_request(ref: str) -> ResponseReturnValue:
    form = f.InformationRequestForm()
    with context.db().transaction() as session:
        version, record = child_or_404(session, ref)
    form.for_assessment.choices = [("", "Not for a particular assessment")] + [
        (a["id"], f"{a['type']} on {long_date(a['date'])}") for a in record.get("assessments", [])
    ]
    if request.method == "GET":
        form.version.data = str(version)
    conflict, loose = False, []
    if form.validate_on_submit():
        item = form.to_item()
        index = len(record.get("information_requests", []))
        errors, conflict = save_change(
            ref,
            form.version.data,
            lambda d: d.setdefault("information_requests", []).append(item),
            "information request",
        )
        if not errors and not conflict:
            flash("Information request logged")
            return _to_child(ref, "information-requests")
        loose = attach_errors(form, errors, f"information_requests[{index}].")
    return render_form("records/information_request_form.html", ref, form, conflict, loose)


@nurse_only
def chase_information_request(ref: str, index: int) -> ResponseReturnValue:
    form = f.ChaseForm()
    if not form.validate_on_submit():
        abort(400)
    today = context.today().isoformat()

    def chase(document: dict[str, Any]) -> None:
        requests = document.get("information_requests", [])
        if index >= len(requests):
            abort(404)
        requests[index].setdefault("chased_on", []).append(today)

    errors, conflict = save_change(ref, form.version.data, chase, "information request")
    if conflict:
        flash(
            "Someone else changed this record just now. Check the request and chase "
            "it again if it still needs it.",
            "warning",
        )
    elif errors:
        flash("; ".join(str(e) for e in errors), "warning")
    else:
        flash("Chase recorded for today")
    return _to_child(ref, "information-requests")


@nurse_only
def answer_information_request(ref: str, index: int) -> ResponseReturnValue:
    form = f.AnswerForm()
    with context.db().transaction() as session:
        version, record = child_or_404(session, ref)
    requests = record.get("information_requests", [])
    if index >= len(requests):
        abort(404)
    if request.method == "GET":
        form.version.data = str(version)
    conflict, loose = False, []
    if form.validate_on_submit():
        received_on = form.received_on.data
        assert received_on is not None  # the field is required
        received, summary = received_on.isoformat(), form.summary.data.strip()

        def answer(document: dict[str, Any]) -> None:
            target = document["information_requests"][index]
            target["received_on"] = received
            target["summary"] = summary

        errors, conflict = save_change(ref, form.version.data, answer, "information request")
        if not errors and not conflict:
            flash("Answer recorded")
            return _to_child(ref, "information-requests")
        loose = attach_errors(form, errors, f"information_requests[{index}].")
    return render_form(
        "records/answer_form.html",
        ref,
        form,
        conflict,
        loose,
        request_item=requests[index],
        index=index,
    )


@nurse_only
def add_item(ref: str, section: str) -> ResponseReturnValue:
    spec = sf.SECTIONS.get(section)
    if spec is None:
        abort(404)
    form = sf.SECTION_FORMS[section]()
    if request.method == "GET":
        form.version.data = str(current_version(ref))
    conflict, loose = False, []
    if form.validate_on_submit():
        item = sf.section_item(spec, form)
        index = 0

        def add(document: dict[str, Any]) -> None:
            nonlocal index
            items = document.setdefault(section, [])
            index = len(items)
            items.append(item)

        errors, conflict = save_change(ref, form.version.data, add, section)
        if not errors and not conflict:
            flash(spec.added)
            return _to_child(ref, "mental-health" if section == "mental_health" else section)
        errors = sf.plain_date_errors(spec, form, errors, item, f"{section}[{index}].")
        loose = [_in_uk_dates(e) for e in attach_errors(form, errors, f"{section}[{index}].")]
        for field in form:
            field.errors = [_in_uk_dates(e) for e in field.errors]
    return render_form("records/section_form.html", ref, form, conflict, loose, spec=spec)


@nurse_only
def add_check(ref: str, kind: str) -> ResponseReturnValue:
    """A dental check or a sight test on a date: it clears the flag that one is overdue."""
    if kind not in f.CHECKS:
        abort(404)
    section, title, added, label = f.CHECKS[kind]
    form = f.CheckDateForm()
    form.on.label.text = label
    if request.method == "GET":
        form.version.data = str(current_version(ref))
    conflict, loose = False, []
    if form.validate_on_submit():
        on = form.on.data
        assert on is not None  # the field is required

        def add(document: dict[str, Any]) -> None:
            document[section] = sorted({*document.get(section, []), on.isoformat()})

        errors, conflict = save_change(ref, form.version.data, add, section.replace("_", " "))
        if not errors and not conflict:
            flash(added)
            return _to_child(ref, "checks")
        for error in errors:
            if error.path.startswith(section):
                form.on.errors = [*form.on.errors, f"{label} {error.message}"]
            else:
                loose.append(str(error))
    return render_form("records/check_form.html", ref, form, conflict, loose, title=title)


def _stop_message(error: service.FieldError, medicine: dict[str, Any]) -> str | None:
    """The words for a refused stop date, in UK dates (the format's own name ISO dates)."""
    if error.path.endswith(".stopped") and "on or after started" in error.message:
        return f"The stop date must be on or after the start date, {long_date(medicine['started'])}"
    return None


@nurse_only
def stop_medicine(ref: str, index: int) -> ResponseReturnValue:
    """Stop a current medicine: the date and why, saved as a new version."""
    form = f.StopMedicineForm()
    with context.db().transaction() as session:
        version, record = child_or_404(session, ref)
    medicines = record.get("medications", [])
    if index >= len(medicines) or medicines[index].get("stopped"):
        abort(404)
    medicine = medicines[index]
    if request.method == "GET":
        form.version.data = str(version)
    conflict, loose = False, []
    if form.validate_on_submit():
        stopped, why = form.stopped.data, form.stop_reason.data.strip()
        assert stopped is not None  # the field is required

        def stop(document: dict[str, Any]) -> None:
            document["medications"][index].update(stopped=stopped.isoformat(), stop_reason=why)

        errors, conflict = save_change(ref, form.version.data, stop, "medicine", reason=why)
        if not errors and not conflict:
            flash(f"{medicine['name']} stopped")
            return _to_child(ref, "medications")
        for error in errors:
            words = _stop_message(error, medicine)
            if words:
                form.stopped.errors = [*form.stopped.errors, words]
                errors = [e for e in errors if e is not error]
        loose = attach_errors(form, errors, f"medications[{index}].")
    return render_form("records/stop_medicine.html", ref, form, conflict, loose, medicine=medicine)


@nurse_only
def allergy_status(ref: str, index: int) -> ResponseReturnValue:
    """Resolve or rule out an allergy: kept in the record and its history, and no longer
    shown as an allergy in any document or link."""
    form = f.AllergyStatusForm()
    with context.db().transaction() as session:
        version, record = child_or_404(session, ref)
    allergies = record.get("allergies", [])
    if index >= len(allergies) or allergies[index].get("status", "active") != "active":
        abort(404)
    allergy = allergies[index]
    if request.method == "GET":
        form.version.data = str(version)
    conflict, loose = False, []
    if form.validate_on_submit():
        on = form.status_on.data
        assert on is not None  # the field is required
        change = {
            "status": form.status.data,
            "status_on": on.isoformat(),
            "status_by": form.status_by.data.strip(),
            "status_reason": form.status_reason.data.strip(),
        }
        errors, conflict = save_change(
            ref,
            form.version.data,
            lambda d: d["allergies"][index].update(change),
            "allergy",
            reason=change["status_reason"],
        )
        if not errors and not conflict:
            done = "resolved" if change["status"] == "resolved" else "ruled out"
            flash(f"{allergy['substance']}: {done}")
            return _to_child(ref, "allergies")
        loose = attach_errors(form, errors, f"allergies[{index}].")
    return render_form("records/allergy_status.html", ref, form, conflict, loose, allergy=allergy)


ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


def _in_uk_dates(message: str) -> str:
    """The format's messages name ISO dates; a nurse reads "3 May 2026"."""
    return ISO_DATE.sub(lambda m: long_date(date.fromisoformat(m.group(1))), message)


@nurse_only
def vaccine_not_given(ref: str) -> ResponseReturnValue:
    """Record a vaccine not given: declined or contraindicated, with the reason and who
    decided. The dose then stops being due in the rules, and the documents say it was not
    given and why."""
    form = f.NotGivenForm()
    form.vaccine.choices = [("", "Select")] + [(v, v) for v in sf.VACCINES]
    with context.db().transaction() as session:
        version, record = child_or_404(session, ref)
    if request.method == "GET":
        form.version.data = str(version)
    conflict, loose = False, []
    if form.validate_on_submit():
        on = form.date.data
        assert on is not None  # the field is required
        item: dict[str, Any] = {
            "vaccine": form.vaccine.data,
            "date": on.isoformat(),
            "source": form.source.data or "other",
            "status": form.status.data,
            "status_reason": form.status_reason.data.strip(),
            "status_by": form.status_by.data.strip(),
        }
        if form.dose.data is not None:
            item["dose"] = form.dose.data
        index = len(record.get("immunisations", []))
        errors, conflict = save_change(
            ref,
            form.version.data,
            lambda d: d.setdefault("immunisations", []).append(item),
            "immunisation not given",
            reason=item["status_reason"],
        )
        if not errors and not conflict:
            flash(f"{item['vaccine']}: recorded as not given ({item['status']})")
            return _to_child(ref, "immunisations")
        loose = attach_errors(form, errors, f"immunisations[{index}].")
        for field in form:
            field.errors = [_in_uk_dates(e) for e in field.errors]
        loose = [_in_uk_dates(e) for e in loose]
    return render_form("records/not_given_form.html", ref, form, conflict, loose)


@nurse_only
def export(ref: str) -> ResponseReturnValue:
    with context.db().transaction() as session:
        version, record = child_or_404(session, ref)
        context.audit(session, "export", "record JSON", ref, version)
    body = json.dumps(RecordSchema().dump_record(record), indent=2, ensure_ascii=False)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{ref}-v{version}.json"'},
    )


def _import_upload(form: f.ImportForm) -> service.Imported:
    """Check the uploaded file whole and store it, or RecordRefused naming every problem."""
    upload = form.file.data
    if upload is None or not upload.filename:
        raise service.RecordRefused(
            [service.FieldError("file", "Select a lac-health-record file to upload")]
        )
    config = context.config()
    raw = service.read_limited(upload.stream, config.max_record_bytes)
    record = service.check_record(service.parse_json(raw), config.today)
    replace = bool(form.replace.data)
    with context.db().transaction() as session:
        stored = service.load_current_or_none(session, record["child"]["ref"], for_update=True)
        refusal = access.import_refusal(
            g.user, record, stored, replace=replace, today=config.today()
        )
        if refusal is not None:
            raise service.RecordRefused([refusal])
        done = service.import_record(session, record, actor=g.user.email, replace=replace)
        context.audit(session, "import", "record JSON", done.ref, done.version)
    return done


@nurse_only
def import_record_page() -> ResponseReturnValue:
    form = f.ImportForm()
    errors: list[service.FieldError] = []
    if form.validate_on_submit():
        try:
            done = _import_upload(form)
        except service.RecordRefused as refused:
            errors = refused.errors
        else:
            flash(f"Imported as version {done.version}")
            return _to_child(done.ref)
    status = 400 if request.method == "POST" else 200
    return render_template("records/import.html", form=form, errors=errors), status


def _entry_choices(record: dict[str, Any]) -> list[tuple[str, str]]:
    """Every entry a correction can be about, as "section:index" with the name a nurse knows
    it by ("Allergies: Penicillin"); the child's details first."""
    choices = [("details", "Their details (name, date of birth, NHS number, language)")]
    for section, spec in ef.ENTRY_SECTIONS.items():
        heading = workflow.CORRECTION_SECTIONS.get(section) or spec.title.removeprefix("Add a ")
        for index, entry in enumerate(record.get(section) or []):
            label = ef.entry_label(section, entry)
            choices.append((f"{section}:{index}", f"{heading.split(' (')[0]}: {label}"))
    return choices


def _about(form: f.CorrectionAnswerForm) -> str:
    """The part of the record an accepted request is about: the chosen entry's section."""
    if not form.entry.data:
        return str(form.section.data)
    section = form.entry.data.split(":")[0]
    return section if section in workflow.CORRECTION_SECTIONS else "other"


def _entry_change_url(ref: str, chosen: str, request_id: int) -> str:
    if chosen == "details":
        return url_for("records.change_details", ref=ref)
    section, index = chosen.split(":")
    return url_for(
        "records.change_entry", ref=ref, section=section, index=int(index), correction=request_id
    )


@nurse_only
def answer_correction(ref: str, request_id: int) -> ResponseReturnValue:
    """Accept a young person's correction request (then go to the part of the record it is
    about, where its change forms are) or decline it with a reason they will read."""
    form = f.CorrectionAnswerForm()
    with context.db().transaction() as session:
        _, record = child_or_404(session, ref)
        item = workflow.open_correction(session, ref, request_id)
        if item is None:
            abort(404)
        form.entry.choices = [form.entry.choices[0], *_entry_choices(record)]
        if form.validate_on_submit():
            accepted = form.decision.data == "accept"
            workflow.answer_correction(
                session,
                ref,
                request_id,
                by=g.user.email,
                accepted=accepted,
                answer=form.answer.data,
                section=_about(form) if accepted else None,
            )
            context.audit(session, "answer", "correction request", ref)
            if accepted and form.entry.data:
                flash(
                    "Correction accepted. Now make the change: the form is filled in as it is now"
                )
                return redirect_to(_entry_change_url(ref, form.entry.data, request_id))
            if accepted:
                section = form.section.data
                flash(
                    "Correction accepted. Now make the change in "
                    f"{workflow.CORRECTION_SECTIONS[section].split(' (')[0].lower()}"
                    if section != "other"
                    else "Correction accepted. Now make the change in the record"
                )
                return _to_child(ref, None if section == "other" else section)
            flash("Correction declined. The young person can see your reason.")
            return _to_child(ref)
        request_item = {
            "message": item.message,
            "from_email": item.from_email,
            "created_at": item.created_at,
            "record_version": item.record_version,
        }
    status = 400 if request.method == "POST" else 200
    return render_template(
        "records/correction_answer.html",
        form=form,
        record=record,
        request_item=request_item,
        conflict=False,
        loose_errors=[],
    ), status


ROUTES = (
    ("/children/<ref>", child, ["GET"]),
    ("/children/<ref>/assessments/new", new_assessment, ["GET", "POST"]),
    ("/children/<ref>/information-requests/new", new_information_request, ["GET", "POST"]),
    ("/children/<ref>/information-requests/<int:index>/chase", chase_information_request, ["POST"]),
    (
        "/children/<ref>/information-requests/<int:index>/answer",
        answer_information_request,
        ["GET", "POST"],
    ),
    ("/children/<ref>/add/<section>", add_item, ["GET", "POST"]),
    ("/children/<ref>/checks/<kind>/new", add_check, ["GET", "POST"]),
    ("/children/<ref>/medications/<int:index>/stop", stop_medicine, ["GET", "POST"]),
    ("/children/<ref>/allergies/<int:index>/status", allergy_status, ["GET", "POST"]),
    ("/children/<ref>/immunisations/not-given", vaccine_not_given, ["GET", "POST"]),
    ("/children/<ref>/export", export, ["GET"]),
    ("/import", import_record_page, ["GET", "POST"]),
    (
        "/children/<ref>/corrections/<int:request_id>/answer",
        answer_correction,
        ["GET", "POST"],
    ),
)


def make_blueprint(config: Config) -> Blueprint:
    bp = Blueprint("records", __name__)
    for rule, view, methods in (*ROUTES, *history.ROUTES, *details.ROUTES, *entries.ROUTES):
        bp.add_url_rule(rule, view_func=view, methods=methods)
    return bp
