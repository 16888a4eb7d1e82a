"""What a link carries: the parts the young person ticked, and nothing of the rest, in the
encrypted bundle itself; who shared it, named in the bundle; the choice stored with the link."""

from __future__ import annotations

import json

import pytest

from passport.sharing import service
from passport.sharing.parts import DEFAULT_PARTS, PARTS
from tests.helpers import daniel_link, read_bundle
from tests.sharing.test_fhir import validate


def make(cli, db, carries, sharer=None):
    made = daniel_link(
        cli, db, document="leaver-summary", label="New GP", carries=carries, sharer=sharer
    )
    return made, read_bundle(made)


def kinds(bundle) -> set[str]:
    return {e["resource"]["resourceType"] for e in bundle["entry"]}


# Each part, and what of Daniel's record only it brings into the bundle.
ONLY_WITH = {
    "allergies_medicines": ({"AllergyIntolerance", "MedicationStatement"}, "Penicillin"),
    "conditions": ({"Condition", "Procedure", "Encounter"}, "Appendix removed"),
    "immunisations": ({"Immunization"}, "MenACWY"),
    "health_checks": ({"ClinicalImpression"}, "Review health assessment"),
    "family_history": ({"FamilyMemberHistory"}, None),
    "gp_sheet": ({"DocumentReference"}, None),
}


@pytest.mark.parametrize("part", sorted(ONLY_WITH))
def test_a_part_left_out_is_not_in_the_encrypted_bundle(cli, db, part):
    types, words = ONLY_WITH[part]
    everything = [p for p in PARTS if p not in ("own_words", "own_part")]
    _, full = make(cli, db, everything)
    assert types <= kinds(full)
    if words:
        assert words in json.dumps(full)
    without = [p for p in everything if p != part]
    if part in ("allergies_medicines", "conditions", "immunisations", "health_checks"):
        without.remove("gp_sheet")  # the printable copy goes only with all four
    made, trimmed = make(cli, db, without)
    assert not types & kinds(trimmed), part
    if words:
        assert words not in json.dumps(trimmed), part
    assert part not in (made.link.parts or "").split()


def test_own_words_go_only_when_chosen(cli, db):
    _, without = make(cli, db, DEFAULT_PARTS)
    notes = [
        n["text"]
        for e in without["entry"]
        if e["resource"]["resourceType"] == "ClinicalImpression"
        for n in e["resource"].get("note", [])
    ]
    assert notes == []
    _, with_words = make(cli, db, [*DEFAULT_PARTS, "own_words"])
    assert "In the young person's own words" in json.dumps(with_words)


@pytest.mark.parametrize(
    ("carries", "message"),
    [
        ([], "Select at least one part of the record to share"),
        (
            ["gp_sheet", "conditions", "immunisations", "health_checks"],
            "The printable copy shows everything, so also tick allergies and medicines, "
            "or untick the printable copy",
        ),
        (
            ["own_words", "family_history"],
            "Own words are part of the health checks, so also tick health checks, "
            "or untick own words",
        ),
        (["everything"], "Choose from the parts listed, not everything"),
    ],
)
def test_a_choice_that_cannot_be_shared_names_the_field(cli, db, carries, message):
    with pytest.raises(service.ShareError) as raised:
        make(cli, db, carries)
    assert (raised.value.field, raised.value.message) == ("carries", message)


def test_the_choice_is_stored_and_read_back_in_words(cli, db):
    made, _ = make(cli, db, ["immunisations", "family_history"])
    assert made.link.parts == "immunisations family_history"
    assert made.link.carries == ["Vaccinations", "Family health history"]
    made.link.parts = None  # a link made before the choice carried everything it could then
    assert made.link.carries == [words for p, words in PARTS.items() if p != "own_part"]


def test_the_bundle_names_who_shared_it(cli, db):
    sharer = service.sharer_for("leaver", None, {"given_name": "Daniel", "preferred_name": "Dan"})
    _, bundle = make(cli, db, DEFAULT_PARTS, sharer)
    composition = bundle["entry"][0]["resource"]
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    named = [a for a in composition["author"] if "display" in a]
    assert [a["display"] for a in named] == ["Daniel, care leaver"]
    assert by_url[named[0]["reference"]]["resourceType"] == "Patient"
    assert composition["title"] == "Care-leaver health summary"
    validate(bundle)

    _, bundle = make(cli, db, DEFAULT_PARTS, service.sharer_for("nurse", "Sam Patel"))
    composition = bundle["entry"][0]["resource"]
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    named = [a for a in composition["author"] if "display" in a]
    assert [a["display"] for a in named] == ["Sam Patel, looked-after children's nurse"]
    assert by_url[named[0]["reference"]] == {
        "resourceType": "Practitioner",
        "id": named[0]["reference"].removeprefix("urn:uuid:"),
        "name": [{"text": "Sam Patel"}],
    }
    validate(bundle)
    assert service.sharer_for("nurse", None).words == "The looked-after children's nurse"
