"""`make load`: two app servers on one PostgreSQL database, a crowd of clients, and failures
made on purpose mid-run. Prints figures; exits 1 when a check fails. Loopback and generated
(synthetic) data only.

It makes a scratch database on the PostgreSQL server of `--admin-url`, starts two gunicorn
instances of `wsgi:application` on it (the same secret, separate instance folders), and sends
every client's requests to the two in turn, so each session crosses from one to the other.

1. One app: a staff sign-in made on one instance works on the other, and is ended on both by
   signing out on one; wrong passcodes for one link, sent to both at once, get no more
   answers than the link's cap.
2. Steady: `--clients` clients for `--seconds` (nurse pages, PDF downloads, sharing-link
   manifests, and saves): no error at all.
3. The same with a gunicorn worker killed (`kill -9`) half-way through, then with the app's
   database connections ended (`pg_terminate_backend`): only requests in flight at that moment
   may fail, and every request started after it is answered.

At the end: every save the app acknowledged is in the database, and every manifest answered
200 has exactly one "opened" row in the access log.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python tests/load.py` as well as `python -m tests.load`
    sys.path.insert(0, str(ROOT))

from passport import create_app  # noqa: E402
from passport.accounts import throttle  # noqa: E402
from passport.accounts.service import create_user, current_code  # noqa: E402
from passport.config import Config  # noqa: E402
from passport.db import utcnow  # noqa: E402
from passport.migrations import upgrade_to_head  # noqa: E402
from passport.records.service import load_current  # noqa: E402
from passport.sharing import parts  # noqa: E402
from passport.sharing import service as sharing  # noqa: E402
from passport.sharing.models import ShareLink  # noqa: E402
from tests.bench import GUNICORN_ARGS, TODAY, copies_of_link, populate  # noqa: E402

SECRET = "load-secret-not-for-production"
PASSWORD = "load test password"
AUTHORITY = "Example City Council"
PASSCODE = "right passcode"
TIMEOUT_SECONDS = 60
# Children whose PDFs the nurses download (rendered once before the phases, then cached).
PDF_CHILDREN = 5
# Plain links the manifest clients spread over: the per-link limit (30 requests a minute) is
# then never what answers.
MANIFEST_LINKS = 4000


# --- the servers ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Instance:
    name: str
    port: int
    process: subprocess.Popen

    def workers(self) -> list[int]:
        """The master's worker processes (its children), read from /proc."""
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return []
        return [int(child) for child in children]


@contextmanager
def gunicorn(name: str, database_url: str, instance_path: Path) -> Iterator[Instance]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PASSPORT_SECRET_KEY": SECRET,
        "PASSPORT_INSTANCE_PATH": str(instance_path),
        "PASSPORT_TODAY": TODAY.isoformat(),
    }
    env.pop("REDIS_URL", None)  # background work inline: this is about the web servers
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            *GUNICORN_ARGS,
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,  # the app's JSON log lines; this script prints its own
    )
    instance = Instance(name, port, process)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if request(instance, "GET", "/healthz").status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit(f"gunicorn {name} did not start")
            time.sleep(0.2)
        yield instance
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- one request ----------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def request(
    instance: Instance,
    method: str,
    path: str,
    *,
    form: dict[str, str] | list[tuple[str, str]] | None = None,
    json_body: bytes | None = None,
    cookies: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """One request on a connection of its own: a request in flight is then exactly one that
    was sent and not yet answered, whatever happens to the server."""
    connection = http.client.HTTPConnection("127.0.0.1", instance.port, timeout=TIMEOUT_SECONDS)
    sent = {"Connection": "close", **(headers or {})}
    body = None
    if form is not None:
        body = urlencode(form).encode()
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    elif json_body is not None:
        body = json_body
        sent["Content-Type"] = "application/json"
    if cookies:
        sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    try:
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        data = response.read()
        reply = Reply(response.status, response.headers, data)
    finally:
        connection.close()
    if cookies is not None:
        for value in reply.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            cookie = rest.split(";", 1)[0]
            if cookie and "Expires=Thu, 01 Jan 1970" not in value:
                cookies[name.strip()] = cookie
            else:
                cookies.pop(name.strip(), None)
    return reply


CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
VERSION = re.compile(r'name="version" type="hidden" value="([^"]*)"')


def csrf_of(reply: Reply) -> str:
    match = CSRF.search(reply.text)
    if not match:
        raise Failure(f"no CSRF token on the page ({reply.status})")
    return match.group(1)


class Failure(Exception):
    """A check of this script that did not hold."""


# --- what the run saw -----------------------------------------------------------------------------


@dataclass
class Outcome:
    kind: str  # page, pdf, manifest, save, link
    instance: str
    started: float
    ended: float
    status: int | None  # None: no answer (the connection failed)
    expected: bool
    error: str = ""


@dataclass
class Run:
    outcomes: list[Outcome] = field(default_factory=list)
    # (ref, allergy substance) and link labels the app acknowledged.
    saved_allergies: list[tuple[str, str]] = field(default_factory=list)
    saved_links: list[tuple[str, str]] = field(default_factory=list)
    manifests_200: list[str] = field(default_factory=list)  # their recipients
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)


