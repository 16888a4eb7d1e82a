"""Reading every current record takes the same number of queries for 3 children or 60."""

from __future__ import annotations

import json

from passport.records.bulk import current_records
from passport.records.service import check_record, import_record, load_record
from tests.conftest import SPEC, TODAY
from tests.helpers import counting_queries


def add_children(db, n: int, start: int = 0) -> None:
    base = json.loads((SPEC / "examples" / "jordan-typical.json").read_text())
    with db.transaction() as session:
        for i in range(start, start + n):
            record = json.loads(json.dumps(base))
            record["child"]["ref"] = f"BULK-{i}"
            import_record(session, check_record(record, lambda: TODAY), actor="test")


def read_all(db) -> dict[str, dict]:
    with db.transaction() as session:
        return {version.child.ref: record for version, record in current_records(session)}


def test_bulk_read_gives_the_same_records_as_one_by_one(db):
    add_children(db, 3)
    bulk = read_all(db)
    assert sorted(bulk) == ["BULK-0", "BULK-1", "BULK-2"]
    with db.transaction() as session:
        for ref, record in bulk.items():
            assert record == load_record(session, ref)


def test_query_count_does_not_grow_with_the_number_of_children(db):
    add_children(db, 3)
    with counting_queries(db.engine) as few:
        assert len(read_all(db)) == 3
    add_children(db, 57, start=3)
    with counting_queries(db.engine) as many:
        assert len(read_all(db)) == 60
    assert len(many) == len(few)
    assert len(few) <= 20


def test_every_table_of_a_version_is_read_in_bulk_and_by_one_query_each():
    """A table left out would be lazy-loaded once per child: the caseload would slow down
    as it grows (hospital_episodes and health_advice, new in format /2, included)."""
    from sqlalchemy import inspect

    from passport.records import bulk
    from passport.records.models import RecordVersion
    from passport.records.service import VERSION_LOADS

    tables = {r.key for r in inspect(RecordVersion).relationships} - {"record"}
    assert tables == set(bulk._ONE) | set(bulk._MANY)
    loaded = {load.path[1].key for load in VERSION_LOADS}
    assert tables == loaded
