"""The record page's form helpers on their own (records/editing.py): saving a change as a new
version, conflicts, refused input, and errors put back on the form's fields."""

from __future__ import annotations

from flask import g
from sqlalchemy import select

from passport.accounts.models import User
from passport.accounts.service import SignedIn
from passport.records.editing import attach_errors, render_form, save_change
from passport.records.forms import AnswerForm
from passport.records.service import FieldError, load_current
from tests.conftest import FIXTURES
from tests.helpers import make_nurse

AMARA = next(p for p in FIXTURES if p.name == "fx-amara.json")


def as_nurse(app):
    """A request context signed in as a nurse of Amara's council (a real account: the audit
    log names it)."""
    database = app.extensions["db"]
    make_nurse(database)
    with database.transaction() as session:
        user = session.scalar(select(User).where(User.email == "nurse@example.org"))
        nurse = SignedIn(user.id, user.email, "nurse", authority=user.authority)
    context = app.test_request_context("/", method="POST")
    context.push()
    g.user = nurse
    return context


def test_save_change_makes_a_new_version_and_refuses_a_stale_one(app, cli, db):
    assert cli("import", str(AMARA)).exit_code == 0
    context = as_nurse(app)
    try:
        errors, conflict = save_change(
            "FX-AMARA", "1", lambda d: d["child"].update(preferred_name="Mara"), "child"
        )
        assert (errors, conflict) == ([], False)
        stale = save_change(
            "FX-AMARA", "1", lambda d: d["child"].update(preferred_name="Am"), "child"
        )
        assert stale == ([], True)
    finally:
        context.pop()
    with db.transaction() as session:
        version, record = load_current(session, "FX-AMARA")
    assert version == 2 and record["child"]["preferred_name"] == "Mara"


def test_save_change_refuses_what_the_format_refuses_and_saves_nothing(app, cli, db):
    assert cli("import", str(AMARA)).exit_code == 0
    context = as_nurse(app)
    try:
        errors, conflict = save_change(
            "FX-AMARA", "1", lambda d: d["child"].update(entered_care="2099-01-01"), "child"
        )
    finally:
        context.pop()
    assert not conflict
    assert [e.path for e in errors] == ["child.entered_care"]
    with db.transaction() as session:
        assert load_current(session, "FX-AMARA")[0] == 1


def test_attach_errors_puts_each_error_on_its_field_and_returns_the_rest(app):
    with app.test_request_context("/", method="POST"):
        form = AnswerForm(meta={"csrf": False})
        loose = attach_errors(
            form,
            [
                FieldError("information_requests[2].summary", "must not be empty"),
                FieldError("information_requests[2].received_on", "must not be in the future"),
                FieldError("information_requests[3].summary", "belongs to another request"),
                FieldError("child.ref", "is odd"),
            ],
            "information_requests[2].",
        )
    assert form.summary.errors == ["What they said must not be empty"]
    assert form.received_on.errors == ["Date the answer came must not be in the future"]
    assert loose == [
        "information_requests[3].summary: belongs to another request",
        "child.ref: is odd",
    ]


def test_render_form_answers_409_after_a_conflict_with_the_version_brought_up_to_date(app, cli, db):
    assert cli("import", str(AMARA)).exit_code == 0
    context = as_nurse(app)
    try:
        form = AnswerForm(meta={"csrf": False})
        form.version.data = "0"
        body, status = render_form(
            "records/answer_form.html",
            "FX-AMARA",
            form,
            True,
            [],
            request_item={"to": "gp", "sent_on": "2025-01-01"},
            index=0,
        )
    finally:
        context.pop()
    assert status == 409 and form.version.data == "1"
    assert "Amara" in body
