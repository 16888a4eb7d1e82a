"""Signing in and out, and the signed-in landing page."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from passport.accounts import service as accounts
from passport.config import Config
from passport.audit.service import record_event
from passport.web.auth import sign_in_required


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
        if g.user.role == "nurse":
            return redirect(url_for("records.caseload"))
        # Carers' and care leavers' own pages are not built yet: say so plainly.
        return render_template("pages/not_yet.html"), 403

    @bp.get("/healthz")
    def healthz():
        """For load balancers: the app answers. Touches no data."""
        return "ok", 200, {"Content-Type": "text/plain"}

    @bp.route("/sign-in", methods=["GET", "POST"])
    def sign_in():
        form = SignInForm()
        failed = throttled = False
        if form.validate_on_submit():
            email = form.email.data
            with _db().transaction() as db:
                throttled = accounts.is_throttled(db, email)
                user = None
                if not throttled:
                    user = accounts.authenticate(db, email, form.password.data)
                    if user is None:
                        accounts.note_failure(db, email)
                    else:
                        token = accounts.start_session(db, user)
                        record_event(db, actor=user.email, user_id=user.id, action="sign_in",
                                     target="account")
            if user is not None:
                session.clear()
                session["token"] = token
                return redirect(url_for("web.home"))
            failed = True
        status = 429 if throttled else 400 if request.method == "POST" else 200
        return render_template(
            "pages/sign_in.html", form=form, failed=failed, throttled=throttled
        ), status

    @bp.post("/sign-out")
    def sign_out():
        token = session.get("token")
        if token:
            with _db().transaction() as db:
                accounts.end_session(db, token)
        session.clear()
        return redirect(url_for("web.sign_in"))

    return bp
