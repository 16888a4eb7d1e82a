"""SMART Health Links: the encrypted files a link shares, and the link itself.

Pure functions, no Flask and no database. The server only encrypts: files are decrypted in
the reader's browser (static/js/viewer.js), and the tests read them with jwcrypto. The protocol
is described in shared/design/sharing.md: every shared file is a JWE in compact serialization with
`alg: dir`, `enc: A256GCM` (and optionally `zip: DEF`, raw DEFLATE), and the link is
`shlink:/` + base64url(minified JSON payload) placed after `#` on the viewer page.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
IV_BYTES = 12
TAG_BYTES = 16

#: The SHL specification's limits for the link payload.
MAX_URL_CHARS = 128
MAX_LABEL_CHARS = 80
#: A link longer than this is not a link; refuse before decoding it.
MAX_LINK_CHARS = 8192

LINK_PREFIX = "shlink:/"
FLAG_LETTERS = "LPU"
SUPPORTED_VERSION = 1

_B64URL = re.compile(r"[A-Za-z0-9_-]*")
# Epoch values above this are taken to be milliseconds (a quirk of some published examples):
# 10**11 seconds is the year 5138, 10**11 milliseconds is March 1973.
_MILLISECONDS_THRESHOLD = 10**11


class LinkError(ValueError):
    """A sharing link or its payload is malformed or breaks a rule of the protocol."""


# --- base64url ------------------------------------------------------------------------------


def b64url_encode(data: bytes) -> str:
    """base64url without padding (RFC 7515 section 2)."""
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def b64url_decode(text: str | bytes) -> bytes:
    """Decode base64url, with or without its `=` padding.

    Refuses characters outside the base64url alphabet (including `+`, `/` and whitespace)
    with a `ValueError`.
    """
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("ascii")
        except UnicodeDecodeError as error:
            raise ValueError("base64url text must be ASCII") from error
    stripped = text.rstrip("=")
    if not _B64URL.fullmatch(stripped):
        raise ValueError("not base64url: characters outside A-Z a-z 0-9 - _")
    if len(stripped) % 4 == 1:
        raise ValueError("not base64url: impossible length")
    padded = stripped + "=" * (-len(stripped) % 4)
    return base64.b64decode(padded, altchars=b"-_", validate=True)


def _b64url_decode_canonical(text: str) -> bytes:
    """Decode base64url and insist on the one canonical spelling (no padding, no stray bits),
    so that no character of a JWE can change without the decryption noticing."""
    data = b64url_decode(text)
    if b64url_encode(data) != text:
        raise ValueError("not canonical base64url")
    return data


# --- keys and tokens --------------------------------------------------------------------------


def new_key() -> bytes:
    """A fresh 256-bit content-encryption key."""
    return secrets.token_bytes(KEY_BYTES)


def manifest_token() -> str:
    """The random part of a manifest URL: 256 bits, URL-safe, 43 characters."""
    return b64url_encode(secrets.token_bytes(32))


def _check_key(key: bytes) -> None:
    if not isinstance(key, bytes | bytearray) or len(key) != KEY_BYTES:
        raise ValueError(f"the key must be {KEY_BYTES} bytes")


# --- JWE ------------------------------------------------------------------------------------


def encrypt_file(plaintext: bytes, key: bytes, content_type: str, *, compress: bool = True) -> str:
    """Encrypt one shared file as a JWE compact string (`alg: dir`, `enc: A256GCM`).

    With `compress` the plaintext is raw-DEFLATEd first and the header says `zip: DEF`.
    """
    _check_key(key)
    if not isinstance(plaintext, bytes | bytearray):
        raise TypeError("plaintext must be bytes")
    if not isinstance(content_type, str) or not content_type.strip():
        raise ValueError("content_type must be a non-empty string")
    header: dict[str, str] = {"alg": "dir", "enc": "A256GCM", "cty": content_type}
    if compress:
        header["zip"] = "DEF"
        deflater = zlib.compressobj(level=9, wbits=-zlib.MAX_WBITS)
        plaintext = deflater.compress(bytes(plaintext)) + deflater.flush()
    protected = b64url_encode(
        json.dumps(header, separators=(",", ":"), ensure_ascii=True).encode("ascii")
    )
    iv = secrets.token_bytes(IV_BYTES)
    sealed = AESGCM(bytes(key)).encrypt(iv, bytes(plaintext), protected.encode("ascii"))
    ciphertext, tag = sealed[:-TAG_BYTES], sealed[-TAG_BYTES:]
    return ".".join(
        (protected, "", b64url_encode(iv), b64url_encode(ciphertext), b64url_encode(tag))
    )


@dataclass(frozen=True)
class LinkPayload:
    """The JSON a `shlink:/` link carries.

    `key` is the 43-character base64url spelling of the 32 key bytes; `exp` is epoch seconds;
    `flag` is made of the letters L (long-lived), P (passcode) and U (single-file GET) in
    alphabetical order, never U with P.
    """

    url: str
    key: str
    exp: int | None = None
    flag: str = ""
    label: str | None = None
    v: int = SUPPORTED_VERSION

    def __post_init__(self) -> None:
        _check_url(self.url)
        _check_key_text(self.key)
        if self.exp is not None and (
            isinstance(self.exp, bool) or not isinstance(self.exp, int) or self.exp < 0
        ):
            raise LinkError("exp must be whole epoch seconds")
        _check_flag(self.flag)
        if self.label is not None:
            if not isinstance(self.label, str):
                raise LinkError("label must be a string")
            if len(self.label) > MAX_LABEL_CHARS:
                raise LinkError(f"label must be at most {MAX_LABEL_CHARS} characters")
        if isinstance(self.v, bool) or self.v != SUPPORTED_VERSION:
            raise LinkError(f"unsupported link version {self.v!r}: only {SUPPORTED_VERSION}")

    @property
    def key_bytes(self) -> bytes:
        return b64url_decode(self.key)

    @property
    def passcode_required(self) -> bool:
        return "P" in self.flag

    @property
    def long_lived(self) -> bool:
        return "L" in self.flag

    @property
    def single_file(self) -> bool:
        return "U" in self.flag

    def to_json(self) -> dict[str, Any]:
        """The payload as the protocol's JSON object, optional fields left out when unset."""
        data: dict[str, Any] = {"url": self.url, "key": self.key}
        if self.exp is not None:
            data["exp"] = self.exp
        if self.flag:
            data["flag"] = self.flag
        if self.label is not None:
            data["label"] = self.label
        data["v"] = self.v
        return data


