"""Background work: `passport worker` (a standard RQ worker on the `passport` queue) and
`passport jobs` to run or queue one job by hand or from a scheduler (cron, a systemd timer)."""

from __future__ import annotations

import click

from passport import jobs
from passport.cli.app import _config, _db, main


@main.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (for scripts).")
def worker(burst: bool) -> None:
    """Run jobs from the `passport` queue on Redis (REDIS_URL) until stopped."""
    redis_url = _config().redis_url
    if not redis_url:
        raise click.ClickException(
            "REDIS_URL is not set. Without Redis the app runs its jobs itself, and no worker "
            "is needed."
        )
    _db()  # refuse a database whose schema is behind, before taking any job
    from rq import Worker

    queue = jobs.queue(redis_url)
    # The scheduler runs a retry after its interval; the registries are cleaned at start, so
    # a job abandoned by a worker that was killed goes back on the queue.
    Worker([queue], connection=queue.connection).work(burst=burst, with_scheduler=True)


@main.group("jobs")
def jobs_group() -> None:
    """Run or queue the background jobs."""


@jobs_group.command("list")
def list_jobs() -> None:
    """The jobs there are."""
    for name in sorted(jobs.JOBS):
        click.echo(name)


@jobs_group.command("run")
@click.argument("name", type=click.Choice(sorted(jobs.JOBS)))
def run_job(name: str) -> None:
    """Run one job now, in this process, and say what it did."""
    _db()
    done = jobs.run(_current(), name, {})
    click.echo(f"{name}: " + (", ".join(f"{k} {v}" for k, v in sorted(done.items())) or "done"))


@jobs_group.command("enqueue")
@click.argument("name", type=click.Choice(sorted(jobs.JOBS)))
def enqueue_job(name: str) -> None:
    """Put one job on the queue (for a scheduler); without REDIS_URL it runs now."""
    _db()
    done = jobs.enqueue(name)
    if isinstance(done, str):
        click.echo(f"{name}: queued as job {done}")
    else:
        click.echo(f"{name}: " + (", ".join(f"{k} {v}" for k, v in sorted(done.items())) or "done"))


def _current():
    from flask import current_app

    return current_app._get_current_object()  # type: ignore[attr-defined]
