"""Signing in (password, then a security code for staff), signing out, invitations for care
leavers and carers, and adding a security code to one's own sign-in."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import (
    Blueprint,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from passport.accounts import invitations, totp
from passport.accounts import service as accounts
from passport.accounts import sign_in as signing
from passport.config import Config
from passport.documents.render import qr_data_url
from passport.records.editing import child_or_404
from passport.records.forms import InviteForm
from passport.records.placements import current_carer_ref
from passport.web import context
from passport.web.auth import require_role, sign_in_required
from passport.web.fields import ConfirmForm

log = logging.getLogger(__name__)


class CodeForm(FlaskForm):
    code = StringField(
        "Security code",
        validators=[
            DataRequired("Enter the 6-digit code from your authenticator app"),
            Length(max=12),
        ],
    )


class SetPasswordForm(FlaskForm):
    name = StringField(
        "Your name",
        validators=[
            Optional(),
            Length(max=accounts.MAX_NAME, message="Your name must be 200 characters or fewer"),
        ],
    )
    password = PasswordField(
        "Choose a password",
        validators=[
            DataRequired("Choose a password"),
            Length(
                min=accounts.MIN_PASSWORD,
                max=1024,
                message=f"Your password must be at least {accounts.MIN_PASSWORD} characters",
            ),
        ],
    )
    confirm = PasswordField(
        "Type it again",
        validators=[
            DataRequired("Type your password again"),
            EqualTo("password", message="The two passwords are not the same"),
        ],
    )


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[DataRequired("Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Enter your password"), Length(max=1024)]
    )


def client_address() -> str:
    """The client's address: the socket's, or the one ProxyFix took from X-Forwarded-For when
    the operator said how many proxies to trust (PASSPORT_TRUSTED_PROXIES, ADR 0006)."""
    return request.remote_addr or "unknown"


def load_signed_in_user() -> None:
    """Before every request: who is signed in (`g.user`), from the session cookie's token."""
    g.user = None
    token = session.get("token")
    if token:
        idle = timedelta(minutes=context.config().session_idle_minutes)
        with context.db().transaction() as dbs:
            g.user = accounts.resume_session(dbs, token, idle)
        if g.user is None:
            session.clear()


def _signed_in_as(user: accounts.User, token: str):
    session.clear()
    session["token"] = token
    return redirect(url_for("web.home"))


def _start_session(user: accounts.User) -> str:
    with context.db().transaction() as dbs:
        token = accounts.start_session(dbs, user)
        accounts.record_sign_in(dbs, user)
    return token


def sign_in():
    form = SignInForm()
    failed, refused = False, None
    if form.validate_on_submit():
        db = context.db()
        outcome = signing.sign_in_with_password(
            db.sessions, db.engine, form.email.data, form.password.data, client_address()
        )
        user, refused = outcome.user, outcome.refused
        if user is not None and accounts.needs_second_factor(user):
            with db.transaction() as dbs:
                pending = signing.start_pending(dbs, user)
            session.clear()
            session["pending"] = pending
            return redirect(url_for("accounts.sign_in_code"))
        if user is not None and user.role in accounts.STAFF:
            return render_template("pages/no_second_factor.html"), 403
        if user is not None:
            return _signed_in_as(user, _start_session(user))
        failed = refused is None
    status = 429 if refused else 400 if request.method == "POST" else 200
    return render_template(
        "pages/sign_in.html", form=form, failed=failed, throttled=refused
    ), status


def second_factor_unreadable(error: accounts.SecondFactorUnreadable):
    log.error(
        "%s: start the app with the PASSPORT_SECRET_KEY (or instance folder) the "
        "account was created under, or give the account a new second factor",
        error,
    )
    return render_template("errors/sign_in_unavailable.html"), 503


def sign_in_code():
    """The second step for staff (and anyone who turned it on): the 6-digit code. The pending
    sign-in is kept in the database: it completes one sign-in, and five wrong codes end it
    (the password must then be entered again)."""
    pending = session.get("pending")
    if not isinstance(pending, str):
        session.pop("pending", None)
        return redirect(url_for("accounts.sign_in"))
    form = CodeForm()
    failed, refused = False, None
    if form.validate_on_submit():
        db = context.db()
        try:
            outcome = signing.sign_in_with_code(
                db.sessions, db.engine, pending, form.code.data, context.config().keys
            )
        except accounts.SecondFactorUnreadable as error:
            return second_factor_unreadable(error)
        if outcome.user is not None:
            return _signed_in_as(outcome.user, _start_session(outcome.user))
        if outcome.ended:
            session.pop("pending", None)
            flash("Your sign-in has ended. Enter your email address and password again.", "warning")
            return redirect(url_for("accounts.sign_in"))
        refused = outcome.refused
        failed = refused is None
    status = 429 if refused else 400 if request.method == "POST" else 200
    return render_template(
        "pages/sign_in_code.html", form=form, failed=failed, throttled=refused
    ), status


def _accept_signed_in(token: str):
    """A carer with an account adds the invitation's child to it (ADR 0007)."""
    try:
        with context.db().transaction() as dbs:
            accepted = invitations.accept_invitation_signed_in(dbs, token, g.user.user_id)
            context.audit(dbs, "join", "placement", accepted.child_ref)
    except accounts.AccountError:
        return render_template("pages/invitation_gone.html"), 404
    flash("Done. The child is now on your list.")
    return redirect(url_for("carer.home"))


