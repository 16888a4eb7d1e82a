"""Second factor: time-based one-time codes (RFC 6238) with pyotp. Secrets are stored encrypted
(Fernet, with the second-factor key derived from the installation's secret; old secrets still
decrypt: ADR 0008), and a code works only once."""

from __future__ import annotations

import time

import pyotp
from cryptography.fernet import InvalidToken

from passport.keys import Keys

ISSUER = "Health Passport"
STEP_SECONDS = 30


def new_secret() -> str:
    return pyotp.random_base32()


def encrypt(secret: str, app_secret: str | Keys) -> str:
    """Encrypted under the current secret's second-factor key."""
    return Keys.of(app_secret).second_factor.encrypt(secret.encode()).decode()


def decrypt(stored: str, app_secret: str | Keys) -> str:
    """Read with the current secret's key or any old one's."""
    try:
        return Keys.of(app_secret).second_factor.decrypt(stored.encode()).decode()
    except InvalidToken:
        raise ValueError("the second-factor secret cannot be read with this key") from None


def reencrypt(stored: str, app_secret: str | Keys) -> str:
    """The same secret, encrypted under the current key (ValueError if no key reads it)."""
    try:
        return Keys.of(app_secret).second_factor.rotate(stored.encode()).decode()
    except InvalidToken:
        raise ValueError("the second-factor secret cannot be read with this key") from None


def enrolment_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step the code belongs to (now, or one step either side), or None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    now = time.time() if now is None else now
    totp = pyotp.TOTP(secret)
    current = int(now // STEP_SECONDS)
    for step in (current, current - 1, current + 1):
        if totp.at(step * STEP_SECONDS) == code:
            return step
    return None
