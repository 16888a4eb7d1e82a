"""Logs an operator can search and metrics an operator can scrape, with no health data in
either (issue 17, docs/operations.md).

* Every request gets a request id: the one the proxy in front sent (`X-Request-ID`, when it
  looks like an id) or a new one. It is sent back on the response and carried on every log line
  written while the request runs, so one request's lines can be found together across servers.
* Logs are JSON, one object a line: time (UTC), level, logger, message, request id. A failure
  logs the exception's type and where it was raised, never its message or locals, which can
  hold a child's details. Each request writes one access line with the route's *pattern*
  (`/api/shl/<token>`), never the path itself, so no token reaches a log.
* Metrics, in Prometheus's text format at `/metrics`: request latency by route, manifest
  requests by outcome, document render times, the jobs waiting on the queue. Only the
  addresses in `PASSPORT_METRICS_ALLOW` (loopback by default) may read them; anyone else
  gets a 404, as for any unknown page. Under gunicorn with several workers, set
  `PROMETHEUS_MULTIPROC_DIR` so that every worker's figures are summed (the prometheus_client
  multiprocess mode).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import re
import sys
import time
import traceback
import uuid
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import IO, Any

from flask import Flask, Response, abort, g, has_request_context, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client import REGISTRY as DEFAULT_REGISTRY

REQUEST_ID_HEADER = "X-Request-ID"
_GOOD_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

REQUEST_SECONDS = Histogram(
    "passport_request_seconds",
    "Time to answer a request, by route pattern and method",
    ["route", "method"],
)
RESPONSES = Counter(
    "passport_responses_total", "Responses by route pattern and status", ["route", "status"]
)
MANIFESTS = Counter(
    "passport_manifests_total",
    "Sharing-link manifest requests by outcome",
    ["outcome"],
)
RENDER_SECONDS = Histogram(
    "passport_render_seconds",
    "Time to render a document to PDF",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16),
)

JOB_QUEUE = "passport"  # the RQ queue the jobs go on (`passport.jobs`)
QUEUE_DEPTH = Gauge(
    "passport_job_queue_depth",
    "Jobs waiting on the passport queue (read from Redis when /metrics is asked)",
    multiprocess_mode="max",
)

# What a manifest's status code means (docs/sharing: the SMART Health Links protocol).
MANIFEST_OUTCOMES = {
    200: "served",
    400: "bad_request",
    401: "wrong_passcode",
    404: "not_found",
    429: "throttled",
}
MANIFEST_ENDPOINT = "sharing.manifest"

access_log = logging.getLogger("passport.access")


def request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class JsonFormatter(logging.Formatter):
    """One JSON object a line. Exceptions as type and frames only: their messages and the
    values around them can hold health data."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id(),
        }
        for key in ("route", "method", "status", "duration_ms"):
            if hasattr(record, key):
                line[key] = getattr(record, key)
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, tb = record.exc_info
            line["error"] = kind.__name__
            line["where"] = [
                f"{frame.filename}:{frame.lineno} in {frame.name}"
                for frame in traceback.extract_tb(tb)[-5:]
            ]
        return json.dumps(line, ensure_ascii=False)


def configure_logging(stream: IO[str] | None = None, level: int = logging.INFO) -> logging.Handler:
    """JSON lines on `stream` (standard error) for the app's loggers and gunicorn's error log.
    Called by the process entry points (wsgi.py, the worker), not by the app factory, so a test
    or an embedding program keeps its own logging."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in ("passport", "gunicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers = [h for h in logger.handlers if not isinstance(h.formatter, JsonFormatter)]
        logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = False
    return handler


def _allowed_networks(value: str | None) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    text = value if value is not None else "127.0.0.1/32,::1/128"
    return [ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part]


def _may_scrape(address: str | None, networks: Iterable[Any]) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return DEFAULT_REGISTRY


@contextmanager
def timed_render() -> Any:
    started = time.perf_counter()
    try:
        yield
    finally:
        RENDER_SECONDS.observe(time.perf_counter() - started)


def _read_queue_depth(redis_url: str | None) -> None:
    if not redis_url:
        return
    try:
        from redis import Redis
        from rq import Queue

        QUEUE_DEPTH.set(Queue(JOB_QUEUE, connection=Redis.from_url(redis_url)).count)
    except Exception as error:  # noqa: BLE001 - Redis down: /readyz says so; keep serving
        logging.getLogger(__name__).warning("queue depth not read (%s)", type(error).__name__)


def init_app(app: Flask, metrics_allow: str | None = None, redis_url: str | None = None) -> None:
    networks = _allowed_networks(metrics_allow)

    @app.before_request
    def _start() -> None:
        sent = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = sent if _GOOD_ID.match(sent) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        route = request.url_rule.rule if request.url_rule is not None else "(unmatched)"
        started = g.get("request_started")
        seconds = time.perf_counter() - started if started is not None else 0.0
        REQUEST_SECONDS.labels(route, request.method).observe(seconds)
        RESPONSES.labels(route, str(response.status_code)).inc()
        if request.endpoint == MANIFEST_ENDPOINT and request.method == "POST":
            MANIFESTS.labels(MANIFEST_OUTCOMES.get(response.status_code, "other")).inc()
        if g.get("request_id"):
            response.headers[REQUEST_ID_HEADER] = g.request_id
        access_log.info(
            "%s %s %s",
            request.method,
            route,
            response.status_code,
            extra={
                "route": route,
                "method": request.method,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
            },
        )
        return response

    def metrics() -> Response:
        if not _may_scrape(request.remote_addr, networks):
            abort(404)
        _read_queue_depth(redis_url)
        return Response(generate_latest(_registry()), mimetype=CONTENT_TYPE_LATEST)

    app.add_url_rule("/metrics", "metrics", metrics)
