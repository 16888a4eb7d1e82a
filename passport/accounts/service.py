"""Accounts: creating them, checking passwords, and signed-in sessions. No Flask here."""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from passport.accounts import totp
from passport.accounts.models import (
    ROLES,
    CarerGrant,
    SignInFailure,
    SignInSession,
    User,
)
from passport.audit.service import record_event
from passport.db import utcnow
from passport.keys import Keys

# argon2-cffi's defaults are Argon2id with the RFC 9106 low-memory profile.
_hasher = PasswordHasher()
# A hash to check against when the email is unknown, so both answers take as long.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10
MAX_NAME = 200


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
    app_secret: str | Keys | None = None,
    name: str | None = None,
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
    name = " ".join((name or "").split()) or None
    if name is not None and len(name) > MAX_NAME:
        raise AccountError(f"--name: must be {MAX_NAME} characters or fewer")
    if session.scalar(select(User).where(User.email == email)) is not None:
        raise AccountError(f"--email: an account for {email} already exists")
    user = User(
        email=email,
        display_name=name,
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


def _totp_secret(user: User, app_secret: str | Keys) -> str:
    try:
        return totp.decrypt(user.totp_secret or "", app_secret)
    except ValueError:
        raise SecondFactorUnreadable(
            f"the second-factor secret of account {user.id} cannot be read with this "
            "installation's secret"
        ) from None


def check_second_factor(
    session: Session, user_id: int, code: str, app_secret: str | Keys, now: float | None = None
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
    session: Session, user_id: int, secret: str, code: str, app_secret: str | Keys
) -> bool:
    """Store a new TOTP secret once the person has shown a code from it."""
    step = totp.matching_step(secret, code)
    user = session.get(User, user_id)
    if step is None or user is None:
        return False
    user.totp_secret = totp.encrypt(secret, app_secret)
    user.totp_last_step = step
    return True


def current_code(
    session: Session, email: str, app_secret: str | Keys, now: float | None = None
) -> str:
    """The code an account's authenticator shows now (for demonstrations and tests)."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or user.totp_secret is None:
        raise AccountError(f"{email} has no second factor")
    secret = _totp_secret(user, app_secret)
    return pyotp.TOTP(secret).at(now if now is not None else time.time())


@dataclass(frozen=True)
class Rotated:
    """What `rotate_second_factors` did: secrets moved to the current key, secrets already
    under it, and secrets no key could read (those accounts need a new second factor)."""

    moved: int
    current: int
    unreadable: tuple[str, ...]


def rotate_second_factors(session: Session, keys: Keys) -> Rotated:
    """Re-encrypt every stored second-factor secret under the current key (ADR 0008). Each
    row is locked while it is rewritten, so a sign-in at the same moment reads either the old
    or the new value, both readable while the old secret is still in the keys."""
    moved = current = 0
    unreadable: list[str] = []
    users = session.scalars(
        select(User).where(User.totp_secret.is_not(None)).order_by(User.id).with_for_update()
    )
    for user in users:
        stored = user.totp_secret or ""
        if keys.second_factor_is_current(stored):
            current += 1
            continue
        try:
            user.totp_secret = totp.reencrypt(stored, keys)
        except ValueError:
            unreadable.append(user.email)
            continue
        moved += 1
    return Rotated(moved=moved, current=current, unreadable=tuple(unreadable))


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


def note_failure(session: Session, email: str) -> None:
    # A security log, kept six months and then removed by `passport retention` (ADR 0009);
    # the limits count in `throttle_buckets`, not here.
    session.add(SignInFailure(email=email.strip().lower()[:254]))


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
    display_name: str | None = None  # how the record names them when they mark something

    @property
    def name(self) -> str:
        """Their name as a record says who did something: the display name, else the email."""
        return self.display_name or self.email


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
        user.display_name,
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


def accounts_by_id(session: Session, ids: set[int]) -> dict[int, User]:
    """The accounts with these ids, in one query."""
    if not ids:
        return {}
    return {user.id: user for user in session.scalars(select(User).where(User.id.in_(ids)))}
