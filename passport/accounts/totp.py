"""Second factor: time-based one-time codes (RFC 6238) with pyotp. Secrets are stored encrypted
(Fernet, with a key derived from the installation's secret), and a code works only once."""

from __future__ import annotations

import base64
import hashlib
import time

import pyotp
from cryptography.fernet import Fernet, InvalidToken

ISSUER = "Health Passport"
STEP_SECONDS = 30


def _fernet(app_secret: str) -> Fernet:
    key = hashlib.sha256(b"passport-totp:" + app_secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def new_secret() -> str:
    return pyotp.random_base32()


def encrypt(secret: str, app_secret: str) -> str:
    return _fernet(app_secret).encrypt(secret.encode()).decode()


def decrypt(stored: str, app_secret: str) -> str:
    try:
        return _fernet(app_secret).decrypt(stored.encode()).decode()
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
