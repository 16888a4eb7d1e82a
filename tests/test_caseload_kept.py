"""Caseload reports kept in the database (issue 17): the nightly job fills them for the day, a
save refreshes the changed record's, and a server that has never seen a record reads the kept
report instead of checking the record in the request, in the same number of queries at any size."""

from __future__ import annotations

import json
import random

import pytest
from sqlalchemy import event, func, select

from passport import jobs
from passport.caseload import service as caseload
from passport.caseload import stored
from passport.caseload.stored import CaseloadReport
from passport.records.service import check_record, import_record
from tests.bench import generated_record
from tests.conftest import FIXTURES, TODAY, load_json


@pytest.fixture(autouse=True)
def fresh_process():
    """Each test starts as a server that has seen nothing (the in-process cache empty)."""
    caseload._REPORTS.clear()
    yield
    caseload._REPORTS.clear()


def test_every_fixtures_report_reads_back_exactly_as_it_was_made(cli, db):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    with db.transaction() as session:
        entries = caseload.build_caseload(session, TODAY)
    assert len(entries) == len(FIXTURES)
    for entry in entries:
        assert stored.loads(*stored.dumps(entry)) == entry, entry.ref


def test_only_the_reports_own_classes_can_be_read_back():
    with pytest.raises(KeyError):
        stored.loads('{"$": "Popen", "args": ["sh"]}')


def kept_rows(db) -> list[tuple[int, object]]:
    with db.transaction() as session:
        return list(session.execute(select(CaseloadReport.version_id, CaseloadReport.as_of)))


def test_the_nightly_job_keeps_every_childs_report_and_drops_older_days(app, cli, db):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    with app.app_context():
        done = jobs.enqueue("caseload.nightly", as_of="2026-11-28")
    assert done == {"children": len(FIXTURES), "old_reports_dropped": 0}
    with app.app_context():
        done = jobs.enqueue("caseload.nightly")  # the next day
    assert done["children"] == len(FIXTURES)
    days = {day for _, day in kept_rows(db)}
    assert days == {TODAY}
    assert done["old_reports_dropped"] >= len(FIXTURES)


def test_a_save_keeps_the_new_versions_report_at_once(app, cli, db, tmp_path):
    daniel = next(p for p in FIXTURES if p.name == "fx-daniel.json")
    assert cli("import", str(daniel)).exit_code == 0
    record = load_json(daniel)
    record["child"]["preferred_name"] = "Dan"
    (tmp_path / "dan.json").write_text(__import__("json").dumps(record))
    assert cli("import", "--replace", str(tmp_path / "dan.json")).exit_code == 0
    with db.transaction() as session:
        newest = session.scalar(
            select(CaseloadReport.entry)
            .order_by(CaseloadReport.version_id.desc())
            .where(CaseloadReport.as_of == TODAY)
        )
    assert newest is not None
    assert stored.loads(newest).preferred_name == "Dan"


def test_a_server_that_never_saw_a_record_reads_the_kept_report_and_checks_nothing(
    app, cli, db, monkeypatch
):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    with app.app_context():
        jobs.enqueue("caseload.nightly")
    with db.transaction() as session:
        made_here = caseload.build_caseload(session, TODAY)
    caseload._REPORTS.clear()

    def no_checking(*args, **kwargs):
        raise AssertionError("a kept report was checked again")

    monkeypatch.setattr(caseload, "entry_for", no_checking)
    with db.transaction() as session:
        read_back = caseload.build_caseload(session, TODAY)
    assert read_back == made_here


def populate(db, first: int, count: int) -> None:
    rng = random.Random(first)
    with db.transaction() as session:
        for i in range(first, first + count):
            import_record(
                session, check_record(generated_record(i, rng), lambda: TODAY), actor="test"
            )


def queries_of_a_first_caseload(db) -> int:
    caseload._REPORTS.clear()
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.transaction() as session:
            entries = caseload.build_caseload(session, TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert entries
    return len(statements)


def test_after_the_nightly_job_a_first_caseload_takes_the_same_queries_at_any_size(app, db):
    populate(db, 0, 20)
    with app.app_context():
        jobs.enqueue("caseload.nightly")
    small = queries_of_a_first_caseload(db)
    populate(db, 20, 80)
    with app.app_context():
        jobs.enqueue("caseload.nightly")
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(CaseloadReport)) == 100
    assert queries_of_a_first_caseload(db) == small


def test_the_nightly_job_keeps_reports_this_process_already_had(app, cli, db):
    """A server whose own cache holds the day's reports (it showed the caseload, then the kept
    rows went) still writes them for the other servers when the nightly job runs there."""
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    with db.transaction() as session:
        caseload.build_caseload(session, TODAY)
        session.execute(CaseloadReport.__table__.delete())
    assert kept_rows(db) == []
    with app.app_context():
        jobs.enqueue("caseload.nightly")
    assert len(kept_rows(db)) == len(FIXTURES)


def test_a_first_caseload_reads_the_detail_only_of_the_rows_a_page_shows(app, cli, db):
    """The first caseload of the day reads every kept report and shows 25: the flags' wording
    and the immunisation status (most of a report) are read for the rows shown, in one query;
    a report nobody read yet still reads back whole on its own when asked."""
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    with app.app_context():
        jobs.enqueue("caseload.nightly")
    with db.transaction() as session:
        made_here = {e.ref: e for e in caseload.build_caseload(session, TODAY)}
    caseload._REPORTS.clear()
    with db.transaction() as session:
        entries = caseload.build_caseload(session, TODAY)
    reports = [e.report for e in entries]
    assert all(isinstance(r, stored.KeptReport) and not r.is_read for r in reports)
    for entry in entries:  # what the list needs reads nothing more
        assert entry.report.codes() == made_here[entry.ref].report.codes()
        assert entry.report.urgency == made_here[entry.ref].report.urgency
    assert not any(r.is_read for r in reports)

    shown, rest = entries[:3], entries[3:]
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.transaction() as session:
            stored.read_details(session, shown)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len([q for q in statements if "caseload_reports" in q]) == 1
    assert all(e.report.is_read for e in shown) and not any(e.report.is_read for e in rest)
    for entry in entries:  # the rest read on their own when asked
        assert entry.report.flags == made_here[entry.ref].report.flags, entry.ref
        assert entry.report.immunisations == made_here[entry.ref].report.immunisations
        assert entry == made_here[entry.ref]


def test_rows_kept_in_the_earlier_tagged_form_still_read_back(cli, db):
    """Reports kept before the flat form (every value tagged, the whole report in the entry)
    still read back whole, so a server upgraded mid-day shows the caseload it showed."""
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    with db.transaction() as session:
        entries = caseload.build_caseload(session, TODAY)
    for entry in entries:
        earlier = json.dumps(stored._encode(entry))
        assert '"$": "CheckReport"' in earlier
        assert stored.loads(earlier) == entry, entry.ref
        flat, _ = stored.dumps(entry)
        assert json.loads(flat)["$"] == stored.FLAT and "$d" not in flat
