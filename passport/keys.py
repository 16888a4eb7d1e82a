"""Separate keys for separate jobs, each derived from the installation's secret (ADR 0008).

One secret (PASSPORT_SECRET_KEY) is all an operator keeps. Each job gets its own key from it
with HKDF (SHA-256) and a purpose label, so a key that leaks from one job (a session cookie
forged, say) says nothing about another (the second-factor secrets). Old secrets
(PASSPORT_OLD_SECRET_KEYS) are kept for reading and checking only: nothing new is signed or
encrypted with them, so after `passport keys rotate` they can be dropped.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# The purpose labels are part of every key: changing one changes that key (and locks out
# what was made under it), so they never change.
SESSION = "passport session signing v1"
SECOND_FACTOR = "passport second-factor encryption v1"
FILE_LOCATION = "passport file-location signing v1"
BACKUP = "passport backup encryption v1"
PURPOSES = (SESSION, SECOND_FACTOR, FILE_LOCATION, BACKUP)


@functools.lru_cache(maxsize=64)  # every request signs or checks: derive each key once
def derive(secret: str, purpose: str, length: int = 32) -> bytes:
    """The key for one job: HKDF-SHA256 of the secret, with the job's label as its info."""
    if purpose not in PURPOSES:
        raise ValueError(f"no key is made for {purpose!r}")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=purpose.encode())
    return hkdf.derive(secret.encode())


def _legacy_second_factor_key(secret: str) -> bytes:
    """How second-factor secrets were encrypted before this module (a plain SHA-256 of a
    prefix and the secret). Still read, so nobody is locked out by the upgrade;
    `passport keys rotate` moves them to the derived key."""
    return base64.urlsafe_b64encode(hashlib.sha256(b"passport-totp:" + secret.encode()).digest())


@dataclass(frozen=True)
class Keys:
    """The current secret and the old ones still accepted, and every job's keys from them."""

    secret: str = field(repr=False)
    old_secrets: tuple[str, ...] = field(default=(), repr=False)

    @classmethod
    def of(cls, value: str | Keys) -> Keys:
        """Keys from a bare secret (no old ones), or the keys themselves."""
        return value if isinstance(value, Keys) else cls(value)

    def _secrets(self) -> tuple[str, ...]:
        """The current secret first, then the old ones (never the current one twice)."""
        return (self.secret, *(s for s in self.old_secrets if s != self.secret))

    # --- sessions (Flask's SECRET_KEY and SECRET_KEY_FALLBACKS) ---------------------------

    @property
    def session(self) -> bytes:
        return derive(self.secret, SESSION)

    @property
    def session_fallbacks(self) -> list[bytes]:
        return [derive(s, SESSION) for s in self._secrets()[1:]]

    # --- second factor ---------------------------------------------------------------------

    @property
    def second_factor(self) -> MultiFernet:
        """Encrypts with the current key; decrypts with the current key, then the old ones,
        then each secret's pre-HKDF key."""
        fernet_keys = [base64.urlsafe_b64encode(derive(s, SECOND_FACTOR)) for s in self._secrets()]
        fernet_keys += [_legacy_second_factor_key(s) for s in self._secrets()]
        return MultiFernet([Fernet(key) for key in fernet_keys])

    def second_factor_is_current(self, stored: str) -> bool:
        """Whether a stored second-factor secret is already under the current key."""
        current = Fernet(base64.urlsafe_b64encode(derive(self.secret, SECOND_FACTOR)))
        try:
            current.decrypt(stored.encode())
        except InvalidToken:  # another key's, or not a Fernet token at all
            return False
        return True

    # --- file locations of sharing links ---------------------------------------------------

    @property
    def file_location(self) -> bytes:
        return derive(self.secret, FILE_LOCATION)

    @property
    def file_location_fallbacks(self) -> list[bytes]:
        return [derive(s, FILE_LOCATION) for s in self._secrets()[1:]]

    # --- backups (for the backup command) --------------------------------------------------

    @property
    def backup(self) -> bytes:
        return derive(self.secret, BACKUP)

    @property
    def backup_fallbacks(self) -> list[bytes]:
        """Backups made under an old secret still restore."""
        return [derive(s, BACKUP) for s in self._secrets()[1:]]


def parse_old_secrets(value: str | None) -> tuple[str, ...]:
    """PASSPORT_OLD_SECRET_KEYS: secrets separated by commas or whitespace."""
    if not value:
        return ()
    return tuple(part for part in value.replace(",", " ").split() if part)
