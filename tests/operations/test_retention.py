"""`passport retention` (issue 17, ADR 0009): each rule removes what is past its cutoff and
keeps what is a day short of it; a dry run counts without changing anything; a run is one
transaction and leaves audit lines of what went."""

from __future__ import annotations

from datetime import date, timedelta
from unittest import mock

import pytest
from sqlalchemy import func, select, update

from passport.accounts.models import (
    CarerGrant,
    Invitation,
    PendingSignIn,
    SignInFailure,
    SignInSession,
    ThrottleBucket,
    User,
)
from passport.accounts.service import note_failure
from passport.accounts.sign_in import PENDING_LIFETIME
from passport.accounts.throttle import LONGEST_WINDOW
from passport.audit.models import AuditEvent
from passport.db import utcnow
from passport.documents.models import IssuedSummary, RenderedDocument
from passport.records.models import Child, CorrectionRequest, Record, RecordVersion
from passport.retention import service as retention
from passport.sharing import service as sharing
from passport.sharing.models import ShareAccess, ShareFile, ShareLink
from tests.conftest import ROOT, TODAY, table_row_counts

DANIEL = ROOT / "fixtures" / "fx-daniel.json"  # turns 75 today: due
AMARA = ROOT / "fixtures" / "fx-amara.json"  # turns 75 tomorrow: kept
DAY = timedelta(days=1)


def born(years_ago: int, plus_days: int = 0) -> date:
    return date(TODAY.year - years_ago, TODAY.month, TODAY.day) + timedelta(days=plus_days)


def link(session, ref: str, label: str) -> ShareLink:
    made = sharing.make_link(
        session, ref=ref, document="passport", label=label, days=30, passcode=None,
        base_url="http://localhost", actor="nurse@example.org", now=utcnow(), today=TODAY,
    )  # fmt: skip
    session.add(ShareAccess(link_id=made.link.id, recipient="GP", outcome="opened"))
    return made.link


