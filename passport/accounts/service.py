"""Accounts: creating them, checking passwords, and signed-in sessions. No Flask here."""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session

from passport.accounts import throttle, totp
from passport.accounts.models import (
    ROLES,
    CarerGrant,
    Invitation,
    PendingSignIn,
    SignInFailure,
    SignInSession,
    User,
)
from passport.audit.service import record_event
from passport.db import utcnow

# argon2-cffi's defaults are Argon2id with the RFC 9106 low-memory profile.
_hasher = PasswordHasher()
# A hash to check against when the email is unknown, so both answers take as long.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10


class AccountError(ValueError):
    """A request about an account that cannot be carried out; the message says why."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


STAFF = ("nurse", "admin")


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    role: str,
    carer_ref: str | None = None,
    child_ref: str | None = None,
    authority: str | None = None,
    app_secret: str | None = None,
) -> User:
    """A new account. Staff always get a second factor: the returned user carries
    `otpauth_uri` (for their authenticator app), shown once and stored nowhere."""
    email = email.strip().lower()
    if not EMAIL.match(email) or len(email) > 254:
        raise AccountError("--email: enter an email address like name@example.org")
    if role not in ROLES:
        raise AccountError(f"--role: must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password: must be at least {MIN_PASSWORD} characters")
    if role == "carer" and not carer_ref:
        raise AccountError("--carer-ref: a carer account needs the carer's reference")
    if role == "nurse" and not authority:
        raise AccountError(
            "--authority: a nurse account needs the responsible authority whose records they keep"
        )
    if role == "leaver" and not child_ref:
        raise AccountError("--child-ref: a care leaver account needs their record's ref")
    if session.scalar(select(User).where(User.email == email)) is not None:
        raise AccountError(f"--email: an account for {email} already exists")
    user = User(
        email=email,
        password_hash=hash_password(password),
        role=role,
        carer_ref=carer_ref,
        child_ref=child_ref,
        authority=authority,
    )
    if role in STAFF:
        if app_secret is None:
            raise AccountError(
                "a staff account needs the installation's secret for its second factor"
            )
        secret = totp.new_secret()
        user.totp_secret = totp.encrypt(secret, app_secret)
        user.otpauth_uri = totp.enrolment_uri(secret, email)
    session.add(user)
    session.flush()
    return user


def needs_second_factor(user: User) -> bool:
    return user.totp_secret is not None


class SecondFactorUnreadable(AccountError):
    """The account's second-factor secret was stored under another installation secret: the
    app is running with a different PASSPORT_SECRET_KEY (or instance folder) than the one the
    account was created under. Nobody can sign in to it until the operator fixes that."""


def _totp_secret(user: User, app_secret: str) -> str:
    try:
        return totp.decrypt(user.totp_secret or "", app_secret)
    except ValueError:
        raise SecondFactorUnreadable(
            f"the second-factor secret of account {user.id} cannot be read with this "
            "installation's secret"
        ) from None


def check_second_factor(
    session: Session, user_id: int, code: str, app_secret: str, now: float | None = None
) -> bool:
    """True once for a right code: the code's time step is remembered, so it cannot be
    used again (not even within its 30 seconds). SecondFactorUnreadable when the stored
    secret cannot be read with `app_secret`."""
    user = session.get(User, user_id, with_for_update=True)
    if user is None or user.totp_secret is None:
        return False
    step = totp.matching_step(_totp_secret(user, app_secret), code, now)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True


def turn_on_second_factor(
    session: Session, user_id: int, secret: str, code: str, app_secret: str
) -> bool:
    """Store a new TOTP secret once the person has shown a code from it."""
    step = totp.matching_step(secret, code)
    user = session.get(User, user_id)
    if step is None or user is None:
        return False
    user.totp_secret = totp.encrypt(secret, app_secret)
    user.totp_last_step = step
    return True


def current_code(session: Session, email: str, app_secret: str, now: float | None = None) -> str:
    """The code an account's authenticator shows now (for demonstrations and tests)."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or user.totp_secret is None:
        raise AccountError(f"{email} has no second factor")
    secret = _totp_secret(user, app_secret)
    return pyotp.TOTP(secret).at(now if now is not None else time.time())