class Client:
    """One person at a keyboard (or one reader's app): its own cookies, its requests sent to
    the two instances in turn."""

    def __init__(self, instances: list[Instance], run: Run, offset: int) -> None:
        self.instances = instances
        self.run = run
        self.turn = itertools.count(offset)
        self.cookies: dict[str, str] = {}

    def next_instance(self) -> Instance:
        return self.instances[next(self.turn) % len(self.instances)]

    def send(
        self, kind: str, method: str, path: str, expect: tuple[int, ...], **kw
    ) -> Reply | None:
        instance = self.next_instance()
        started = time.monotonic()
        try:
            reply = request(instance, method, path, cookies=self.cookies, **kw)
        except (OSError, http.client.HTTPException) as error:
            self.run.add(
                Outcome(kind, instance.name, started, time.monotonic(), None, False, repr(error))
            )
            return None
        ok = reply.status in expect
        self.run.add(Outcome(kind, instance.name, started, time.monotonic(), reply.status, ok))
        return reply if ok else None


def sign_in(client: Client, engine, email: str) -> None:
    """Password on one instance, the security code on the other (the pending sign-in is in
    the database). Raises Failure unless signed in."""
    page = request(client.next_instance(), "GET", "/sign-in", cookies=client.cookies)
    reply = request(
        client.next_instance(),
        "POST",
        "/sign-in",
        form={"email": email, "password": PASSWORD, "csrf_token": csrf_of(page)},
        cookies=client.cookies,
    )
    if reply.status != 302 or not reply.headers["Location"].endswith("/sign-in/code"):
        raise Failure(f"password step for {email}: {reply.status}")
    page = request(client.next_instance(), "GET", "/sign-in/code", cookies=client.cookies)
    with engine.sessions() as session:
        code = current_code(session, email, SECRET)
    reply = request(
        client.next_instance(),
        "POST",
        "/sign-in/code",
        form={"code": code, "csrf_token": csrf_of(page)},
        cookies=client.cookies,
    )
    if reply.status != 302:
        raise Failure(f"code step for {email}: {reply.status}")


# --- the clients' work ----------------------------------------------------------------------------


@dataclass
class Plan:
    read_refs: list[str]  # record pages the nurses open
    pdf_refs: list[str]  # children whose PDFs they download
    tokens: list[str]  # plain links for manifests
    token_turn: Iterator[int] = field(default_factory=itertools.count)


def nurse_loop(client: Client, plan: Plan, stop: threading.Event, seed: int) -> None:
    for step in itertools.count(seed):
        if stop.is_set():
            return
        if step % 4 == 0:
            client.send("page", "GET", "/caseload", (200,))
        elif step % 4 == 3:
            ref = plan.pdf_refs[step % len(plan.pdf_refs)]
            client.send("pdf", "GET", f"/children/{ref}/documents/passport.pdf", (200,))
        else:
            ref = plan.read_refs[step % len(plan.read_refs)]
            client.send("page", "GET", f"/children/{ref}", (200,))


def manifest_loop(client: Client, plan: Plan, stop: threading.Event, seed: int) -> None:
    while not stop.is_set():
        token = plan.tokens[next(plan.token_turn) % len(plan.tokens)]
        recipient = f"load {uuid.uuid4().hex}"  # one a request: its log row is findable
        reply = client.send(
            "manifest",
            "POST",
            f"/api/shl/{token}",
            (200,),
            json_body=f'{{"recipient": "{recipient}"}}'.encode(),
        )
        if reply is not None:
            with client.run.lock:
                client.run.manifests_200.append(recipient)


