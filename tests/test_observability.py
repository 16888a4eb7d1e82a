"""Request ids, JSON logs without health data or tokens, and Prometheus metrics only for the
addresses the operator allows (issue 17)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from dataclasses import replace

import pytest
from prometheus_client import REGISTRY

from passport import create_app, jobs
from passport.documents.content import build
from passport.documents.render import render_pdf
from passport.observability import configure_logging
from tests.conftest import ROOT, TODAY

SECRET_TOKEN = "Zq3vN8sLk2PwX7mR4tYb9cHd"


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """The JSON log the process entry points set up, written to a buffer; the loggers are put
    back afterwards so other tests keep pytest's own capture."""
    saved = {
        name: (list(lg.handlers), lg.propagate, lg.level)
        for name in ("passport", "gunicorn.error")
        for lg in [logging.getLogger(name)]
    }
    buffer = io.StringIO()
    configure_logging(buffer)
    yield buffer
    for name, (handlers, propagate, level) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers, logger.propagate, logger.level = handlers, propagate, level


def parsed(buffer: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


def test_every_response_carries_a_request_id_and_a_good_incoming_one_is_kept(client):
    made = client.get("/healthz").headers["X-Request-ID"]
    assert len(made) == 32 and made.isalnum()
    assert client.get("/healthz").headers["X-Request-ID"] != made
    kept = client.get("/healthz", headers={"X-Request-ID": "edge-7f3a9c21"})
    assert kept.headers["X-Request-ID"] == "edge-7f3a9c21"
    # Anything that is not an id (here, markup) is replaced, never echoed or logged.
    odd = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert "<" not in odd.headers["X-Request-ID"]


def test_logs_are_json_lines_with_the_request_id_and_the_route_pattern_not_the_token(
    client, log_lines
):
    response = client.post(f"/api/shl/{SECRET_TOKEN}", json={"recipient": "GP", "passcode": "x"})
    lines = parsed(log_lines)
    access = [line for line in lines if line["logger"] == "passport.access"]
    assert access, lines
    line = access[-1]
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["route"] == "/api/shl/<token>"
    assert line["method"] == "POST" and line["status"] == response.status_code
    assert isinstance(line["duration_ms"], float)
    assert SECRET_TOKEN not in log_lines.getvalue()


def test_a_failure_logs_its_type_and_place_but_never_its_message(config, log_lines):
    app = create_app(config)

    def broken():
        raise KeyError("Penicillin allergy for Fx-Test Child")

    app.add_url_rule("/broken", "broken", broken)
    response = app.test_client().get("/broken")
    assert response.status_code == 500
    assert b"Traceback" not in response.data
    failure = [line for line in parsed(log_lines) if line.get("error")]
    assert failure and failure[0]["error"] == "KeyError"
    assert any("in broken" in where for where in failure[0]["where"])
    assert failure[0]["request_id"] == response.headers["X-Request-ID"]
    assert "Penicillin" not in log_lines.getvalue()
    app.extensions["db"].dispose()


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_metrics_are_served_to_loopback_and_to_nobody_else(client):
    client.get("/healthz")
    served = client.get("/metrics")
    assert served.status_code == 200
    assert served.mimetype == "text/plain"
    body = served.get_data(as_text=True)
    assert 'passport_request_seconds_bucket{le="0.005",method="GET",route="/healthz"}' in body
    outside = client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert outside.status_code == 404


def test_the_operator_can_allow_a_monitoring_network(config, database):
    app = create_app(replace(config, metrics_allow="10.1.0.0/16"))
    client = app.test_client()
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.2.0.1"}).status_code == 404
    assert client.get("/metrics").status_code == 404  # loopback is no longer on the list
    app.extensions["db"].dispose()


def test_manifests_are_counted_by_outcome(client):
    before = sample("passport_manifests_total", outcome="not_found")
    client.post(f"/api/shl/{SECRET_TOKEN}", json={"recipient": "GP", "passcode": "1234"})
    assert sample("passport_manifests_total", outcome="not_found") == before + 1


def test_document_render_times_are_recorded():
    record = json.loads((ROOT / "fixtures" / "fx-yusuf.json").read_text())
    before = sample("passport_render_seconds_count")
    render_pdf(build("passport", record, TODAY))
    assert sample("passport_render_seconds_count") == before + 1


def test_the_job_queue_depth_is_read_from_redis(config, redis_url):
    app = create_app(replace(config, redis_url=redis_url))
    with app.app_context():
        for _ in range(3):
            jobs.enqueue("links.purge_expired")  # no worker: they wait
    body = app.test_client().get("/metrics").get_data(as_text=True)
    assert "passport_job_queue_depth 3.0" in body
    app.extensions["db"].dispose()
