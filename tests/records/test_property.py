"""Generated valid records round-trip through import and export."""

from __future__ import annotations

import jsonschema
from hypothesis import HealthCheck, given, settings

from passport.records.service import check_record, export_record, import_record
from tests.conftest import TODAY
from tests.helpers import same_data_as_given
from tests.records.strategies import SCHEMA, SCHEMA_2, records

VALIDATOR = jsonschema.Draft202012Validator(
    SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)
VALIDATOR_2 = jsonschema.Draft202012Validator(
    SCHEMA_2, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)
@given(record=records(TODAY))
def test_generated_records_round_trip(db, record):
    VALIDATOR.validate(record)  # the generator really follows the published schema
    loaded = check_record(record, lambda: TODAY)
    with db.transaction() as session:
        done = import_record(session, loaded, actor="hypothesis", replace=True)
    with db.transaction() as session:
        exported = export_record(session, done.ref)
    same_data_as_given(record, exported)  # a /1 record comes back as /2, the same data
    VALIDATOR_2.validate(exported)


@SETTINGS
@given(record=records(TODAY, SCHEMA_2))
def test_generated_version_2_records_round_trip_exactly(db, record):
    VALIDATOR_2.validate(record)
    loaded = check_record(record, lambda: TODAY)
    with db.transaction() as session:
        done = import_record(session, loaded, actor="hypothesis", replace=True)
    with db.transaction() as session:
        exported = export_record(session, done.ref)
    same_data_as_given(record, exported)