def writer_loop(client: Client, refs: list[str], stop: threading.Event, seed: int) -> None:
    """Saves through the real forms (CSRF token and version from the page), each writer on
    children of its own so that no save meets another's version. One save in five (the second
    first) makes a sharing link instead of adding an allergy."""
    for step in itertools.count(1):
        if stop.is_set():
            return
        ref = refs[step % len(refs)]
        marker = f"Load {seed}-{step} {uuid.uuid4().hex[:8]}"
        if step % 5 == 2:
            page = client.send("page", "GET", f"/children/{ref}/links/new", (200,))
            if page is None:
                continue
            made = client.send(
                "link",
                "POST",
                f"/children/{ref}/links/new",
                (200,),
                form=[
                    ("csrf_token", csrf_of(page)),
                    ("document", "passport"),
                    ("label", marker),
                    ("days", "30"),
                    ("consent", "y"),
                    *(("carries", part) for part in parts.DEFAULT_PARTS),
                ],
            )
            if made is not None and "#shlink:/" in made.text:
                with client.run.lock:
                    client.run.saved_links.append((ref, marker))
            continue
        page = client.send("page", "GET", f"/children/{ref}/add/allergies", (200,))
        if page is None:
            continue
        version = VERSION.search(page.text)
        saved = client.send(
            "save",
            "POST",
            f"/children/{ref}/add/allergies",
            (302,),
            form={
                "csrf_token": csrf_of(page),
                "version": version.group(1) if version else "",
                "substance": marker,
            },
        )
        # Acknowledged: redirected to the child's page (not, say, to the sign-in page).
        if saved is not None and _goes_to_child(saved, ref):
            with client.run.lock:
                client.run.saved_allergies.append((ref, marker))
        elif saved is not None:
            raise Failure(f"a save answered 302 to {saved.headers.get('Location')}")


def _goes_to_child(reply: Reply, ref: str) -> bool:
    return reply.headers.get("Location", "").split("#")[0].endswith(f"/children/{ref}")


# --- the phases -----------------------------------------------------------------------------------


@dataclass
class Event:
    name: str
    started: float
    ended: float
    detail: str


def crowd(
    instances: list[Instance],
    clients: list[tuple[Client, Callable[[threading.Event], None]]],
    seconds: float,
    inject: Callable[[], Event] | None,
) -> Event | None:
    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        futures = [pool.submit(loop, stop) for _, loop in clients]
        try:
            time.sleep(seconds / 2)
            event = inject() if inject else None
            time.sleep(seconds / 2)
        finally:
            stop.set()  # the clients stop, whatever happened to the injection
        for future in futures:
            future.result()  # a client's own bug is raised here, not hidden
    return event


def kill_a_worker(instance: Instance) -> Callable[[], Event]:
    def inject() -> Event:
        workers = instance.workers()
        if not workers:
            raise Failure(f"instance {instance.name} has no worker to kill")
        started = time.monotonic()
        os.kill(workers[0], signal.SIGKILL)
        return Event(
            "kill -9", started, time.monotonic(), f"worker {workers[0]} of {instance.name}"
        )

    return inject


def terminate_connections(admin_url: str, database: str) -> Callable[[], Event]:
    def inject() -> Event:
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=None)
        try:
            with engine.connect() as connection:
                started = time.monotonic()
                ended_count = connection.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                        " WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": database},
                ).scalar_one()
                finished = time.monotonic()
        finally:
            engine.dispose()
        return Event("pg_terminate_backend", started, finished, f"{ended_count} connections")

    return inject


