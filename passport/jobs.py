"""Background work: on Redis with RQ when `REDIS_URL` is set, inline otherwise (issue 17).

A job is named and takes plain arguments (dates as ISO strings), so it can sit on a queue. With
`REDIS_URL` set, `enqueue` puts it on the `passport` queue, and a standard RQ worker
(`passport worker`) runs it; with none (the `make run` default) `enqueue` runs it at once, so
nothing else is needed to try the product.

Every job is safe to run twice and keeps its writes in one transaction per unit of work (one
document, one batch of links): a worker killed mid-job leaves nothing half made, and RQ retries
the job (it is enqueued with retries, and an abandoned job with retries left is put back on the
queue when a worker next cleans the registries).

The jobs:

* ``documents.rerender``: after a template change, re-make today's cached PDFs that were made
  with an older template, for record versions still current, and drop the old ones.
* ``links.purge_expired``: drop the encrypted files of links that have expired or were revoked
  (nobody can open them any more). The link and its access log stay: who opened a child's
  record is kept as long as the record (ADR 0005).
* ``caseload.nightly``: each record's caseload report for the new day, kept in the database
  for every app server (`passport.caseload.stored`), and the old days' dropped.
* ``caseload.recompute``: a changed record's report, queued when the save commits.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from flask import Flask, current_app
from sqlalchemy import delete, event, or_, select
from sqlalchemy.orm import Session

from passport.caseload import service as caseload
from passport.caseload import stored
from passport.config import Config, on_a_local_file
from passport.documents import service as documents
from passport.documents.models import RenderedDocument
from passport.observability import JOB_QUEUE
from passport.records import models as m
from passport.sharing.models import ShareFile, ShareLink

log = logging.getLogger(__name__)

QUEUE = JOB_QUEUE
RETRIES = 3
RETRY_INTERVALS = [0, 60, 300]  # seconds before each retry: a killed job at once
JOB_TIMEOUT = 30 * 60

JOBS: dict[str, Callable[..., dict[str, int]]] = {}


def job(name: str) -> Callable[[Callable[..., dict[str, int]]], Callable[..., dict[str, int]]]:
    def register(function: Callable[..., dict[str, int]]) -> Callable[..., dict[str, int]]:
        JOBS[name] = function
        return function

    return register


def queue(redis_url: str) -> Any:
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE, connection=Redis.from_url(redis_url))


def enqueue(name: str, app: Flask | None = None, **kwargs: Any) -> dict[str, int] | str:
    """Run job `name` in the background when Redis is configured, else now. Inline, it returns
    what the job did (counts); queued, the job's id."""
    if name not in JOBS:
        raise ValueError(f"unknown job {name!r}")
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    config: Config = app.extensions["passport_config"]
    if not config.redis_url:
        return run(app, name, kwargs)
    from rq import Retry

    queued = queue(config.redis_url).enqueue(
        perform,
        name,
        kwargs,
        retry=Retry(max=RETRIES, interval=RETRY_INTERVALS),
        job_timeout=JOB_TIMEOUT,
        description=name,
    )
    return str(queued.id)


def run(app: Flask, name: str, kwargs: dict[str, Any]) -> dict[str, int]:
    with app.app_context():
        done = JOBS[name](app, **kwargs)
    # Counts only: a job's log line never holds a child's details.
    log.info("job %s done: %s", name, ", ".join(f"{k} {v}" for k, v in sorted(done.items())))
    return done


def worker_app() -> Flask:
    """The app a worker's job runs in, configured from the worker's environment as the
    `passport` command is (ADR 0008)."""
    from passport import create_app

    environ = dict(os.environ)
    return create_app(Config.from_env(environ, instance_secret=on_a_local_file(environ)))


def perform(name: str, kwargs: dict[str, Any]) -> dict[str, int]:
    """What the RQ worker calls: a fresh app in the work-horse process, then the job."""
    app = worker_app()
    try:
        return run(app, name, kwargs)
    finally:
        app.extensions["db"].dispose()


def _today(app: Flask, as_of: str | None) -> date:
    return date.fromisoformat(as_of) if as_of else app.extensions["passport_config"].today()


@job("documents.rerender")
def rerender_documents(app: Flask, as_of: str | None = None) -> dict[str, int]:
    day = _today(app, as_of)
    template = documents.current_template_version()
    db = app.extensions["db"]
    with db.sessions() as session:
        stale = session.execute(
            select(RenderedDocument.id, m.Record.ref, RenderedDocument.document)
            .join(m.RecordVersion, RenderedDocument.version_id == m.RecordVersion.id)
            .join(m.Record, m.RecordVersion.record_id == m.Record.id)
            .where(
                RenderedDocument.template_version != template,
                RenderedDocument.made_on == day,
                RenderedDocument.link_hash == "",
                m.Record.current_version == m.RecordVersion.version,
            )
        ).all()
    made = 0
    for row_id, ref, kind in stale:
        # One document a transaction: the new PDF and the old one's removal together.
        with db.sessions.begin() as session:
            documents.pdf_for(session, ref, kind, day)
            session.execute(delete(RenderedDocument).where(RenderedDocument.id == row_id))
            made += 1
    with db.sessions.begin() as session:
        dropped = session.execute(
            delete(RenderedDocument).where(
                RenderedDocument.template_version != template, RenderedDocument.made_on <= day
            )
        ).rowcount
    return {"remade": made, "dropped": dropped}


@job("links.purge_expired")
def purge_expired_links(app: Flask, now: str | None = None) -> dict[str, int]:
    moment = datetime.fromisoformat(now) if now else datetime.now(UTC)
    db = app.extensions["db"]
    with db.sessions.begin() as session:
        gone = select(ShareLink.id).where(
            or_(ShareLink.expires_at <= moment, ShareLink.revoked_at.is_not(None))
        )
        purged = session.execute(delete(ShareFile).where(ShareFile.link_id.in_(gone))).rowcount
    return {"files_purged": purged}


@job("caseload.nightly")
def caseload_nightly(app: Flask, as_of: str | None = None) -> dict[str, int]:
    day = _today(app, as_of)
    with app.extensions["db"].sessions.begin() as session:
        issued = documents.leaver_summaries_issued(session)
        entries = caseload.build_caseload(session, day, None, issued, from_this_process=False)
        forgotten = stored.forget_before(session, day)
    return {"children": len(entries), "old_reports_dropped": forgotten}


MANY_REFS = 500  # more changed at once (a bulk import): work out every missing report


@job("caseload.recompute")
def caseload_recompute(app: Flask, refs: list[str], as_of: str | None = None) -> dict[str, int]:
    day = _today(app, as_of)
    with app.extensions["db"].sessions.begin() as session:
        issued = documents.leaver_summaries_issued(session)
        query = caseload.current_versions_query()
        if len(refs) <= MANY_REFS:
            query = query.where(m.Record.ref.in_(refs))
        entries = caseload.build_caseload(session, day, query, issued)
    return {"children": len(entries)}


def init_app(app: Flask) -> None:
    """After a save commits, the changed records' caseload reports are worked out again (queued,
    or at once without Redis). A failure here never undoes the save: the caseload works out
    any report it does not find."""

    def _after_commit(session: Session) -> None:
        refs = session.info.pop("changed_refs", None)
        if not refs:
            return
        try:
            enqueue("caseload.recompute", app, refs=sorted(refs))
        except Exception as error:  # noqa: BLE001 - logged; the save stands
            log.warning("caseload.recompute not run (%s)", type(error).__name__)

    event.listen(app.extensions["db"].sessions, "after_commit", _after_commit)
