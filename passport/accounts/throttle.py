"""Limits on guessing secrets (passwords, security codes), counted in the database.

A limit is a fixed window and a cap. Before a secret is checked, one slot is reserved in one
statement (an upsert whose update only happens while the window's count is under the cap), and
that statement is committed at once, so every other request, on this app server or another,
sees it. A check happens only when a slot was reserved. A right answer gives its slot back, so
the count is wrong answers plus checks still in flight, and it cannot pass the cap however
many requests arrive together. The model and its numbers are in ADR 0006.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, case, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite

from passport.accounts.models import ThrottleBucket
from passport.db import utcnow


@dataclass(frozen=True)
class Limit:
    name: str
    cap: int
    window: timedelta


# Wrong passwords from one address for one account: the tight limit. A stranger elsewhere
# cannot spend the real user's tries.
PASSWORD_ACCOUNT_ADDRESS = Limit("password:account+address", 5, timedelta(minutes=15))
# Wrong passwords from one address, whatever the account: stops one machine trying many.
PASSWORD_ADDRESS = Limit("password:address", 30, timedelta(minutes=15))
# Wrong passwords for one account from everywhere: a ceiling that slows, never blocks. Past it,
# each address may try that account once a minute (SLOWED), so a crowd of addresses gets
# little, and the real user can still sign in (a minute at worst between tries).
PASSWORD_ACCOUNT = Limit("password:account", 50, timedelta(hours=1))
PASSWORD_SLOWED = Limit("password:slowed", 1, timedelta(minutes=1))
# Wrong security codes for one account (the password was right): 10 in 15 minutes. A pending
# sign-in also ends after 5 wrong codes (`service.CODE_TRIES`).
CODE_ACCOUNT = Limit("code:account", 10, timedelta(minutes=15))
# A window older than this counts nothing for any limit: retention removes it (ADR 0009).
LONGEST_WINDOW = max(
    limit.window
    for limit in (
        PASSWORD_ACCOUNT_ADDRESS,
        PASSWORD_ADDRESS,
        PASSWORD_ACCOUNT,
        PASSWORD_SLOWED,
        CODE_ACCOUNT,
    )
)


def bucket_key(limit: Limit, *parts: str) -> str:
    """The bucket's name: a hash, so no email address or client address is stored in it."""
    joined = "\x1f".join((limit.name, *parts))
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()


def _upsert(dialect_name: str):
    module = postgresql if dialect_name == "postgresql" else sqlite
    return module.insert(ThrottleBucket)


def reserve(engine: Engine, limit: Limit, *parts: str, now: datetime | None = None) -> bool:
    """Take one slot of `limit` for `parts`, committed before this returns. False when the
    window's slots are all taken: the caller must not check the secret."""
    now = now or utcnow()
    key = bucket_key(limit, *parts)
    expired = now - limit.window
    bucket = ThrottleBucket
    with engine.begin() as connection:
        statement = _upsert(connection.dialect.name).values(key=key, window_start=now, count=1)
        stale = bucket.window_start <= expired
        statement = statement.on_conflict_do_update(
            index_elements=[bucket.key],
            set_={
                "count": case((stale, 1), else_=bucket.count + 1),
                "window_start": case(
                    (stale, literal(now, bucket.window_start.type)), else_=bucket.window_start
                ),
            },
            where=stale | (bucket.count < limit.cap),
        ).returning(bucket.count)
        return connection.execute(statement).first() is not None


def release(engine: Engine, limit: Limit, *parts: str) -> None:
    """Give a slot back (the secret was right, or it was never checked)."""
    with engine.begin() as connection:
        connection.execute(
            update(ThrottleBucket)
            .where(ThrottleBucket.key == bucket_key(limit, *parts), ThrottleBucket.count > 0)
            .values(count=ThrottleBucket.count - 1)
        )


def taken(engine: Engine, limit: Limit, *parts: str, now: datetime | None = None) -> int:
    """How many slots the current window holds (for tests and operators)."""
    now = now or utcnow()
    with engine.connect() as connection:
        row = connection.execute(
            select(ThrottleBucket.window_start, ThrottleBucket.count).where(
                ThrottleBucket.key == bucket_key(limit, *parts)
            )
        ).first()
    if row is None or row.window_start <= now - limit.window:
        return 0
    return int(row[1])
