"""Making, serving and revoking sharing links (SMART Health Links). No Flask here.

Making a link: draw a fresh key and a manifest token, render the document's PDF with the link's
QR code in it, wrap it with the record in a FHIR IPS bundle, encrypt the bundle under the key,
and store only the ciphertext. The key and the token leave this module once, in the link.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import (
    Connection,
    Row,
    Select,
    bindparam,
    exists,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.orm import Session, selectinload

from passport.db import Database
from passport.documents import content, render
from passport.documents.service import latest_issue
from passport.records.exchange import as_exchange_json
from passport.records.service import RecordNotFound, load_current
from passport.sharing import fhir, parts, shl
from passport.sharing.fhir.bundle import id_of, new_url
from passport.sharing.models import ShareAccess, ShareFile, ShareLink

SHAREABLE = {"passport": "Health passport", "leaver-summary": "Care-leaver health summary"}
DEFAULT_DAYS = 30
MAX_DAYS = 365
MIN_PASSCODE = 6
MAX_ATTEMPTS = 5
# Polling faster than this many manifest requests a minute for one link gets a 429.
REQUESTS_PER_MINUTE = 30
LOCATION_LIFETIME = timedelta(hours=1)
# Files larger than this are offered by location unless the reader asks for more embedded:
# the manifest stays small and fast, and the file comes in a request of its own.
DEFAULT_EMBEDDED_MAX = 16 * 1024

_hasher = PasswordHasher()
_DUMMY = _hasher.hash(secrets.token_urlsafe(12))


class ShareError(ValueError):
    """A request to make a link that cannot be met; `field` names what to change."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def new_public_id() -> str:
    """A link's public name: hex, so it never starts with "-" and reads as an option to
    `passport revoke`."""
    return secrets.token_hex(8)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class MadeLink:
    link: ShareLink
    url: str  # the whole link: viewer URL + "#shlink:/..."; shown once, stored nowhere

    @property
    def encrypted_file(self) -> str:
        """The link's bundle as stored (a JWE): the owner's preview decrypts this very file
        with the key in `url`, so it shows exactly what the recipient will see."""
        return self.link.files[0].jwe


@dataclass(frozen=True)
class Sharer:
    """Who shared a link, as the recipient reads it: "Daniel, care leaver"."""

    name: str
    role: str
    young_person: bool = False

    @property
    def words(self) -> str:
        return f"{self.name}, {self.role}" if self.role else self.name


MAX_SHARER_CHARS = 200  # as an account's display name

STAFF_ROLE_WORDS = {"nurse": "looked-after children's nurse", "admin": "health team"}


def sharer_for(role: str, display_name: str | None, child: dict[str, Any] | None = None) -> Sharer:
    """The sharer of a link made by an account of `role`: a young person by their given name
    (as on their NHS record), staff by name and role (the role alone when unnamed)."""
    if role == "leaver" and child is not None:
        return Sharer(child["given_name"], "care leaver", True)
    words = STAFF_ROLE_WORDS.get(role, "health team")
    return Sharer(display_name or f"The {words}", words if display_name else "")


def _name_the_sharer(bundle: dict[str, Any], sharer: Sharer) -> None:
    """Add who shared the document to the Composition's authors, named in the reference's
    display. A young person is the Patient already in the bundle; staff get a Practitioner.
    (A hook the bundle builder could take over: `ips_bundle(..., shared_by=...)`.)"""
    entries = bundle["entry"]
    composition = entries[0]["resource"]
    if sharer.young_person:
        url = next(e["fullUrl"] for e in entries if e["resource"]["resourceType"] == "Patient")
    else:
        url = new_url()
        entries.append(
            {
                "fullUrl": url,
                "resource": {
                    "resourceType": "Practitioner",
                    "id": id_of(url),
                    "name": [{"text": sharer.name}],
                },
            }
        )
    composition["author"] = [
        *composition.get("author", []),
        {"reference": url, "display": sharer.words},
    ]


