"""Short-lived locations for a sharing link's files: signed, so they need no database row,
and checked against the link each time, so a revoked or expired link's files stop at once."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from passport.keys import Keys
from passport.sharing import shl
from passport.sharing.models import ShareFile, ShareLink

# file id . expiry (seconds) . HMAC-SHA256 in base64url: ASCII digits only (int() would take
# "²" or "١"), and ids and times a database integer can hold.
_LOCATION = re.compile(r"[0-9]{1,15}\.[0-9]{1,12}\.[A-Za-z0-9_-]{43}", re.ASCII)


class LocationSigner:
    """Short-lived file locations that need no database row: the file id and expiry, signed
    (HMAC-SHA256) with the file-location key derived from the installation's secret. They
    cannot be forged or extended. Locations signed under an old secret still verify while
    that secret is in PASSPORT_OLD_SECRET_KEYS (ADR 0008)."""

    def __init__(self, keys: str | Keys) -> None:
        keys = Keys.of(keys)
        self.key = keys.file_location
        self.fallbacks = keys.file_location_fallbacks

    @staticmethod
    def _mac_with(key: bytes, file_id: int, expires: int) -> str:
        message = f"{file_id}.{expires}".encode()
        return shl.b64url_encode(hmac.new(key, message, hashlib.sha256).digest())

    def _mac(self, file_id: int, expires: int) -> str:
        return self._mac_with(self.key, file_id, expires)

    def _genuine(self, mac: str, file_id: int, expires: int) -> bool:
        return any(
            hmac.compare_digest(mac, self._mac_with(key, file_id, expires))
            for key in (self.key, *self.fallbacks)
        )

    def __call__(self, file_id: int, expires: int) -> str:
        return f"{file_id}.{expires}.{self._mac(file_id, expires)}"

    def read(self, location: str, now: datetime) -> int | None:
        """The file id, if the location is genuine and not yet expired."""
        if not _LOCATION.fullmatch(location):
            return None
        parts = location.split(".")
        file_id, expires = int(parts[0]), int(parts[1])
        if not self._genuine(parts[2], file_id, expires):
            return None
        if now.timestamp() >= expires:
            return None
        return file_id


def file_at(session: Session, location: str, now: datetime, signer: LocationSigner) -> str | None:
    """The JWE behind a short-lived location, if the location and its link are still live."""
    file_id = signer.read(location, now)
    if file_id is None:
        return None
    row = session.execute(
        select(
            ShareFile.jwe,
            ShareLink.expires_at,
            ShareLink.revoked_at,
            ShareLink.failed_attempts,
            ShareLink.max_attempts,
        )
        .join(ShareLink, ShareLink.id == ShareFile.link_id)
        .where(ShareFile.id == file_id)
    ).first()
    if (
        row is None
        or row.revoked_at is not None
        or now >= row.expires_at
        or (row.failed_attempts >= row.max_attempts)
    ):
        return None
    return row.jwe
