"""An independent JOSE implementation (jwcrypto, test-only) reads what the product writes,
and the product reads what jwcrypto writes."""

from __future__ import annotations

import json

import pytest
from jwcrypto import jwe as jose_jwe
from jwcrypto import jwk

from passport.sharing.shl import b64url_encode, encrypt_file, new_key
from tests.helpers import jwe_decrypt

PLAINTEXT = json.dumps(
    {"resourceType": "Bundle", "type": "document", "note": "Jordan \u2014 \u064a\u0648\u0633\u0641"}
    | {f"field{i}": "MMR 2012-05-18" for i in range(200)}
).encode("utf-8")


def jose_key(key: bytes) -> jwk.JWK:
    return jwk.JWK(kty="oct", k=b64url_encode(key))


@pytest.mark.parametrize("compress", [True, False])
def test_jwcrypto_decrypts_what_the_product_encrypts(compress):
    key = new_key()
    token = encrypt_file(PLAINTEXT, key, "application/fhir+json", compress=compress)
    reader = jose_jwe.JWE()
    reader.deserialize(token, key=jose_key(key))
    assert reader.payload == PLAINTEXT
    header = json.loads(reader.objects["protected"])
    assert header["cty"] == "application/fhir+json"
    assert header.get("zip") == ("DEF" if compress else None)


def test_jwcrypto_refuses_a_product_jwe_under_another_key():
    token = encrypt_file(PLAINTEXT, new_key(), "application/fhir+json")
    with pytest.raises(jose_jwe.InvalidJWEData):
        jose_jwe.JWE().deserialize(token, key=jose_key(new_key()))


@pytest.mark.parametrize("compress", [True, False])
def test_the_product_decrypts_what_jwcrypto_encrypts(compress):
    key = new_key()
    protected = {"alg": "dir", "enc": "A256GCM", "cty": "application/fhir+json"}
    if compress:
        protected["zip"] = "DEF"
    writer = jose_jwe.JWE(PLAINTEXT, protected=json.dumps(protected))
    writer.add_recipient(jose_key(key))
    token = writer.serialize(compact=True)
    header, plaintext = jwe_decrypt(token, key)
    assert plaintext == PLAINTEXT
    assert header == protected
