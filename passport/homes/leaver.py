"""The care leaver's own pages: their passport and leaving-care summary, sharing links with a
passcode (and who opened them), telling the nurse something is wrong, and who looked at their
record. Family history is shown only with the relative's consent (`documents.content`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from passport.accounts.service import accounts_by_id
from passport.audit.service import events_for_record
from passport.config import Config
from passport.db import utcnow
from passport.documents import service as documents
from passport.documents.render import qr_data_url, render_html
from passport.documents.telling import overdue_told
from passport.records import service as records
from passport.records import workflow
from passport.records.audience import YOUNG_PERSON
from passport.records.current import current_view
from passport.records.exchange import as_exchange_json
from passport.sharing import service as sharing
from passport.sharing.forms import carries_field
from passport.web import context
from passport.web.auth import require_role, visible_record
from passport.web.fields import ConfirmForm, WholeNumberField

leaver_only = require_role("leaver")

LEAVER_DOCUMENTS = {
    "passport": "Your health passport",
    "leaver-summary": "Your health summary for leaving care",
}

ACTIVITY_WORDS = {
    ("view", "record"): "looked at your record",
    ("view", "home"): "opened your Health Passport page",
    ("view", "placement sheet"): "looked at your placement health sheet",
    ("edit", None): "changed your record",
    ("import", None): "added your record",
    ("export", None): "downloaded a copy of your record",
    ("download", None): "downloaded a document",
    ("view", None): "looked at a document",
    ("share", None): "made a sharing link",
    ("view", "link preview"): "looked at what a sharing link would show",
    ("revoke", None): "cancelled a sharing link",
    ("issue", None): "gave you your leaving-care health summary",
    ("correction", None): "asked for a correction",
    ("answer", None): "answered your request for a correction",
}


class LeaverLinkForm(FlaskForm):
    label = StringField(
        "Who is it for?",
        validators=[
            Optional(),
            Length(max=80, message=("Who is it for must be 80 characters or fewer")),
        ],
    )
    carries = carries_field("What should the link share?")
    days = WholeNumberField(
        "How many days should it work for?",
        default=sharing.DEFAULT_DAYS,
        validators=[
            InputRequired("Enter how many days the link should work"),
            NumberRange(1, sharing.MAX_DAYS, "Enter a number of days from 1 to 365"),
        ],
    )
    passcode = PasswordField(
        "Passcode",
        validators=[
            InputRequired("Choose a passcode of at least 6 characters"),
            Length(
                min=sharing.MIN_PASSCODE,
                max=200,
                message="Choose a passcode of at least 6 characters",
            ),
        ],
    )


class CorrectionForm(FlaskForm):
    message = TextAreaField(
        "What is wrong?",
        validators=[
            InputRequired("Tell us what is wrong"),
            Length(max=4000, message="Keep it to 4000 characters or fewer"),
        ],
    )


def activity_words(action: str, target: str) -> str:
    return ACTIVITY_WORDS.get((action, target)) or ACTIVITY_WORDS.get(
        (action, None), "did something with your record"
    )


def own_record(session: Any) -> tuple[int, dict[str, Any]]:
    return visible_record(session, g.user.child_ref or "", context.today())


def _kind(kind: str) -> str:
    if kind not in LEAVER_DOCUMENTS:
        abort(404)
    return kind


@leaver_only
def home():
    with context.db().transaction() as session:
        version, record = own_record(session)
        links = sharing.links_for(session, record["child"]["ref"])
        corrections = workflow.corrections_for(session, record["child"]["ref"])
        issued = documents.latest_issue(session, record["child"]["ref"])
        context.audit(session, "view", "home", record["child"]["ref"], version)
    data = as_exchange_json(record)
    view = current_view(
        data,
        YOUNG_PERSON,
        context.today(),
        leaver_summary_issued_on=issued.issued_on if issued else None,
    )
    return render_template(
        "homes/leaver_home.html",
        record=record,
        view=view,
        told=[t.text for t in overdue_told(view, data["child"], YOUNG_PERSON)],
        links=links,
        corrections=corrections,
        now=utcnow(),
        documents=LEAVER_DOCUMENTS,
    )


@leaver_only
def document(kind: str):
    _kind(kind)
    with context.db().transaction() as session:
        version, _ = own_record(session)
        _, doc = documents.build_document(session, g.user.child_ref, kind, context.today())
        context.audit(session, "view", f"{kind} HTML", g.user.child_ref, version)
    return render_html(doc)


@leaver_only
def document_pdf(kind: str):
    _kind(kind)
    with context.db().transaction() as session:
        own_record(session)
        pdf = documents.pdf_for(session, g.user.child_ref, kind, context.today())
        context.audit(session, "download", f"{kind} PDF", g.user.child_ref, pdf.version)
    return Response(
        pdf.data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{kind}.pdf"'},
    )


def _link_kind() -> str:
    kind = request.values.get("document", "leaver-summary")
    return kind if kind in LEAVER_DOCUMENTS else "leaver-summary"


@leaver_only
def new_link():
    form = LeaverLinkForm()
    kind = _link_kind()
    if form.validate_on_submit():
        with context.db().transaction() as session:
            _, record = own_record(session)
            made = sharing.make_link(
                session,
                ref=g.user.child_ref,
                document=kind,
                label=form.label.data or "",
                days=form.days.data or sharing.DEFAULT_DAYS,
                passcode=form.passcode.data,
                base_url=request.url_root,
                actor=g.user.email,
                now=utcnow(),
                today=context.today(),
                carries=form.carries.data,
                sharer=sharing.sharer_for("leaver", None, record["child"]),
            )
            context.audit(
                session, "share", f"{kind} link", g.user.child_ref, made.link.record_version
            )
        return render_template("homes/leaver_link_made.html", made=made, qr=qr_data_url(made.url))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "homes/leaver_new_link.html", form=form, kind=kind, documents=LEAVER_DOCUMENTS
    ), status


@leaver_only
def preview_link():
    """ "See what they will see" before the link is made: the bundle a link with these ticks
    would carry, laid out on the new-link page as the recipient's browser lays it out. No link
    is made; the ticks stay ticked for "Make the link"."""
    form = LeaverLinkForm()
    kind = _link_kind()
    bundle = None
    if form.carries.validate(form):
        with context.db().transaction() as session:
            version, record = own_record(session)
            bundle = sharing.preview_bundle(
                session,
                ref=g.user.child_ref,
                document=kind,
                carries=form.carries.data,
                now=utcnow(),
                today=context.today(),
                sharer=sharing.sharer_for("leaver", None, record["child"]),
            )
            context.audit(session, "view", "link preview", g.user.child_ref, version)
    return render_template(
        "homes/leaver_new_link.html",
        form=form,
        kind=kind,
        documents=LEAVER_DOCUMENTS,
        preview=bundle,
    ), (200 if bundle is not None else 400)


@leaver_only
def revoke(public_id: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with context.db().transaction() as session:
        own_record(session)
        try:
            link = sharing.revoke(session, public_id, utcnow(), ref=g.user.child_ref)
        except records.RecordNotFound:
            abort(404)
        context.audit(session, "revoke", f"{link.document} link", g.user.child_ref)
    flash(f"Your link \u201c{link.label}\u201d is cancelled. It will not open any more.")
    return redirect(url_for("leaver.home", _anchor="links"))


@leaver_only
def correction():
    form = CorrectionForm()
    if form.validate_on_submit():
        with context.db().transaction() as session:
            version, _ = own_record(session)
            workflow.ask_for_correction(
                session,
                ref=g.user.child_ref,
                version=version,
                user_id=g.user.user_id,
                email=g.user.email,
                message=form.message.data,
            )
            context.audit(session, "correction", "record", g.user.child_ref, version)
        flash("Thank you. Your nurse will look at this and get back to you.")
        return redirect(url_for("leaver.home"))
    status = 400 if request.method == "POST" else 200
    return render_template("homes/leaver_correction.html", form=form), status


ROLE_WORDS = {
    "nurse": "nurse",
    "admin": "Health Passport administrator",
    "carer": "carer",
    "leaver": "care leaver",
}


def who_words(user: Any, actor: str, me: int) -> str:
    """Who did it, as a care leaver should read it: "You", a name and a role ("Sam Patel,
    nurse at Example City Council"), or the role alone when no name is known. Never an
    email address."""
    if user is not None and user.id == me:
        return "You"
    if user is None:
        return "Demo data" if actor == "demo" else "A member of staff, using the system"
    role = ROLE_WORDS.get(user.role, user.role)
    if user.role == "nurse" and user.authority:
        role = f"{role} at {user.authority}"
    if user.display_name:
        return f"{user.display_name}, {role}"
    return "Your carer" if user.role == "carer" else f"A {role}"


@leaver_only
def activity():
    with context.db().transaction() as session:
        own_record(session)
        events = events_for_record(session, g.user.child_ref)
        users = accounts_by_id(session, {e.user_id for e in events if e.user_id is not None})
        rows = [
            (
                e.at,
                who_words(users.get(e.user_id or 0), e.actor, g.user.user_id),
                activity_words(e.action, e.target),
            )
            for e in events
        ]
    return render_template("homes/leaver_activity.html", rows=rows)


ROUTES = (
    ("", home, ["GET"]),
    ("/documents/<kind>", document, ["GET"]),
    ("/documents/<kind>.pdf", document_pdf, ["GET"]),
    ("/links/new", new_link, ["GET", "POST"]),
    ("/links/preview", preview_link, ["POST"]),
    ("/links/<public_id>/revoke", revoke, ["POST"]),
    ("/tell-us", correction, ["GET", "POST"]),
    ("/activity", activity, ["GET"]),
)


def make_blueprint(config: Config) -> Blueprint:
    bp = Blueprint("leaver", __name__, url_prefix="/me")
    for rule, view, methods in ROUTES:
        bp.add_url_rule(rule, view_func=view, methods=methods)
    return bp
