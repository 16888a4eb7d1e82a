"""Signing in and out, and the signed-in landing page."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from passport.accounts import service as accounts
from passport.accounts import totp
from passport.audit.service import record_event
from passport.config import Config
from passport.documents.render import qr_data_url
from passport.web.auth import sign_in_required

log = logging.getLogger(__name__)


def client_address() -> str:
    """The client's address: the socket's, or the one ProxyFix took from X-Forwarded-For when
    the operator said how many proxies to trust (PASSPORT_TRUSTED_PROXIES)."""
    return request.remote_addr or "unknown"


class CodeForm(FlaskForm):
    code = StringField("Security code", validators=[
        DataRequired("Enter the 6-digit code from your authenticator app"), Length(max=12)])


class SetPasswordForm(FlaskForm):
    password = PasswordField("Choose a password", validators=[
        DataRequired("Choose a password"),
        Length(min=accounts.MIN_PASSWORD, max=1024,
               message=f"Your password must be at least {accounts.MIN_PASSWORD} characters")])
    confirm = PasswordField("Type it again", validators=[
        DataRequired("Type your password again"),
        EqualTo("password", message="The two passwords are not the same")])


class AcceptForm(FlaskForm):
    """Accept an invitation while signed in: a button, and the CSRF token."""


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[DataRequired("Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Enter your password"), Length(max=1024)]
    )


def _db():
    return current_app.extensions["db"]


def make_blueprint(config: Config) -> Blueprint:
    bp = Blueprint("web", __name__)
    idle = timedelta(minutes=config.session_idle_minutes)

    @bp.before_app_request
    def _load_signed_in_user() -> None:
        g.user = None
        token = session.get("token")
        if token:
            with _db().transaction() as db:
                g.user = accounts.resume_session(db, token, idle)
            if g.user is None:
                session.clear()

    @bp.get("/")
    @sign_in_required
    def home():
        if g.user.role in accounts.STAFF:
            return redirect(url_for("records.caseload"))
        if g.user.role == "leaver":
            return redirect(url_for("leaver.home"))
        return redirect(url_for("carer.home"))

    @bp.get("/healthz")
    def healthz():
        """For load balancers: the app answers and can reach its database (503 if not)."""
        try:
            with _db().engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError as error:
            log.warning("healthz: the database cannot be reached (%s)", type(error).__name__)
            return "database unreachable", 503, {"Content-Type": "text/plain"}
        return "ok", 200, {"Content-Type": "text/plain"}

    def second_factor_unreadable(error: accounts.SecondFactorUnreadable):
        log.error("%s: start the app with the PASSPORT_SECRET_KEY (or instance folder) the "
                  "account was created under, or give the account a new second factor", error)
        return render_template("errors/sign_in_unavailable.html"), 503

    @bp.route("/sign-in", methods=["GET", "POST"])
    def sign_in():
        form = SignInForm()
        failed, refused = False, None
        if form.validate_on_submit():
            db = _db()
            outcome = accounts.sign_in_with_password(
                db.sessions, db.engine, form.email.data, form.password.data,
                client_address())
            user, refused = outcome.user, outcome.refused
            if user is not None:
                with db.transaction() as dbs:
                    if accounts.needs_second_factor(user):
                        pending = accounts.start_pending(dbs, user)
                    elif user.role in accounts.STAFF:
                        return render_template("pages/no_second_factor.html"), 403
                    else:
                        token = accounts.start_session(dbs, user)
                        record_event(dbs, actor=user.email, user_id=user.id,
                                     action="sign_in", target="account")
                session.clear()
                if accounts.needs_second_factor(user):
                    session["pending"] = pending
                    return redirect(url_for("web.sign_in_code"))
                session["token"] = token
                return redirect(url_for("web.home"))
            failed = refused is None
        status = 429 if refused else 400 if request.method == "POST" else 200
        return render_template(
            "pages/sign_in.html", form=form, failed=failed, throttled=refused
        ), status

    @bp.route("/sign-in/code", methods=["GET", "POST"])
    def sign_in_code():
        """The second step for staff (and anyone who turned it on): the 6-digit code. The
        pending sign-in is kept in the database: it completes one sign-in, and five wrong
        codes end it (the password must then be entered again)."""
        pending = session.get("pending")
        if not isinstance(pending, str):
            session.pop("pending", None)
            return redirect(url_for("web.sign_in"))
        form = CodeForm()
        failed, refused = False, None
        if form.validate_on_submit():
            db = _db()
            try:
                outcome = accounts.sign_in_with_code(db.sessions, db.engine, pending,
                                                     form.code.data, config.secret_key)
            except accounts.SecondFactorUnreadable as error:
                return second_factor_unreadable(error)
            if outcome.user is not None:
                user = outcome.user
                with db.transaction() as dbs:
                    token = accounts.start_session(dbs, user)
                    record_event(dbs, actor=user.email, user_id=user.id, action="sign_in",
                                 target="account")
                session.clear()
                session["token"] = token
                return redirect(url_for("web.home"))
            if outcome.ended:
                session.pop("pending", None)
                flash("Your sign-in has ended. Enter your email address and password again.",
                      "warning")
                return redirect(url_for("web.sign_in"))
            refused = outcome.refused
            failed = refused is None
        status = 429 if refused else 400 if request.method == "POST" else 200
        return render_template("pages/sign_in_code.html", form=form, failed=failed,
                               throttled=refused), status

    @bp.route("/invitation", methods=["GET", "POST"])
    def invitation():
        """Setting a password from an invitation: single use, and it expires. A carer who has
        an account already accepts another child's invitation signed in (ADR 0007).

        The invitation's token travels in the link's #fragment, which browsers never send to
        a server (so it is in no access log); the page's script copies it into the form.
        """
        form = SetPasswordForm()
        signed_in_carer = g.user is not None and g.user.role == "carer"
        if request.method == "POST":
            token = request.form.get("token", "")
            with _db().transaction() as db:
                invited = accounts.open_invitation(db, token) if token else None
            if invited is None:
                return render_template("pages/invitation_gone.html"), 404
            if signed_in_carer and request.form.get("accept") and AcceptForm().validate():
                try:
                    with _db().transaction() as db:
                        accepted = accounts.accept_invitation_signed_in(db, token,
                                                                        g.user.user_id)
                        record_event(db, actor=g.user.email, user_id=g.user.user_id,
                                     action="join", target="placement",
                                     record_ref=accepted.child_ref)
                except accounts.AccountError:
                    return render_template("pages/invitation_gone.html"), 404
                flash("Done. The child is now on your list.")
                return redirect(url_for("carer.home"))
            if not signed_in_carer and form.validate_on_submit():
                try:
                    with _db().transaction() as db:
                        user = accounts.accept_invitation(db, token, form.password.data)
                        record_event(db, actor=user.email, user_id=user.id, action="join",
                                     target="account", record_ref=user.child_ref)
                except accounts.AccountError as error:
                    form.password.errors = [*form.password.errors,
                                            str(error).split(": ", 1)[-1]]
                else:
                    flash("Your password is set. Sign in to see your pages.")
                    return redirect(url_for("web.sign_in"))
        status = 400 if request.method == "POST" else 200
        return render_template("pages/invitation.html", form=form,
                               signed_in_carer=signed_in_carer), status

    @bp.route("/account/security", methods=["GET", "POST"])
    @sign_in_required
    def security():
        """Care leavers and carers may add a security code to their sign-in (staff have one)."""
        with _db().transaction() as db:
            user = db.get(accounts.User, g.user.user_id)
            enabled = accounts.needs_second_factor(user)
        form = CodeForm()
        if enabled:
            return render_template("pages/security.html", enabled=True, form=form)
        pending = session.get("pending_totp")
        if pending is None or request.method == "GET":
            secret = totp.new_secret()
            session["pending_totp"] = totp.encrypt(secret, config.secret_key)
        else:
            secret = totp.decrypt(pending, config.secret_key)
        failed = False
        if form.validate_on_submit():
            with _db().transaction() as db:
                if accounts.turn_on_second_factor(db, g.user.user_id, secret, form.code.data,
                                                  config.secret_key):
                    record_event(db, actor=g.user.email, user_id=g.user.user_id,
                                 action="edit", target="second factor")
                    session.pop("pending_totp", None)
                    flash("Done. From now on, you will enter a security code when you sign in.")
                    return redirect(url_for("web.home"))
            failed = True
            form.code.errors = [*form.code.errors,
                                "Enter the 6-digit code your authenticator app shows now"]
        uri = totp.enrolment_uri(secret, g.user.email)
        status = 400 if failed else 200
        return render_template("pages/security.html", enabled=False, form=form, secret=secret,
                               qr=qr_data_url(uri)), status

    @bp.post("/sign-out")
    def sign_out():
        token = session.get("token")
        if token:
            with _db().transaction() as db:
                accounts.end_session(db, token)
        session.clear()
        return redirect(url_for("web.sign_in"))

    return bp
