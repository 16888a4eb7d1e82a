"""The app served on a free port of 127.0.0.1 by a threaded server, and a bounded crowd of
requests fired at it together: for limits that must hold when many requests arrive at once."""

from __future__ import annotations

import http.client
import json
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

from flask import Flask
from werkzeug.serving import make_server

LOCAL_HOST = "127.0.0.1"
TIMEOUT_SECONDS = 60


@contextmanager
def serve(app: Flask) -> Iterator[int]:
    """Serve `app` on 127.0.0.1 (threaded: one thread a request); yields the port."""
    server = make_server(LOCAL_HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="served-app", daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    cookies: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def request(
    port: int,
    method: str,
    path: str,
    *,
    form: dict[str, str] | None = None,
    body: bytes | None = None,
    content_type: str | None = None,
    cookies: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """One request on a connection of its own."""
    connection = http.client.HTTPConnection(LOCAL_HOST, port, timeout=TIMEOUT_SECONDS)
    sent = dict(headers or {})
    if form is not None:
        body = urlencode(form).encode()
        content_type = "application/x-www-form-urlencoded"
    if content_type:
        sent["Content-Type"] = content_type
    if cookies:
        sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    try:
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        data = response.read()
        jar: dict[str, str] = {}
        for value in response.headers.get_all("Set-Cookie") or []:
            parsed = SimpleCookie()
            parsed.load(value)
            jar.update({name: morsel.value for name, morsel in parsed.items()})
        return Reply(response.status, dict(response.headers), data, jar)
    finally:
        connection.close()


def form_token(
    port: int, path: str, cookies: dict[str, str] | None = None
) -> tuple[str, dict[str, str]]:
    """A page's CSRF token and the cookies that go with it."""
    reply = request(port, "GET", path, cookies=cookies)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', reply.text)
    assert match, (path, reply.status)
    return match.group(1), {**(cookies or {}), **reply.cookies}


def all_at_once(count: int, send: Callable[[int], Reply]) -> list[Reply]:
    """`count` requests released together by a barrier, each on its own thread and connection;
    every thread ends within TIMEOUT_SECONDS."""
    barrier = threading.Barrier(count, timeout=TIMEOUT_SECONDS)

    def one(index: int) -> Reply:
        barrier.wait()
        return send(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count), timeout=TIMEOUT_SECONDS * 2))


class Counter:
    """Counts calls to a function (thread-safe) and passes them on."""

    def __init__(self, wrapped: Callable[..., Any]) -> None:
        self.wrapped = wrapped
        self.results: list[Any] = []
        self._lock = threading.Lock()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        result = self.wrapped(*args, **kwargs)
        with self._lock:
            self.results.append(result)
        return result

    @property
    def calls(self) -> int:
        return len(self.results)