def build(cli, db) -> dict[str, int]:
    """Data on both sides of every cutoff. Returns ids the test looks for afterwards."""
    now = utcnow()
    for path in (DANIEL, AMARA):
        assert cli("import", str(path)).exit_code == 0
    assert cli("import", "--replace", str(DANIEL)).exit_code == 0  # a second version
    ids: dict[str, int] = {}
    with db.transaction() as s:
        for ref, dob in (("FX-DANIEL", born(75)), ("FX-AMARA", born(75, 1))):
            s.execute(update(Child).where(Child.ref == ref).values(date_of_birth=dob))
        daniel_v1 = s.scalar(select(RecordVersion.id).join(Record).where(Record.ref == "FX-DANIEL"))
        amara_v1 = s.scalar(select(RecordVersion.id).join(Record).where(Record.ref == "FX-AMARA"))
        for version_id, made_on, name in (
            (daniel_v1, TODAY, "daniel_pdf"),
            (amara_v1, TODAY - DAY, "old_pdf"),
            (amara_v1, TODAY, "todays_pdf"),
        ):
            row = RenderedDocument(
                version_id=version_id,
                document="passport",
                template_version="t",
                made_on=made_on,
                pdf=b"%PDF-",
            )
            s.add(row)
            s.flush()
            ids[name] = row.id
        link(s, "FX-DANIEL", "Daniel's link")
        ids["live"] = link(s, "FX-AMARA", "live").id
        ids["expired"] = link(s, "FX-AMARA", "expired").id
        ids["revoked"] = link(s, "FX-AMARA", "revoked").id
        ids["locked"] = link(s, "FX-AMARA", "locked").id
        s.flush()
        s.execute(
            update(ShareLink)
            .where(ShareLink.id == ids["expired"])
            .values(expires_at=now - timedelta(seconds=1))
        )
        s.execute(update(ShareLink).where(ShareLink.id == ids["revoked"]).values(revoked_at=now))
        s.execute(update(ShareLink).where(ShareLink.id == ids["locked"]).values(failed_attempts=5))
        s.add(
            IssuedSummary(
                record_ref="FX-DANIEL", record_version=2, issued_on=TODAY, issued_by="nurse"
            )
        )
        s.add(
            CorrectionRequest(
                record_ref="FX-DANIEL",
                record_version=2,
                from_email="d@x.org",
                message="My allergy is wrong",
            )
        )
        user = User(email="carer@example.org", password_hash="x", role="carer", carer_ref="C1")
        s.add(user)
        s.flush()
        s.add(
            CarerGrant(
                user_id=user.id,
                child_ref="FX-DANIEL",
                authority="A",
                carer_ref="C1",
                granted_by="nurse",
            )
        )
        for ref, name in (("FX-DANIEL", "daniel_leaver"), ("FX-AMARA", "amara_leaver")):
            leaver = User(email=f"{name}@example.org", password_hash="x", role="leaver",
                          child_ref=ref)  # fmt: skip
            s.add(leaver)
            s.flush()
            ids[name] = leaver.id
        s.add(
            SignInSession(token_hash="daniel_leaver".ljust(64, "0"), user_id=ids["daniel_leaver"])
        )
        six_years = retention.AUDIT_KEPT
        for at, ref, action, name in (
            (now, "FX-DANIEL", "view", None),
            (now - six_years - DAY, "FX-AMARA", "view", "old_record_audit"),
            (now - six_years - DAY, None, "sign_in", "old_audit"),
            (now - six_years + DAY, None, "sign_in", "recent_audit"),
            (now - six_years - DAY, None, "retention", "old_retention"),
        ):
            event = AuditEvent(
                at=at, actor="nurse@example.org", action=action, target="record", record_ref=ref
            )
            s.add(event)
            s.flush()
            if name:
                ids[name] = event.id
        month = retention.INVITATION_KEPT_AFTER_END
        for name, used, expires, child in (
            ("used_long_ago", now - month - DAY, now - month + DAY, None),
            ("used_lately", now - month + DAY, now - month + 2 * DAY, None),
            ("expired_long_ago", None, now - month - DAY, None),
            ("expired_lately", None, now - month + DAY, None),
            ("open", None, now + 7 * DAY, None),
            ("for_daniel", None, now + 7 * DAY, "FX-DANIEL"),
        ):
            invitation = Invitation(
                token_hash=name.ljust(64, "0"),
                email=f"{name}@x.org",
                role="carer",
                child_ref=child,
                created_by="nurse",
                expires_at=expires,
                used_at=used,
            )
            s.add(invitation)
            s.flush()
            ids[name] = invitation.id
        for name, at in (
            ("old_failure", now - retention.SIGN_IN_FAILURE_KEPT - DAY),
            ("recent_failure", now - retention.SIGN_IN_FAILURE_KEPT + DAY),
        ):
            failure = SignInFailure(email="nurse@example.org", at=at)
            s.add(failure)
            s.flush()
            ids[name] = failure.id
        idle = retention.DEFAULT_SESSION_IDLE
        minute = timedelta(minutes=1)
        for name, seen in (("idle_session", now - idle - minute),
                           ("live_session", now - idle + minute)):  # fmt: skip
            row = SignInSession(token_hash=name.ljust(64, "0"), user_id=user.id,
                                created_at=seen, last_seen_at=seen)  # fmt: skip
            s.add(row)
            s.flush()
            ids[name] = row.id
        for name, made, used in (
            ("used_pending", now - minute, now - minute),
            ("stale_pending", now - PENDING_LIFETIME - minute, None),
            ("live_pending", now - minute, None),
        ):
            pending = PendingSignIn(token_hash=name.ljust(64, "0"), user_id=user.id,
                                    created_at=made, used_at=used)  # fmt: skip
            s.add(pending)
            s.flush()
            ids[name] = pending.id
        s.add(ThrottleBucket(key="old_window", window_start=now - LONGEST_WINDOW - minute, count=3))
        s.add(ThrottleBucket(key="live_window", window_start=now - minute, count=3))
    return ids  # fmt: skip


def test_a_dry_run_counts_each_kind_and_removes_nothing(cli, db):
    build(cli, db)
    before = table_row_counts(db)
    result = cli("retention", "--dry-run")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert (
        "  records: 1 (with 2 versions, 1 sharing links, 1 link access-log lines, 1 audit lines, "
        "1 issued summaries, 1 correction requests, 1 carer grants, 1 invitations, "
        "1 care leaver accounts)"
    ) in lines
    assert "  files of ended sharing links: 3 (with 3 sharing links)" in lines
    assert "  cached PDFs of past days: 1" in lines
    assert "  audit lines not about a record: 1" in lines
    assert "  used or expired invitations: 2" in lines
    assert "  sign-in failures: 1" in lines
    assert "  signed-in sessions left idle: 1" in lines
    assert "  half-done sign-ins: 2" in lines
    assert "  sign-in limit windows: 1" in lines
    assert "Nothing was removed" in result.output
    for health_data in ("Daniel", "Okoro", "9996304183", "allergy", str(born(75))):
        assert health_data not in result.output
    assert table_row_counts(db) == before