INVITATION_LIFETIME = timedelta(days=7)


def create_invitation(
    session: Session,
    *,
    role: str,
    email: str,
    actor: str,
    child_ref: str | None = None,
    carer_ref: str | None = None,
    authority: str | None = None,
) -> tuple[Invitation, str]:
    """An invitation for a care leaver or a carer; returns it and its one-time token.

    A carer's invitation names the child, the carer ref the child is placed with and the
    authority of the nurse who sends it: accepting it grants that one child (ADR 0007). It may
    go to a carer who already has an account (a carer can look after children of two
    councils); they accept it signed in, and it adds a grant to their account.
    """
    email = email.strip().lower()
    if not EMAIL.match(email) or len(email) > 254:
        raise AccountError("email: enter an email address like name@example.org")
    if role not in ("leaver", "carer"):
        raise AccountError("role: only care leavers and carers are invited")
    if role == "carer" and not (child_ref and carer_ref and authority):
        raise AccountError(
            "role: a carer is invited for one child, by a nurse of the child's "
            "responsible authority"
        )
    existing = session.scalar(select(User).where(User.email == email))
    if existing is not None and not (role == "carer" and existing.role == "carer"):
        raise AccountError(f"email: an account for {email} already exists")
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        token_hash=_token_hash(token),
        email=email,
        role=role,
        child_ref=child_ref,
        carer_ref=carer_ref,
        authority=authority,
        created_by=actor,
        expires_at=utcnow() + INVITATION_LIFETIME,
    )
    session.add(invitation)
    session.flush()
    return invitation, token


def open_invitation(session: Session, token: str) -> Invitation | None:
    """The invitation, if the token is right, unused and in date."""
    invitation = session.scalar(
        select(Invitation).where(Invitation.token_hash == _token_hash(token)).with_for_update()
    )
    if invitation is None or invitation.used_at is not None or utcnow() >= invitation.expires_at:
        return None
    return invitation


def invited_account(session: Session, invitation: Invitation) -> User | None:
    """The account an invitation is for, when it already exists (a carer's second grant)."""
    return session.scalar(select(User).where(User.email == invitation.email))


def grant_carer(
    session: Session, user: User, *, child_ref: str, authority: str, carer_ref: str, by: str
) -> CarerGrant:
    """Let a carer account see one child (while it is placed with `carer_ref` and the child's
    record names `authority`). Granting the same child again changes nothing."""
    grant = session.scalar(
        select(CarerGrant).where(
            CarerGrant.user_id == user.id,
            CarerGrant.child_ref == child_ref,
            CarerGrant.authority == authority,
        )
    )
    if grant is None:
        grant = CarerGrant(
            user_id=user.id,
            child_ref=child_ref,
            authority=authority,
            carer_ref=carer_ref,
            granted_by=by,
        )
        session.add(grant)
    else:
        grant.carer_ref = carer_ref
    session.flush()
    return grant


def _grant_from(session: Session, invitation: Invitation, user: User) -> None:
    if invitation.role == "carer" and invitation.child_ref and invitation.authority:
        grant_carer(
            session,
            user,
            child_ref=invitation.child_ref,
            authority=invitation.authority,
            carer_ref=invitation.carer_ref or "",
            by=invitation.created_by,
        )


def accept_invitation(session: Session, token: str, password: str) -> User:
    """A new account from an invitation (its password chosen now)."""
    invitation = open_invitation(session, token)
    if invitation is None:
        raise AccountError("invitation: this invitation has been used or has expired")
    if invited_account(session, invitation) is not None:
        raise AccountError(
            "invitation: You already have an account. Sign in, then open this invitation link again"
        )
    user = create_user(
        session,
        email=invitation.email,
        password=password,
        role=invitation.role,
        child_ref=invitation.child_ref if invitation.role == "leaver" else None,
        carer_ref=invitation.carer_ref,
    )
    _grant_from(session, invitation, user)
    invitation.used_at = utcnow()
    return user