def invitation():
    """Setting a password from an invitation: single use, and it expires. A carer who has an
    account already accepts another child's invitation signed in (ADR 0007).

    The invitation's token travels in the link's #fragment, which browsers never send to a
    server (so it is in no access log); the page's script copies it into the form.
    """
    form = SetPasswordForm()
    signed_in_carer = g.user is not None and g.user.role == "carer"
    if request.method == "POST":
        token = request.form.get("token", "")
        with context.db().transaction() as dbs:
            invited = invitations.open_invitation(dbs, token) if token else None
        if invited is None:
            return render_template("pages/invitation_gone.html"), 404
        if signed_in_carer and request.form.get("accept") and ConfirmForm().validate():
            return _accept_signed_in(token)
        if not signed_in_carer and form.validate_on_submit():
            try:
                with context.db().transaction() as dbs:
                    user = invitations.accept_invitation(
                        dbs, token, form.password.data, name=form.name.data
                    )
                    accounts.record_join(dbs, user)
            except accounts.AccountError as error:
                form.password.errors = [*form.password.errors, str(error).split(": ", 1)[-1]]
            else:
                flash("Your password is set. Sign in to see your pages.")
                return redirect(url_for("accounts.sign_in"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "pages/invitation.html", form=form, signed_in_carer=signed_in_carer
    ), status


@sign_in_required
def security():
    """Care leavers and carers may add a security code to their sign-in (staff have one)."""
    keys = context.config().keys
    with context.db().transaction() as dbs:
        user = dbs.get(accounts.User, g.user.user_id)
        enabled = user is not None and accounts.needs_second_factor(user)
    form = CodeForm()
    if enabled:
        return render_template("pages/security.html", enabled=True, form=form)
    pending = session.get("pending_totp")
    if pending is None or request.method == "GET":
        secret = totp.new_secret()
        session["pending_totp"] = totp.encrypt(secret, keys)
    else:
        secret = totp.decrypt(pending, keys)
    failed = False
    if form.validate_on_submit():
        with context.db().transaction() as dbs:
            if accounts.turn_on_second_factor(dbs, g.user.user_id, secret, form.code.data, keys):
                context.audit(dbs, "edit", "second factor")
                session.pop("pending_totp", None)
                flash("Done. From now on, you will enter a security code when you sign in.")
                return redirect(url_for("web.home"))
        failed = True
        form.code.errors = [
            *form.code.errors,
            "Enter the 6-digit code your authenticator app shows now",
        ]
    uri = totp.enrolment_uri(secret, g.user.email)
    return render_template(
        "pages/security.html", enabled=False, form=form, secret=secret, qr=qr_data_url(uri)
    ), 400 if failed else 200


def sign_out():
    token = session.get("token")
    if token:
        with context.db().transaction() as dbs:
            accounts.end_session(dbs, token)
    session.clear()
    return redirect(url_for("accounts.sign_in"))


@require_role("nurse", "admin")
def invite(ref: str):
    """A nurse invites the young person, or the carer the child is placed with today, from
    the child's page. A carer's invitation is for this one child (ADR 0007)."""
    form = InviteForm()
    with context.db().transaction() as dbs:
        _, record = child_or_404(dbs, ref)
    back = redirect(url_for("records.child", ref=ref, _anchor="accounts"))
    if not form.validate_on_submit():
        flash("; ".join(e for errors in form.errors.values() for e in errors), "warning")
        return back
    role = form.role.data
    carer_ref = current_carer_ref(record, context.today()) if role == "carer" else None
    if role == "carer" and carer_ref is None:
        flash(
            "There is no current placement with a carer reference, so there is no carer to invite.",
            "warning",
        )
        return back
    try:
        with context.db().transaction() as dbs:
            made, token = invitations.create_invitation(
                dbs,
                role=role,
                email=form.email.data,
                actor=g.user.email,
                child_ref=ref,
                carer_ref=carer_ref,
                authority=record["child"].get("responsible_authority"),
            )
            context.audit(dbs, "invite", f"{role} account", ref)
    except accounts.AccountError as error:
        flash(str(error).split(": ", 1)[-1].capitalize(), "warning")
        return back
    return render_template(
        "records/invitation_made.html",
        record=record,
        invitation=made,
        url=url_for("accounts.invitation", _external=True) + "#" + token,
    )


ROUTES = (
    ("/sign-in", sign_in, ["GET", "POST"]),
    ("/sign-in/code", sign_in_code, ["GET", "POST"]),
    ("/invitation", invitation, ["GET", "POST"]),
    ("/account/security", security, ["GET", "POST"]),
    ("/sign-out", sign_out, ["POST"]),
    ("/children/<ref>/invite", invite, ["POST"]),
)


def make_blueprint(config: Config) -> Blueprint:
    bp = Blueprint("accounts", __name__)
    bp.before_app_request(load_signed_in_user)
    for rule, view, methods in ROUTES:
        bp.add_url_rule(rule, view_func=view, methods=methods)
    return bp
