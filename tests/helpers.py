"""Helpers shared by test modules (no test module imports another)."""

from __future__ import annotations

import json
from typing import Any

from jwcrypto import jwe as jwcrypto_jwe
from jwcrypto import jwk

from passport.sharing.shl import b64url_encode


def jwe_decrypt(token: str, key: bytes) -> tuple[dict[str, Any], bytes]:
    """(protected header, plaintext) of a compact JWE, read with jwcrypto as any conformant
    reader would: the product never decrypts."""
    message = jwcrypto_jwe.JWE()
    message.deserialize(token.strip(), key=jwk.JWK(kty="oct", k=b64url_encode(key)))
    header = json.loads(message.objects["protected"])
    return header, message.payload
