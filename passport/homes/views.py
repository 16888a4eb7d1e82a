"""The care leaver's and the foster carer's own pages. Each sees only what `access` allows:
the leaver their own record (family history only with the relative's consent), the carer the
children placed with them today, through the placement health sheet."""

from __future__ import annotations

from datetime import date
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
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from passport import access
from passport.audit.models import AuditEvent
from passport.audit.service import record_event
from passport.caseload.service import as_exchange_json
from passport.config import Config
from passport.db import utcnow
from passport.documents import service as documents
from passport.documents.content import build as build_document
from passport.documents.render import qr_data_url
from passport.documents.render import render_html as render_document_html
from passport.records import models as m
from passport.records import service as records
from passport.records.bulk import current_records
from passport.records.forms import WholeNumberField
from passport.records.schemas import RecordSchema
from passport.sharing import service as sharing
from passport.web.auth import require_role, visible_record


class LeaverLinkForm(FlaskForm):
    label = StringField("Who is it for?", validators=[Optional(), Length(max=80, message=(
        "Who is it for must be 80 characters or fewer"))])
    days = WholeNumberField("How many days should it work for?", default=sharing.DEFAULT_DAYS,
                        validators=[InputRequired("Enter how many days the link should work"),
                                    NumberRange(1, sharing.MAX_DAYS,
                                                "Enter a number of days from 1 to 365")])
    passcode = PasswordField("Passcode", validators=[
        InputRequired("Choose a passcode of at least 6 characters"),
        Length(min=sharing.MIN_PASSCODE, max=200,
               message="Choose a passcode of at least 6 characters")])


class CorrectionForm(FlaskForm):
    message = TextAreaField("What is wrong?", validators=[
        InputRequired("Tell us what is wrong"),
        Length(max=4000, message="Keep it to 4000 characters or fewer")])


class SimpleForm(FlaskForm):
    pass


# How many times a carer's "mark done" reads the record again when another save came first.
SAVE_TRIES = 3

LEAVER_DOCUMENTS = {"passport": "Your health passport",
                    "leaver-summary": "Your health summary for leaving care"}

ACTIVITY_WORDS = {
    ("view", "record"): "looked at your record",
    ("edit", None): "changed your record",
    ("import", None): "added your record",
    ("export", None): "downloaded a copy of your record",
    ("download", None): "downloaded a document",
    ("view", None): "looked at a document",
    ("share", None): "made a sharing link",
    ("revoke", None): "cancelled a sharing link",
    ("issue", None): "gave you your leaving-care health summary",
    ("correction", None): "asked for a correction",
}


def activity_words(action: str, target: str) -> str:
    return ACTIVITY_WORDS.get((action, target)) or ACTIVITY_WORDS.get(
        (action, None), "did something with your record")


def _db():
    return current_app.extensions["db"]


def _audit(session, action: str, target: str, ref: str, version: int | None = None) -> None:
    record_event(session, actor=g.user.email, user_id=g.user.user_id, action=action,
                 target=target, record_ref=ref, record_version=version)


