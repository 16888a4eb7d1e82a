"""/healthz (the process answers) and /readyz (the database and, when configured, Redis)."""

from __future__ import annotations

import dataclasses
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine

from passport import create_app

UNREACHABLE_DATABASE = "postgresql+psycopg://nobody@127.0.0.1:1/none"
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


@contextmanager
def answering_redis() -> Iterator[str]:
    """A stand-in Redis on a loopback port: +PONG to PING, the RESP3 greeting to HELLO, +OK to
    anything else (the client's name and version)."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    pings: list[int] = []

    def reply(command: list[bytes]) -> bytes:
        name = command[0].upper() if command else b""
        if name == b"PING":
            pings.append(1)
            return b"+PONG\r\n"
        if name == b"HELLO":  # RESP3's greeting: a map saying which protocol is spoken
            return b"%1\r\n+proto\r\n:3\r\n"
        return b"+OK\r\n"

    def serve(connection: socket.socket) -> None:
        with connection:
            lines = connection.makefile("rb")
            while header := lines.readline():
                if not header.startswith(b"*"):
                    continue
                words = []
                for _ in range(int(header[1:])):
                    lines.readline()  # $length
                    words.append(lines.readline().rstrip(b"\r\n"))
                connection.sendall(reply(words))

    def accept() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(connection,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        listener.close()
    assert pings, "the app never sent PING"


@contextmanager
def app_with(config, **changes):
    app = create_app(dataclasses.replace(config, **changes))
    try:
        yield app.test_client()
    finally:
        app.extensions["db"].dispose()


def test_readyz_is_200_when_the_database_answers(client):
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json() == {"status": "ready"}


def test_readyz_is_503_naming_the_database_when_it_cannot_be_reached(config):
    with app_with(config, database_url=UNREACHABLE_DATABASE) as client:
        down = client.get("/readyz")
        assert down.status_code == 503
        assert down.get_json() == {"status": "unavailable", "down": ["database"]}
        assert "nobody" not in down.get_data(as_text=True)  # no URL, user or host
        # Liveness does not look at the database: the process still answers.
        alive = client.get("/healthz")
        assert alive.status_code == 200 and alive.get_data(as_text=True) == "ok"


def test_readyz_recovers_when_the_database_comes_back(app, client):
    database = app.extensions["db"]
    reachable = database.engine
    database.engine = create_engine(UNREACHABLE_DATABASE, connect_args={"connect_timeout": 2})
    try:
        assert client.get("/readyz").status_code == 503
    finally:
        database.engine.dispose()
        database.engine = reachable
    assert client.get("/readyz").status_code == 200


def test_readyz_is_503_naming_redis_when_it_is_configured_and_cannot_be_reached(config):
    with app_with(config, redis_url=UNREACHABLE_REDIS) as client:
        down = client.get("/readyz")
        assert down.status_code == 503
        assert down.get_json() == {"status": "unavailable", "down": ["redis"]}
        assert client.get("/healthz").status_code == 200


def test_readyz_names_both_when_both_are_down(config):
    with app_with(config, database_url=UNREACHABLE_DATABASE, redis_url=UNREACHABLE_REDIS) as c:
        down = c.get("/readyz")
        assert down.status_code == 503 and down.get_json()["down"] == ["database", "redis"]


def test_readyz_is_200_when_redis_answers_ping(config):
    with answering_redis() as url, app_with(config, redis_url=url) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.get_json() == {"status": "ready"}


def test_redis_url_comes_from_the_environment(tmp_path):
    from passport.config import Config

    env = {"PASSPORT_INSTANCE_PATH": str(tmp_path), "PASSPORT_SECRET_KEY": "a secret"}
    assert Config.from_env(env).redis_url is None
    assert Config.from_env({**env, "REDIS_URL": UNREACHABLE_REDIS}).redis_url == UNREACHABLE_REDIS
