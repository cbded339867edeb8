"""Benchmark: the dashboard's overview queries on PostgreSQL with 1,000,000 contacts.

Fills a dedicated database (default ``audit_bench_dashboard`` on the server of
``AUDIT_TEST_PG_URL``/``postgresql://postgres@127.0.0.1:5432/test``) through the Alembic schema
with synthetic agents, contacts and findings using ``COPY``, then times every query the
Overview page runs (KPIs, findings by category, trend by day, breakdowns by team, agency and
creditor, the filter options) for three selections: all time, the last 30 days, and one team.
Target: each query under 1 s. Prints a table and the worst time; exits 1 if over target.

    python benchmarks/dashboard_queries.py                  # 1,000,000 contacts
    python benchmarks/dashboard_queries.py --contacts 100000 --reuse

``--reuse`` keeps an already filled database of the requested size (filling takes minutes).

The load is followed by ``VACUUM ANALYZE``, as autovacuum would do on a live database: the
covering indexes of migration 0003 give index-only scans only once the visibility map is set.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from audit.read.overview import breakdown, filter_options, findings_by_category, overview_kpis, trend_by_day
from audit.read.scope import Filters, Scope
from audit.read.sql import tune_engine
from audit.storage import init_db, make_engine

ADMIN_URL = os.environ.get("AUDIT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
TARGET_S = 1.0
CST = timezone(timedelta(hours=8))
FIRST_DAY = date(2026, 8, 1)
DAYS = 92
CATEGORIES = [  # (category, rule ids, severity, relative frequency)
    ("ABUSE", ["ABUSE-INSULT", "ABUSE-PROFANITY"], "high", 10),
    ("THREAT_VIOLENCE", ["THREAT-HARM"], "critical", 2),
    ("THREAT_THIRD_PARTY", ["THREAT-CONTACTS", "THREAT-EMPLOYER"], "critical", 6),
    ("THIRD_PARTY_DISCLOSURE", ["DISCLOSE-DEBT"], "high", 8),
    ("FALSE_AUTHORITY", ["LEGAL-FALSE", "POLICE-FAKE"], "high", 5),
    ("CASH_OR_CARD_REQUEST", ["PAY-PERSONAL"], "critical", 2),
    ("MISSING_IDENTIFICATION", ["ID-MISSING"], "medium", 20),
    ("VISIT_PROCEDURE", ["VISIT-DOCS"], "medium", 2),
    ("VISIT_STAFFING", ["VISIT-STAFF"], "high", 1),
    ("VISIT_ELIGIBILITY", ["VISIT-DPD"], "high", 1),
    ("CONTACT_HOURS", ["TIME-QUIET"], "medium", 12),
    ("CONTACT_FREQUENCY", ["FREQ-ATTEMPTS"], "medium", 10),
    ("RECORDING_INTEGRITY", ["REC-SHORT"], "low", 6),
]
WEIGHTS = {"low": 5, "medium": 10, "high": 25, "critical": 50}
CONTACT_COLS = ("call_id", "kind", "started_at", "talk_seconds", "outcome", "agent_id", "debtor_id", "team",
                "agency", "creditor", "product", "contact_role", "days_past_due", "status", "score", "passed",
                "finding_count", "audited_at")
FINDING_COLS = ("call_id", "rule_id", "category", "severity", "title", "citation", "start", "end", "evidence",
                "review_status", "created_at")


def database_url(name: str) -> str:
    return sa.engine.make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def create_database(name: str) -> None:
    admin = make_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n "
                             "AND pid <> pg_backend_pid()"), {"n": name})
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def existing_size(name: str) -> int | None:
    admin = make_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
                return None
    finally:
        admin.dispose()
    engine = make_engine(database_url(name))
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM contact")).scalar_one()
    except sa.exc.DBAPIError:
        return None
    finally:
        engine.dispose()


def fill(engine, n_contacts: int, seed: int = 7) -> tuple[int, float]:
    """Write agents, contacts and findings with COPY; returns (findings written, seconds)."""
    rng = random.Random(seed)
    t0 = time.perf_counter()
    agencies = [f"催收机构{i:02d}" for i in range(8)]
    teams = [(f"T{t:02d}组", agencies[t % len(agencies)]) for t in range(40)]
    agents = [(f"A{i:04d}", f"坐席{i:04d}", *teams[i % len(teams)]) for i in range(400)]
    creditors = [("招商银行", "credit_card"), ("平安银行", "credit_card"), ("中信银行", "credit_card"),
                 ("速借花网络小贷", "online_loan"), ("安心分期", "online_loan"), ("易达消费金融", "online_loan")]
    weights = [c[3] for c in CATEGORIES]
    start0 = datetime.combine(FIRST_DAY, datetime.min.time(), CST)
    n_findings = 0
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cur:
            with cur.copy("COPY agent (agent_id, name, team, agency) FROM STDIN") as copy:
                for a in agents:
                    copy.write_row(a)
            contact_sql = f"COPY contact ({', '.join(CONTACT_COLS)}) FROM STDIN"
            # "end" is a reserved word in SQL: quote every column name.
            quoted = ", ".join('"' + c + '"' for c in FINDING_COLS)
            finding_sql = f"COPY finding ({quoted}) FROM STDIN"
            findings_rows: list[tuple] = []
            with cur.copy(contact_sql) as copy:
                for i in range(n_contacts):
                    agent_id, _, team, agency = agents[rng.randrange(len(agents))]
                    creditor, product = creditors[rng.randrange(len(creditors))]
                    kind = "visit" if rng.random() < 0.04 else "call"
                    started = start0 + timedelta(seconds=rng.randrange(DAYS * 86400))
                    r = rng.random()
                    status = "audited" if r < 0.78 else ("no_recording" if r < 0.985 else "failed")
                    call_id = f"b{i:08d}"
                    found = []
                    if status != "failed":
                        k = 0 if rng.random() < 0.6 else rng.choice((1, 1, 1, 2, 2, 3))
                        for _ in range(k):
                            cat, rules, sev, _w = CATEGORIES[rng.choices(range(len(CATEGORIES)), weights)[0]]
                            rs = rng.random()
                            review = "open" if rs < 0.7 else "confirmed" if rs < 0.85 else "dismissed" if rs < 0.97 \
                                else "appealed"
                            found.append((cat, rng.choice(rules), sev, review))
                    counted = [f for f in found if f[3] != "dismissed"]
                    score = None if status == "failed" else max(0.0, 100.0 - sum(WEIGHTS[f[2]] for f in counted))
                    passed = None if status == "failed" else not any(f[2] == "critical" for f in counted)
                    copy.write_row((
                        call_id, kind, started, float(rng.randrange(10, 600)),
                        "no_answer" if status == "no_recording" else "answered", agent_id,
                        f"D{rng.randrange(300000):06d}", team, agency, creditor, product, "debtor",
                        rng.randrange(1, 180), status, score, passed, len(counted), started + timedelta(hours=6),
                    ))
                    for cat, rule_id, sev, review in found:
                        t = round(rng.uniform(0, 300), 2)
                        findings_rows.append((call_id, rule_id, cat, sev, f"{cat} ({rule_id})", "指引", t, t + 3.5,
                                              "……", review, started + timedelta(hours=6)))
            # Findings after contacts: the foreign key needs them.
            with cur.copy(finding_sql) as copy:
                for row in findings_rows:
                    copy.write_row(row)
            n_findings = len(findings_rows)
        raw.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    return n_findings, time.perf_counter() - t0


def prepare_database(name: str, contacts: int, reuse: bool, fill) -> sa.Engine:
    """The benchmark database of ``contacts`` contacts, filled by ``fill(engine, contacts)`` unless
    ``reuse`` finds one of that size; returned as the dashboard configures and starts it (a reused
    database gets new migrations, e.g. 0002's statistics)."""
    url = database_url(name)
    if reuse and existing_size(name) == contacts:
        print(f"reusing {name} with {contacts:,} contacts")
    else:
        create_database(name)
        engine = make_engine(url)
        init_db(engine)
        n_findings, seconds = fill(engine, contacts)
        engine.dispose()
        print(f"filled {name}: {contacts:,} contacts, {n_findings:,} findings in {seconds:.1f} s")
    engine = tune_engine(make_engine(url))
    init_db(engine)
    print(f"load average before timing: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    return engine


def drop_database(name: str) -> None:
    admin = make_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def time_runs(run, repeat: int) -> tuple[list[float], object]:
    """Seconds of each of ``repeat`` runs of ``run()`` and the last result."""
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t)
    return times, result


def over(seconds: float, target: float) -> str:
    return "" if seconds < target else "  OVER TARGET"


def finish(engine, what: str, worst: float, target: float, drop: str | None) -> int:
    """Print the slowest first run, drop the database ``drop`` if given; 0 if within target."""
    engine.dispose()
    print(f"\nslowest {what} query (first run): {worst:.3f} s; target < {target:.1f} s; "
          f"load average after timing: {os.getloadavg()[0]:.2f}")
    if drop:
        drop_database(drop)
    return 0 if worst < target else 1


def overview_queries(conn, scope: Scope, filters: Filters):
    return {
        "overview_kpis": lambda: overview_kpis(conn, scope, filters),
        "findings_by_category": lambda: findings_by_category(conn, scope, filters),
        "trend_by_day": lambda: trend_by_day(conn, scope, filters),
        "breakdown team": lambda: breakdown(conn, scope, filters, "team"),
        "breakdown agency": lambda: breakdown(conn, scope, filters, "agency"),
        "breakdown creditor": lambda: breakdown(conn, scope, filters, "creditor"),
        "filter_options": lambda: filter_options(conn, scope),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--db-name", default="audit_bench_dashboard")
    parser.add_argument("--reuse", action="store_true", help="keep an already filled database of this size")
    parser.add_argument("--repeat", type=int, default=3, help="runs per query; the best and the first are shown")
    parser.add_argument("--drop", action="store_true", help="drop the database afterwards")
    args = parser.parse_args(argv)

    engine = prepare_database(args.db_name, args.contacts, args.reuse, fill)
    last = FIRST_DAY + timedelta(days=DAYS - 1)
    selections = {
        "all time": (Scope(), Filters(start=FIRST_DAY, end=last)),
        "last 30 days": (Scope(), Filters(start=last - timedelta(days=29), end=last)),
        "team lead (1 of 40 teams)": (Scope(team="T07组"), Filters(start=FIRST_DAY, end=last)),
    }
    worst = 0.0
    print(f"\n{'selection':<28}{'query':<22}{'first s':>9}{'best s':>9}")
    with engine.connect() as conn:
        for label, (scope, filters) in selections.items():
            for name, run in overview_queries(conn, scope, filters).items():
                times, _ = time_runs(run, args.repeat)
                worst = max(worst, times[0])
                print(f"{label:<28}{name:<22}{times[0]:>9.3f}{min(times):>9.3f}{over(times[0], TARGET_S)}")
    return finish(engine, "overview", worst, TARGET_S, args.db_name if args.drop else None)


if __name__ == "__main__":
    sys.exit(main())
