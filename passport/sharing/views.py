"""Sharing links on the web: the protocol's endpoints, the viewer page, and the owner's side
(make, list with access log, revoke) on the nurse's child page."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, RadioField, StringField
from wtforms.validators import InputRequired, NumberRange, Optional

from passport.audit.service import record_event
from passport.config import Config
from passport.db import utcnow
from passport.documents.render import qr_data_url
from passport.records.service import RecordNotFound
from passport.security import csrf
from passport.sharing import service
from passport.web.auth import require_role, visible_record
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


class LinkForm(FlaskForm):
    document = RadioField("What to share", choices=list(service.SHAREABLE.items()),
                          default="passport",
                          validators=[InputRequired("Select what to share")])
    label = StringField("A name for this link", validators=[Optional()])
    days = WholeNumberField("How many days the link works for", default=service.DEFAULT_DAYS,
                        validators=[InputRequired("Enter how many days the link works for"),
                                    NumberRange(1, service.MAX_DAYS,
                                                f"Enter a number of days from 1 to "
                                                f"{service.MAX_DAYS}")])
    passcode = PasswordField("Passcode (optional)", validators=[Optional()])
    consent = BooleanField("The young person agreed to share this",
                           validators=[InputRequired("Confirm the young person agreed to "
                                                     "share this")])


def _db():
    return current_app.extensions["db"]


def _protocol(body, status: int, extra: dict[str, str] | None = None) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers.update({**PROTOCOL_HEADERS, **(extra or {})})
    return response


def make_blueprint(config: Config) -> Blueprint:
    bp = Blueprint("sharing", __name__)
    signer = service.LocationSigner(config.secret_key)
    nurse_only = require_role("nurse", "admin")

    @bp.route("/api/shl/<token>", methods=["POST", "OPTIONS"])
    @csrf.exempt
    def manifest(token: str):
        if request.method == "OPTIONS":
            return _protocol({}, 204)
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return _protocol({"error": "send a JSON object with recipient and passcode"}, 400)
        answer = service.manifest(
            _db(), token, recipient=body.get("recipient"), passcode=body.get("passcode"),
            embedded_length_max=body.get("embeddedLengthMax"), now=utcnow(),
            file_base_url=url_for("sharing.file_at", location="", _external=True),
            location_signer=signer)
        return _protocol(answer.body, answer.status, answer.headers)

    @bp.route("/api/shl/file/<location>", methods=["GET", "OPTIONS"])
    @bp.route("/api/shl/file/", defaults={"location": ""}, methods=["GET"])
    def file_at(location: str):
        if request.method == "OPTIONS":
            return _protocol({}, 204)
        with _db().transaction() as session:
            jwe = service.file_at(session, location, utcnow(), signer) if location else None
        if jwe is None:
            return _protocol({"error": "not found"}, 404)
        response = Response(jwe, mimetype="application/jose")
        response.headers.update(PROTOCOL_HEADERS)
        return response

    @bp.get("/view")
    def viewer():
        response = Response(render_template("sharing/viewer.html"))
        response.headers["X-Robots-Tag"] = "noindex"
        return response

    def child_or_404(session, ref: str) -> tuple[int, dict]:
        return visible_record(session, ref, config.today())

    @bp.route("/children/<ref>/links/new", methods=["GET", "POST"])
    @nurse_only
    def new_link(ref: str):
        form = LinkForm()
        with _db().transaction() as session:
            _, record = child_or_404(session, ref)
        made = None
        if form.validate_on_submit():
            try:
                with _db().transaction() as session:
                    made = service.make_link(
                        session, ref=ref, document=form.document.data, label=form.label.data,
                        days=form.days.data or service.DEFAULT_DAYS,
                        passcode=form.passcode.data or None,
                        base_url=request.url_root, actor=g.user.email, now=utcnow(),
                        today=config.today())
                    record_event(session, actor=g.user.email, user_id=g.user.user_id,
                                 action="share", target=f"{made.link.document} link",
                                 record_ref=ref, record_version=made.link.record_version)
            except service.ShareError as error:
                field = {"expires": "days"}.get(error.field, error.field)
                form[field].errors = [*form[field].errors, error.message[0].upper()
                                      + error.message[1:]]
                made = None
        if made is not None:
            return render_template("sharing/link_made.html", record=record, made=made,
                                   qr=qr_data_url(made.url))
        status = 400 if request.method == "POST" else 200
        return render_template("sharing/new_link.html", form=form, record=record), status

    @bp.post("/children/<ref>/links/<public_id>/revoke")
    @nurse_only
    def revoke(ref: str, public_id: str):
        if not ConfirmForm().validate_on_submit():
            abort(400)
        with _db().transaction() as session:
            child_or_404(session, ref)
            try:
                link = service.revoke(session, public_id, utcnow(), ref=ref)
            except RecordNotFound:
                abort(404)
            record_event(session, actor=g.user.email, user_id=g.user.user_id, action="revoke",
                         target=f"{link.document} link", record_ref=ref)
        flash(f"Link \u201c{link.label}\u201d cancelled. It no longer works.")
        return redirect(url_for("records.child", ref=ref, _anchor="links"))

    return bp