def accept_invitation_signed_in(session: Session, token: str, user_id: int) -> Invitation:
    """A carer who already has an account accepts another child's invitation, signed in as
    the account it was sent to."""
    invitation = open_invitation(session, token)
    user = session.get(User, user_id)
    if (
        invitation is None
        or user is None
        or user.email != invitation.email
        or (invitation.role != "carer" or user.role != "carer")
    ):
        raise AccountError(
            "invitation: this invitation has been used, has expired, or is for another account"
        )
    _grant_from(session, invitation, user)
    invitation.used_at = utcnow()
    return invitation


def _verify(password_hash: str, password: str) -> bool:
    """One Argon2id check: the expensive step every limit is there to ration."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The account, if the password is right. No limit here: `sign_in_with_password` is the
    one way in from a request, and it reserves a slot first."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if not _verify(user.password_hash if user else _DUMMY_HASH, password) or user is None:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


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
            user = authenticate(session, email, password)
            if user is None:
                note_failure(session, email)
    except BaseException:
        give_back()
        raise
    if user is not None:
        give_back()
    return PasswordOutcome(user=user)


def note_failure(session: Session, email: str) -> None:
    session.add(SignInFailure(email=email.strip().lower()[:254]))
    # Old failures count for nothing; keep the table small.
    session.execute(delete(SignInFailure).where(SignInFailure.at < utcnow() - timedelta(days=1)))


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
    sessions: Callable[[], Session], engine: Engine, token: str, code: str, app_secret: str
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


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user: User) -> str:
    """A new signed-in session; returns the token for the cookie (kept nowhere else)."""
    token = secrets.token_urlsafe(32)
    session.add(SignInSession(token_hash=_token_hash(token), user_id=user.id))
    return token


@dataclass(frozen=True)
class SignedIn:
    user_id: int
    email: str
    role: str
    authority: str | None = None
    carer_ref: str | None = None
    child_ref: str | None = None
    # A carer's grants: (child ref, authority, carer ref), ADR 0007.
    grants: frozenset[tuple[str, str, str]] = frozenset()


def grants_of(session: Session, user_id: int) -> frozenset[tuple[str, str, str]]:
    return frozenset(
        (ref, authority, carer_ref)
        for ref, authority, carer_ref in session.execute(
            select(CarerGrant.child_ref, CarerGrant.authority, CarerGrant.carer_ref).where(
                CarerGrant.user_id == user_id
            )
        )
    )


def resume_session(session: Session, token: str, idle: timedelta) -> SignedIn | None:
    """The user behind a session token, if it is still live; touches it so it stays live."""
    row = session.scalar(
        select(SignInSession).where(SignInSession.token_hash == _token_hash(token))
    )
    if row is None:
        return None
    now = utcnow()
    if now - row.last_seen_at > idle:
        session.delete(row)
        return None
    row.last_seen_at = now
    user = session.get(User, row.user_id)
    if user is None:
        return None
    return SignedIn(
        user.id,
        user.email,
        user.role,
        user.authority,
        user.carer_ref,
        user.child_ref,
        grants_of(session, user.id) if user.role == "carer" else frozenset(),
    )


def end_session(session: Session, token: str) -> None:
    session.execute(delete(SignInSession).where(SignInSession.token_hash == _token_hash(token)))


def record_sign_in(session: Session, user: User) -> None:
    record_event(session, actor=user.email, user_id=user.id, action="sign_in", target="account")


def record_join(session: Session, user: User) -> None:
    """An account made from an invitation (a care leaver's names their record)."""
    record_event(
        session,
        actor=user.email,
        user_id=user.id,
        action="join",
        target="account",
        record_ref=user.child_ref,
    )