def report(name: str, run: Run, since: int, seconds: float, event: Event | None) -> list[str]:
    """Print the phase's figures; return the checks that failed."""
    outcomes = run.outcomes[since:]
    problems: list[str] = []
    by_kind = Counter(o.kind for o in outcomes)
    bad = [o for o in outcomes if not o.expected]
    fives = [o for o in bad if o.status is not None and o.status >= 500]
    print(
        f"\n{name}: {len(outcomes)} requests in {seconds:.0f} s ({len(outcomes) / seconds:.0f}/s)"
    )
    for kind, count in sorted(by_kind.items()):
        times = sorted(o.ended - o.started for o in outcomes if o.kind == kind)
        print(
            f"  {kind:<9} {count:>7}  median {times[len(times) // 2] * 1000:>6.0f} ms"
            f"  p99 {times[int(len(times) * 0.99)] * 1000:>6.0f} ms"
        )
    statuses = Counter(o.status if o.status is not None else "no answer" for o in bad)
    print(f"  failed: {len(bad)} ({dict(statuses) or 'none'}); 5xx: {len(fives)}")
    if event is None:
        if bad:
            problems.append(f"{name}: {len(bad)} requests failed with no failure made")
            for o in bad[:5]:
                print(f"    {o.kind} on {o.instance}: {o.status} {o.error}")
        return problems
    in_flight = [o for o in bad if o.started <= event.ended and o.ended >= event.started]
    later = [o for o in bad if o not in in_flight]
    after = [o for o in outcomes if o.started > event.ended]
    print(
        f"  {event.name} ({event.detail}): {len(in_flight)} requests in flight failed; "
        f"{len(later)} other failures; {len(after)} requests started after it, "
        f"{sum(o.expected for o in after)} answered as expected"
    )
    if later:
        problems.append(f"{name}: {len(later)} requests failed that were not in flight")
        for o in later[:5]:
            print(f"    {o.kind} on {o.instance}: {o.status} {o.error}")
    for instance in {o.instance for o in outcomes}:
        if not any(o.instance == instance and o.expected for o in after):
            problems.append(f"{name}: instance {instance} answered nothing after {event.name}")
    return problems


# --- the checks of one app ------------------------------------------------------------------------


def one_app_checks(instances: list[Instance], db, run: Run) -> list[str]:
    """A session made on one instance works on the other and ends on both; a passcode's cap
    holds when wrong passcodes reach both instances at once."""
    problems: list[str] = []
    a, b = instances
    client = Client([a, b], run, 0)
    sign_in(client, db, "crossing@example.org")  # password on a, code on b
    on_a = request(a, "GET", "/caseload", cookies=client.cookies).status
    on_b = request(b, "GET", "/caseload", cookies=client.cookies).status
    page = request(b, "GET", "/caseload", cookies=client.cookies)
    request(b, "POST", "/sign-out", form={"csrf_token": csrf_of(page)}, cookies=client.cookies)
    after = request(a, "GET", "/caseload", cookies=client.cookies)
    print("\none app: sign-in made across a and b")
    print(
        f"  caseload on a: {on_a}, on b: {on_b}; signed out on b, then caseload on a: "
        f"{after.status} to {after.headers.get('Location', '-')}"
    )
    if (on_a, on_b) != (200, 200):
        problems.append(f"session: caseload answered {on_a} on a and {on_b} on b")
    if after.status != 302 or "/sign-in" not in after.headers.get("Location", ""):
        problems.append(f"session: after signing out on b, a answered {after.status}")

    with db.transaction() as session:
        made = sharing.make_link(
            session,
            ref="GEN-00000",
            document="passport",
            label="passcode cap",
            days=30,
            passcode=PASSCODE,
            base_url="http://127.0.0.1",
            actor="load",
            now=utcnow(),
            today=TODAY,
        )
        cap = made.link.max_attempts
    token = made.url and sharing_token(made.url)
    tries = 4 * cap

    def wrong(i: int) -> tuple[str, int]:
        instance = instances[i % 2]
        body = f'{{"recipient": "cap {i}", "passcode": "wrong {i}"}}'.encode()
        return instance.name, request(instance, "POST", f"/api/shl/{token}", json_body=body).status

    with ThreadPoolExecutor(max_workers=tries) as pool:
        answers = list(pool.map(wrong, range(tries)))
    right = request(
        a,
        "POST",
        f"/api/shl/{token}",
        json_body=f'{{"recipient": "cap right", "passcode": "{PASSCODE}"}}'.encode(),
    ).status
    with db.transaction() as session:
        failed = session.scalar(
            select(ShareLink.failed_attempts).where(ShareLink.id == made.link.id)
        )
    checked = Counter(answers)
    print(
        f"  {tries} wrong passcodes at once, spread over a and b (cap {cap}): "
        f"{sum(1 for _, s in answers if s == 401)} checked (401: a "
        f"{checked[('a', 401)]}, b {checked[('b', 401)]}), "
        f"{sum(1 for _, s in answers if s == 404)} refused (404); failed_attempts {failed}; "
        f"the right passcode afterwards: {right}"
    )
    if sum(1 for _, s in answers if s == 401) != cap or failed != cap or right != 404:
        problems.append("passcode cap: not exactly the cap of wrong passcodes was checked")
    if any(s not in (401, 404) for _, s in answers):
        problems.append(f"passcode cap: unexpected answers {Counter(s for _, s in answers)}")
    problems += sign_in_limit_across(instances)
    return problems


