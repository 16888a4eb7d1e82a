"""Bad input is refused whole: the message names the field, and nothing is written."""

from __future__ import annotations

import copy
import io
import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from passport.records.service import RecordRefused, read_limited
from tests.conftest import assert_database_empty


def good_record() -> dict[str, Any]:
    return {
        "format": "lac-health-record/1",
        "child": {
            "ref": "BAD-1",
            "nhs_number": "9991000011",
            "given_name": "Robin",
            "family_name": "Test",
            "date_of_birth": "2012-03-04",
            "entered_care": "2020-05-06",
        },
        "placements": [{"start": "2020-05-06", "type": "foster_care", "area": "in_area"}],
        "assessments": [
            {
                "id": "IHA-2020",
                "type": "IHA",
                "date": "2020-05-20",
                "practitioner": {"name": "Dr Test", "role": "Paediatrician"},
                "young_person_views": "Fine.",
                "findings": {"height_cm": 130},
                "sdq": {"total": 12},
            }
        ],
        "information_requests": [
            {
                "to": "gp",
                "for_assessment": "IHA-2020",
                "sent_on": "2020-05-07",
                "received_on": "2020-05-15",
            }
        ],
        "immunisations": [
            {"vaccine": "MMR", "dose": 1, "date": "2013-03-10", "source": "gp_record"}
        ],
        "conditions": [
            {
                "name": "Eczema",
                "status": "resolved",
                "onset": "2014-01-01",
                "resolved_on": "2016-01-01",
            }
        ],
        "dental_checks": ["2021-01-01"],
    }


def set_at(path: str, value: Any) -> Callable[[dict], None]:
    """A mutation that sets a dotted path (numbers index lists) to value."""

    def mutate(record: dict) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        node: Any = record
        for key in parents:
            node = node[key]
        node[last] = value

    return mutate


def delete_at(path: str) -> Callable[[dict], None]:
    def mutate(record: dict) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        node: Any = record
        for key in parents:
            node = node[key]
        del node[last]

    return mutate


def duplicate_assessment(record: dict) -> None:
    record["assessments"].append(copy.deepcopy(record["assessments"][0]))
    record["assessments"][1]["type"] = "RHA"


def as_json(mutation: Callable[[dict], None]) -> bytes:
    record = good_record()
    mutation(record)
    return json.dumps(record, ensure_ascii=False).encode()