def _chosen(carries: Collection[str] | None) -> tuple[str, ...]:
    try:
        return parts.checked(parts.NOT_CHOSEN if carries is None else carries)
    except parts.PartsError as error:
        raise ShareError("carries", str(error)) from error


def link_bundle(
    session: Session,
    *,
    ref: str,
    document: str,
    chosen: Collection[str],
    now: datetime,
    today: date,
    sharer: Sharer | None,
    share_link: str | None,
) -> tuple[int, dict[str, Any]]:
    """The record's version and the FHIR bundle a link carrying the `chosen` parts holds:
    what the recipient's browser decrypts and lays out. Made here only, for a link and for the
    preview before one is made, so the two cannot differ. `share_link` goes in the printable
    copy's QR code (None for a preview: there is no link yet)."""
    version, record = load_current(session, ref)
    # Only what was chosen goes any further: a part left out is not in the link at all.
    record = parts.trimmed(as_exchange_json(record), chosen)
    pdf = None
    if "gp_sheet" in chosen:
        issued = latest_issue(session, ref)
        doc = content.build(
            document, record, today, leaver_summary_issued_on=issued.issued_on if issued else None
        )
        pdf = render.render_pdf(doc, share_link=share_link)  # never cached: it carries the key
    # The recipient reads the document's name, not the young person's own title ("Your ...").
    bundle = fhir.ips_bundle(
        record,
        document_title=SHAREABLE[document],
        pdf=pdf,
        now=now,
        left_out=parts.left_out(chosen),
    )
    if sharer is not None:
        _name_the_sharer(bundle, sharer)
    return version, bundle


def preview_bundle(
    session: Session,
    *,
    ref: str,
    document: str,
    carries: Collection[str],
    now: datetime,
    today: date,
    sharer: Sharer | None,
) -> dict[str, Any]:
    """What a link carrying `carries` would show, before it is made: the same bundle, and no
    link, key or row. ShareError when the choice could not be shared."""
    if document not in SHAREABLE:
        raise ShareError("document", f"must be one of: {', '.join(SHAREABLE)}")
    chosen = _chosen(carries)
    return link_bundle(
        session,
        ref=ref,
        document=document,
        chosen=chosen,
        now=now,
        today=today,
        sharer=sharer,
        share_link=None,
    )[1]


def make_link(
    session: Session,
    *,
    ref: str,
    document: str,
    label: str,
    days: int,
    passcode: str | None,
    base_url: str,
    actor: str,
    now: datetime,
    today: date,
    carries: Collection[str] | None = None,
    sharer: Sharer | None = None,
) -> MadeLink:
    """A new link to `document`, carrying only the parts in `carries` (when None, every part
    but the young person's own: `parts.NOT_CHOSEN`).
    `sharer` is named to the recipient."""
    if document not in SHAREABLE:
        raise ShareError("document", f"must be one of: {', '.join(SHAREABLE)}")
    label = (label or "").strip() or SHAREABLE[document]
    if len(label) > shl.MAX_LABEL_CHARS:
        raise ShareError("label", f"must be at most {shl.MAX_LABEL_CHARS} characters")
    if not 1 <= days <= MAX_DAYS:
        raise ShareError("expires", f"must be between 1 and {MAX_DAYS} days")
    if passcode is not None and len(passcode) < MIN_PASSCODE:
        raise ShareError("passcode", f"must be at least {MIN_PASSCODE} characters")
    chosen = _chosen(carries)
    key, token = shl.new_key(), shl.manifest_token()
    base = base_url.rstrip("/")
    expires = now + timedelta(days=days)
    payload = shl.LinkPayload(
        url=f"{base}/api/shl/{token}",
        key=shl.b64url_encode(key),
        exp=int(expires.timestamp()),
        flag="P" if passcode else "",
        label=label,
    )
    url = shl.encode_link(payload, f"{base}/view")
    version, bundle = link_bundle(
        session,
        ref=ref,
        document=document,
        chosen=chosen,
        now=now,
        today=today,
        sharer=sharer,
        share_link=url,
    )
    jwe = shl.encrypt_file(
        json.dumps(bundle, ensure_ascii=False).encode(), key, "application/fhir+json"
    )
    link = ShareLink(
        public_id=new_public_id(),
        token_hash=_hash(token),
        record_ref=ref,
        record_version=version,
        document=document,
        label=label,
        created_by=actor,
        created_at=now,
        expires_at=expires,
        max_attempts=MAX_ATTEMPTS,
        failed_attempts=0,
        passcode_hash=_hasher.hash(passcode) if passcode else None,
        parts=parts.stored(chosen),
    )
    link.files = [
        ShareFile(position=0, content_type="application/fhir+json", jwe=jwe, size=len(jwe))
    ]
    session.add(link)
    session.flush()
    return MadeLink(link, url)


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


