"""Sharing links on the web: the protocol's endpoints, the viewer page, and the owner's side
(make, list with access log, revoke) on the nurse's child page."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, RadioField, StringField
from wtforms.validators import InputRequired, NumberRange, Optional

from passport.accounts.models import User
from passport.config import Config
from passport.db import utcnow
from passport.documents.render import qr_data_url
from passport.records.editing import child_or_404
from passport.records.service import RecordNotFound
from passport.security import csrf
from passport.sharing import locations, service
from passport.sharing.forms import carries_field
from passport.web import context
from passport.web.auth import require_role
from passport.web.fields import ConfirmForm, WholeNumberField

PROTOCOL_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
    # Any conformant viewer may read a link, wherever it is served from.
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Allow-Methods": "POST, GET, OPTIONS",
}


nurse_only = require_role("nurse", "admin")


class LinkForm(FlaskForm):
    document = RadioField(
        "What to share",
        choices=list(service.SHAREABLE.items()),
        default="passport",
        validators=[InputRequired("Select what to share")],
    )
    label = StringField("A name for this link", validators=[Optional()])
    days = WholeNumberField(
        "How many days the link works for",
        default=service.DEFAULT_DAYS,
        validators=[
            InputRequired("Enter how many days the link works for"),
            NumberRange(
                1, service.MAX_DAYS, f"Enter a number of days from 1 to {service.MAX_DAYS}"
            ),
        ],
    )
    carries = carries_field("What the link carries")
    passcode = PasswordField("Passcode (optional)", validators=[Optional()])
    consent = BooleanField(
        "The young person agreed to share this",
        validators=[InputRequired("Confirm the young person agreed to share this")],
    )


def _protocol(body: Any, status: int, extra: dict[str, str] | None = None) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers.update({**PROTOCOL_HEADERS, **(extra or {})})
    return response


def _signer() -> locations.LocationSigner:
    return locations.LocationSigner(context.config().keys)


@csrf.exempt
def manifest(token: str) -> ResponseReturnValue:
    if request.method == "OPTIONS":
        return _protocol({}, 204)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _protocol({"error": "send a JSON object with recipient and passcode"}, 400)
    answer = service.manifest(
        context.db(),
        token,
        recipient=body.get("recipient"),
        passcode=body.get("passcode"),
        embedded_length_max=body.get("embeddedLengthMax"),
        now=utcnow(),
        file_base_url=url_for("sharing.file_at", location="", _external=True),
        location_signer=_signer(),
    )
    return _protocol(answer.body, answer.status, answer.headers)


def file_at(location: str) -> ResponseReturnValue:
    if request.method == "OPTIONS":
        return _protocol({}, 204)
    with context.db().transaction() as session:
        jwe = locations.file_at(session, location, utcnow(), _signer()) if location else None
    if jwe is None:
        return _protocol({"error": "not found"}, 404)
    response = Response(jwe, mimetype="application/jose")
    response.headers.update(PROTOCOL_HEADERS)
    return response


def viewer() -> ResponseReturnValue:
    response = Response(render_template("sharing/viewer.html"))
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _display_name(session: Any) -> str | None:
    account = session.get(User, g.user.user_id)
    return account.display_name if account is not None else None


def _make(ref: str, form: LinkForm) -> service.MadeLink | None:
    """The link the nurse asked for, or None with the reason put on the form's field."""
    try:
        with context.db().transaction() as session:
            made = service.make_link(
                session,
                ref=ref,
                document=form.document.data,
                label=form.label.data,
                days=form.days.data or service.DEFAULT_DAYS,
                passcode=form.passcode.data or None,
                base_url=request.url_root,
                actor=g.user.email,
                now=utcnow(),
                today=context.today(),
                carries=form.carries.data,
                sharer=service.sharer_for(g.user.role, _display_name(session)),
            )
            context.audit(
                session, "share", f"{made.link.document} link", ref, made.link.record_version
            )
    except service.ShareError as error:
        field = {"expires": "days"}.get(error.field, error.field)
        form[field].errors = [*form[field].errors, error.message[0].upper() + error.message[1:]]
        return None
    return made


@nurse_only
def new_link(ref: str) -> ResponseReturnValue:
    form = LinkForm()
    with context.db().transaction() as session:
        _, record = child_or_404(session, ref)
    made = _make(ref, form) if form.validate_on_submit() else None
    if made is not None:
        return render_template(
            "sharing/link_made.html", record=record, made=made, qr=qr_data_url(made.url)
        )
    status = 400 if request.method == "POST" else 200
    return render_template("sharing/new_link.html", form=form, record=record), status


@nurse_only
def preview_link(ref: str) -> ResponseReturnValue:
    """ "See what they will see" with the young person, before the link is made: the bundle a
    link with these ticks would carry, laid out as the recipient's browser lays it out. No link
    is made; the form keeps what was chosen for "Make the link"."""
    form = LinkForm()
    bundle = None
    with context.db().transaction() as session:
        version, record = child_or_404(session, ref)
        if form.document.validate(form) and form.carries.validate(form):
            bundle = service.preview_bundle(
                session,
                ref=ref,
                document=form.document.data,
                carries=form.carries.data,
                now=utcnow(),
                today=context.today(),
                sharer=service.sharer_for(g.user.role, _display_name(session)),
            )
            context.audit(session, "view", "link preview", ref, version)
    return render_template("sharing/new_link.html", form=form, record=record, preview=bundle), (
        200 if bundle is not None else 400
    )


@nurse_only
def revoke(ref: str, public_id: str) -> ResponseReturnValue:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with context.db().transaction() as session:
        child_or_404(session, ref)
        try:
            link = service.revoke(session, public_id, utcnow(), ref=ref)
        except RecordNotFound:
            abort(404)
        context.audit(session, "revoke", f"{link.document} link", ref)
    flash(f"Link \u201c{link.label}\u201d cancelled. It no longer works.")
    return redirect(url_for("records.child", ref=ref, _anchor="links"))


ROUTES: tuple[tuple[str, Any, list[str], dict[str, Any]], ...] = (
    ("/api/shl/<token>", manifest, ["POST", "OPTIONS"], {}),
    ("/api/shl/file/<location>", file_at, ["GET", "OPTIONS"], {}),
    ("/api/shl/file/", file_at, ["GET"], {"defaults": {"location": ""}}),
    ("/view", viewer, ["GET"], {}),
    ("/children/<ref>/links/new", new_link, ["GET", "POST"], {}),
    ("/children/<ref>/links/preview", preview_link, ["POST"], {}),
    ("/children/<ref>/links/<public_id>/revoke", revoke, ["POST"], {}),
)


def make_blueprint(config: Config) -> Blueprint:
    bp = Blueprint("sharing", __name__)
    for rule, view, methods, options in ROUTES:
        bp.add_url_rule(rule, view_func=view, methods=methods, **options)
    return bp