# (case id, file bytes, expected "path: message" fragments)
CASES: list[tuple[str, bytes, list[str]]] = [
    (
        "nhs-number-wrong-checksum",
        as_json(set_at("child.nhs_number", "9991000012")),
        ["child.nhs_number: is not a valid NHS number"],
    ),
    (
        "nhs-number-with-spaces",
        as_json(set_at("child.nhs_number", "999 100 0011")),
        ["child.nhs_number: must be 10 digits"],
    ),
    (
        "impossible-date",
        as_json(set_at("child.date_of_birth", "2012-02-30")),
        ["child.date_of_birth: 2012-02-30 is not a real date"],
    ),
    (
        "date-in-another-format",
        as_json(set_at("assessments.0.date", "20/05/2020")),
        ["assessments[0].date: must be a date written YYYY-MM-DD"],
    ),
    (
        "future-event",
        as_json(set_at("assessments.0.date", "2099-01-01")),
        ["assessments[0].date: must not be in the future"],
    ),
    (
        "entered-care-before-birth",
        as_json(set_at("child.entered_care", "2011-01-01")),
        ["child.entered_care: must be on or after date_of_birth"],
    ),
    (
        "left-care-before-entering",
        as_json(set_at("child.left_care", "2019-01-01")),
        ["child.left_care: must be on or after entered_care"],
    ),
    (
        "placement-ends-before-it-starts",
        as_json(set_at("placements.0.end", "2020-01-01")),
        ["placements[0].end: must be on or after start"],
    ),
    (
        "event-before-birth",
        as_json(set_at("immunisations.0.date", "2011-12-31")),
        ["immunisations[0].date: must not be before the date of birth"],
    ),
    (
        "answer-before-request",
        as_json(set_at("information_requests.0.received_on", "2020-05-01")),
        ["information_requests[0].received_on: must be on or after sent_on"],
    ),
    (
        "resolved-before-onset",
        as_json(set_at("conditions.0.resolved_on", "2013-01-01")),
        ["conditions[0].resolved_on: must be on or after onset"],
    ),
    (
        "unknown-top-level-field",
        as_json(set_at("nickname", "Rob")),
        ["nickname: is not a field of lac-health-record (/1 or /2)"],
    ),
    (
        "unknown-nested-field",
        as_json(set_at("assessments.0.practitioner.mobile", "07700")),
        ["assessments[0].practitioner.mobile: is not a field of lac-health-record (/1 or /2)"],
    ),
    (
        "wrong-format-version",
        as_json(set_at("format", "lac-health-record/3")),
        [
            'format: this file is "lac-health-record/3"; this installation reads '
            "lac-health-record/1 and lac-health-record/2"
        ],
    ),
    ("format-missing", as_json(delete_at("format")), ["format: is required"]),
    (
        "duplicate-assessment-id",
        as_json(duplicate_assessment),
        ['assessments[1].id: "IHA-2020" is already the id of assessments[0]'],
    ),
    (
        "dangling-assessment-reference",
        as_json(set_at("information_requests.0.for_assessment", "NOPE")),
        ['information_requests[0].for_assessment: names no assessment in this record ("NOPE")'],
    ),
    (
        "text-over-its-limit",
        as_json(set_at("assessments.0.young_person_views", "x" * 4001)),
        ["assessments[0].young_person_views: must be at most 4000 characters (this is 4001)"],
    ),
    (
        "name-over-its-limit",
        as_json(set_at("child.given_name", "R" * 201)),
        ["child.given_name: must be at most 200 characters"],
    ),
    (
        "empty-name",
        as_json(set_at("child.given_name", "")),
        ["child.given_name: must not be empty"],
    ),
    (
        "number-as-text",
        as_json(set_at("assessments.0.sdq.total", "12")),
        ["assessments[0].sdq.total: must be a whole number"],
    ),
    (
        "fraction-where-whole-number",
        as_json(set_at("immunisations.0.dose", 1.5)),
        ["immunisations[0].dose: must be a whole number"],
    ),
    (
        "boolean-as-text",
        as_json(set_at("child.interpreter_needed", "yes")),
        ["child.interpreter_needed: must be true or false"],
    ),
    (
        "list-as-text",
        as_json(set_at("dental_checks", "2021-01-01")),
        ["dental_checks: must be a list"],
    ),
    ("object-as-text", as_json(set_at("child", "Robin Test")), ["child: must be an object"]),
    (
        "not-one-of-the-choices",
        as_json(set_at("assessments.0.type", "XHA")),
        ["assessments[0].type: must be one of: IHA, RHA"],
    ),
    (
        "required-field-missing",
        as_json(delete_at("child.given_name")),
        ["child.given_name: is required"],
    ),
    (
        "null-value",
        as_json(set_at("child.preferred_name", None)),
        ["child.preferred_name: must not be null"],
    ),
    (
        "number-out-of-range",
        as_json(set_at("assessments.0.findings.height_cm", 300)),
        ["assessments[0].findings.height_cm: must be more than 20 and at most 250"],
    ),
    ("bad-ref", as_json(set_at("child.ref", "has spaces")), ["child.ref: must be 1 to 64 letters"]),
    (
        "control-character-in-text",
        as_json(set_at("child.family_name", "Te\u0000st")),
        ["child.family_name: holds a control character (U+0000)"],
    ),
    ("truncated-json", as_json(lambda r: None)[:-40], ["$: is not valid JSON"]),
    (
        "json-array",
        b"[" + as_json(lambda r: None) + b"]",
        ["$: must be a JSON object holding one lac-health-record/2 record, not an array"],
    ),
    ("json-string", b'"a record"', ["$: must be a JSON object"]),
    ("empty-file", b"", ["$: the file is empty"]),
    ("only-whitespace", b"  \n\n ", ["$: the file is empty"]),
    (
        "duplicate-key",
        as_json(lambda r: None)[:-1] + b', "format": "lac-health-record/1"}',
        ['$: is not valid: the key "format" appears twice'],
    ),
    (
        "not-utf-8",
        '{"format": "lac-health-record/1", "x": "caf\u00e9"}'.encode("latin-1"),
        ["$: is not UTF-8 text"],
    ),
    (
        "not-a-number",
        as_json(lambda r: None).replace(b'"height_cm": 130', b'"height_cm": NaN'),
        ["$: is not valid JSON (NaN is not a JSON number)"],
    ),
    ("nested-too-deeply", b"[" * 100_000 + b"]" * 100_000, ["$: is nested too deeply"]),
]


