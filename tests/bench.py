"""`make bench`: speed figures, printed side by side. Not a test: machines here are noisy.

Caseload: the time of `passport caseload` over 1,000 and 10,000 generated children, and the
number of SQL queries each run makes (it must not grow with the number of children).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import event

from passport import create_app
from passport.caseload.service import build_caseload
from passport.cli import main
from passport.config import Config
from passport.migrations import upgrade_to_head
from passport.records.service import check_record, import_record

TODAY = date(2026, 11, 25)


def generated_record(i: int, rng: random.Random) -> dict:
    born = TODAY - timedelta(days=rng.randint(100, 17 * 365))
    entered = born + timedelta(days=rng.randint(0, (TODAY - born).days))
    assessments, day = [], entered + timedelta(days=rng.randint(5, 40))
    n = 0
    while day <= TODAY and n < 8:
        assessments.append({
            "id": f"A{n}", "type": "IHA" if n == 0 else "RHA", "date": day.isoformat(),
            "practitioner": {"name": "Sam Patel", "role": "LAC nurse", "grade": "Band 7",
                             "registration": "NMC 12A3456E"},
            "consent": {"status": rng.choice(["given", "given", "not_recorded"])},
            "sources_consulted": rng.sample(["gp", "carer", "young_person", "camhs"], 2),
            "findings": {"summary": rng.choice(["Growing well.", "No concerns"])},
            "sdq": {"total": rng.randint(5, 25), "completed_by": "carer", "date": day.isoformat()},
            "health_plan": [{"action": "Dental check", "owner": "carer", "status": "open",
                             "due": (day + timedelta(days=90)).isoformat()}],
        })
        n += 1
        day += timedelta(days=rng.choice([180, 365, 400]))
    return {
        "format": "lac-health-record/1",
        "child": {"ref": f"GEN-{i:05d}", "given_name": "Child", "family_name": f"Number {i}",
                  "date_of_birth": born.isoformat(), "entered_care": entered.isoformat(),
                  "responsible_authority": "Example City Council",
                  "unaccompanied_asylum_seeking": rng.random() < 0.05},
        "placements": [{"start": entered.isoformat(), "type": "foster_care",
                        "area": rng.choice(["in_area", "out_of_area"]), "carer_ref": "FC-1"}],
        "contacts": {"gp": {"name": "Riverside Surgery"}} if rng.random() < 0.9 else {},
        "assessments": assessments,
        "immunisations": [{"vaccine": "MMR", "date": (born + timedelta(days=400)).isoformat(),
                           "source": "gp_record"}] if (TODAY - born).days > 400 else [],
        "dental_checks": [(TODAY - timedelta(days=rng.randint(0, min(500, (TODAY - born).days)))).isoformat()],
    }


def populate(app, count: int) -> None:
    rng = random.Random(count)
    db = app.extensions["db"]
    with db.transaction() as session:
        for i in range(count):
            import_record(session, check_record(generated_record(i, rng), lambda: TODAY),
                          actor="bench")


def count_queries(engine):
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *a: statements.append(statement))
    return statements


def bench_caseload(sizes: list[int]) -> None:
    print("passport caseload (SQLite; best of 3 runs)")
    print(f"{'children':>9} {'seconds':>9} {'ms/child':>9} {'SQL queries':>12}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            config = Config(database_url=f"sqlite:///{Path(tmp) / 'bench.db'}",
                            secret_key="bench", fixed_today=TODAY)
            app = create_app(config)
            upgrade_to_head(app.extensions["db"].engine)
            populate(app, size)
            runner = CliRunner()
            best = float("inf")
            for _ in range(3):
                start = time.perf_counter()
                result = runner.invoke(main, ["caseload", "--as-of", TODAY.isoformat()],
                                       obj=ScriptInfo(create_app=lambda app=app: app))
                best = min(best, time.perf_counter() - start)
                assert result.exit_code == 0, result.output
                assert result.output.startswith(f"{size} children")
            statements = count_queries(app.extensions["db"].engine)
            with app.extensions["db"].transaction() as session:
                build_caseload(session, TODAY)
            print(f"{size:>9} {best:>9.2f} {best / size * 1000:>9.3f} {len(statements):>12}")
            app.extensions["db"].dispose()


def main_bench(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000")
    args = parser.parse_args(argv)
    bench_caseload([int(s) for s in args.sizes.split(",")])


if __name__ == "__main__":
    main_bench(sys.argv[1:])
