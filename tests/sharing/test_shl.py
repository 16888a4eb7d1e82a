"""Encrypted files and links: our files read by an independent reader (jwcrypto), the published
vectors read the same way, and the rules of links."""

from __future__ import annotations

import json
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from passport.sharing.shl import (
    LinkError,
    LinkPayload,
    b64url_decode,
    b64url_encode,
    decode_link,
    encode_link,
    encrypt_file,
    manifest_token,
    new_key,
)
from tests.conftest import VECTORS as ALL_VECTORS
from tests.helpers import jwe_decrypt

VECTORS = ALL_VECTORS / "shl"
# From the vectors' README: the key for spec-example.jwe and ips-bundle-01.jwe.
SPEC_KEY = b64url_decode("rxTgYlOaKJPFtcEd0qcceN8wEU4p94SqAwIWQe6uX7Q")
DEVTOOLS_SETS = ("devtools-set1.json", "devtools-set2.json")
B64URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def devtools_set(name: str) -> dict:
    return json.loads((VECTORS / name).read_text())


# --- base64url --------------------------------------------------------------------------------


@given(st.binary(max_size=200))
def test_base64url_round_trips_without_padding(data):
    text = b64url_encode(data)
    assert "=" not in text and "+" not in text and "/" not in text
    assert b64url_decode(text) == data
    assert b64url_decode(text + "=" * (-len(text) % 4)) == data


@pytest.mark.parametrize("bad", ["ab+c", "ab/c", "ab c", "a", "abcde", "ab\ncd", "ab.c"])
def test_base64url_decode_refuses_what_is_not_base64url(bad):
    with pytest.raises(ValueError):
        b64url_decode(bad)


def test_keys_and_manifest_tokens_are_fresh_and_long_enough():
    keys = {new_key() for _ in range(20)}
    assert len(keys) == 20 and all(len(key) == 32 for key in keys)
    tokens = {manifest_token() for _ in range(20)}
    assert len(tokens) == 20
    for token in tokens:
        assert len(token) == 43  # 256 bits
        assert set(token) <= set(B64URL_ALPHABET)
        assert len(b64url_decode(token)) == 32


# --- the published vectors --------------------------------------------------------------------


def test_decrypts_the_specification_example():
    header, plaintext = jwe_decrypt((VECTORS / "spec-example.jwe").read_text(), SPEC_KEY)
    assert header == {"alg": "dir", "enc": "A256GCM", "cty": "application/smart-health-card"}
    assert list(json.loads(plaintext)) == ["verifiableCredential"]


def test_decrypts_the_ips_bundle_whose_header_has_kid_and_no_cty():
    header, plaintext = jwe_decrypt((VECTORS / "ips-bundle-01.jwe").read_text(), SPEC_KEY)
    assert "cty" not in header and "kid" in header
    assert len(plaintext) == 60_973
    bundle = json.loads(plaintext)
    assert bundle["resourceType"] == "Bundle"
    assert bundle["entry"][0]["resource"]["resourceType"] == "Composition"


@pytest.mark.parametrize("name", DEVTOOLS_SETS)
def test_decrypts_every_file_of_the_devtools_sets(name):
    vector = devtools_set(name)
    key = b64url_decode(vector["payload"]["key"])
    assert vector["jweFiles"]
    for jwe in vector["jweFiles"]:
        header, plaintext = jwe_decrypt(jwe, key)
        assert (header["alg"], header["enc"]) == ("dir", "A256GCM")
        assert "verifiableCredential" in json.loads(plaintext)


@pytest.mark.parametrize("name", DEVTOOLS_SETS)
def test_decodes_the_devtools_links_to_their_payloads(name):
    vector = devtools_set(name)
    payload = decode_link(vector["link"])
    expected = vector["payload"]
    assert payload.to_json() == {"v": 1, **expected}  # set 1 leaves out v, which defaults to 1
    assert payload.key_bytes == b64url_decode(expected["key"])


def test_devtools_links_come_both_bare_and_after_a_viewer_url():
    assert devtools_set("devtools-set1.json")["link"].startswith("https://")
    assert devtools_set("devtools-set2.json")["link"].startswith("shlink:/")