def sign_in_limit_across(instances: list[Instance]) -> list[str]:
    """Wrong passwords for one account from one address, at once, spread over both instances:
    exactly the limit's cap of them is checked (400), the rest are refused unchecked (429), and
    the right password straight after is refused too (the window is shared, ADR 0006)."""
    cap = throttle.PASSWORD_ACCOUNT_ADDRESS.cap
    tries = 4 * cap
    email = "crossing@example.org"
    ready = []
    for i in range(tries + 1):  # one more, for the right password afterwards
        cookies: dict[str, str] = {}
        instance = instances[i % 2]
        page = request(instance, "GET", "/sign-in", cookies=cookies)
        ready.append((instance, cookies, csrf_of(page)))

    def wrong(i: int) -> tuple[str, int]:
        instance, cookies, token = ready[i]
        form = {"email": email, "password": f"wrong {i}", "csrf_token": token}
        return instance.name, request(
            instance, "POST", "/sign-in", form=form, cookies=cookies
        ).status

    with ThreadPoolExecutor(max_workers=tries) as pool:
        answers = list(pool.map(wrong, range(tries)))
    instance, cookies, token = ready[tries]
    right = request(
        instance,
        "POST",
        "/sign-in",
        form={"email": email, "password": PASSWORD, "csrf_token": token},
        cookies=cookies,
    ).status
    statuses = Counter(status for _, status in answers)
    print(
        f"  {tries} wrong passwords for one account at once, spread over a and b (cap {cap}): "
        f"{statuses[400]} checked (400: a {answers.count(('a', 400))}, b "
        f"{answers.count(('b', 400))}), {statuses[429]} refused unchecked (429); "
        f"the right password afterwards: {right}"
    )
    problems = []
    if statuses[400] != cap or statuses[429] != tries - cap:
        problems.append(f"sign-in limit: answers {dict(statuses)}, cap {cap}")
    if right != 429:
        problems.append(f"sign-in limit: the right password straight after answered {right}")
    return problems


def sharing_token(url: str) -> str:
    import base64
    import json

    encoded = url.split("#shlink:/", 1)[1]
    payload = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    return payload["url"].rsplit("/", 1)[1]


# --- the end: nothing lost ------------------------------------------------------------------------


def final_checks(db, run: Run) -> list[str]:
    problems: list[str] = []
    missing_allergies = []
    with db.transaction() as session:
        current: dict[str, set[str]] = {}
        for ref, marker in run.saved_allergies:
            if ref not in current:
                current[ref] = {
                    a.get("substance", "")
                    for a in load_current(session, ref)[1].get("allergies", [])
                }
            if marker not in current[ref]:
                missing_allergies.append((ref, marker))
        labels = set(session.scalars(select(ShareLink.label)))
        missing_links = [saved for saved in run.saved_links if saved[1] not in labels]
        opened = Counter(
            dict(
                session.execute(
                    text(
                        "SELECT recipient, count(*) FROM share_accesses"
                        " WHERE outcome = 'opened' AND recipient LIKE 'load %' GROUP BY recipient"
                    )
                ).all()
            )
        )
    unmatched = [r for r in run.manifests_200 if opened.get(r) != 1]
    print("\nnothing lost")
    print(
        f"  acknowledged saves: {len(run.saved_allergies)} allergies, {len(run.saved_links)} "
        f"sharing links; missing from the database: {len(missing_allergies)} and "
        f"{len(missing_links)}"
    )
    print(
        f"  manifests answered 200: {len(run.manifests_200)}; without exactly one access-log "
        f"row: {len(unmatched)} (log rows of opens: {sum(opened.values())})"
    )
    if missing_allergies or missing_links:
        problems.append(f"lost writes: {missing_allergies[:3]} {missing_links[:3]}")
    if unmatched:
        problems.append(f"{len(unmatched)} manifests answered 200 without exactly one log row")
    if not run.saved_allergies or not run.saved_links or not run.manifests_200:
        problems.append("the run made no save, no link or no manifest: nothing was checked")
    return problems


# --- set-up ---------------------------------------------------------------------------------------


