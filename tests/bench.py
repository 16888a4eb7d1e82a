"""`make bench`: speed figures, printed side by side. Not a test: machines here are noisy.

Caseload: the time of `passport caseload` over 1,000 and 10,000 generated children, and the
number of SQL queries each run makes (it must not grow with the number of children).

Sharing links: manifest requests a second under gunicorn (50 clients, wrk) as a share of a
trivial route's on the same server, in paired rounds, against the issue's targets (15% on
PostgreSQL, 25% on SQLite, the median of the rounds). On SQLite always, and on PostgreSQL too
when DATABASE_URL names it (that database is emptied first). Every answer must be a 200 and
every 200 must have exactly one access-log row: otherwise the script exits 1. Missing the
target is a figure, not a failure: the machines here are shared.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import event

# Run as a script (`python tests/bench.py`): the project's root is where `tests` is found.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from passport import create_app  # noqa: E402
from passport.cli import main  # noqa: E402
from passport.config import Config  # noqa: E402
from passport.db import make_engine  # noqa: E402
from passport.migrations import upgrade_to_head  # noqa: E402
from passport.records.service import check_record, import_record  # noqa: E402
from tests.conftest import TEST_SECRET  # noqa: E402

TODAY = date(2026, 11, 25)
# The production command in README.md, less the address.
GUNICORN_ARGS = ["-w", "2", "-k", "gthread", "--threads", "8"]
# Sharing links the manifest rounds spread their requests over.
MANIFEST_LINKS = 8000
ROUNDS = 5


def generated_record(i: int, rng: random.Random) -> dict:
    born = TODAY - timedelta(days=rng.randint(100, 17 * 365))
    entered = born + timedelta(days=rng.randint(0, (TODAY - born).days))
    assessments, day = [], entered + timedelta(days=rng.randint(5, 40))
    n = 0
    while day <= TODAY and n < 8:
        assessments.append(
            {
                "id": f"A{n}",
                "type": "IHA" if n == 0 else "RHA",
                "date": day.isoformat(),
                "practitioner": {
                    "name": "Sam Patel",
                    "role": "LAC nurse",
                    "grade": "Band 7",
                    "registration": "NMC 12A3456E",
                },
                "consent": {"status": rng.choice(["given", "given", "not_recorded"])},
                "sources_consulted": rng.sample(["gp", "carer", "young_person", "camhs"], 2),
                "findings": {"summary": rng.choice(["Growing well.", "No concerns"])},
                "sdq": {
                    "total": rng.randint(5, 25),
                    "completed_by": "carer",
                    "date": day.isoformat(),
                },
                "health_plan": [
                    {
                        "action": "Dental check",
                        "owner": "carer",
                        "status": "open",
                        "due": (day + timedelta(days=90)).isoformat(),
                    }
                ],
            }
        )
        n += 1
        day += timedelta(days=rng.choice([180, 365, 400]))
    return {
        "format": "lac-health-record/1",
        "child": {
            "ref": f"GEN-{i:05d}",
            "given_name": "Child",
            "family_name": f"Number {i}",
            "date_of_birth": born.isoformat(),
            "entered_care": entered.isoformat(),
            "responsible_authority": "Example City Council",
            "unaccompanied_asylum_seeking": rng.random() < 0.05,
        },
        "placements": [
            {
                "start": entered.isoformat(),
                "type": "foster_care",
                "area": rng.choice(["in_area", "out_of_area"]),
                "carer_ref": "FC-1",
            }
        ],
        "contacts": {"gp": {"name": "Riverside Surgery"}} if rng.random() < 0.9 else {},
        "assessments": assessments,
        "immunisations": [
            {
                "vaccine": "MMR",
                "date": (born + timedelta(days=400)).isoformat(),
                "source": "gp_record",
            }
        ]
        if (TODAY - born).days > 400
        else [],
        "dental_checks": [
            (TODAY - timedelta(days=rng.randint(0, min(500, (TODAY - born).days)))).isoformat()
        ],
    }


def populate(app, count: int) -> None:
    rng = random.Random(count)
    db = app.extensions["db"]
    with db.transaction() as session:
        for i in range(count):
            import_record(
                session, check_record(generated_record(i, rng), lambda: TODAY), actor="bench"
            )


class Statements(list):
    listener: object = None


def count_queries(engine):
    statements = Statements()

    def listener(conn, cursor, statement, *a):
        statements.append(statement)

    statements.listener = listener
    event.listen(engine, "before_cursor_execute", listener)
    return statements


def bench_caseload(sizes: list[int]) -> None:
    print("passport caseload (SQLite), first request of the day on a server that has seen")
    print("nothing: with nothing kept (every record checked in the request), and after the")
    print("nightly job kept each report (caseload.stored); then a warm repeat (best of 3)")
    print("(`passport caseload`, which prints every child), and the nurse's caseload page (25")
    print("children shown) on a server that has seen nothing, after the nightly job")
    print(
        f"{'children':>9} {'nothing kept s':>15} {'queries':>8} {'after nightly s':>16} "
        f"{'queries':>8} {'warm s':>8} {'page s':>7} {'queries':>8}"
    )
    from sqlalchemy import delete

    from passport import jobs
    from passport.caseload.stored import CaseloadReport

    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            config = Config(
                database_url=f"sqlite:///{Path(tmp) / 'bench.db'}",
                secret_key=TEST_SECRET,
                fixed_today=TODAY,
                testing=True,
            )
            app = create_app(config)
            db = app.extensions["db"]
            upgrade_to_head(db.engine)
            populate(app, size)
            runner = CliRunner()

            with db.transaction() as session:
                session.execute(delete(CaseloadReport))
            cold, cold_queries = _first_request(runner, app, size)
            with db.transaction() as session:
                session.execute(delete(CaseloadReport))
            with app.app_context():
                jobs.run(app, "caseload.nightly", {"as_of": TODAY.isoformat()})
            kept, kept_queries = _first_request(runner, app, size)
            warm = min(_warm(runner, app) for _ in range(3))
            page, page_queries = _first_page(app)
            print(
                f"{size:>9} {cold:>15.2f} {cold_queries:>8} {kept:>16.2f} {kept_queries:>8} "
                f"{warm:>8.2f} {page:>7.2f} {page_queries:>8}"
            )
            db.dispose()


def _first_request(runner, app, size: int) -> tuple[float, int]:
    """The caseload on a server that has seen nothing yet (its own cache empty)."""
    from passport.caseload import service as caseload_service

    engine = app.extensions["db"].engine
    caseload_service._REPORTS.clear()
    statements = count_queries(engine)
    start = time.perf_counter()
    result = runner.invoke(
        main,
        ["caseload", "--as-of", TODAY.isoformat()],
        obj=ScriptInfo(create_app=lambda: app),
    )
    took = time.perf_counter() - start
    event.remove(engine, "before_cursor_execute", statements.listener)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{size} children")
    return took, len(statements)


def _first_page(app) -> tuple[float, int]:
    """GET /caseload for a signed-in nurse on a server whose own cache is empty (the reports
    kept by the nightly job are read): the first request of the day."""
    from passport.caseload import service as caseload_service
    from tests.helpers import make_nurse, sign_in

    db = app.extensions["db"]
    make_nurse(db)
    client = app.test_client()
    assert sign_in(client).status_code == 302
    caseload_service._REPORTS.clear()
    statements = count_queries(db.engine)
    start = time.perf_counter()
    response = client.get("/caseload")
    took = time.perf_counter() - start
    event.remove(db.engine, "before_cursor_execute", statements.listener)
    assert response.status_code == 200
    assert b"children found" in response.data
    return took, len(statements)


def _warm(runner, app) -> float:
    start = time.perf_counter()
    result = runner.invoke(
        main,
        ["caseload", "--as-of", TODAY.isoformat()],
        obj=ScriptInfo(create_app=lambda app=app: app),
    )
    assert result.exit_code == 0, result.output
    return time.perf_counter() - start


def _best(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def bench_documents() -> None:
    """Rendering the passport: the product's path next to bare WeasyPrint on the same HTML."""
    import json
    import resource
    import tracemalloc

    from weasyprint import HTML

    from passport.config import PROJECT_ROOT
    from passport.documents import content, render
    from passport.documents import service as documents
    from passport.records.service import check_record as check

    records = {
        "typical (Jordan, 7 assessments)": json.loads(
            (
                PROJECT_ROOT
                / "docs"
                / "format"
                / "lac-health-record-1"
                / "examples"
                / "jordan-typical.json"
            ).read_text()
        ),
        "longest fixture (Daniel, 18 years)": json.loads(
            (PROJECT_ROOT / "fixtures" / "fx-daniel.json").read_text()
        ),
    }
    static = (PROJECT_ROOT / "static").as_uri() + "/"
    print()
    print("passport PDF (best of 5 runs, seconds)")
    print(f"{'record':<36} {'product':>8} {'bare WeasyPrint':>16} {'overhead':>9} {'pages':>6}")
    for label, record in records.items():

        def product(record=record):
            return render.render_pdf(content.build("passport", record, TODAY))

        html = render.render_html(content.build("passport", record, TODAY), static_url=static)

        def bare(html=html):
            return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)

        product_s, bare_s = _best(product), _best(bare)
        import io

        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(product())).pages)
        print(
            f"{label:<36} {product_s:>8.3f} {bare_s:>16.3f} "
            f"{(product_s / bare_s - 1) * 100:>8.1f}% {pages:>6}"
        )

    with tempfile.TemporaryDirectory() as tmp:
        config = Config(
            database_url=f"sqlite:///{Path(tmp) / 'docs.db'}", secret_key="bench", fixed_today=TODAY
        )
        app = create_app(config)
        db = app.extensions["db"]
        upgrade_to_head(db.engine)
        daniel = records["longest fixture (Daniel, 18 years)"]
        with db.transaction() as session:
            import_record(session, check(daniel, lambda: TODAY), actor="bench")
        with db.transaction() as session:
            first = _best(
                lambda: documents.pdf_for(session, daniel["child"]["ref"], "passport", TODAY),
                repeat=1,
            )
        # Memory on another day's render (a cache miss), traced separately: tracing slows it.
        tracemalloc.start()
        with db.transaction() as session:
            documents.pdf_for(
                session, daniel["child"]["ref"], "passport", TODAY - timedelta(days=1)
            )
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        def cached():
            with db.transaction() as session:
                assert documents.pdf_for(
                    session, daniel["child"]["ref"], "passport", TODAY
                ).from_cache

        cached_s = _best(cached)
        print(f"{'first download (render + store)':<36} {first:>8.3f}")
        print(f"{'cached download':<36} {cached_s:>8.4f}   ({first / cached_s:,.0f} times faster)")
        print(
            f"peak Python memory while rendering the longest: {peak / 1e6:.1f} MB; "
            f"process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB"
        )
        db.dispose()


