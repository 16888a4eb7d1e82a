"""The nurse's documents for a child: on screen, as PDF, and issuing the care-leaver summary."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, url_for

from passport.caseload.service import LEAVER_SUMMARY_AGE
from passport.config import Config
from passport.documents import service as documents
from passport.documents.render import render_html
from passport.records.editing import child_or_404
from passport.rules.dates import age_in_years
from passport.web import context
from passport.web.auth import require_role
from passport.web.fields import ConfirmForm

nurse_only = require_role("nurse", "admin")


def _kind(kind: str) -> str:
    if kind not in documents.KINDS:
        abort(404)
    return kind


@nurse_only
def document_pdf(ref: str, kind: str):
    _kind(kind)
    with context.db().transaction() as session:
        child_or_404(session, ref)
        pdf = documents.pdf_for(session, ref, kind, context.today())
        context.audit(session, "download", f"{kind} PDF", ref, pdf.version)
    return Response(
        pdf.data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{ref}-{kind}.pdf"'},
    )


@nurse_only
def document_html(ref: str, kind: str):
    _kind(kind)
    with context.db().transaction() as session:
        child_or_404(session, ref)
        version, document = documents.build_document(session, ref, kind, context.today())
        context.audit(session, "view", f"{kind} HTML", ref, version)
    return render_html(document)


@nurse_only
def issue_leaver_summary(ref: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with context.db().transaction() as session:
        _, record = child_or_404(session, ref)
        if age_in_years(record["child"]["date_of_birth"], context.today()) < LEAVER_SUMMARY_AGE:
            abort(400)  # offered from 16 only (issue 15); the record page shows no button
        issued = documents.issue_leaver_summary(
            session, ref, actor=g.user.email, on=context.today()
        )
        context.audit(session, "issue", "leaver summary", ref, issued.record_version)
    flash("Care-leaver summary issued")
    return redirect(url_for("records.child", ref=ref, _anchor="documents"))


def make_blueprint(config: Config) -> Blueprint:
    bp = Blueprint("documents", __name__)
    bp.add_url_rule("/children/<ref>/documents/<kind>.pdf", view_func=document_pdf, methods=["GET"])
    bp.add_url_rule("/children/<ref>/documents/<kind>", view_func=document_html, methods=["GET"])
    bp.add_url_rule(
        "/children/<ref>/leaver-summary/issue", view_func=issue_leaver_summary, methods=["POST"]
    )
    return bp