NOT_FOUND = Answer(404, {"error": "not found"}, {})

# The manifest runs on every open of a link, so its statements are built once, here, and run
# on a connection of the log engine (ADR 0005): the ORM would add nothing but time.

# The link's requests in the last minute, counted no further than the limit: the work stays
# small however often a link is asked for.
_RECENT = (
    select(func.count())
    .select_from(
        select(ShareAccess.id)
        .where(ShareAccess.link_id == ShareLink.id, ShareAccess.at > bindparam("since"))
        .limit(REQUESTS_PER_MINUTE)
        .correlate(ShareLink)
        .subquery()
    )
    .scalar_subquery()
)
_LINK = select(
    ShareLink.id,
    ShareLink.expires_at,
    ShareLink.revoked_at,
    ShareLink.failed_attempts,
    ShareLink.max_attempts,
    ShareLink.passcode_hash,
    _RECENT.label("recent"),
).where(ShareLink.token_hash == bindparam("token_hash"))


def _with_files(link) -> Select:
    return (
        select(link, ShareFile.id.label("file_id"), ShareFile.content_type, ShareFile.size)
        .outerjoin(ShareFile, ShareFile.link_id == link.c.id)
        .order_by(ShareFile.position)
    )


# The link, its recent requests and its files' sizes.
_LINK_AND_FILES = _with_files(_LINK.subquery("link"))

# On PostgreSQL, the same read and, in the same statement, the log line of a plain open: a
# live link without a passcode, asked for by a named recipient, under the polling limit. It
# is `_decide` below written in SQL, with the same `now`, and the caller checks the two agree.
# One statement instead of two: on the busiest path, a third more requests a second (make bench).
_link_cte = _LINK.cte("link")
_opened = (
    insert(ShareAccess)
    .from_select(
        ["link_id", "at", "recipient", "outcome"],
        select(
            _link_cte.c.id,
            bindparam("now", type_=ShareAccess.at.type),
            bindparam("recipient", type_=ShareAccess.recipient.type),
            literal("opened", ShareAccess.outcome.type),
        ).where(
            _link_cte.c.revoked_at.is_(None),
            _link_cte.c.expires_at > bindparam("now"),
            _link_cte.c.failed_attempts < _link_cte.c.max_attempts,
            _link_cte.c.passcode_hash.is_(None),
            _link_cte.c.recent < REQUESTS_PER_MINUTE,
            bindparam("recipient") != "",
        ),
    )
    .returning(ShareAccess.link_id)
    .cte("opened")
)
_OPEN_PLAIN_LINK = _with_files(_link_cte).add_columns(
    exists(select(_opened.c.link_id)).label("logged")
)

