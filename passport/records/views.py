"""The nurse's workspace: caseload, the child's record, the everyday forms, import and export.

Every route asks who is signed in and whether the child is one of theirs (a nurse keeps the
records of their own responsible authority); anything else is a 404, the same answer as for a
child that does not exist.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from math import ceil
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from passport import access
from passport.accounts import service as accounts
from passport.audit.service import record_event
from passport.caseload.service import (
    as_exchange_json,
    build_caseload,
    entry_for,
)
from passport.config import Config
from passport.db import utcnow
from passport.documents import service as documents
from passport.documents.render import render_html as render_document_html
from passport.records import forms as f
from passport.records import service
from passport.records.models import ActionCompletion, CorrectionRequest
from passport.records.schemas import RecordSchema
from passport.sharing import service as sharing
from passport.web.auth import require_role, visible_record

PAGE_SIZE = 25
DOCUMENT_KINDS = {
    "passport": "Health passport",
    "leaver-summary": "Care-leaver health summary",
    "carer-sheet": "Placement health sheet",
}
FLAG_LABELS = {
    "IHA_MISSING": "No initial assessment", "IHA_LATE": "Initial assessment late",
    "RHA_OVERDUE": "Review overdue", "CONSENT_NOT_RECORDED": "Consent not recorded",
    "PRACTITIONER_INCOMPLETE": "Practitioner details missing",
    "VAGUE_FINDINGS": "Vague findings", "NO_GP_CAMHS_INPUT": "No GP or CAMHS input",
    "INFO_REQUEST_OUTSTANDING": "Information request outstanding",
    "IMMUNISATIONS_INCOMPLETE": "Immunisations incomplete",
    "IMMUNISATION_HISTORY_UNKNOWN": "Immunisation history unknown",
    "UASC_SCREENING_INCOMPLETE": "Screening on arrival incomplete",
    "SDQ_MISSING": "SDQ missing", "SDQ_BORDERLINE": "SDQ borderline", "SDQ_CONCERN": "SDQ concern",
    "HEALTH_PLAN_ACTION_OVERDUE": "Health plan action overdue",
    "DENTAL_CHECK_OVERDUE": "Dental check overdue", "GP_NOT_REGISTERED": "No GP",
    "LEAVER_SUMMARY_DUE": "Care-leaver summary due",
}
FILTERS = {
    "all": ("All children", lambda e: True),
    "overdue": ("Something overdue", lambda e: e.has_overdue()),
    "flags": ("Any flag", lambda e: bool(e.report.flags)),
    "uasc": ("Unaccompanied asylum-seeking", lambda e: e.unaccompanied_asylum_seeking),
    "out-of-area": ("Placed out of area", lambda e: e.out_of_area),
    "leaving-care": ("Leaving care soon (17 and over)", lambda e: e.leaving_care_soon),
}


def _db():
    return current_app.extensions["db"]


def _audit(session, action: str, target: str, ref: str | None = None,
           version: int | None = None) -> None:
    record_event(session, actor=g.user.email, user_id=g.user.user_id, action=action,
                 target=target, record_ref=ref, record_version=version)


def make_blueprint(config: Config) -> Blueprint:
    bp = Blueprint("records", __name__)
    nurse_only = require_role("nurse", "admin")

    def child_or_404(session, ref: str) -> tuple[int, dict[str, Any]]:
        return visible_record(session, ref, config.today())

    @bp.get("/caseload")
    @nurse_only
    def caseload():
        chosen = request.args.get("filter", "all")
        if chosen not in FILTERS:
            chosen = "all"
        today = config.today()
        with _db().transaction() as session:
            entries = build_caseload(session, today, access.visible_versions(g.user, today),
                                     documents.leaver_summaries_issued(session))
            _audit(session, "view", "caseload")
        shown = [e for e in entries if FILTERS[chosen][1](e)]
        pages = max(1, ceil(len(shown) / PAGE_SIZE))
        page = request.args.get("page", "1")
        # ASCII digits only: "²".isdigit() is true, but int("²") fails.
        page = min(max(int(page), 1), pages) if re.fullmatch(r"[0-9]{1,6}", page) else 1
        return render_template(
            "records/caseload.html",
            entries=shown[(page - 1) * PAGE_SIZE: page * PAGE_SIZE],
            total=len(entries), shown=len(shown), page=page, pages=pages,
            filters=FILTERS, chosen=chosen, today=today,
        )

    @bp.get("/children/<ref>")
    @nurse_only
    def child(ref: str):
        today = config.today()
        with _db().transaction() as session:
            version, record = child_or_404(session, ref)
            history = service.history(session, ref)
            issued = documents.latest_issue(session, ref)
            links = sharing.links_for(session, ref)
            corrections = list(session.scalars(
                select(CorrectionRequest).where(CorrectionRequest.record_ref == ref,
                                                CorrectionRequest.resolved_at.is_(None))
                .order_by(CorrectionRequest.created_at)))
            completions = {(c.assessment_id, c.action_index): c for c in session.scalars(
                select(ActionCompletion).where(ActionCompletion.record_ref == ref)
                .order_by(ActionCompletion.done_at))}
            _audit(session, "view", "record", ref, version)
        entry = entry_for(version, record, today, issued.issued_on if issued else None)
        return render_template("records/child.html", record=record, entry=entry,
                               version=version, history=history, today=today,
                               sections=f.SECTIONS, issued=issued,
                               document_kinds=DOCUMENT_KINDS, links=links, now=utcnow(),
                               corrections=corrections, completions=completions,
                               invite_form=f.InviteForm())

    def save_change(ref: str, based_on: str, change: Callable[[dict[str, Any]], None],
                    what: str) -> tuple[list[service.FieldError], bool]:
        """Apply a change to the newest record and save it as a new version.

        Returns (errors, conflict). A conflict means someone saved since the form was opened;
        nothing is saved and the form keeps what was typed.
        """
        try:
            with _db().transaction() as session:
                version, record = child_or_404(session, ref)
                if str(version) != based_on:
                    return [], True
                document = RecordSchema().dump_record(record)
                change(document)
                checked = service.check_record(document, config.today)
                saved = service.save_edit(session, checked, actor=g.user.email,
                                          based_on_version=version)
                _audit(session, "edit", what, ref, saved.version)
        except (service.EditConflict, service.RecordExists):
            # RecordExists: on SQLite another save took this version number first.
            return [], True
        except service.RecordRefused as refused:
            return refused.errors, False
        return [], False

    def attach_errors(form, errors: list[service.FieldError], prefix: str) -> list[str]:
        """Put each error on its field; return those that belong to no field."""
        loose = []
        for error in errors:
            if error.path.startswith(prefix):
                name = re.sub(r"\[(\d+)\]", r"_\1", error.path[len(prefix):]).replace(".", "_")
                if name in form:
                    field = form[name]
                    field.errors = [*field.errors, f"{field.label.text} {error.message}"]
                    continue
            loose.append(str(error))
        return loose

    def current_version(ref: str) -> int:
        with _db().transaction() as session:
            version, _ = child_or_404(session, ref)
        return version

    def render_form(template: str, ref: str, form, conflict: bool, loose: list[str], **extra):
        if conflict:
            form.version.data = str(current_version(ref))
        status = 409 if conflict else 400 if request.method == "POST" else 200
        with _db().transaction() as session:
            _, record = child_or_404(session, ref)
        return render_template(template, form=form, record=record, conflict=conflict,
                               loose_errors=loose, **extra), status

    @bp.route("/children/<ref>/assessments/new", methods=["GET", "POST"])
    @nurse_only
    def new_assessment(ref: str):
        form = f.AssessmentForm()
        if request.method == "GET":
            form.version.data = str(current_version(ref))
        conflict, loose = False, []
        if form.validate_on_submit():
            item = form.to_item("")
            has_number_errors = any(form[n].errors for n in ("findings_height_cm",
                                                             "findings_weight_kg"))
            index = 0

            def add(document: dict[str, Any]) -> None:
                nonlocal index
                assessments = document.setdefault("assessments", [])
                taken = {a["id"] for a in assessments}
                base = f"{item['type']}-{item['date']}"
                item["id"] = base if base not in taken else next(
                    f"{base}-{n}" for n in range(2, 100) if f"{base}-{n}" not in taken)
                index = len(assessments)
                assessments.append(item)

            if not has_number_errors:
                errors, conflict = save_change(ref, form.version.data, add, "assessment")
                if not errors and not conflict:
                    flash("Assessment saved")
                    return redirect(url_for("records.child", ref=ref))
                loose = attach_errors(form, errors, f"assessments[{index}].")
        return render_form("records/assessment_form.html", ref, form, conflict, loose)

    @bp.route("/children/<ref>/information-requests/new", methods=["GET", "POST"])
    @nurse_only
    def new_information_request(ref: str):
        form = f.InformationRequestForm()
        with _db().transaction() as session:
            version, record = child_or_404(session, ref)
        form.for_assessment.choices = [("", "Not for a particular assessment")] + [
            (a["id"], f"{a['type']} on {a['date']:%d %B %Y}")
            for a in record.get("assessments", [])
        ]
        if request.method == "GET":
            form.version.data = str(version)
        conflict, loose = False, []
        if form.validate_on_submit():
            item = form.to_item()
            index = len(record.get("information_requests", []))
            errors, conflict = save_change(
                ref, form.version.data,
                lambda d: d.setdefault("information_requests", []).append(item),
                "information request")
            if not errors and not conflict:
                flash("Information request logged")
                return redirect(url_for("records.child", ref=ref, _anchor="information-requests"))
            loose = attach_errors(form, errors, f"information_requests[{index}].")
        return render_form("records/information_request_form.html", ref, form, conflict, loose)

    @bp.post("/children/<ref>/information-requests/<int:index>/chase")
    @nurse_only
    def chase_information_request(ref: str, index: int):
        form = f.ChaseForm()
        if not form.validate_on_submit():
            abort(400)
        today = config.today().isoformat()

        def chase(document: dict[str, Any]) -> None:
            requests = document.get("information_requests", [])
            if index >= len(requests):
                abort(404)
            requests[index].setdefault("chased_on", []).append(today)

        errors, conflict = save_change(ref, form.version.data, chase, "information request")
        if conflict:
            flash("Someone else changed this record just now. Check the request and chase "
                  "it again if it still needs it.", "warning")
        elif errors:
            flash("; ".join(str(e) for e in errors), "warning")
        else:
            flash("Chase recorded for today")
        return redirect(url_for("records.child", ref=ref, _anchor="information-requests"))

    @bp.route("/children/<ref>/information-requests/<int:index>/answer",
              methods=["GET", "POST"])
    @nurse_only
    def answer_information_request(ref: str, index: int):
        form = f.AnswerForm()
        with _db().transaction() as session:
            version, record = child_or_404(session, ref)
        requests = record.get("information_requests", [])
        if index >= len(requests):
            abort(404)
        if request.method == "GET":
            form.version.data = str(version)
        conflict, loose = False, []
        if form.validate_on_submit():
            received, summary = form.received_on.data.isoformat(), form.summary.data.strip()

            def answer(document: dict[str, Any]) -> None:
                target = document["information_requests"][index]
                target["received_on"] = received
                target["summary"] = summary

            errors, conflict = save_change(ref, form.version.data, answer,
                                           "information request")
            if not errors and not conflict:
                flash("Answer recorded")
                return redirect(url_for("records.child", ref=ref, _anchor="information-requests"))
            loose = attach_errors(form, errors, f"information_requests[{index}].")
        return render_form("records/answer_form.html", ref, form, conflict, loose,
                           request_item=requests[index], index=index)

    @bp.route("/children/<ref>/add/<section>", methods=["GET", "POST"])
    @nurse_only
    def add_item(ref: str, section: str):
        spec = f.SECTIONS.get(section)
        if spec is None:
            abort(404)
        form = f.SECTION_FORMS[section]()
        if request.method == "GET":
            form.version.data = str(current_version(ref))
        conflict, loose = False, []
        if form.validate_on_submit():
            item = f.section_item(spec, form)
            index = 0

            def add(document: dict[str, Any]) -> None:
                nonlocal index
                items = document.setdefault(section, [])
                index = len(items)
                items.append(item)

            errors, conflict = save_change(ref, form.version.data, add, section)
            if not errors and not conflict:
                flash(spec.added)
                return redirect(url_for("records.child", ref=ref, _anchor=section))
            loose = attach_errors(form, errors, f"{section}[{index}].")
        return render_form("records/section_form.html", ref, form, conflict, loose, spec=spec)

    @bp.get("/children/<ref>/export")
    @nurse_only
    def export(ref: str):
        with _db().transaction() as session:
            version, record = child_or_404(session, ref)
            _audit(session, "export", "record JSON", ref, version)
        body = json.dumps(RecordSchema().dump_record(record), indent=2, ensure_ascii=False)
        return Response(body, mimetype="application/json", headers={
            "Content-Disposition": f'attachment; filename="{ref}-v{version}.json"'})

    @bp.route("/import", methods=["GET", "POST"])
    @nurse_only
    def import_record_page():
        form = f.ImportForm()
        errors: list[service.FieldError] = []
        if form.validate_on_submit():
            upload = form.file.data
            try:
                if upload is None or not upload.filename:
                    raise service.RecordRefused([service.FieldError(
                        "file", "Select a lac-health-record/1 file to upload")])
                raw = service.read_limited(upload.stream, config.max_record_bytes)
                record = service.check_record(service.parse_json(raw), config.today)
                replace = bool(form.replace.data)
                with _db().transaction() as session:
                    refusal = access.import_refusal(
                        g.user, record, service.load_current_or_none(
                            session, record["child"]["ref"], for_update=True),
                        replace=replace, today=config.today())
                    if refusal is not None:
                        raise service.RecordRefused([refusal])
                    done = service.import_record(session, record, actor=g.user.email,
                                                 replace=replace)
                    _audit(session, "import", "record JSON", done.ref, done.version)
            except service.RecordRefused as refused:
                errors = refused.errors
            else:
                flash(f"Imported as version {done.version}")
                return redirect(url_for("records.child", ref=done.ref))
        status = 400 if request.method == "POST" else 200
        return render_template("records/import.html", form=form, errors=errors), status

    @bp.app_template_filter("long_date")
    def long_date(value: date | str | None) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            value = date.fromisoformat(value)
        return f"{value.day} {value:%B %Y}"

    def check_kind(kind: str) -> str:
        if kind not in DOCUMENT_KINDS:
            abort(404)
        return kind

    @bp.get("/children/<ref>/documents/<kind>.pdf")
    @nurse_only
    def document_pdf(ref: str, kind: str):
        check_kind(kind)
        with _db().transaction() as session:
            child_or_404(session, ref)
            pdf = documents.pdf_for(session, ref, kind, config.today())
            _audit(session, "download", f"{kind} PDF", ref, pdf.version)
        return Response(pdf.data, mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{ref}-{kind}.pdf"'})

    @bp.get("/children/<ref>/documents/<kind>")
    @nurse_only
    def document_html(ref: str, kind: str):
        check_kind(kind)
        with _db().transaction() as session:
            child_or_404(session, ref)
            version, document = documents.build_document(session, ref, kind, config.today())
            _audit(session, "view", f"{kind} HTML", ref, version)
        return render_document_html(document)

    @bp.post("/children/<ref>/leaver-summary/issue")
    @nurse_only
    def issue_leaver_summary(ref: str):
        form = f.ChaseForm()
        if not form.validate_on_submit():
            abort(400)
        with _db().transaction() as session:
            child_or_404(session, ref)
            issued = documents.issue_leaver_summary(session, ref, actor=g.user.email,
                                                    on=config.today())
            _audit(session, "issue", "leaver summary", ref, issued.record_version)
        flash("Care-leaver summary issued")
        return redirect(url_for("records.child", ref=ref, _anchor="documents"))

    @bp.post("/children/<ref>/invite")
    @nurse_only
    def invite(ref: str):
        form = f.InviteForm()
        today = config.today()
        with _db().transaction() as session:
            _, record = child_or_404(session, ref)
        if not form.validate_on_submit():
            flash("; ".join(e for errors in form.errors.values() for e in errors), "warning")
            return redirect(url_for("records.child", ref=ref, _anchor="accounts"))
        role = form.role.data
        carer_ref = None
        if role == "carer":
            carer_ref = next((p.get("carer_ref") for p in reversed(record.get("placements", []))
                              if access.placed_with(record, p.get("carer_ref"), today)), None)
            if carer_ref is None:
                flash("There is no current placement with a carer reference, so there is no "
                      "carer to invite.", "warning")
                return redirect(url_for("records.child", ref=ref, _anchor="accounts"))
        try:
            with _db().transaction() as session:
                invitation, token = accounts.create_invitation(
                    session, role=role, email=form.email.data, actor=g.user.email,
                    child_ref=ref, carer_ref=carer_ref,
                    authority=record["child"].get("responsible_authority"))
                _audit(session, "invite", f"{role} account", ref)
        except accounts.AccountError as error:
            flash(str(error).split(": ", 1)[-1].capitalize(), "warning")
            return redirect(url_for("records.child", ref=ref, _anchor="accounts"))
        return render_template("records/invitation_made.html", record=record,
                               invitation=invitation,
                               url=url_for("web.invitation", _external=True) + "#" + token)

    @bp.post("/children/<ref>/corrections/<int:request_id>/done")
    @nurse_only
    def correction_done(ref: str, request_id: int):
        if not f.ChaseForm().validate_on_submit():
            abort(400)
        with _db().transaction() as session:
            child_or_404(session, ref)
            item = session.get(CorrectionRequest, request_id)
            if item is None or item.record_ref != ref:
                abort(404)
            item.resolved_at, item.resolved_by = utcnow(), g.user.email
            _audit(session, "edit", "correction request", ref)
        flash("Marked as dealt with")
        return redirect(url_for("records.child", ref=ref, _anchor="corrections"))

    @bp.app_template_filter("flag_label")
    def flag_label(code: str) -> str:
        return FLAG_LABELS.get(code, code.replace("_", " ").capitalize())

    @bp.app_template_filter("words")
    def words(value: str | None) -> str:
        return f.words(value) if value else ""

    bp.add_app_template_global(as_exchange_json, "as_exchange_json")
    return bp
