"""Browser tests: the real app served on 127.0.0.1, driven by Debian's Chromium through Playwright,
checked with axe-core for WCAG 2.2 A/AA. Nothing a page loads may come from outside 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, Page, Playwright, Response, sync_playwright
from werkzeug.serving import make_server

from passport.accounts.invitations import grant_carer
from passport.accounts.service import create_user
from passport.db import Database
from passport.records.service import load_record
from tests.conftest import TEST_SECRET, next_code

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOST = "127.0.0.1"
# Schemes that never reach the network: inline images, blobs, the blank page.
NO_NETWORK_SCHEMES = {"data", "blob", "about"}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TIMEOUT_MS = 10_000


# The database of the app being served, for reading a security code as an authenticator would.
_live_app_db: list[Database] = []


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test app served over HTTP on a free port of 127.0.0.1; yields its base URL."""
    _live_app_db[:] = [app.extensions["db"]]
    server = make_server(LOCAL_HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium "
            "(apt-get install -y chromium). Playwright's own browser downloads are not used.",
            pytrace=False,
        )
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _leaves_this_machine(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in NO_NETWORK_SCHEMES:
        return False
    return parts.hostname != LOCAL_HOST


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh context and page per test. Records console errors, uncaught page errors and
    every request (or websocket) to a host other than 127.0.0.1; those requests are blocked,
    and the test fails at teardown if there was any."""
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(TIMEOUT_MS)
    outside_requests: list[str] = []
    console_errors: list[tuple[str, str]] = []
    documents: set[str] = set()

    def block_outside(route):
        if _leaves_this_machine(route.request.url):
            route.abort("blockedbyclient")
        else:
            route.continue_()

    context.route("**/*", block_outside)
    page = context.new_page()

    def on_request(request) -> None:
        if request.is_navigation_request():
            documents.add(request.url)
        if _leaves_this_machine(request.url):
            outside_requests.append(f"{request.method} {request.url}")

    def on_websocket(websocket) -> None:
        if _leaves_this_machine(websocket.url):
            outside_requests.append(f"WEBSOCKET {websocket.url}")

    def on_console(message) -> None:
        if message.type == "error":
            location = message.location or {}
            console_errors.append((message.text, location.get("url", "")))

    def on_page_error(error) -> None:
        console_errors.append((f"uncaught: {error}", ""))

    page.on("request", on_request)
    page.on("websocket", on_websocket)
    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.outside_requests = outside_requests
    page.console_errors = console_errors
    page.documents = documents
    try:
        yield page
    finally:
        context.close()
    if outside_requests:
        pytest.fail(
            "the page tried to load from outside 127.0.0.1:\n  " + "\n  ".join(outside_requests),
            pytrace=False,
        )


def assert_no_console_errors(page: Page) -> None:
    """No console error and no uncaught script error so far (CSP refusals show up here).
    Chromium also logs "Failed to load resource" for a page served with a 4xx status, as the
    sign-in form's 400 and the not-ready page's 403 are on purpose: that line is ignored for the
    page's own document (assert its status in the test), never for what the page loads."""
    errors = [
        f"{text} ({url})" if url else text
        for text, url in page.console_errors
        if not (text.startswith("Failed to load resource") and url in page.documents)
    ]
    assert not errors, "console errors on the page:\n  " + "\n  ".join(errors)


_axe = Axe()


def assert_no_axe_violations(page: Page) -> None:
    """axe-core over the current page, WCAG 2.0/2.1/2.2 A and AA rules; fails listing each one."""
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    violations = results.response["violations"]
    if not violations:
        return
    lines = [f"{len(violations)} axe violation(s) on {page.url}:"]
    for violation in violations:
        targets = [", ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
        more = len(violation["nodes"]) - len(targets)
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f"\n    at {' | '.join(targets)}"
            + (f" (+{more} more)" if more > 0 else "")
            + f"\n    {violation['helpUrl']}"
        )
    pytest.fail("\n".join(lines), pytrace=False)


def make_user(
    db: Database, email: str, password: str, role: str, *, children: tuple[str, ...] = (), **extras
) -> int:
    """An account made through the service, committed; returns its id.
    A nurse needs authority=..., a carer carer_ref=... and the refs of the children their
    councils invited them for (children=...), a care leaver child_ref=...."""
    with db.transaction() as session:
        user = create_user(
            session, email=email, password=password, role=role, app_secret=TEST_SECRET, **extras
        )
        for ref in children:
            record = load_record(session, ref)
            grant_carer(
                session,
                user,
                child_ref=ref,
                authority=record["child"]["responsible_authority"],
                carer_ref=extras["carer_ref"],
                by="test",
            )
        return user.id


def sign_in(page: Page, base_url: str, email: str, password: str) -> Response | None:
    """Fill in and send the sign-in form as a person would; returns the response of the page
    it lands on (after any redirect)."""
    page.goto(f"{base_url}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if page.url.endswith("/sign-in/code"):
        database = _live_app_db[0]
        page.get_by_label("Security code").fill(next_code(database, email))
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
    return navigation.value