def test_there_are_at_least_25_distinct_bad_inputs():
    assert len({case_id for case_id, _, _ in CASES}) == len(CASES) >= 25
    assert len({content for _, content, _ in CASES}) == len(CASES)


def test_the_good_record_itself_imports(cli, tmp_path: Path):
    path = tmp_path / "good.json"
    path.write_bytes(as_json(lambda r: None))
    assert cli("import", str(path)).exit_code == 0


@pytest.mark.parametrize(("content", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(
    cli, db, tmp_path: Path, content: bytes, expected: list[str]
):
    path = tmp_path / "record.json"
    path.write_bytes(content)
    result = cli("import", str(path))
    assert result.exit_code == 1
    for fragment in expected:
        assert f"{path}: {fragment}" in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert_database_empty(db)


def test_every_offending_field_is_named_at_once(cli, db, tmp_path: Path):
    def many(record: dict) -> None:
        record["child"]["nhs_number"] = "9991000012"
        record["assessments"][0]["date"] = "2099-01-01"
        record["immunisations"][0]["source"] = "rumour"
        record["information_requests"][0]["for_assessment"] = "NOPE"

    path = tmp_path / "many.json"
    path.write_bytes(as_json(many))
    result = cli("import", str(path))
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith(str(path))]
    paths = {line.split(": ")[1] for line in lines}
    assert paths == {
        "child.nhs_number",
        "assessments[0].date",
        "immunisations[0].source",
        "information_requests[0].for_assessment",
    }
    assert_database_empty(db)


def test_a_50_mb_file_is_refused_without_being_read_into_memory(cli, db, tmp_path: Path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as handle:
        handle.write(b'{"format": "lac-health-record/1", "x_padding": "')
        handle.truncate(50 * 1024 * 1024)
    tracemalloc.start()
    try:
        result = cli("import", str(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.exit_code == 1
    assert f"{path}: $: the file is larger than 5 MB" in result.stderr
    assert peak < 5 * 1024 * 1024, f"peak {peak} bytes"
    assert_database_empty(db)


def test_a_stream_is_read_no_further_than_the_limit():
    stream = io.BytesIO(b"x" * 1000)
    with pytest.raises(RecordRefused) as refused:
        read_limited(stream, 100)
    assert stream.tell() == 101
    assert "larger than" in str(refused.value)
    assert read_limited(io.BytesIO(b"{}"), 100) == b"{}"


def test_a_missing_file_is_named(cli, tmp_path: Path):
    result = cli("import", str(tmp_path / "nowhere.json"))
    assert result.exit_code == 1
    assert f"{tmp_path / 'nowhere.json'}: $: no such file" in result.stderr


def test_exit_is_zero_only_when_every_file_was_imported(cli, db, tmp_path: Path):
    good = tmp_path / "good.json"
    good.write_bytes(as_json(lambda r: None))
    bad = tmp_path / "bad.json"
    bad.write_bytes(as_json(set_at("child.ref", "BAD-2")).replace(b"2020-05-20", b"2099-05-20"))
    result = cli("import", str(good), str(bad))
    assert result.exit_code == 1
    assert f"{good}: imported BAD-1 as version 1" in result.stdout
    assert "1 of 2 file(s) refused" in result.stderr
    assert cli("export", "BAD-1").exit_code == 0
    assert cli("export", "BAD-2").exit_code == 1


def test_an_existing_ref_is_refused_without_replace(cli, tmp_path: Path):
    path = tmp_path / "good.json"
    path.write_bytes(as_json(lambda r: None))
    assert cli("import", str(path)).exit_code == 0
    again = cli("import", str(path))
    assert again.exit_code == 1
    assert f'{path}: child.ref: a record "BAD-1" already exists; use --replace' in again.stderr
    history = cli("history", "BAD-1")
    assert [line.split()[0] for line in history.stdout.splitlines()[1:]] == ["1"]
