"""Benchmark: the debtor timeline's queries on PostgreSQL with 1,000,000 contacts.

Fills a dedicated database (default ``audit_bench_timeline`` on the server of
``AUDIT_TEST_PG_URL``/``postgresql://postgres@127.0.0.1:5432/test``) through the Alembic schema
with synthetic agents, cases, contacts (each with its debtor, case and dialled number) and
findings using ``COPY``, then times what the Debtor timeline page runs: finding a debtor by
debtor id, by case id, by phone number in clear and as a masked viewer types it
(``138****5678``), and the timeline itself (every contact with its findings), for an ordinary
debtor (a few contacts) and for the complaint case (a debtor called 300 times by 12 agents of
4 agencies), unscoped and as a team lead. Target: each query under 1 s. Prints a table and the
worst time; exits 1 if over target.

    python benchmarks/timeline_queries.py                   # 1,000,000 contacts
    python benchmarks/timeline_queries.py --contacts 100000 --reuse
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import datetime, timedelta

import sqlalchemy as sa

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from audit.read.scope import Scope
from audit.read.timeline import debtor_timeline, find_debtors
from benchmarks.dashboard_queries import (
    CATEGORIES,
    CST,
    DAYS,
    FIRST_DAY,
    WEIGHTS,
    finish,
    over,
    prepare_database,
    time_runs,
)

TARGET_S = 1.0
DEBTORS = 300_000
COMPLAINT = "D-COMPLAINT"  # the debtor of the complaint: 300 contacts over the period
COMPLAINT_CASE = "K-COMPLAINT"
COMPLAINT_PHONE = "13812345678"
CONTACT_COLS = (
    "call_id",
    "kind",
    "started_at",
    "talk_seconds",
    "outcome",
    "agent_id",
    "case_id",
    "debtor_id",
    "phone",
    "team",
    "agency",
    "creditor",
    "product",
    "contact_role",
    "days_past_due",
    "status",
    "score",
    "passed",
    "finding_count",
    "audited_at",
)
FINDING_COLS = ("call_id", "rule_id", "category", "severity", "title", "citation", "start", "end", "evidence",
                "review_status", "created_at")


def fill(engine, n_contacts: int, seed: int = 11) -> tuple[int, float]:
    """Agents, cases, contacts and findings with COPY; returns (findings written, seconds)."""
    rng = random.Random(seed)
    t0 = time.perf_counter()
    agencies = [f"催收机构{i:02d}" for i in range(8)]
    teams = [(f"T{t:02d}组", agencies[t % len(agencies)]) for t in range(40)]
    agents = [(f"A{i:04d}", f"坐席{i:04d}", *teams[i % len(teams)]) for i in range(400)]
    creditors = [("招商银行", "credit_card"), ("平安银行", "credit_card"), ("速借花网络小贷", "online_loan"),
                 ("安心分期", "online_loan")]
    phones = [f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}" for _ in range(DEBTORS)]
    weights = [c[3] for c in CATEGORIES]
    start0 = datetime.combine(FIRST_DAY, datetime.min.time(), CST)
    complaint_agents = [agents[i] for i in range(0, 400, 34)][:12]  # 12 agents in teams of 4 agencies
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cur:
            with cur.copy("COPY agent (agent_id, name, team, agency) FROM STDIN") as copy:
                for a in agents:
                    copy.write_row(a)
            with cur.copy("COPY \"case\" (case_id, debtor_id, creditor, product) FROM STDIN") as copy:
                for d in range(DEBTORS):
                    creditor, product = creditors[d % len(creditors)]
                    copy.write_row((f"K{d:06d}", f"D{d:06d}", creditor, product))
                copy.write_row((COMPLAINT_CASE, COMPLAINT, "速借花网络小贷", "online_loan"))
            findings_rows: list[tuple] = []
            quoted = ", ".join('"' + c + '"' for c in FINDING_COLS)
            with cur.copy(f"COPY contact ({', '.join(CONTACT_COLS)}) FROM STDIN") as copy:
                for i in range(n_contacts):
                    complaint = i % (n_contacts // 300) == 0 and i // (n_contacts // 300) < 300
                    if complaint:
                        agent_id, _, team, agency = complaint_agents[rng.randrange(len(complaint_agents))]
                        debtor, case, phone = COMPLAINT, COMPLAINT_CASE, COMPLAINT_PHONE
                        day = rng.randrange(20)  # the last weeks: many calls a day
                        started = start0 + timedelta(
                            days=DAYS - 21 + day, seconds=rng.randrange(7 * 3600, 23 * 3600)
                        )
                    else:
                        agent_id, _, team, agency = agents[rng.randrange(len(agents))]
                        d = rng.randrange(DEBTORS)
                        debtor, case, phone = f"D{d:06d}", f"K{d:06d}", phones[d]
                        started = start0 + timedelta(seconds=rng.randrange(DAYS * 86400))
                    creditor, product = creditors[rng.randrange(len(creditors))]
                    r = rng.random()
                    status = "audited" if r < 0.78 else ("no_recording" if r < 0.985 else "failed")
                    call_id = f"t{i:08d}"
                    found = []
                    if status != "failed":
                        k = 0 if rng.random() < 0.6 else rng.choice((1, 1, 1, 2, 2, 3))
                        for _ in range(k):
                            cat, rules, sev, _w = CATEGORIES[rng.choices(range(len(CATEGORIES)), weights)[0]]
                            found.append(
                                (
                                    cat,
                                    rng.choice(rules),
                                    sev,
                                    rng.choice(("open", "open", "confirmed", "dismissed")),
                                )
                            )
                    counted = [f for f in found if f[3] != "dismissed"]
                    score = (
                        None if status == "failed" else max(0.0, 100.0 - sum(WEIGHTS[f[2]] for f in counted))
                    )
                    passed = None if status == "failed" else not any(f[2] == "critical" for f in counted)
                    copy.write_row(
                        (
                            call_id,
                            "call",
                            started,
                            float(rng.randrange(10, 600)),
                            "no_answer" if status == "no_recording" else "answered",
                            agent_id,
                            case,
                            debtor,
                            phone,
                            team,
                            agency,
                            creditor,
                            product,
                            "debtor",
                            rng.randrange(1, 180),
                            status,
                            score,
                            passed,
                            len(counted),
                            started + timedelta(hours=6),
                        )
                    )
                    for cat, rule_id, sev, review in found:
                        t = round(rng.uniform(0, 300), 2)
                        findings_rows.append(
                            (
                                call_id,
                                rule_id,
                                cat,
                                sev,
                                f"{cat} ({rule_id})",
                                "指引",
                                t,
                                t + 3.5,
                                "……",
                                review,
                                started + timedelta(hours=6),
                            )
                        )
            with cur.copy(f"COPY finding ({quoted}) FROM STDIN") as copy:
                for row in findings_rows:
                    copy.write_row(row)
        raw.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    return len(findings_rows), time.perf_counter() - t0


def timeline_queries(conn):
    boss, lead = Scope(), Scope(team="T00组")
    ordinary = conn.execute(
        sa.text("SELECT debtor_id, case_id, phone FROM contact WHERE debtor_id <> :d LIMIT 1"),
        {"d": COMPLAINT},
    ).one()
    masked = COMPLAINT_PHONE[:3] + "****" + COMPLAINT_PHONE[-4:]
    return {
        "find by debtor id": lambda: find_debtors(conn, boss, COMPLAINT, by="debtor"),
        "find by case id": lambda: find_debtors(conn, boss, COMPLAINT_CASE, by="case"),
        "find by phone (clear)": lambda: find_debtors(conn, boss, COMPLAINT_PHONE, by="phone"),
        "find by phone (masked)": lambda: find_debtors(conn, boss, masked, by="phone", masked=True),
        "find by phone (masked, lead)": lambda: find_debtors(
            conn, lead, masked, by="phone", masked=True
        ),
        "timeline complaint debtor": lambda: debtor_timeline(conn, boss, debtor_id=COMPLAINT),
        "timeline complaint case": lambda: debtor_timeline(conn, boss, case_id=COMPLAINT_CASE),
        "timeline complaint (lead)": lambda: debtor_timeline(conn, lead, debtor_id=COMPLAINT),
        "find ordinary by phone": lambda: find_debtors(conn, boss, ordinary.phone, by="phone"),
        "timeline ordinary debtor": lambda: debtor_timeline(conn, boss, debtor_id=ordinary.debtor_id),
        "timeline ordinary case": lambda: debtor_timeline(conn, boss, case_id=ordinary.case_id),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--db-name", default="audit_bench_timeline")
    parser.add_argument("--reuse", action="store_true", help="keep an already filled database of this size")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per query; the best and the first are shown"
    )
    parser.add_argument("--drop", action="store_true", help="drop the database afterwards")
    args = parser.parse_args(argv)

    engine = prepare_database(args.db_name, args.contacts, args.reuse, fill)
    worst = 0.0
    print(f"\n{'query':<32}{'rows':>6}{'first s':>9}{'best s':>9}")
    with engine.connect() as conn:
        for name, run in timeline_queries(conn).items():
            times, result = time_runs(run, args.repeat)
            worst = max(worst, times[0])
            print(f"{name:<32}{len(result):>6}{times[0]:>9.3f}{min(times):>9.3f}{over(times[0], TARGET_S)}")
    return finish(engine, "timeline", worst, TARGET_S, args.db_name if args.drop else None)


if __name__ == "__main__":
    sys.exit(main())