def make_leaver_blueprint(config: Config) -> Blueprint:
    bp = Blueprint("leaver", __name__, url_prefix="/me")
    leaver_only = require_role("leaver")

    def own_record(session) -> tuple[int, dict[str, Any]]:
        return visible_record(session, g.user.child_ref or "", config.today())

    @bp.get("")
    @leaver_only
    def home():
        with _db().transaction() as session:
            version, record = own_record(session)
            links = sharing.links_for(session, record["child"]["ref"])
            _audit(session, "view", "home", record["child"]["ref"], version)
        return render_template("homes/leaver_home.html", record=record, links=links,
                               now=utcnow(), documents=LEAVER_DOCUMENTS)

    @bp.get("/documents/<kind>")
    @leaver_only
    def document(kind: str):
        if kind not in LEAVER_DOCUMENTS:
            abort(404)
        with _db().transaction() as session:
            version, _ = own_record(session)
            _, doc = documents.build_document(session, g.user.child_ref, kind, config.today())
            _audit(session, "view", f"{kind} HTML", g.user.child_ref, version)
        return render_document_html(doc)

    @bp.get("/documents/<kind>.pdf")
    @leaver_only
    def document_pdf(kind: str):
        if kind not in LEAVER_DOCUMENTS:
            abort(404)
        with _db().transaction() as session:
            own_record(session)
            pdf = documents.pdf_for(session, g.user.child_ref, kind, config.today())
            _audit(session, "download", f"{kind} PDF", g.user.child_ref, pdf.version)
        return Response(pdf.data, mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{kind}.pdf"'})

    @bp.route("/links/new", methods=["GET", "POST"])
    @leaver_only
    def new_link():
        form = LeaverLinkForm()
        kind = request.values.get("document", "leaver-summary")
        if kind not in LEAVER_DOCUMENTS:
            kind = "leaver-summary"
        made = None
        if form.validate_on_submit():
            with _db().transaction() as session:
                own_record(session)
                made = sharing.make_link(
                    session, ref=g.user.child_ref, document=kind, label=form.label.data or "",
                    days=form.days.data, passcode=form.passcode.data,
                    base_url=request.url_root, actor=g.user.email, now=utcnow(),
                    today=config.today())
                _audit(session, "share", f"{kind} link", g.user.child_ref,
                       made.link.record_version)
            return render_template("homes/leaver_link_made.html", made=made,
                                   qr=qr_data_url(made.url))
        status = 400 if request.method == "POST" else 200
        return render_template("homes/leaver_new_link.html", form=form, kind=kind,
                               documents=LEAVER_DOCUMENTS), status

    @bp.post("/links/<public_id>/revoke")
    @leaver_only
    def revoke(public_id: str):
        if not SimpleForm().validate_on_submit():
            abort(400)
        with _db().transaction() as session:
            own_record(session)
            try:
                link = sharing.revoke(session, public_id, utcnow(), ref=g.user.child_ref)
            except records.RecordNotFound:
                abort(404)
            _audit(session, "revoke", f"{link.document} link", g.user.child_ref)
        flash(f"Your link \u201c{link.label}\u201d is cancelled. It will not open any more.")
        return redirect(url_for("leaver.home", _anchor="links"))

    @bp.route("/tell-us", methods=["GET", "POST"])
    @leaver_only
    def correction():
        form = CorrectionForm()
        if form.validate_on_submit():
            with _db().transaction() as session:
                version, _ = own_record(session)
                session.add(m.CorrectionRequest(
                    record_ref=g.user.child_ref, record_version=version,
                    user_id=g.user.user_id, from_email=g.user.email,
                    message=form.message.data.strip()))
                _audit(session, "correction", "record", g.user.child_ref, version)
            flash("Thank you. Your nurse will look at this and get back to you.")
            return redirect(url_for("leaver.home"))
        status = 400 if request.method == "POST" else 200
        return render_template("homes/leaver_correction.html", form=form), status

    @bp.get("/activity")
    @leaver_only
    def activity():
        with _db().transaction() as session:
            own_record(session)
            events = list(session.scalars(
                select(AuditEvent).where(AuditEvent.record_ref == g.user.child_ref)
                .order_by(AuditEvent.at.desc()).limit(200)))
        rows = [(e.at, "You" if e.user_id == g.user.user_id else e.actor,
                 activity_words(e.action, e.target)) for e in events]
        return render_template("homes/leaver_activity.html", rows=rows)

    return bp


def make_carer_blueprint(config: Config) -> Blueprint:
    bp = Blueprint("carer", __name__, url_prefix="/placements")
    carer_only = require_role("carer")

    def placed_child(session, ref: str) -> tuple[int, dict[str, Any]]:
        return visible_record(session, ref, config.today())

    def carer_actions(record: dict[str, Any]) -> list[dict[str, Any]]:
        out = []
        for a in record.get("assessments", []):
            for index, x in enumerate(a.get("health_plan", [])):
                if x["owner"] == "carer" and x["status"] != "cancelled":
                    out.append({"assessment_id": a["id"], "index": index, **x})
        return out

    @bp.get("")
    @carer_only
    def home():
        today = config.today()
        with _db().transaction() as session:
            children = [record for _, record in current_records(
                session, access.visible_versions(g.user, today))]
        return render_template("homes/carer_home.html", children=children, today=today)

    @bp.get("/<ref>")
    @carer_only
    def child(ref: str):
        today = config.today()
        with _db().transaction() as session:
            version, record = placed_child(session, ref)
            _audit(session, "view", "placement sheet", ref, version)
        doc = build_document("carer-sheet", as_exchange_json(record), today)
        return render_template("homes/carer_child.html", record=record, doc=doc,
                               s=doc.sections, actions=carer_actions(record))

    @bp.get("/<ref>/sheet")
    @carer_only
    def sheet(ref: str):
        with _db().transaction() as session:
            version, record = placed_child(session, ref)
            _audit(session, "view", "carer-sheet HTML", ref, version)
        return render_document_html(build_document("carer-sheet", as_exchange_json(record),
                                                   config.today()))

    @bp.get("/<ref>/sheet.pdf")
    @carer_only
    def sheet_pdf(ref: str):
        with _db().transaction() as session:
            placed_child(session, ref)
            pdf = documents.pdf_for(session, ref, "carer-sheet", config.today())
            _audit(session, "download", "carer-sheet PDF", ref, pdf.version)
        return Response(pdf.data, mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{ref}-placement-health-sheet.pdf"'})

    @bp.post("/<ref>/actions/<assessment_id>/<int:index>/done")
    @carer_only
    def mark_done(ref: str, assessment_id: str, index: int):
        if not SimpleForm().validate_on_submit():
            abort(400)
        # Another save may land between reading the record and saving it (a nurse's edit,
        # the carer's other tab): read again and retry, and say so if it keeps happening.
        for _ in range(SAVE_TRIES):
            try:
                action = _complete_action(ref, assessment_id, index)
            except (records.EditConflict, records.RecordExists):
                # RecordExists: on SQLite the other save took the version number first.
                continue
            flash(f"Marked as done: {action}")
            return redirect(url_for("carer.child", ref=ref))
        flash("Someone else was saving this child's record at the same moment, so nothing "
              "was changed. Try again.", "warning")
        return redirect(url_for("carer.child", ref=ref))

    def _complete_action(ref: str, assessment_id: str, index: int) -> str:
        today = config.today()
        with _db().transaction() as session:
            version, record = placed_child(session, ref)
            document = RecordSchema().dump_record(record)
            target = None
            for a in document.get("assessments", []):
                if a["id"] == assessment_id and index < len(a.get("health_plan", [])):
                    target = a["health_plan"][index]
            if target is None or target["owner"] != "carer":
                abort(404)
            if target["status"] != "done":
                target["status"] = "done"
                target["completed_on"] = today.isoformat()
                checked = records.check_record(document, config.today)
                saved = records.save_edit(session, checked, actor=g.user.email,
                                          based_on_version=version)
                session.add(m.ActionCompletion(
                    record_ref=ref, record_version=saved.version, assessment_id=assessment_id,
                    action_index=index, action=target["action"], done_by=g.user.email,
                    done_at=utcnow()))
                _audit(session, "edit", "health plan action", ref, saved.version)
        return target["action"]

    return bp


def on(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
