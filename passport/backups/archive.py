"""The backup file: a small plain header, then the database dump encrypted in chunks.

    HEALTH-PASSPORT-BACKUP\n            the magic line
    4 bytes, big-endian                 the header's length
    header                              JSON: format, engine, key_id, salt, made_at, schema
    frames, each:                       1 byte (1 on the last frame, else 0),
                                        4 bytes big-endian (the ciphertext's length),
                                        AES-256-GCM ciphertext of up to CHUNK plaintext bytes

Each file is encrypted under its own key: HKDF-SHA256 of the installation's backup key
(`Keys.backup`, ADR 0008) with the header's random salt. A frame's nonce is its number, and its
associated data is the magic line, the header, the frame's number and the last-frame flag, so a
frame changed, moved, dropped or cut off, or a header edited, fails to decrypt. The header says
which backup key made the file (`key_id`, an HMAC of a fixed label under that key, which gives
nothing of the key away), so a file made before a rotation is read with the old secret from
PASSPORT_OLD_SECRET_KEYS.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"HEALTH-PASSPORT-BACKUP\n"
FORMAT = 1
CHUNK = 1024 * 1024
_MAX_HEADER = 64 * 1024
_FRAME = struct.Struct(">BI")


class BackupFileError(ValueError):
    """The file is not a backup this version reads, or no key given reads it."""


@dataclass(frozen=True)
class Header:
    engine: str  # "postgresql" or "sqlite"
    key_id: str
    made_at: str  # ISO 8601, UTC
    schema: str | None  # the Alembic revision the database was at
    salt: bytes
    format: int = FORMAT

    def encode(self) -> bytes:
        return json.dumps(
            {
                "format": self.format,
                "engine": self.engine,
                "key_id": self.key_id,
                "made_at": self.made_at,
                "schema": self.schema,
                "salt": self.salt.hex(),
            },
            sort_keys=True,
        ).encode()


def key_id(backup_key: bytes) -> str:
    """A name for a backup key that says nothing about it."""
    return hmac.new(backup_key, b"passport backup key id", hashlib.sha256).hexdigest()[:16]


def _file_key(backup_key: bytes, salt: bytes) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"passport backup file")
    return AESGCM(hkdf.derive(backup_key))


def _associated(prefix: bytes, number: int, last: bool) -> bytes:
    return prefix + struct.pack(">QB", number, last)


def _nonce(number: int) -> bytes:
    return number.to_bytes(12, "big")


def write(
    out: BinaryIO,
    chunks: Iterable[bytes],
    *,
    backup_key: bytes,
    engine: str,
    made_at: str,
    schema: str | None,
) -> None:
    """Encrypt `chunks` (the dump, in pieces of any size) into `out`."""
    header = Header(
        engine=engine,
        key_id=key_id(backup_key),
        made_at=made_at,
        schema=schema,
        salt=os.urandom(16),
    )
    encoded = header.encode()
    prefix = MAGIC + struct.pack(">I", len(encoded)) + encoded
    out.write(prefix)
    aead = _file_key(backup_key, header.salt)
    number = 0
    pending = b""
    for chunk in _rechunk(chunks):
        if pending:
            _write_frame(out, aead, prefix, number, pending, last=False)
            number += 1
        pending = chunk
    _write_frame(out, aead, prefix, number, pending, last=True)


def _rechunk(chunks: Iterable[bytes]) -> Iterator[bytes]:
    buffer = bytearray()
    for chunk in chunks:
        buffer += chunk
        while len(buffer) >= CHUNK:
            yield bytes(buffer[:CHUNK])
            del buffer[:CHUNK]
    if buffer:
        yield bytes(buffer)


def _write_frame(out: BinaryIO, aead: AESGCM, prefix: bytes, number: int, data: bytes, last: bool):
    sealed = aead.encrypt(_nonce(number), data, _associated(prefix, number, last))
    out.write(_FRAME.pack(int(last), len(sealed)))
    out.write(sealed)


def read_header(stream: BinaryIO) -> tuple[Header, bytes]:
    """The header, and the bytes it was read from (the frames' associated data)."""
    magic = stream.read(len(MAGIC))
    if magic != MAGIC:
        raise BackupFileError("it is not a Health Passport backup file")
    size_bytes = stream.read(4)
    if len(size_bytes) != 4:
        raise BackupFileError("it is cut off before its header ends")
    (size,) = struct.unpack(">I", size_bytes)
    if size > _MAX_HEADER:
        raise BackupFileError("its header is damaged")
    encoded = stream.read(size)
    try:
        fields = json.loads(encoded)
        header = Header(
            format=int(fields["format"]),
            engine=str(fields["engine"]),
            key_id=str(fields["key_id"]),
            made_at=str(fields["made_at"]),
            schema=fields["schema"],
            salt=bytes.fromhex(fields["salt"]),
        )
    except (ValueError, KeyError, TypeError):
        raise BackupFileError("its header is damaged") from None
    if header.format != FORMAT:
        raise BackupFileError(
            f"it is in backup format {header.format}, and this version reads format {FORMAT} "
            "only: restore it with the version of Health Passport that made it"
        )
    return header, MAGIC + size_bytes + encoded


def choose_key(header: Header, backup_keys: Iterable[bytes]) -> bytes:
    """The backup key among those given (the current one first) that made the file."""
    for candidate in backup_keys:
        if hmac.compare_digest(key_id(candidate), header.key_id):
            return candidate
    raise BackupFileError(
        f"it was made under backup key {header.key_id}, which neither PASSPORT_SECRET_KEY nor "
        "any secret in PASSPORT_OLD_SECRET_KEYS gives: add the secret it was made under to "
        "PASSPORT_OLD_SECRET_KEYS and run the restore again"
    )


def read(stream: BinaryIO, backup_keys: Iterable[bytes]) -> Iterator[bytes]:
    """The dump, chunk by chunk; each chunk is checked before it is given. Raises
    BackupFileError for a changed or cut-off file (after the chunks before the damage)."""
    header, prefix = read_header(stream)
    aead = _file_key(choose_key(header, backup_keys), header.salt)
    number = 0
    while True:
        frame = stream.read(_FRAME.size)
        if len(frame) != _FRAME.size:
            raise BackupFileError("it is cut off: its last part is missing")
        last, size = _FRAME.unpack(frame)
        if last not in (0, 1) or size > CHUNK + 16:
            raise BackupFileError("it is damaged")
        sealed = stream.read(size)
        if len(sealed) != size:
            raise BackupFileError("it is cut off: its last part is missing")
        try:
            data = aead.decrypt(_nonce(number), sealed, _associated(prefix, number, bool(last)))
        except InvalidTag:
            raise BackupFileError("it is damaged or was changed after it was made") from None
        yield data
        if last:
            break
        number += 1
    if stream.read(1):
        raise BackupFileError("it has data after its end: it was changed after it was made")
