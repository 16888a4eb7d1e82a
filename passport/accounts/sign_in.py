"""The two steps of signing in, each with its limits reserved before the secret is checked
(ADR 0006): the password, then (for staff, and anyone who turned it on) the security code.
No Flask here."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, delete, update
from sqlalchemy.orm import Session

from passport.accounts import service, throttle
from passport.accounts.models import (
    PendingSignIn,
    User,
)
from passport.accounts.service import _token_hash, check_second_factor, note_failure
from passport.db import utcnow
from passport.keys import Keys


@dataclass(frozen=True)
class PasswordOutcome:
    """What a password step came to: a user (the password was right), or `refused` (a limit
    was reached: nothing was checked) with the words to show, or neither (wrong)."""

    user: User | None = None
    refused: str | None = None


TRY_LATER = "Too many attempts to sign in. Wait 15 minutes, then try again."
SLOWED = (
    "This account has had a lot of wrong passwords. You can try once a minute: wait a "
    "minute, then try again."
)


def sign_in_with_password(
    sessions: Callable[[], Session], engine: Engine, email: str, password: str, address: str
) -> PasswordOutcome:
    """The password step, with its limits (ADR 0006): one slot of each limit is reserved
    before the password is checked, and given back when it is right."""
    email = email.strip().lower()[:254]
    held: list[tuple[throttle.Limit, tuple[str, ...]]] = []

    def take(limit: throttle.Limit, *parts: str) -> bool:
        if throttle.reserve(engine, limit, *parts):
            held.append((limit, parts))
            return True
        return False

    def give_back() -> None:
        for limit, parts in held:
            throttle.release(engine, limit, *parts)

    if not take(throttle.PASSWORD_ADDRESS, address):
        return PasswordOutcome(refused=TRY_LATER)
    if not take(throttle.PASSWORD_ACCOUNT_ADDRESS, email, address):
        give_back()
        return PasswordOutcome(refused=TRY_LATER)
    if not take(throttle.PASSWORD_ACCOUNT, email) and not take(
        throttle.PASSWORD_SLOWED, email, address
    ):
        give_back()
        return PasswordOutcome(refused=SLOWED)
    try:
        with sessions() as session, session.begin():
            user = service.authenticate(session, email, password)
            if user is None:
                note_failure(session, email)
    except BaseException:
        give_back()
        raise
    if user is not None:
        give_back()
    return PasswordOutcome(user=user)


# A pending sign-in (password right, code still to come) lasts this long, and ends after this
# many wrong codes: the password must then be entered again.
PENDING_LIFETIME = timedelta(minutes=5)
CODE_TRIES = 5


def start_pending(session: Session, user: User) -> str:
    """The half-signed-in state after a right password; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(PendingSignIn(token_hash=_token_hash(token), user_id=user.id))
    return token


@dataclass(frozen=True)
class CodeOutcome:
    """`user` when the code completed the sign-in; `ended` when the pending sign-in is over
    (used, expired, or out of tries: enter the password again); `refused` (a limit: nothing
    was checked) with the words to show; otherwise the code was wrong."""

    user: User | None = None
    ended: bool = False
    refused: str | None = None


def sign_in_with_code(
    sessions: Callable[[], Session], engine: Engine, token: str, code: str, app_secret: str | Keys
) -> CodeOutcome:
    """The code step. A try is reserved on the pending sign-in (at most CODE_TRIES) and on the
    account (CODE_ACCOUNT), each in one statement, before the code is checked; a right code
    marks the pending sign-in used in one statement, so it completes one sign-in only."""
    token_hash = _token_hash(token)
    pending = PendingSignIn
    live = (
        pending.token_hash == token_hash,
        pending.used_at.is_(None),
        pending.created_at > utcnow() - PENDING_LIFETIME,
    )
    with engine.begin() as connection:
        row = connection.execute(
            update(pending)
            .where(*live, pending.code_attempts < CODE_TRIES)
            .values(code_attempts=pending.code_attempts + 1)
            .returning(pending.id, pending.user_id, pending.code_attempts)
        ).first()
    if row is None:
        return CodeOutcome(ended=True)
    if not throttle.reserve(engine, throttle.CODE_ACCOUNT, str(row.user_id)):
        return CodeOutcome(refused=TRY_LATER)
    user: User | None = None
    completed = False
    with sessions() as session, session.begin():
        if check_second_factor(session, row.user_id, code, app_secret):
            completed = (
                session.execute(
                    update(pending)
                    .where(pending.id == row.id, pending.used_at.is_(None))
                    .values(used_at=utcnow())
                    .returning(pending.id)
                ).first()
                is not None
            )
            user = session.get(User, row.user_id) if completed else None
            if not completed:
                return CodeOutcome(ended=True)
        else:
            who = session.get(User, row.user_id)
            note_failure(session, who.email if who else "?")
    if completed:
        # After the commit: on SQLite a second writer would wait for this transaction.
        throttle.release(engine, throttle.CODE_ACCOUNT, str(row.user_id))
        return CodeOutcome(user=user)
    return CodeOutcome(ended=row.code_attempts >= CODE_TRIES)


def end_pending(session: Session, token: str) -> None:
    session.execute(delete(PendingSignIn).where(PendingSignIn.token_hash == _token_hash(token)))