def test_retention_removes_what_is_past_each_cutoff_and_keeps_the_rest(cli, db):
    ids = build(cli, db)
    result = cli("retention")
    assert result.exit_code == 0, result.output
    assert "  records: 1" in result.output.replace(" (with", "\n(with").splitlines()
    with db.transaction() as s:

        def present(model, name: str) -> bool:
            return s.get(model, ids[name]) is not None

        # Records: Daniel (75 today) is gone with everything about him; Amara is kept.
        assert s.scalars(select(Record.ref)).all() == ["FX-AMARA"]
        assert s.scalar(select(func.count()).where(Child.ref == "FX-DANIEL")) == 0
        assert not present(RenderedDocument, "daniel_pdf")
        for model, column in ((ShareLink, ShareLink.record_ref),
                              (IssuedSummary, IssuedSummary.record_ref),
                              (CorrectionRequest, CorrectionRequest.record_ref),
                              (CarerGrant, CarerGrant.child_ref),
                              (Invitation, Invitation.child_ref)):  # fmt: skip
            assert s.scalar(select(func.count()).select_from(model).where(
                column == "FX-DANIEL")) == 0, model  # fmt: skip
        # Daniel's own account goes with his record (and its session with it); Amara's stays,
        # as does the carer's account, whose grant for Daniel alone went.
        assert not present(User, "daniel_leaver") and present(User, "amara_leaver")
        assert s.scalar(select(func.count()).select_from(SignInSession).where(
            SignInSession.token_hash == "daniel_leaver".ljust(64, "0"))) == 0  # fmt: skip
        assert s.scalar(select(func.count()).where(User.email == "carer@example.org")) == 1
        daniel_audit = s.execute(
            select(AuditEvent.action, AuditEvent.target).where(AuditEvent.record_ref == "FX-DANIEL")
        ).all()
        assert daniel_audit == [("retention", "record removed: reached 75")]
        # Sharing links: ended links lose their files, keep their access log; live ones keep both.
        for name in ("expired", "revoked", "locked"):
            assert s.scalar(select(func.count()).where(ShareFile.link_id == ids[name])) == 0
            assert s.scalar(select(func.count()).where(ShareAccess.link_id == ids[name])) == 1
            assert present(ShareLink, name)
        assert s.scalar(select(func.count()).where(ShareFile.link_id == ids["live"])) == 1
        # Cached PDFs of a past day go; today's stay.
        assert not present(RenderedDocument, "old_pdf") and present(RenderedDocument, "todays_pdf")
        # Audit lines not about a record: six years; retention lines and a record's: kept.
        assert not present(AuditEvent, "old_audit")
        for kept in ("recent_audit", "old_retention", "old_record_audit"):
            assert present(AuditEvent, kept), kept
        # Invitations: 30 days after use or expiry.
        for gone in ("used_long_ago", "expired_long_ago", "for_daniel"):
            assert not present(Invitation, gone), gone
        for kept in ("used_lately", "expired_lately", "open"):
            assert present(Invitation, kept), kept
        # Sign-in failures: six months.
        assert not present(SignInFailure, "old_failure") and present(
            SignInFailure, "recent_failure"
        )
        # Sessions past the idle time, spent half-done sign-ins and ended limit windows go.
        assert not present(SignInSession, "idle_session") and present(SignInSession, "live_session")
        for gone in ("used_pending", "stale_pending"):
            assert not present(PendingSignIn, gone), gone
        assert present(PendingSignIn, "live_pending")
        assert s.scalars(select(ThrottleBucket.key)).all() == ["live_window"]
        # What went is in the audit log, by kind and count.
        targets = set(s.scalars(select(AuditEvent.target).where(
            AuditEvent.action == "retention", AuditEvent.record_ref.is_(None))))  # fmt: skip
        assert {
            "removed 1 records",
            "removed 3 files of ended sharing links",
            "removed 1 cached PDFs of past days",
            "removed 1 audit lines not about a record",
            "removed 2 used or expired invitations",
            "removed 1 sign-in failures",
            "removed 1 signed-in sessions left idle",
            "removed 2 half-done sign-ins",
            "removed 1 sign-in limit windows",
        } <= targets
    again = cli("retention", "--dry-run")
    assert all(line.endswith(": 0") for line in again.output.splitlines()[1:-1]), again.output


def test_a_run_that_fails_part_way_removes_nothing(cli, db):
    build(cli, db)
    before = table_row_counts(db)
    with mock.patch.object(retention, "record_event", side_effect=RuntimeError("disk full")):
        with pytest.raises(RuntimeError):
            cli("retention")
    assert table_row_counts(db) == before


def test_a_sign_in_failure_stays_in_the_security_log_for_six_months(db):
    """Noting a failure once removed every failure older than a day, though ADR 0009 keeps
    them six months: now only `passport retention` removes them."""
    with db.transaction() as s:
        s.add(SignInFailure(email="nurse@example.org", at=utcnow() - timedelta(days=2)))
    with db.transaction() as s:
        note_failure(s, "nurse@example.org")
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(SignInFailure)) == 2
