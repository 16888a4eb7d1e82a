"""The copies of the format and the SHL test vectors that the suite reads: vendored, so a clone
runs its tests on its own, and checked against the team's shared folder when it is beside
the clone (it always is in CI)."""

from __future__ import annotations

import json

import jsonschema

from tests.conftest import EXAMPLES, ROOT, SPEC, VECTORS

SHARED = ROOT.parent / "shared"
COPIES = {SPEC: SHARED / "spec", VECTORS / "shl": SHARED / "vectors" / "shl"}


def files_under(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_the_vendored_copies_match_the_shared_folder_when_it_is_there():
    compared = 0
    for copy, original in COPIES.items():
        assert files_under(copy), f"{copy} is empty"
        if original.is_dir():
            assert files_under(copy) == files_under(original), (
                f"{copy} differs from {original}: copy the shared folder's files again"
            )
            compared += 1
    # Where the shared folder is missing (a lone clone), the copies still have to hold
    # together: the examples are valid against the vendored schema.
    schema = json.loads((SPEC / "lac-health-record.schema.json").read_text())
    for example in EXAMPLES:
        jsonschema.validate(json.loads(example.read_text()), schema)
    assert compared in (0, len(COPIES))


def test_nothing_in_the_tests_reads_outside_the_repo():
    for path in (ROOT / "tests").rglob("*.py"):
        if path.name == "test_vendored.py":
            continue
        text = path.read_text()
        assert '"shared"' not in text and "parents[3]" not in text, path