def _wrk(
    url: str, script: str | None, seconds: int, connections: int, *args: str
) -> dict[str, float]:
    import re
    import subprocess

    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", script]
    out = subprocess.run(
        [*command, url, *(["--", *args] if args else [])],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out)
    return {
        "rps": rps,
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
        "p99": p99.group(1) if p99 else "?",
    }


def copies_of_link(session, link, count: int) -> list[str]:
    """`count` more plain links sharing `link`'s record and encrypted files, made in two
    statements (making each one would render its PDF); returns their manifest tokens."""
    import hashlib
    import secrets

    from sqlalchemy import insert, text

    from passport.sharing.models import ShareLink
    from passport.sharing.service import new_public_id

    tokens = [secrets.token_urlsafe(32) for _ in range(count)]
    session.execute(
        insert(ShareLink),
        [
            {
                "public_id": new_public_id(),
                "token_hash": hashlib.sha256(token.encode()).hexdigest(),
                "record_ref": link.record_ref,
                "record_version": link.record_version,
                "document": link.document,
                "label": "copy",
                "created_by": "bench",
                "created_at": link.created_at,
                "expires_at": link.expires_at,
                "max_attempts": 5,
                "failed_attempts": 0,
            }
            for token in tokens
        ],
    )
    session.execute(
        text(
            "INSERT INTO share_files (link_id, position, content_type, jwe, size)"
            " SELECT l.id, f.position, f.content_type, f.jwe, f.size"
            " FROM share_links l, share_files f"
            " WHERE f.link_id = :made AND l.id <> :made AND l.label = 'copy'"
            " AND NOT EXISTS (SELECT 1 FROM share_files g WHERE g.link_id = l.id)"
        ),
        {"made": link.id},
    )
    return tokens


