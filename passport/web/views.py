"""Signing in and out, and the signed-in landing page."""

from __future__ import annotations

from datetime import timedelta
from functools import wraps

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from passport.accounts import service as accounts
from passport.config import Config
from passport.records.service import record_count


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

    def sign_in_required(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if g.user is None:
                return redirect(url_for("web.sign_in"))
            return view(*args, **kwargs)

        return wrapper

    @bp.get("/")
    @sign_in_required
    def home():
        with _db().transaction() as db:
            records = record_count(db)
        return render_template("pages/home.html", records=records)

    @bp.route("/sign-in", methods=["GET", "POST"])
    def sign_in():
        form = SignInForm()
        failed = False
        if form.validate_on_submit():
            with _db().transaction() as db:
                user = accounts.authenticate(db, form.email.data, form.password.data)
                if user is not None:
                    token = accounts.start_session(db, user)
            if user is not None:
                session.clear()
                session["token"] = token
                return redirect(url_for("web.home"))
            failed = True
        status = 400 if request.method == "POST" else 200
        return render_template("pages/sign_in.html", form=form, failed=failed), status

    @bp.post("/sign-out")
    def sign_out():
        token = session.get("token")
        if token:
            with _db().transaction() as db:
                accounts.end_session(db, token)
        session.clear()
        return redirect(url_for("web.sign_in"))

    return bp