@contextmanager
def scratch_database(admin_url: str) -> Iterator[tuple[str, str]]:
    """A new, empty database on the server of `admin_url`, dropped afterwards."""
    name = f"passport_load_{os.getpid()}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield name, make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def set_up(database_url: str, children: int, nurses: list[str]) -> tuple[object, Plan]:
    app = create_app(Config(database_url=database_url, secret_key=SECRET, fixed_today=TODAY))
    db = app.extensions["db"]
    upgrade_to_head(db.engine)
    populate(app, children)
    with db.transaction() as session:
        for email in nurses:
            create_user(
                session,
                email=email,
                password=PASSWORD,
                role="nurse",
                authority=AUTHORITY,
                app_secret=SECRET,
            )
        made = sharing.make_link(
            session,
            ref="GEN-00001",
            document="passport",
            label="manifests",
            days=30,
            passcode=None,
            base_url="http://127.0.0.1",
            actor="load",
            now=utcnow(),
            today=TODAY,
        )
        tokens = copies_of_link(session, made.link, MANIFEST_LINKS)
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    refs = [f"GEN-{i:05d}" for i in range(children)]
    return db, Plan(read_refs=refs, pdf_refs=refs[:PDF_CHILDREN], tokens=tokens)


def main_load(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="length of each phase")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--children", type=int, default=300)
    parser.add_argument(
        "--admin-url",
        default=os.environ.get(
            "LOAD_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1/postgres"
        ),
        help="a PostgreSQL server where a scratch database may be made and dropped",
    )
    args = parser.parse_args(argv)
    if args.clients < 10:
        parser.error("--clients must be at least 10")
    writers = max(2, args.clients // 10)
    nurse_clients = (args.clients - writers) // 2
    manifest_clients = args.clients - writers - nurse_clients
    problems: list[str] = []
    run = Run()
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        name, url = stack.enter_context(scratch_database(args.admin_url))
        emails = [f"nurse{i}@example.org" for i in range(nurse_clients + writers)]
        db, plan = set_up(url, args.children, [*emails, "crossing@example.org"])
        stack.callback(db.dispose)
        instances = [
            stack.enter_context(gunicorn(label, url, Path(tmp) / label)) for label in ("a", "b")
        ]
        print(
            f"two gunicorn instances ({' '.join(GUNICORN_ARGS)}) on PostgreSQL {name}; "
            f"{args.children} children; {args.clients} clients: {nurse_clients} nurses on pages "
            f"and PDFs, {manifest_clients} reading manifests, {writers} saving; "
            f"{args.seconds:.0f} s a phase"
        )
        problems += one_app_checks(instances, db, run)

        # Each writer has children of its own (not among the PDFs the nurses download).
        own = plan.read_refs[PDF_CHILDREN:]
        people: list[tuple[Client, Callable[[threading.Event], None]]] = []
        for i, email in enumerate(emails):
            client = Client(instances, run, i)
            sign_in(client, db, email)
            if i < nurse_clients:
                people.append((client, lambda stop, c=client, i=i: nurse_loop(c, plan, stop, i)))
            else:
                mine = own[i - nurse_clients :: writers][:20]
                people.append(
                    (client, lambda stop, c=client, m=mine, i=i: writer_loop(c, m, stop, i))
                )
        for i in range(manifest_clients):
            client = Client(instances, run, i)
            people.append((client, lambda stop, c=client, i=i: manifest_loop(c, plan, stop, i)))
        warm = Client(instances, run, 0)
        warm.cookies = dict(people[0][0].cookies)
        for ref in plan.pdf_refs:  # each PDF rendered once, before anything is timed
            request(
                instances[0], "GET", f"/children/{ref}/documents/passport.pdf", cookies=warm.cookies
            )
        run.outcomes.clear()

        phases: list[tuple[str, Callable[[], Event] | None]] = [
            ("steady", None),
            ("a worker killed", kill_a_worker(instances[0])),
            ("connections ended", terminate_connections(args.admin_url, name)),
        ]
        for phase, inject in phases:
            since = len(run.outcomes)
            started = time.monotonic()
            event = crowd(instances, people, args.seconds, inject)
            problems += report(phase, run, since, time.monotonic() - started, event)
            if inject is not None and phase == "a worker killed":
                workers = len(instances[0].workers())
                print(f"  instance a has {workers} workers again")
                if workers != int(GUNICORN_ARGS[1]):
                    problems.append(f"gunicorn a has {workers} workers after the kill")
        problems += final_checks(db, run)
    print()
    if problems:
        print("FAILED:")
        for problem in problems:
            print(f"  {problem}")
        return 1
    print("every check held")
    return 0


if __name__ == "__main__":
    sys.exit(main_load(sys.argv[1:]))