# The targets for a manifest with durable logging: its requests a second as a share of
# the trivial route's, under gunicorn with 50 clients, median of paired rounds.
MANIFEST_TARGETS = {"PostgreSQL": 15, "SQLite": 25}


def bench_sharing(
    database_url: str | None, seconds: int = 5, connections: int = 50, rounds_wanted: int = ROUNDS
) -> list[str]:
    """Manifest requests a second under gunicorn next to a trivial route on the same server,
    on `database_url` (a new SQLite file when None). Each round's 200 answers are matched to
    the access log, one row each. Returns the checks that failed (the target is a figure)."""
    import json
    import os
    import shutil
    import socket
    import subprocess

    from passport.config import PROJECT_ROOT
    from passport.db import utcnow
    from passport.records.service import check_record as check
    from passport.sharing import service as sharing

    if shutil.which("wrk") is None:
        print("\nsharing: wrk is not installed (make bench installs it)")
        return []
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'share.db'}"
        app = create_app(Config(database_url=url, secret_key="bench", fixed_today=TODAY))
        db = app.extensions["db"]
        with db.engine.begin() as connection:  # a clean slate on a reused database
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
                connection.exec_driver_sql("CREATE SCHEMA public")
        upgrade_to_head(db.engine)
        record = json.loads(
            (
                PROJECT_ROOT
                / "docs"
                / "format"
                / "lac-health-record-1"
                / "examples"
                / "jordan-typical.json"
            ).read_text()
        )
        with db.transaction() as session:
            import_record(session, check(record, lambda: TODAY), actor="bench")
            made = sharing.make_link(
                session,
                ref="EX-JORDAN",
                document="passport",
                label="bench",
                days=30,
                passcode=None,
                base_url="http://127.0.0.1",
                actor="bench",
                now=utcnow(),
                today=TODAY,
            )
            # Many links with the same ciphertext, so that the per-link polling limit (30 a
            # minute) is not what is measured: enough that no link is asked for 30 times in
            # the minute the rounds take.
            tokens = copies_of_link(session, made.link, MANIFEST_LINKS)
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")  # plan with the links' real numbers
        db.dispose()
        script = Path(tmp) / "manifest.lua"
        answered = Path(tmp) / "answered.txt"
        # Each request names itself (X-Request-ID, and the same as its recipient); the ids of
        # the 200 answers are written to the file given after `--`, to be found in the log.
        script.write_text(
            "local paths = {" + ",".join(f'"/api/shl/{t}"' for t in tokens) + "}\n"
            "local threads = {}\n"
            "setup = function(thread)\n"
            "  table.insert(threads, thread)\n"
            "  thread:set('number', #threads)\n"
            "end\n"
            "local i, prefix, out = 0, nil, nil\n"
            "ok = {}\n"
            "init = function(args)\n"
            "  prefix = 'bench-' .. (args[1] or 'warm') .. '-' .. number .. '-'\n"
            "end\n"
            "request = function()\n"
            "  i = i + 1\n"
            "  local id = prefix .. i\n"
            # Two threads (wrk -t2) taking turns through the links.
            "  return wrk.format('POST', paths[((i * 2 + number) % #paths) + 1],\n"
            "    {['Content-Type'] = 'application/json', ['X-Request-ID'] = id},\n"
            "    '{\"recipient\": \"' .. id .. '\"}')\n"
            "end\n"
            "response = function(status, headers, body)\n"
            "  if status == 200 then ok[#ok + 1] = headers['X-Request-ID'] end\n"
            "end\n"
            "done = function(summary, latency, requests)\n"
            f"  local file = io.open('{answered}', 'w')\n"
            "  for _, thread in ipairs(threads) do\n"
            "    for _, id in ipairs(thread:get('ok')) do file:write(id, '\\n') end\n"
            "  end\n"
            "  file:close()\n"
            "end\n"
        )
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "PASSPORT_SECRET_KEY": "bench",
            "PASSPORT_INSTANCE_PATH": tmp,
        }
        server = subprocess.Popen(
            [
                sys.executable.replace("python", "gunicorn"),
                *GUNICORN_ARGS,
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "wsgi:application",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            # The app's JSON log, a line a request, written (it is part of the cost) unread.
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            base = f"http://127.0.0.1:{port}"
            # A whole uncounted pair first: each worker's first requests are slow, and a
            # one-second warm-up left the first counted trivial round at a quarter of the
            # others' rate (a 84-90% "ratio" that was only the warm-up).
            for warm_up in (base + "/healthz", None):
                _wrk(warm_up or base, None if warm_up else str(script), seconds, connections)
            # Pairs of rounds, the trivial route then the manifest, each pair's ratio taken
            # side by side: this machine is shared, and a neighbour's load moves both.
            rounds = []
            log = make_engine(url)
            for number in range(1, rounds_wanted + 1):
                trivial = _wrk(base + "/healthz", None, seconds, connections)
                manifest = _wrk(base, str(script), seconds, connections, str(number))
                ids = answered.read_text().split()
                manifest["answered_200"] = len(ids)
                manifest["unmatched"] = _unmatched(log, f"bench-{number}-", ids)
                rounds.append((trivial, manifest))
            log.dispose()
        finally:
            server.terminate()
            server.wait(timeout=30)
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    target = MANIFEST_TARGETS[backend]
    ratios = sorted(m["rps"] / t["rps"] * 100 for t, m in rounds)
    print()
    print(
        f"sharing links under gunicorn ({' '.join(GUNICORN_ARGS)}; {connections} clients, "
        f"{seconds} s a round, wrk, {backend}, durable access log)"
    )
    print(
        f"{'round':<6} {'trivial req/s':>14} {'manifest req/s':>15} {'ratio':>7} "
        f"{'manifest p99':>13} {'not 200':>8} {'200s':>7} {'not 1 log row':>14} "
        f"{'trivial not 200':>16}"
    )
    for number, (trivial, manifest) in enumerate(rounds, 1):
        print(
            f"{number:<6} {trivial['rps']:>14.0f} {manifest['rps']:>15.0f} "
            f"{manifest['rps'] / trivial['rps'] * 100:>6.0f}% {manifest['p99']:>13} "
            f"{manifest['non2xx'] + manifest['socket_errors']:>8} "
            f"{manifest['answered_200']:>7} {manifest['unmatched']:>14} "
            f"{trivial['non2xx'] + trivial['socket_errors']:>16}"
        )
    errors = sum(
        m["non2xx"] + m["socket_errors"] + t["non2xx"] + t["socket_errors"] for t, m in rounds
    )
    unmatched = sum(m["unmatched"] for _, m in rounds)
    median = ratios[len(ratios) // 2]
    print(f"answers that were not 200 or failed, over all rounds: {errors}")
    print(f"200 answers without exactly one access-log row, over all rounds: {unmatched}")
    print(
        f"manifest reaches {median:.0f}% of the trivial route (median of {len(rounds)} paired "
        f"rounds; {ratios[0]:.0f}% to {ratios[-1]:.0f}%); target {target}%: "
        f"{'met' if median >= target else 'NOT met'} ({median / target:.2f} times the target)"
    )
    if errors:
        problems.append(f"{backend}: {errors} answers were not 200 or failed")
    if unmatched:
        problems.append(f"{backend}: {unmatched} 200 answers without exactly one log row")
    if not all(m["answered_200"] for _, m in rounds):
        problems.append(f"{backend}: a round had no 200 answer to match with the log")
    return problems


def _unmatched(engine, prefix: str, ids: list[str]) -> int:
    """How many of the requests answered 200 (`ids`, each its own recipient) do not have
    exactly one "opened" row in the access log."""
    from sqlalchemy import text

    with engine.connect() as connection:
        logged = dict(
            connection.execute(
                text(
                    "SELECT recipient, count(*) FROM share_accesses"
                    " WHERE outcome = 'opened' AND recipient LIKE :prefix GROUP BY recipient"
                ),
                {"prefix": prefix + "%"},
            ).all()
        )
    return sum(1 for i in ids if logged.get(i) != 1)


def main_bench(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--only", choices=["caseload", "documents", "sharing"], default=None)
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="paired manifest rounds")
    parser.add_argument("--seconds", type=int, default=5, help="length of a manifest round")
    args = parser.parse_args(argv)
    if args.only in (None, "caseload"):
        bench_caseload([int(s) for s in args.sizes.split(",")])
    if args.only in (None, "documents"):
        bench_documents()
    problems: list[str] = []
    if args.only in (None, "sharing"):
        # SQLite always; PostgreSQL too when DATABASE_URL names it (the database is emptied).
        postgresql = os.environ.get("DATABASE_URL", "")
        for url in (None, *([postgresql] if postgresql.startswith("postgresql") else [])):
            problems += bench_sharing(url, args.seconds, rounds_wanted=args.rounds)
    if problems:
        print("\nFAILED: " + "; ".join(problems))
        sys.exit(1)


if __name__ == "__main__":
    main_bench(sys.argv[1:])