def test_decodes_the_example_payload_of_the_specification_text():
    payload_json = {
        "url": "https://ehr.example.org/qr/Y9xwkUdtmN9wwoJoN3ffJIhX2UGvCL1JnlPVNL3kDWM/m",
        "flag": "LP",
        "key": "rxTgYlOaKJPFtcEd0qcceN8wEU4p94SqAwIWQe6uX7Q",
        "label": "Back-to-school immunizations for Oliver Brown",
    }
    link = "shlink:/" + b64url_encode(json.dumps(payload_json).encode())
    payload = decode_link(link)
    assert payload.passcode_required and payload.long_lived and not payload.single_file
    assert payload.exp is None and payload.v == 1
    assert payload.label == payload_json["label"]


# --- writing and reading our own files --------------------------------------------------------


@pytest.mark.parametrize("compress", [True, False])
@pytest.mark.parametrize(
    "plaintext",
    [
        # (Not b"": jwcrypto reads an empty plaintext as a failed decryption.)
        b"{}",
        "Jordan's passport \u2014 \u064a\u0648\u0633\u0641".encode(),
        bytes(range(256)) * 300,
    ],
)
def test_round_trip(plaintext, compress):
    key = new_key()
    jwe = encrypt_file(plaintext, key, "application/fhir+json", compress=compress)
    header, decrypted = jwe_decrypt(jwe, key)
    assert decrypted == plaintext
    expected = {"alg": "dir", "enc": "A256GCM", "cty": "application/fhir+json"}
    if compress:
        expected["zip"] = "DEF"
    assert header == expected


def test_the_jwe_has_the_shape_the_protocol_says():
    key = new_key()
    jwe = encrypt_file(b"x" * 1000, key, "application/pdf")
    protected, encrypted_key, iv, ciphertext, tag = jwe.split(".")
    assert encrypted_key == ""
    assert len(b64url_decode(iv)) == 12
    assert len(b64url_decode(tag)) == 16
    assert json.loads(b64url_decode(protected))["zip"] == "DEF"
    assert len(b64url_decode(ciphertext)) < 100  # really compressed
    assert "=" not in jwe
    # A fresh IV each time: the same plaintext never gives the same ciphertext.
    assert encrypt_file(b"x" * 1000, key, "application/pdf") != jwe


def test_the_compressed_content_is_raw_deflate():
    key = new_key()
    plaintext = b"raw deflate, no zlib header " * 20
    jwe = encrypt_file(plaintext, key, "text/plain")
    # Read it with AES-GCM directly, to see what lies under the encryption.
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    protected, _, iv, ciphertext, tag = jwe.split(".")
    inner = AESGCM(key).decrypt(
        b64url_decode(iv), b64url_decode(ciphertext) + b64url_decode(tag), protected.encode()
    )
    assert zlib.decompress(inner, wbits=-15) == plaintext


def test_a_key_of_the_wrong_length_is_a_programming_error():
    with pytest.raises(ValueError):
        encrypt_file(b"x", b"short", "text/plain")


def test_another_key_cannot_read_the_file():
    jwe = encrypt_file(b"secret", new_key(), "text/plain")
    with pytest.raises(Exception, match="(?i)key"):
        jwe_decrypt(jwe, new_key())


# --- links ------------------------------------------------------------------------------------

VIEWER = "https://passport.example.nhs.uk/view"


def a_payload(**changes) -> LinkPayload:
    fields = {
        "url": f"https://passport.example.nhs.uk/shl/{manifest_token()}",
        "key": b64url_encode(new_key()),
        "exp": 1_900_000_000,
        "flag": "P",
        "label": "Jordan's health passport",
    }
    return LinkPayload(**{**fields, **changes})


def test_link_round_trip():
    payload = a_payload()
    link = encode_link(payload, VIEWER)
    assert link.startswith(VIEWER + "#shlink:/")
    assert decode_link(link) == payload
    assert decode_link(link.split("#", 1)[1]) == payload  # the bare shlink:/ form


