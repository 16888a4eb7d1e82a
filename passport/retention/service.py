"""The retention rules, and what they remove (ADR 0009 gives each rule's source).

`what_is_due` counts what each rule would remove today; `remove_due` removes it, in the
caller's transaction, and writes the audit lines of what went. Both use the same selections,
so a dry run says exactly what the run will do (on the same day, with the same data).
Nothing here reads or returns health data: records are selected by date of birth, and only
counts and refs leave this module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.orm import Session

from passport.accounts.models import (
    CarerGrant,
    Invitation,
    PendingSignIn,
    SignInFailure,
    SignInSession,
    ThrottleBucket,
    User,
)
from passport.accounts.sign_in import PENDING_LIFETIME
from passport.accounts.throttle import LONGEST_WINDOW
from passport.audit.models import AuditEvent
from passport.audit.service import record_event
from passport.documents.models import IssuedSummary, RenderedDocument
from passport.records.models import (
    ActionCompletion,
    Child,
    CorrectionRequest,
    Record,
    RecordVersion,
)
from passport.rules.dates import age_date
from passport.sharing.models import ShareAccess, ShareFile, ShareLink

# The periods, each from the source ADR 0009 names for it.
RECORD_KEPT_UNTIL_AGE = 75
AUDIT_KEPT = timedelta(days=6 * 365 + 2)  # six years, leap days included
INVITATION_KEPT_AFTER_END = timedelta(days=30)
SIGN_IN_FAILURE_KEPT = timedelta(days=183)  # six months
DEFAULT_SESSION_IDLE = timedelta(
    minutes=30
)  # the setting's default (PASSPORT_SESSION_IDLE_MINUTES)

RETENTION_ACTION = "retention"


@dataclass(frozen=True)
class Rule:
    kind: str
    keep: str


RECORDS = Rule(
    "records",
    "until the child's 75th birthday; then the record goes with every version, cached "
    "document, sharing link and its access log, every audit line about it, and the care "
    "leaver's own account",
)
LINK_FILES = Rule("files of ended sharing links", "until the link expires, is revoked or is locked")
CACHED_DOCUMENTS = Rule("cached PDFs of past days", "until the day they were made for ends")
AUDIT_LINES = Rule("audit lines not about a record", "6 years (retention lines: always)")
INVITATIONS = Rule("used or expired invitations", "30 days after use or expiry")
SIGN_IN_FAILURES = Rule("sign-in failures", "6 months")
SESSIONS = Rule("signed-in sessions left idle", "until the idle time passes (then no use)")
PENDING = Rule("half-done sign-ins", "until used or 5 minutes old (then no use)")
WINDOWS = Rule("sign-in limit windows", "until the window ends (then it counts nothing)")
RULES = (
    RECORDS,
    LINK_FILES,
    CACHED_DOCUMENTS,
    AUDIT_LINES,
    INVITATIONS,
    SIGN_IN_FAILURES,
    SESSIONS,
    PENDING,
    WINDOWS,
)


@dataclass(frozen=True)
class Due:
    """What one rule removes: how many, and of what else that goes with it."""

    rule: Rule
    count: int
    with_it: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Selection:
    rule: Rule
    count: Callable[[Session], Due]
    remove: Callable[[Session], None]


def records_due(session: Session, today: date) -> list[str]:
    """The refs of records whose child reached 75 by `today` (the current version's date of
    birth). Chosen in two steps: a wide date filter in SQL, the exact birthday here."""
    rows = session.execute(
        select(Record.ref, Child.date_of_birth)
        .join(RecordVersion, RecordVersion.record_id == Record.id)
        .join(Child, Child.version_id == RecordVersion.id)
        .where(
            RecordVersion.version == Record.current_version,
            Child.date_of_birth < date(today.year - RECORD_KEPT_UNTIL_AGE + 1, 1, 1),
        )
    )
    return sorted(ref for ref, born in rows if age_date(born, years=RECORD_KEPT_UNTIL_AGE) <= today)


def _count(session: Session, query: Select) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _selections(
    session: Session,
    *,
    now: datetime,
    today: date,
    actor: str = "",
    session_idle: timedelta = DEFAULT_SESSION_IDLE,
) -> list[_Selection]:
    refs = records_due(session, today)
    record_ids = select(Record.id).where(Record.ref.in_(refs))
    links_of_records = select(ShareLink.id).where(ShareLink.record_ref.in_(refs))
    leaver_accounts = select(User.id).where(User.role == "leaver", User.child_ref.in_(refs))
    goes_with_record: list[tuple[str, Select, object]] = [
        ("versions", select(RecordVersion.id).where(RecordVersion.record_id.in_(record_ids)),
         None),
        ("sharing links", links_of_records, delete(ShareLink).where(
            ShareLink.record_ref.in_(refs))),
        ("link access-log lines", select(ShareAccess.id).where(
            ShareAccess.link_id.in_(links_of_records)), None),
        ("audit lines", select(AuditEvent.id).where(AuditEvent.record_ref.in_(refs)),
         delete(AuditEvent).where(AuditEvent.record_ref.in_(refs))),
        ("issued summaries", select(IssuedSummary.id).where(IssuedSummary.record_ref.in_(refs)),
         delete(IssuedSummary).where(IssuedSummary.record_ref.in_(refs))),
        ("correction requests", select(CorrectionRequest.id).where(
            CorrectionRequest.record_ref.in_(refs)),
         delete(CorrectionRequest).where(CorrectionRequest.record_ref.in_(refs))),
        ("completed plan actions", select(ActionCompletion.id).where(
            ActionCompletion.record_ref.in_(refs)),
         delete(ActionCompletion).where(ActionCompletion.record_ref.in_(refs))),
        ("carer grants", select(CarerGrant.id).where(CarerGrant.child_ref.in_(refs)),
         delete(CarerGrant).where(CarerGrant.child_ref.in_(refs))),
        ("invitations", select(Invitation.id).where(Invitation.child_ref.in_(refs)),
         delete(Invitation).where(Invitation.child_ref.in_(refs))),
        # A care leaver's account is for seeing their own record and nothing else: with the
        # record gone it has no use left (its sessions and half-done sign-ins go with it).
        ("care leaver accounts", leaver_accounts,
         delete(User).where(User.role == "leaver", User.child_ref.in_(refs))),
    ]  # fmt: skip

    def count_records(session: Session) -> Due:
        with_it = {name: _count(session, query) for name, query, _ in goes_with_record}
        return Due(RECORDS, len(refs), {name: n for name, n in with_it.items() if n})

    def remove_records(session: Session) -> None:
        for _name, _query, statement in goes_with_record:
            if statement is not None:
                session.execute(statement)  # type: ignore[call-overload]
        # The versions go with the record, and every row of a version with it (ON DELETE
        # CASCADE), cached documents included; links' files and access logs with their link.
        session.execute(delete(Record).where(Record.ref.in_(refs)))
        for ref in refs:  # what was destroyed, kept for good: which record, never what it said
            record_event(
                session,
                actor=actor,
                action=RETENTION_ACTION,
                target="record removed: reached 75",
                record_ref=ref,
            )

    ended_links = select(ShareLink.id).where(
        or_(
            ShareLink.expires_at <= now,
            ShareLink.revoked_at.is_not(None),
            ShareLink.failed_attempts >= ShareLink.max_attempts,
        ),
        ShareLink.record_ref.not_in(refs),
    )
    ended_files = select(ShareFile.id).where(ShareFile.link_id.in_(ended_links))
    versions_of_records = select(RecordVersion.id).where(RecordVersion.record_id.in_(record_ids))
    old_documents = select(RenderedDocument.id).where(
        RenderedDocument.made_on < today, RenderedDocument.version_id.not_in(versions_of_records)
    )
    old_audit = select(AuditEvent.id).where(
        AuditEvent.record_ref.is_(None),
        AuditEvent.action != RETENTION_ACTION,
        AuditEvent.at < now - AUDIT_KEPT,
    )
    ended_invitations = select(Invitation.id).where(
        or_(
            Invitation.used_at < now - INVITATION_KEPT_AFTER_END,
            Invitation.expires_at < now - INVITATION_KEPT_AFTER_END,
        ),
        or_(Invitation.child_ref.is_(None), Invitation.child_ref.not_in(refs)),
    )
    old_failures = select(SignInFailure.id).where(SignInFailure.at < now - SIGN_IN_FAILURE_KEPT)
    # A session idle longer than the idle time is refused when its cookie comes back, and
    # removed then; one whose cookie never comes back would stay for ever without this rule.
    idle_sessions = select(SignInSession.id).where(SignInSession.last_seen_at < now - session_idle)
    spent_pending = select(PendingSignIn.id).where(
        or_(PendingSignIn.used_at.is_not(None), PendingSignIn.created_at < now - PENDING_LIFETIME)
    )
    ended_windows = select(ThrottleBucket.key).where(
        ThrottleBucket.window_start <= now - LONGEST_WINDOW
    )

    def simple(rule: Rule, ids: Select, model: type, with_it=None) -> _Selection:
        def count(session: Session) -> Due:
            extra = {name: _count(session, query) for name, query in (with_it or {}).items()}
            return Due(rule, _count(session, ids), {k: n for k, n in extra.items() if n})

        def remove(session: Session) -> None:
            # The ids first: PostgreSQL and SQLite both refuse to read and delete one table in
            # a single statement through some of these subqueries' shapes.
            chosen = list(session.scalars(ids))
            if chosen:
                column = ids.selected_columns[0]
                session.execute(delete(model).where(column.in_(chosen)))

        return _Selection(rule, count, remove)

    return [
        _Selection(RECORDS, count_records, remove_records),
        simple(
            LINK_FILES,
            ended_files,
            ShareFile,
            {
                "sharing links": select(ShareFile.link_id)
                .distinct()
                .where(ShareFile.id.in_(ended_files))
            },
        ),  # fmt: skip
        simple(CACHED_DOCUMENTS, old_documents, RenderedDocument),
        simple(AUDIT_LINES, old_audit, AuditEvent),
        simple(INVITATIONS, ended_invitations, Invitation),
        simple(SIGN_IN_FAILURES, old_failures, SignInFailure),
        simple(SESSIONS, idle_sessions, SignInSession),
        simple(PENDING, spent_pending, PendingSignIn),
        simple(WINDOWS, ended_windows, ThrottleBucket),
    ]


def what_is_due(
    session: Session,
    *,
    now: datetime,
    today: date,
    session_idle: timedelta = DEFAULT_SESSION_IDLE,
) -> list[Due]:
    """What each rule would remove now, counted; nothing is changed."""
    selections = _selections(session, now=now, today=today, session_idle=session_idle)
    return [selection.count(session) for selection in selections]


def remove_due(
    session: Session,
    *,
    now: datetime,
    today: date,
    actor: str,
    session_idle: timedelta = DEFAULT_SESSION_IDLE,
) -> list[Due]:
    """Remove what each rule says is due, in the caller's transaction, and write an audit
    line for each kind of data removed (with its count) and for each record removed."""
    removed: list[Due] = []
    selections = _selections(session, now=now, today=today, actor=actor, session_idle=session_idle)
    for selection in selections:
        due = selection.count(session)
        if due.count:
            selection.remove(session)
        removed.append(due)
    for due in removed:
        record_event(
            session,
            actor=actor,
            action=RETENTION_ACTION,
            target=f"removed {due.count} {due.rule.kind}"[:60],
        )
    return removed


def describe(dues: Sequence[Due]) -> list[str]:
    """One line a kind of data: its count, and what goes with it. Counts only."""
    lines = []
    for due in dues:
        line = f"{due.rule.kind}: {due.count}"
        if due.with_it:
            line += " (with " + ", ".join(f"{n} {name}" for name, n in due.with_it.items()) + ")"
        lines.append(line)
    return lines