_FILE_JWE = select(ShareFile.jwe).where(ShareFile.id == bindparam("file_id"))
_LOG = insert(ShareAccess)
# A passcode try is reserved before the passcode is checked: one statement takes a slot while
# the link is live and has slots left, and is committed before the check. A right passcode
# gives its slot back; a wrong one keeps it. So `failed_attempts` is wrong passcodes plus
# checks in flight, and no more than `max_attempts` passcodes are ever checked wrongly, however
# many requests arrive at once.
_RESERVE_TRY = (
    update(ShareLink)
    .where(
        ShareLink.id == bindparam("link_id"),
        ShareLink.failed_attempts < ShareLink.max_attempts,
        ShareLink.revoked_at.is_(None),
        ShareLink.expires_at > bindparam("now", type_=ShareLink.expires_at.type),
    )
    .values(failed_attempts=ShareLink.failed_attempts + 1)
    .returning(ShareLink.failed_attempts)
)
_GIVE_BACK_TRY = (
    update(ShareLink)
    .where(ShareLink.id == bindparam("link_id"), ShareLink.failed_attempts > 0)
    .values(failed_attempts=ShareLink.failed_attempts - 1)
)


def manifest(
    database: Database,
    token: str,
    *,
    recipient: Any,
    passcode: Any,
    embedded_length_max: Any,
    now: datetime,
    file_base_url: str,
    location_signer: Callable[[int, int], str],
) -> Answer:
    """The protocol's manifest request.

    Unknown, expired, revoked and locked links get the same 404 after the same work (a
    passcode check), so none can be told from another. Every request is logged: an open on
    the log engine (ADR 0005), a wrong passcode in one durable transaction with its count.
    """
    with database.log_engine.connect() as connection:
        return _manifest(
            database,
            connection,
            token,
            recipient=recipient,
            passcode=passcode,
            embedded_length_max=embedded_length_max,
            now=now,
            file_base_url=file_base_url,
            location_signer=location_signer,
        )


def _manifest(
    database: Database,
    connection: Connection,
    token: str,
    *,
    recipient: Any,
    passcode: Any,
    embedded_length_max: Any,
    now: datetime,
    file_base_url: str,
    location_signer: Callable[[int, int], str],
) -> Answer:
    if not (_is_text(recipient) and _is_text(passcode)):
        return Answer(400, {"error": "recipient and passcode must be plain text"}, {})
    recipient_text = recipient.strip()[:200] if isinstance(recipient, str) else ""
    params = {"token_hash": _hash(token), "since": now - timedelta(minutes=1)}
    one_statement = connection.dialect.name == "postgresql"
    if one_statement:
        rows = connection.execute(
            _OPEN_PLAIN_LINK, {**params, "now": now, "recipient": recipient_text}
        ).all()
    else:
        rows = connection.execute(_LINK_AND_FILES, params).all()
    link = rows[0] if rows else None
    outcome = _decide(link, now, recipient_text)
    logged = one_statement and link is not None and link.logged
    if one_statement and logged != (outcome == "opened"):  # pragma: no cover
        raise RuntimeError(f"manifest: the statement logged {logged}, the request is {outcome}")

    if outcome == "refused":
        _spend_like_a_passcode_check()
        if link is not None:
            _log(connection, link.id, now, recipient_text or "?", "refused")
        return NOT_FOUND
    if outcome == "no_recipient":
        return Answer(400, {"error": "recipient: say who you are"}, {})
    assert link is not None  # `_decide` refuses a request for no link
    if outcome == "too_many":
        _log(connection, link.id, now, recipient_text, "too_many")
        return Answer(429, {"error": "too many requests"}, {"Retry-After": "60"})
    if outcome == "passcode":
        refusal = _check_passcode(database, link, now, recipient_text, passcode)
        if refusal is not None:
            return refusal
    if not logged:
        _log(connection, link.id, now, recipient_text, "opened")
    files = _file_entries(
        connection, rows, _embedded_limit(embedded_length_max), now, file_base_url, location_signer
    )
    return Answer(200, {"files": files}, {})


