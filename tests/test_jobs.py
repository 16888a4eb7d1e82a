"""Background work (issue 17): inline without Redis, on a real Redis and a real RQ worker
otherwise; a worker killed mid-job has its job retried and leaves no half-made document."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from passport import create_app, jobs
from passport.db import utcnow
from passport.documents import service as documents
from passport.documents.models import RenderedDocument
from passport.sharing.models import ShareAccess, ShareFile, ShareLink
from tests.conftest import ROOT, TEST_SECRET, TODAY

DANIEL = ROOT / "fixtures" / "fx-daniel.json"
ROSIE = ROOT / "fixtures" / "fx-rosie.json"
OLD_TEMPLATE = "0ld-template"


def cache_documents(db, refs_and_kinds, template=OLD_TEMPLATE) -> None:
    """Today's PDFs, as if made with an older template."""
    with db.transaction() as session:
        for ref, kind in refs_and_kinds:
            documents.pdf_for(session, ref, kind, TODAY)
        session.execute(update(RenderedDocument).values(template_version=template))


def cached(db) -> list[RenderedDocument]:
    with db.transaction() as session:
        return list(session.scalars(select(RenderedDocument).order_by(RenderedDocument.id)))


def assert_whole_pdfs(rows) -> None:
    for row in rows:
        assert len(PdfReader(io.BytesIO(row.pdf)).pages) >= 1


def test_without_redis_a_job_runs_at_once_and_says_what_it_did(app, cli, db):
    assert cli("import", str(DANIEL)).exit_code == 0
    cache_documents(db, [("FX-DANIEL", "passport"), ("FX-DANIEL", "carer-sheet")])
    with app.app_context():
        done = jobs.enqueue("documents.rerender")
    assert done == {"remade": 2, "dropped": 0}
    rows = cached(db)
    assert {r.template_version for r in rows} == {documents.current_template_version()}
    assert sorted(r.document for r in rows) == ["carer-sheet", "passport"]
    assert_whole_pdfs(rows)
    # Run again: nothing is stale, nothing is made twice.
    with app.app_context():
        assert jobs.enqueue("documents.rerender") == {"remade": 0, "dropped": 0}


def test_a_document_of_a_record_that_has_moved_on_is_dropped_not_remade(app, cli, db, tmp_path):
    assert cli("import", str(DANIEL)).exit_code == 0
    cache_documents(db, [("FX-DANIEL", "passport")])
    newer = json.loads(DANIEL.read_text())
    newer["child"]["preferred_name"] = "Dan"
    (tmp_path / "newer.json").write_text(json.dumps(newer))
    replaced = cli("import", str(tmp_path / "newer.json"), "--replace")
    assert replaced.exit_code == 0, replaced.output
    with app.app_context():
        assert jobs.run(app, "documents.rerender", {}) == {"remade": 0, "dropped": 1}
    assert cached(db) == []


def link(session, public_id: str, *, expires_in: timedelta, revoked: bool = False) -> int:
    now = utcnow()
    row = ShareLink(
        public_id=public_id,
        token_hash=public_id.ljust(64, "0"),
        record_ref="FX-DANIEL",
        record_version=1,
        document="passport",
        label="GP",
        created_by="nurse@example.org",
        expires_at=now + expires_in,
        revoked_at=now if revoked else None,
    )
    row.files = [ShareFile(position=0, content_type="application/fhir+json", jwe="x", size=1)]
    row.accesses = [ShareAccess(at=now, recipient="GP surgery", outcome="opened")]
    session.add(row)
    session.flush()
    return row.id


def test_purging_drops_the_files_of_expired_and_revoked_links_and_keeps_their_logs(app, db):
    with db.transaction() as session:
        expired = link(session, "expired", expires_in=timedelta(days=-1))
        revoked = link(session, "revoked", expires_in=timedelta(days=5), revoked=True)
        active = link(session, "active", expires_in=timedelta(days=5))
    with app.app_context():
        assert jobs.enqueue("links.purge_expired") == {"files_purged": 2}
    with db.transaction() as session:
        files = set(session.scalars(select(ShareFile.link_id)))
        logged = set(session.scalars(select(ShareAccess.link_id)))
        links = set(session.scalars(select(ShareLink.id)))
    assert files == {active}
    assert logged == links == {expired, revoked, active}


def test_the_jobs_commands(cli, db):
    listed = cli("jobs", "list")
    assert listed.output.split() == sorted(jobs.JOBS)
    assert cli("import", str(DANIEL)).exit_code == 0
    cache_documents(db, [("FX-DANIEL", "passport")])
    ran = cli("jobs", "run", "documents.rerender")
    assert ran.exit_code == 0, ran.output
    assert "remade 1" in ran.output
    queued = cli("jobs", "enqueue", "links.purge_expired")  # no REDIS_URL: it runs now
    assert queued.exit_code == 0 and "files_purged 0" in queued.output
    refused = cli("worker")
    assert refused.exit_code == 1 and "REDIS_URL is not set" in refused.output


# --- On a real Redis with a real RQ worker -----------------------------------------------


@pytest.fixture
def worker(config, redis_url) -> Iterator[subprocess.Popen]:
    env = {
        **os.environ,
        "DATABASE_URL": config.database_url,
        "PASSPORT_SECRET_KEY": TEST_SECRET,
        "PASSPORT_TODAY": TODAY.isoformat(),
        "REDIS_URL": redis_url,
    }
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "passport"), "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def children_of(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


def wait_for(condition, seconds: float = 60.0, what: str = "") -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_worker_killed_mid_job_has_the_job_retried_and_leaves_no_half_made_document(
    config, cli, db, redis_url, worker
):
    for fixture in (DANIEL, ROSIE):
        assert cli("import", str(fixture)).exit_code == 0
    stale = [(ref, kind) for ref in ("FX-DANIEL", "FX-ROSIE") for kind in documents.KINDS]
    cache_documents(db, stale)
    app = create_app(replace(config, redis_url=redis_url))
    with app.app_context():
        queued = jobs.enqueue("documents.rerender")
    assert isinstance(queued, str)  # queued, not run here
    queue = jobs.queue(redis_url)

    # Kill the process doing the work once it has made at least one document, not all.
    def remade() -> int:
        current = documents.current_template_version()
        return sum(1 for r in cached(db) if r.template_version == current)

    wait_for(lambda: children_of(worker.pid), what="the worker to start the job")
    wait_for(lambda: remade() >= 1, what="the first document")
    horses = children_of(worker.pid)
    assert remade() < len(stale), "the job ended before it could be killed"
    for pid in horses:
        os.kill(pid, signal.SIGKILL)

    from rq.job import Job

    job = Job.fetch(queued, connection=queue.connection)
    wait_for(lambda: job.get_status(refresh=True) == "finished", 120, "the retried job to finish")
    job.refresh()
    assert job.retries_left == jobs.RETRIES - 1  # it was run again after the kill
    rows = cached(db)
    assert sorted((r.version_id, r.document) for r in rows) == sorted(
        {(r.version_id, r.document) for r in rows}
    ), "a document was made twice"
    assert len(rows) == len(stale)
    assert {r.template_version for r in rows} == {documents.current_template_version()}
    assert_whole_pdfs(rows)
    app.extensions["db"].dispose()