def _check_url(url: Any) -> None:
    if not isinstance(url, str) or not url:
        raise LinkError("url must be a non-empty string")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise LinkError("url must be an absolute https URL")


def _check_key_text(key: Any) -> None:
    if not isinstance(key, str) or len(key) != 43:
        raise LinkError("key must be 43 characters of base64url")
    try:
        key_bytes = _b64url_decode_canonical(key)
    except ValueError as error:
        raise LinkError("key must be 43 characters of base64url") from error
    if len(key_bytes) != KEY_BYTES:  # pragma: no cover - 43 canonical chars are 32 bytes
        raise LinkError("key must decode to 32 bytes")


def _check_flag(flag: Any) -> None:
    if not isinstance(flag, str):
        raise LinkError("flag must be a string")
    if any(letter not in FLAG_LETTERS for letter in flag):
        raise LinkError(f"flag {flag!r} has letters other than L, P, U")
    if "".join(sorted(set(flag))) != flag:
        raise LinkError(f"flag {flag!r}: letters once each, in alphabetical order")
    if "U" in flag and "P" in flag:
        raise LinkError("flag must never combine U (single file) with P (passcode)")


def encode_link(payload: LinkPayload, viewer_url: str) -> str:
    """`viewer_url#shlink:/...`: the whole link, as it goes into a QR code or an email.

    Here, unlike when reading, the manifest URL must be https (http only for localhost, for
    development) and at most 128 characters.
    """
    parts = urlsplit(payload.url)
    if parts.scheme != "https" and parts.hostname not in ("localhost", "127.0.0.1"):
        raise LinkError("the manifest url must be https")
    if len(payload.url) > MAX_URL_CHARS:
        raise LinkError(f"the manifest url must be at most {MAX_URL_CHARS} characters")
    if "#" in viewer_url:
        raise LinkError("the viewer url must not have a fragment of its own")
    body = json.dumps(payload.to_json(), separators=(",", ":"), ensure_ascii=False)
    return f"{viewer_url}#{LINK_PREFIX}{b64url_encode(body.encode('utf-8'))}"


def decode_link(text: str) -> LinkPayload:
    """Read a link: a bare `shlink:/...`, or any URL whose fragment is `shlink:/...`.

    Accepts `exp` in epoch seconds, or in milliseconds and/or as a string of digits (a
    quirk of published examples); ignores fields it does not know. Raises `LinkError`.
    """
    if not isinstance(text, str):
        raise LinkError("a link is a string")
    text = text.strip()
    if len(text) > MAX_LINK_CHARS:
        raise LinkError("the link is too long")
    if text.startswith(LINK_PREFIX):
        encoded = text[len(LINK_PREFIX) :]
    elif "#" in text:
        fragment = text.split("#", 1)[1]
        if not fragment.startswith(LINK_PREFIX):
            raise LinkError("the link's fragment does not start with shlink:/")
        encoded = fragment[len(LINK_PREFIX) :]
    else:
        raise LinkError("not a sharing link: no shlink:/ part")
    if not encoded:
        raise LinkError("the link has an empty payload")
    try:
        data = json.loads(b64url_decode(encoded).decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise LinkError(f"the link payload is not base64url JSON: {error}") from error
    if not isinstance(data, dict):
        raise LinkError("the link payload is not a JSON object")
    for field in ("url", "key"):
        if field not in data:
            raise LinkError(f"the link payload has no {field}")
    return LinkPayload(
        url=data["url"],
        key=data["key"],
        exp=_read_exp(data.get("exp")),
        flag=str(data.get("flag") or ""),
        label=data.get("label"),
        v=data.get("v", SUPPORTED_VERSION),
    )


def _read_exp(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise LinkError("exp must be epoch seconds")
    if isinstance(value, str):
        if not re.fullmatch(r"[0-9]{1,16}", value.strip()):
            raise LinkError(f"exp {value!r} is not a number")
        value = int(value.strip())
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise LinkError("exp must be a finite number")
        value = int(value)
    elif not isinstance(value, int):
        raise LinkError("exp must be epoch seconds")
    if value < 0:
        raise LinkError("exp must not be negative")
    if value >= _MILLISECONDS_THRESHOLD:
        value //= 1000
    return value