def test_the_link_payload_is_minified_json_with_v_1():
    payload = a_payload(label="Ellie's passport \u2014 dentist")
    encoded = encode_link(payload, VIEWER).split("#shlink:/", 1)[1]
    text = b64url_decode(encoded).decode("utf-8")
    assert " " not in text.replace(payload.label, "")
    data = json.loads(text)
    assert data["v"] == 1 and data["label"] == payload.label
    assert set(data) == {"url", "key", "exp", "flag", "label", "v"}
    assert "=" not in encoded


def test_optional_fields_are_left_out_when_unset():
    payload = LinkPayload(
        url="https://h.example/m/" + manifest_token(), key=b64url_encode(new_key())
    )
    data = json.loads(b64url_decode(encode_link(payload, VIEWER).split("#shlink:/")[1]))
    assert set(data) == {"url", "key", "v"}


@given(
    flag=st.sampled_from(["", "L", "P", "U", "LP", "LU"]),
    label=st.none() | st.text(max_size=80),
    exp=st.none() | st.integers(min_value=0, max_value=10**11 - 1),
)
def test_link_round_trip_for_any_valid_payload(flag, label, exp):
    payload = a_payload(flag=flag, label=label, exp=exp)
    assert decode_link(encode_link(payload, VIEWER)) == payload


def encoded_link(fields: dict) -> str:
    return "shlink:/" + b64url_encode(json.dumps(fields).encode())


def valid_fields(**changes) -> dict:
    return {**a_payload().to_json(), **changes}


@pytest.mark.parametrize(
    ("exp", "seconds"),
    [
        (1704096000, 1704096000),
        ("1704096000", 1704096000),
        (1704096000000, 1704096000),  # milliseconds, a quirk of published examples
        ("1704096000000", 1704096000),  # milliseconds as a string
        (1704096000.0, 1704096000),
    ],
)
def test_exp_in_seconds_or_milliseconds_as_number_or_string(exp, seconds):
    assert decode_link(encoded_link(valid_fields(exp=exp))).exp == seconds


def test_unknown_fields_are_ignored():
    fields = valid_fields(somethingNew={"x": 1}, another="y")
    assert decode_link(encoded_link(fields)) == decode_link(
        encoded_link(valid_fields(**{k: fields[k] for k in ("url", "key", "exp", "flag", "label")}))
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"flag": "PU"},
        {"flag": "UP"},
        {"flag": "PL"},  # not in alphabetical order
        {"flag": "LL"},
        {"flag": "X"},
        {"flag": 1},
        {"label": "x" * 81},
        {"label": 5},
        {"key": "tooshort"},
        {"key": "+" * 43},
        {"key": b64url_encode(new_key()) + "A"},
        {"url": "ftp://example.org/m"},
        {"url": "/relative/manifest"},
        {"url": 42},
        {"v": 2},
        {"v": "1"},
        {"exp": "tomorrow"},
        {"exp": -1},
        {"exp": True},
        {"exp": [1]},
    ],
)
def test_bad_payloads_are_refused_with_a_link_error(fields):
    with pytest.raises(LinkError):
        decode_link(encoded_link(valid_fields(**fields)))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "https://passport.example/view",
        "https://passport.example/view#somewhere",
        "shlink:/",
        "shlink:/not base64!",
        "shlink:/" + b64url_encode(b"not json"),
        "shlink:/" + b64url_encode(b"[1, 2]"),
        "shlink:/" + b64url_encode(b'{"key": "x"}'),
        "shlink:/" + b64url_encode(b"\xff\xfe"),
        "shlink:/" + "A" * 10_000,
    ],
)
def test_bad_links_are_refused_with_a_link_error(text):
    with pytest.raises(LinkError):
        decode_link(text)


def test_links_are_checked_when_written():
    with pytest.raises(LinkError, match="https"):
        encode_link(a_payload(url="http://passport.example.nhs.uk/shl/" + manifest_token()), VIEWER)
    with pytest.raises(LinkError, match="128"):
        encode_link(a_payload(url="https://passport.example.nhs.uk/" + "a" * 100), VIEWER)
    with pytest.raises(LinkError):
        a_payload(flag="PU")
    with pytest.raises(LinkError):
        a_payload(label="x" * 81)
    # http is allowed for a manifest on localhost, as in development and the devtools vectors.
    encode_link(a_payload(url="http://localhost:8090/shl/" + manifest_token()), VIEWER)
