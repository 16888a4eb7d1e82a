"""The FHIR document a link shares: a valid R4 Bundle shaped as an International Patient
Summary, holding only what the young person may see."""

from __future__ import annotations

import base64
import copy
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from passport.records.audience import CARER, STAFF
from passport.sharing.fhir import ips_bundle
from passport.sharing.fhir.resources import NHS_NUMBER_SYSTEM
from passport.sharing.shl import encrypt_file, new_key
from tests.conftest import EXAMPLES, FIXTURES, ROOT, SPEC
from tests.helpers import jwe_decrypt

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TITLE = "My health passport"
XHTML = "{http://www.w3.org/1999/xhtml}"
EMPTY_REASON_SYSTEM = "http://terminology.hl7.org/CodeSystem/list-empty-reason"

JORDAN = SPEC / "examples" / "jordan-typical.json"
YUSUF = ROOT / "fixtures" / "fx-yusuf.json"


def load(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def build(record: dict, **options) -> dict:
    arguments = {"document_title": TITLE, "pdf": PDF, "now": NOW, **options}
    return ips_bundle(record, **arguments)


def resources(bundle: dict, resource_type: str) -> list[dict]:
    return [
        entry["resource"]
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == resource_type
    ]


def composition(bundle: dict) -> dict:
    return bundle["entry"][0]["resource"]


def section(bundle: dict, code_or_text: str) -> dict:
    for candidate in composition(bundle)["section"]:
        codes = [c["code"] for c in candidate["code"].get("coding", [])]
        if code_or_text in codes or candidate["code"].get("text") == code_or_text:
            return candidate
    raise AssertionError(f"no section {code_or_text}")


def parse_div(div: str) -> ET.Element:
    """Parse a narrative the product generated (trusted input) to prove it is well-formed."""
    return ET.fromstring(div)  # noqa: S314


def validate(bundle: dict) -> None:
    """fhir.resources (R4B models) accepts the Bundle and every resource in it."""
    Bundle.model_validate(bundle)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


ALL_RECORDS = [JORDAN, YUSUF, *EXAMPLES, *FIXTURES]


@pytest.mark.parametrize("path", ALL_RECORDS, ids=lambda p: p.name)
def test_every_example_and_fixture_gives_a_valid_r4_bundle(path):
    bundle = build(load(path))
    validate(bundle)
    json.dumps(bundle)  # plain JSON data


@pytest.mark.parametrize("path", ALL_RECORDS, ids=lambda p: p.name)
def test_document_structure(path):
    bundle = build(load(path))
    assert bundle["type"] == "document"
    assert bundle["timestamp"] == "2026-11-20T09:30:00+00:00"
    assert bundle["identifier"]["value"].startswith("urn:uuid:")
    urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert all(url.startswith("urn:uuid:") for url in urls)
    assert len(set(urls)) == len(urls)
    for entry in bundle["entry"]:
        assert entry["fullUrl"] == "urn:uuid:" + entry["resource"]["id"]

    document = composition(bundle)
    assert document["resourceType"] == "Composition"
    assert document["status"] == "final"
    assert document["type"]["coding"] == [
        {"system": "http://loinc.org", "code": "60591-5", "display": "Patient summary Document"}
    ]
    assert document["title"] == TITLE
    assert document["date"] == bundle["timestamp"]
    assert bundle["entry"][1]["resource"]["resourceType"] == "Patient"
    assert document["subject"]["reference"] == bundle["entry"][1]["fullUrl"]

    # Every reference anywhere in the document points at an entry of the Bundle.
    def references(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "reference":
                    yield value
                else:
                    yield from references(value)
        elif isinstance(node, list):
            for item in node:
                yield from references(item)

    assert set(references(bundle)) <= set(urls)
    # And every entry is reachable from the Composition.
    reachable = set(references(document))
    for url in list(reachable):
        entry = next(e for e in bundle["entry"] if e["fullUrl"] == url)
        reachable |= set(references(entry["resource"]))
    assert reachable | {urls[0]} == set(urls)


@pytest.mark.parametrize("path", ALL_RECORDS, ids=lambda p: p.name)
def test_sections_and_their_narratives(path):
    bundle = build(load(path))
    sections = composition(bundle)["section"]
    codes = [c["code"] for s in sections for c in s["code"].get("coding", [])]
    for required in ("48765-2", "10160-0", "11450-4", "11369-6", "10157-6"):
        assert required in codes
    assert any(s["code"].get("text") == "Health assessments" for s in sections)
    for item in sections:
        assert item["text"]["status"] == "generated"
        div = parse_div(item["text"]["div"])  # well-formed XHTML
        assert div.tag == f"{XHTML}div"
        assert "".join(div.itertext()).strip()
        if item.get("entry"):
            assert "emptyReason" not in item
        else:
            (coding,) = item["emptyReason"]["coding"]
            assert coding["system"] == EMPTY_REASON_SYSTEM
            assert coding["code"] in ("nilknown", "unavailable")


def test_jordan_patient():
    bundle = build(load(JORDAN))
    (patient,) = resources(bundle, "Patient")
    assert patient["identifier"] == [{"system": NHS_NUMBER_SYSTEM, "value": "9991000011"}]
    official = next(n for n in patient["name"] if n["use"] == "official")
    usual = next(n for n in patient["name"] if n["use"] == "usual")
    assert official == {"use": "official", "family": "Ellis", "given": ["Jordan"]}
    assert usual["given"] == ["Jordy"]
    assert patient["birthDate"] == "2011-04-12"
    assert patient["gender"] == "male"


def test_yusuf_arabic_script_name_is_kept_as_given():
    record = load(YUSUF)
    bundle = build(record)
    validate(bundle)
    (patient,) = resources(bundle, "Patient")
    assert patient["identifier"][0] == {"system": NHS_NUMBER_SYSTEM, "value": "9995204177"}
    official = next(n for n in patient["name"] if n["use"] == "official")
    assert official["given"] == ["\u064a\u0648\u0633\u0641"]
    assert official["family"] == "\u0627\u0644\u0623\u062d\u0645\u062f"
    assert next(n for n in patient["name"] if n["use"] == "usual")["given"] == ["Yusuf"]
    # Survives encryption and JSON both ways.
    key = new_key()
    plaintext = json.dumps(bundle, ensure_ascii=False).encode("utf-8")
    _, decrypted = jwe_decrypt(encrypt_file(plaintext, key, "application/fhir+json"), key)
    assert json.loads(decrypted) == bundle


def test_yusuf_unknown_immunisation_history_is_said_in_the_narrative():
    bundle = build(load(YUSUF))
    text = section(bundle, "11369-6")["text"]["div"]
    assert "counts as not given" in text
    assert len(section(bundle, "11369-6")["entry"]) == 3


@pytest.mark.parametrize("path", [JORDAN, YUSUF], ids=lambda p: p.name)
def test_every_immunisation_is_there_with_its_date(path):
    record = load(path)
    bundle = build(record)
    immunizations = resources(bundle, "Immunization")
    assert [(i["vaccineCode"]["text"], i["occurrenceDateTime"]) for i in immunizations] == [
        (given["vaccine"], given["date"]) for given in record["immunisations"]
    ]
    for resource, given in zip(immunizations, record["immunisations"], strict=True):
        assert resource["status"] == "completed"
        if "dose" in given:
            [applied] = resource["protocolApplied"]
            assert applied["doseNumberPositiveInt"] == given["dose"]
        else:
            assert "protocolApplied" not in resource
    assert len(section(bundle, "11369-6")["entry"]) == len(record["immunisations"])


def test_jordan_unconsented_family_history_stays_out():
    bundle = build(load(JORDAN))
    histories = resources(bundle, "FamilyMemberHistory")
    assert [h["condition"][0]["code"]["text"] for h in histories] == ["Peanut allergy"]
    assert histories[0]["relationship"]["coding"][0]["code"] == "NMTH"
    assert histories[0]["status"] == "completed"
    # The birth father's diabetes leaves no trace anywhere in the document.
    text = json.dumps(bundle, ensure_ascii=False)
    assert "diabetes" not in text.lower()
    assert "Peanut allergy" in section(bundle, "10157-6")["text"]["div"]


def test_the_family_history_shown_is_the_audiences():
    record = load(JORDAN)
    everything = build(record, audience=STAFF)
    conditions = [
        h["condition"][0]["code"]["text"] for h in resources(everything, "FamilyMemberHistory")
    ]
    assert conditions == ["Peanut allergy", "Type 2 diabetes"]
    for_carer = build(record, audience=CARER)
    assert len(resources(for_carer, "FamilyMemberHistory")) == 1


def test_family_history_kept_out_looks_the_same_as_none_recorded():
    record = load(JORDAN)
    for entry in record["family_history"]:
        entry["consent_to_share_with_young_person"] = False
    nothing_allowed = section(build(record), "10157-6")
    del record["family_history"]
    nothing_recorded = section(build(record), "10157-6")
    assert nothing_allowed == nothing_recorded
    assert nothing_allowed["emptyReason"]["coding"][0]["code"] == "unavailable"


def test_empty_lists_are_nil_known_and_missing_ones_unavailable():
    record = load(JORDAN)  # allergies: [], medications: []
    bundle = build(record)
    for code in ("48765-2", "10160-0"):
        assert section(bundle, code)["emptyReason"]["coding"][0]["code"] == "nilknown"
        assert "entry" not in section(bundle, code)
    del record["allergies"]
    assert section(build(record), "48765-2")["emptyReason"]["coding"][0]["code"] == "unavailable"


def test_problems_medicines_and_allergies_become_resources():
    record = load(YUSUF)
    record["allergies"] = [
        {"substance": "Penicillin", "reaction": "Rash", "severity": "moderate"},
        {"substance": "Latex", "severity": "severe", "recorded_on": "2026-09-10"},
    ]
    bundle = build(record)
    validate(bundle)
    allergies = resources(bundle, "AllergyIntolerance")
    assert [a["code"]["text"] for a in allergies] == ["Penicillin", "Latex"]
    assert allergies[0]["reaction"] == [
        {"manifestation": [{"text": "Rash"}], "severity": "moderate"}
    ]
    (medicine,) = resources(bundle, "MedicationStatement")
    assert medicine["medicationCodeableConcept"]["text"] == "Permethrin 5% cream"
    assert medicine["status"] == "completed"
    assert medicine["effectivePeriod"] == {"start": "2026-07-22", "end": "2026-07-29"}
    conditions = resources(bundle, "Condition")
    assert sorted(c["code"]["text"] for c in conditions) == sorted(
        c["name"] for c in record["conditions"]
    )
    scabies = next(c for c in conditions if c["code"]["text"] == "Scabies")
    assert scabies["clinicalStatus"]["coding"][0]["code"] == "resolved"
    assert scabies["abatementDateTime"] == "2026-08-20"


def test_a_ruled_out_condition_is_refuted():
    bundle = build(load(JORDAN))
    asthma = next(c for c in resources(bundle, "Condition") if c["code"]["text"] == "Asthma")
    assert asthma["verificationStatus"]["coding"][0]["code"] == "refuted"
    assert asthma["clinicalStatus"]["coding"][0]["code"] in ("inactive", "resolved")


def test_assessments_name_who_did_them():
    bundle = build(load(JORDAN))
    impressions = resources(bundle, "ClinicalImpression")
    assert len(impressions) == 7
    practitioners = resources(bundle, "Practitioner")
    assert sorted(p["name"][0]["text"] for p in practitioners) == ["Dr Grace Mensah", "Sam Patel"]
    grace = next(p for p in practitioners if p["name"][0]["text"] == "Dr Grace Mensah")
    assert grace["identifier"] == [
        {"system": "https://fhir.hl7.org.uk/Id/gmc-number", "value": "7012345"}
    ]
    text = section(bundle, "Health assessments")["text"]["div"]
    assert "Community paediatrician" in text
    # Detailed findings and SDQ scores stay out of a shared document.
    assert "Worried about contact with his mum" not in json.dumps(bundle)


def test_the_pdf_travels_as_a_document_reference():
    bundle = build(load(JORDAN))
    (reference,) = resources(bundle, "DocumentReference")
    (content,) = reference["content"]
    attachment = content["attachment"]
    assert attachment["contentType"] == "application/pdf"
    assert attachment["title"] == TITLE
    assert base64.b64decode(attachment["data"], validate=True) == PDF
    assert attachment["size"] == len(PDF)


def test_without_a_pdf_there_is_no_document_reference():
    bundle = build(load(JORDAN), pdf=None)
    validate(bundle)
    assert resources(bundle, "DocumentReference") == []
    assert all(
        s["code"].get("text") != "Printable copy (PDF)" for s in composition(bundle)["section"]
    )


SCRIPT = '<script>alert("x")</script> & <b>bold</b>'


def test_free_text_is_escaped_in_every_narrative():
    record = copy.deepcopy(load(JORDAN))
    record["conditions"][0]["notes"] = SCRIPT
    record["conditions"][1]["name"] = "<script>name</script>"
    record["assessments"][0]["young_person_views"] = SCRIPT
    record["assessments"][0]["findings"]["summary"] = SCRIPT
    record["assessments"][0]["practitioner"]["name"] = "Dr <img src=x onerror=alert(1)>"
    record["family_history"][0]["notes"] = SCRIPT
    record["immunisations"][0]["vaccine"] = "<script>vaccine</script>"
    record["allergies"] = [{"substance": "<script>peanut</script>", "reaction": SCRIPT}]
    record["medications"] = [{"name": "<i>med</i>", "dose": SCRIPT, "reason": "</td></tr>"}]
    bundle = build(record, document_title="<script>title</script>")
    validate(bundle)
    divs = [s["text"]["div"] for s in composition(bundle)["section"]]
    joined = "".join(divs)
    assert "&lt;script&gt;" in joined
    for div in divs:
        tree = parse_div(div)
        tags = {element.tag.removeprefix(XHTML) for element in tree.iter()}
        assert tags <= {"div", "p", "table", "thead", "tbody", "tr", "th", "td"}
        assert "<script" not in div and "<img" not in div and "<b>" not in div and "<i>" not in div
    # The escaped text reads back exactly as given.
    texts = "".join("".join(parse_div(div).itertext()) for div in divs)
    assert SCRIPT in texts and "Dr <img src=x onerror=alert(1)>" in texts
    # In the structured data free text stays plain text, as given.
    ruled_out = next(c for c in resources(bundle, "Condition") if c["code"]["text"] == "Asthma")
    assert ruled_out["note"] == [{"text": SCRIPT}]


def test_control_characters_cannot_break_the_xhtml():
    record = load(JORDAN)
    record["conditions"][0]["notes"] = "bell\x07 and null\x00 here"  # Asthma, ruled out
    div = section(build(record), "11348-0")["text"]["div"]
    assert "bell and null here" in "".join(parse_div(div).itertext())


def test_now_must_be_timezone_aware():
    with pytest.raises(ValueError, match="timezone"):
        build(load(JORDAN), now=datetime(2026, 11, 20, 9, 30))


def test_the_same_inputs_give_the_same_document_apart_from_ids():
    def without_ids(bundle: dict) -> str:
        text = json.dumps(bundle, sort_keys=True)
        for entry in bundle["entry"]:
            text = text.replace(entry["resource"]["id"], "ID")
        return text.replace(bundle["id"], "ID")

    record = load(JORDAN)
    assert without_ids(build(record)) == without_ids(build(record))
    assert record == load(JORDAN)  # the record is not changed


def test_the_gp_practice_is_the_patients_general_practitioner_by_ods_code():
    record = load(FIXTURES[0])
    record.setdefault("contacts", {})["gp"] = {
        "name": "Riverside Surgery",
        "ods_code": "Y99055",
        "phone": "01632 960999",
    }
    bundle = build(record)
    validate(bundle)
    (patient,) = resources(bundle, "Patient")
    [reference] = patient["generalPractitioner"]
    practice = next(
        e["resource"] for e in bundle["entry"] if e["fullUrl"] == reference["reference"]
    )
    assert practice["name"] == "Riverside Surgery"
    assert practice["identifier"] == [
        {"system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "Y99055"}
    ]
    del record["contacts"]["gp"]
    (patient,) = resources(build(record), "Patient")
    assert "generalPractitioner" not in patient


@pytest.mark.parametrize(
    ("status", "code"), [("declined", "PATOBJ"), ("contraindicated", "MEDPREC")]
)
def test_a_dose_not_given_is_a_not_done_immunization_with_its_reason(status, code):
    record = load(JORDAN)
    record["format"] = "lac-health-record/2"
    record["immunisations"].append(
        {
            "vaccine": "MenACWY",
            "date": "2026-05-03",
            "source": "school_programme",
            "status": status,
            "status_reason": "Parent's wish",
            "status_by": "Dr A Example",
        }
    )
    record["assessments"][0]["practitioner"].update(
        registration_body="GMC", registration_number="7654321"
    )
    bundle = build(record)
    Bundle.model_validate(bundle)
    immunizations = resources(bundle, "Immunization")
    not_done = [i for i in immunizations if i["status"] == "not-done"]
    assert len(not_done) == 1 and len(immunizations) == len(record["immunisations"])
    [resource] = not_done
    assert resource["statusReason"] == {
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/v3-ActReason",
                "code": code,
                "display": {"PATOBJ": "patient objection", "MEDPREC": "medical precaution"}[code],
            }
        ],
        "text": "Parent's wish",
    }
    assert resource["occurrenceDateTime"] == "2026-05-03"
    assert {"text": "Decided by Dr A Example"} in resource["note"]
    div = ET.fromstring(section(bundle, "11369-6")["text"]["div"])  # noqa: S314
    narrative = " ".join("".join(div.itertext()).split())
    words = {"declined": "declined", "contraindicated": "not safe to give"}[status]
    assert f"MenACWY - not given: {words} (Parent's wish)" in narrative
    # The /2 register and number give the practitioner's identifier.
    identifiers = [i for p in resources(bundle, "Practitioner") for i in p.get("identifier", [])]
    assert {"system": "https://fhir.hl7.org.uk/Id/gmc-number", "value": "7654321"} in identifiers


DANIEL = ROOT / "fixtures" / "fx-daniel.json"


def test_operations_are_procedures_and_admissions_and_a_and_e_are_encounters():
    """Format /2 hospital episodes: operations in IPS "History of Procedures" (47519-4) as
    Procedure, admissions and A&E in 46240-8 as Encounter; the nurse's notes stay behind."""
    record = load(DANIEL)
    record["hospital_episodes"].append(
        {"kind": "admission", "date": "2024-02-01", "discharged_on": "2024-02-03"}
    )
    bundle = build(record)
    Bundle.model_validate(bundle)
    [operation] = resources(bundle, "Procedure")
    assert operation["status"] == "completed"
    assert operation["code"]["text"] == "Appendix removed (appendicitis)"
    assert operation["performedPeriod"] == {"start": "2025-06-02", "end": "2025-06-04"}
    assert operation["location"]["display"] == "Example General Hospital"
    procedures = section(bundle, "47519-4")
    assert [e["reference"] for e in procedures["entry"]] == [
        e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Procedure"
    ]
    assert "Appendix removed" in procedures["text"]["div"]
    encounters = resources(bundle, "Encounter")
    assert [(e["class"]["code"], e["period"]["start"]) for e in encounters] == [
        ("EMER", "2026-03-14"),
        ("IMP", "2024-02-01"),
    ]
    assert encounters[0]["reasonCode"] == [{"text": "Sprained left wrist playing football"}]
    assert len(section(bundle, "46240-8")["entry"]) == 2
    everything = json.dumps(bundle)
    for episode in record["hospital_episodes"]:
        if episode.get("notes"):
            assert episode["notes"] not in everything


def test_no_hospital_episodes_is_nil_known_and_none_recorded_is_unavailable():
    record = load(DANIEL)
    record["hospital_episodes"] = [{"kind": "emergency_attendance", "date": "2026-03-14"}]
    only_a_and_e = build(record)
    Bundle.model_validate(only_a_and_e)
    assert section(only_a_and_e, "47519-4")["emptyReason"]["coding"][0]["code"] == "nilknown"
    assert "entry" in section(only_a_and_e, "46240-8")
    del record["hospital_episodes"]
    nothing_said = build(record)
    for code in ("47519-4", "46240-8"):
        assert section(nothing_said, code)["emptyReason"]["coding"][0]["code"] == "unavailable"
    record["hospital_episodes"] = []
    for code in ("47519-4", "46240-8"):
        assert section(build(record), code)["emptyReason"]["coding"][0]["code"] == "nilknown"