def _check_passcode(
    database: Database, link: Row[Any], now: datetime, recipient: str, passcode: Any
) -> Answer | None:
    """Reserve a try, then check the passcode (None when it is right). A right passcode gives
    its try back; without a try left nothing is checked."""
    with database.engine.begin() as durable:
        slot = durable.execute(_RESERVE_TRY, {"link_id": link.id, "now": now}).scalar()
        if slot is None:
            # No try left (or revoked, or expired, since the read): nothing is checked.
            _log(durable, link.id, now, recipient, "refused")
    if slot is None:
        _spend_like_a_passcode_check()
        return NOT_FOUND
    if not _passcode_matches(link.passcode_hash, passcode):
        with database.engine.begin() as durable:
            _log(durable, link.id, now, recipient, "wrong_passcode")
        return Answer(401, {"remainingAttempts": link.max_attempts - slot}, {})
    with database.engine.begin() as durable:
        durable.execute(_GIVE_BACK_TRY, {"link_id": link.id})
    return None


def _embedded_limit(asked: Any) -> int:
    """The reader's embeddedLengthMax when it is a whole number of 0 or more."""
    if isinstance(asked, int) and not isinstance(asked, bool) and asked >= 0:
        return asked
    return DEFAULT_EMBEDDED_MAX


def _file_entries(
    connection: Connection,
    rows: Sequence[Row[Any]],
    limit: int,
    now: datetime,
    file_base_url: str,
    location_signer: Callable[[int, int], str],
) -> list[dict[str, str]]:
    """Each file embedded when it is no larger than `limit`, else by a short-lived location."""
    files = []
    expires = int((now + LOCATION_LIFETIME).timestamp())
    for row in rows:
        if row.file_id is None:
            continue
        if row.size <= limit:
            jwe = connection.execute(_FILE_JWE, {"file_id": row.file_id}).scalar_one()
            files.append({"contentType": row.content_type, "embedded": jwe})
        else:
            location = location_signer(row.file_id, expires)
            files.append(
                {
                    "contentType": row.content_type,
                    "location": f"{file_base_url.rstrip('/')}/{location}",
                }
            )
    return files


def _is_text(value: Any) -> bool:
    """Anything but a string is left to the protocol's checks; a string must be text a
    database can hold: no NUL or other control characters, no lone surrogates."""
    if not isinstance(value, str):
        return True
    if any(ord(c) < 32 and c not in "\t" for c in value):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _decide(link: Row | None, now: datetime, recipient: str) -> str:
    """What a manifest request for `link` comes to, before any passcode is checked:
    refused, no_recipient, too_many, passcode (one is needed) or opened."""
    if (
        link is None
        or link.revoked_at is not None
        or now >= link.expires_at
        or link.failed_attempts >= link.max_attempts
    ):
        return "refused"
    if not recipient:
        return "no_recipient"
    if link.recent >= REQUESTS_PER_MINUTE:
        return "too_many"
    if link.passcode_hash is not None:
        return "passcode"
    return "opened"


def _log(connection: Connection, link_id: int, now: datetime, recipient: str, outcome: str) -> None:
    connection.execute(
        _LOG, {"link_id": link_id, "at": now, "recipient": recipient, "outcome": outcome}
    )


def _passcode_matches(passcode_hash: str, passcode: Any) -> bool:
    if not isinstance(passcode, str) or not passcode:
        return False
    try:
        return _hasher.verify(passcode_hash, passcode)
    except (VerificationError, InvalidHashError):
        return False


def _spend_like_a_passcode_check() -> None:
    try:
        _hasher.verify(_DUMMY, "not the passcode")
    except VerificationError:
        pass


def links_for(session: Session, ref: str) -> list[ShareLink]:
    return list(
        session.scalars(
            select(ShareLink)
            .where(ShareLink.record_ref == ref)
            .options(selectinload(ShareLink.accesses))
            .order_by(ShareLink.created_at.desc())
        )
    )


def revoke(session: Session, public_id: str, now: datetime, ref: str | None = None) -> ShareLink:
    query = select(ShareLink).where(ShareLink.public_id == public_id)
    if ref is not None:
        query = query.where(ShareLink.record_ref == ref)
    link = session.scalar(query)
    if link is None:
        raise RecordNotFound(public_id)
    if link.revoked_at is None:
        link.revoked_at = now
    return link
