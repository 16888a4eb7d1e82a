"""Invitations for care leavers and carers, and the carer grants they give (ADR 0007).
No Flask here."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from passport.accounts.models import (
    CarerGrant,
    Invitation,
    User,
)
from passport.accounts.service import EMAIL, AccountError, _token_hash, create_user
from passport.db import utcnow

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


def accept_invitation(
    session: Session, token: str, password: str, *, name: str | None = None
) -> User:
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
        name=name,
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
