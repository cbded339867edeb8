"""Benchmark: writing 100,000 findings through the store's code path, on SQLite and PostgreSQL.

Usage::

    python benchmarks/db_write.py [--findings 100000] [--per-contact 10] [--batch 100]
                                  [--backend sqlite postgres] [--pg-url URL]

Synthetic audited contacts (each with a short transcript and ``--per-contact`` findings) go
through :func:`audit.store.save_audit` - the function the nightly batch calls - in two ways:

* ``per contact``: one transaction per contact, as ``audit batch`` commits (a crash loses at
  most the contact in flight);
* ``batched``: one transaction per ``--batch`` contacts (what a bulk import would do).

Each backend starts from an empty schema: SQLite in a temporary file, PostgreSQL in a
throw-away database created on the server of ``--pg-url`` (default
``$AUDIT_TEST_PG_URL`` or ``postgresql://postgres@127.0.0.1:5432/test``) and dropped at the end.
Prints findings per second for each backend and mode.

The dashboard's aggregate queries on 1,000,000 contacts are ``benchmarks/dashboard_queries.py``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from audit.schema import Contact, Finding, Segment, Transcript
from audit.storage import init_db, make_engine
from audit.storage import session as open_session
from audit.store import save_audit

PG_URL = os.environ.get("AUDIT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
CST = timezone(timedelta(hours=8))
RULES = [("ABUSE-INSULT", "ABUSE", "high", "你这个老赖"),
         ("THREAT-CONTACTS", "THREAT_THIRD_PARTY", "high", "爆你通讯录"),
         ("CASH-CARD", "CASH_OR_CARD_REQUEST", "critical", "把银行卡和密码给我"),
         ("FALSE-POLICE", "FALSE_AUTHORITY", "critical", "警察明天去你家"),
         ("DISCLOSE-DEBT", "THIRD_PARTY_DISCLOSURE", "medium", "你儿子欠了我们钱"),
         ("ID-MISSING", "MISSING_IDENTIFICATION", "medium", ""), ("HOURS-QUIET", "CONTACT_HOURS", "medium", "")]
WEIGHTS = {"low": 5, "medium": 10, "high": 25, "critical": 50}


def synthetic(n_contacts: int, per_contact: int, seed: int, prefix: str):
    rng = random.Random(seed)
    for i in range(n_contacts):
        contact = Contact(call_id=f"{prefix}-{i:07d}", kind="call",
                          started_at=datetime(2026, 11, 2, 9, tzinfo=CST) + timedelta(seconds=37 * i),
                          talk_seconds=60, outcome="answered", agent_id=f"A{i % 300:03d}", agent_name="李娜",
                          team=f"{i % 12}组", agency="鼎信催收服务有限公司", creditor="招商银行", product="credit_card",
                          case_id=f"C-{i % 5000}", debtor_id=f"D-{i % 5000}", contact_role="debtor",
                          days_past_due=45, channel_layout="stereo_agent_left", audio_file=f"audio/{i}.wav")
        segments = [Segment("agent", "agent", 0.5, 4.0, "您好，我是招商银行信用卡中心的工作人员。"),
                    Segment("contact", "debtor", 4.5, 6.0, "是我。")]
        findings = []
        for k in range(per_contact):
            rule_id, category, severity, evidence = rng.choice(RULES)
            start = None if not evidence else round(6.0 + 3.0 * k, 2)
            findings.append(Finding(call_id=contact.call_id, rule_id=rule_id, category=category, severity=severity,
                                    title=rule_id, citation="《催收工作指引》第十条",
                                    speaker="agent" if start else None, role="agent" if start else None, start=start,
                                    end=None if start is None else start + 2.5, evidence=evidence))
        yield contact, Transcript(call_id=contact.call_id, duration_s=60.0, segments=segments), findings


def write(engine, n_contacts: int, per_contact: int, batch: int, prefix: str) -> float:
    """Seconds to store ``n_contacts`` audited contacts, committing every ``batch`` contacts."""
    items = list(synthetic(n_contacts, per_contact, seed=7, prefix=prefix))  # built before timing
    start = time.perf_counter()
    with open_session(engine) as session:
        for i, (contact, transcript, findings) in enumerate(items, 1):
            save_audit(session, contact, transcript, findings, weights=WEIGHTS, rule_pack_version="bench",
                       audio_path=contact.audio_file, audio_sha256="0" * 64, run_id=None)
            if i % batch == 0:
                session.commit()
        session.commit()
    return time.perf_counter() - start


def count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM finding")).scalar_one()


def run_backend(name: str, url: str, args) -> None:
    engine = make_engine(url)
    init_db(engine)
    n_contacts = args.findings // args.per_contact
    try:
        for mode, batch in (("per contact", 1), (f"batched x{args.batch}", args.batch)):
            before = count(engine)
            seconds = write(engine, n_contacts, args.per_contact, batch, prefix=f"{mode[:3]}{batch}")
            stored = count(engine) - before
            print(f"{name:10s} {mode:14s} {stored:7d} findings ({n_contacts} contacts) in {seconds:6.1f} s: "
                  f"{stored / seconds:8.0f} findings/s, {n_contacts / seconds:6.0f} contacts/s")
    finally:
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=100_000)
    parser.add_argument("--per-contact", type=int, default=10)
    parser.add_argument("--batch", type=int, default=100, help="contacts per transaction in batched mode")
    parser.add_argument("--backend", nargs="+", choices=("sqlite", "postgres"), default=["sqlite", "postgres"])
    parser.add_argument("--pg-url", default=PG_URL, help="server to create the throw-away database on")
    args = parser.parse_args()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    if "sqlite" in args.backend:
        with tempfile.TemporaryDirectory(prefix="dbwrite-") as tmp:
            run_backend("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}", args)
    if "postgres" in args.backend:
        admin = make_engine(args.pg_url, isolation_level="AUTOCOMMIT")
        name = f"audit_bench_write_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            run_backend("postgres", sa.engine.make_url(args.pg_url).set(database=name)
                        .render_as_string(hide_password=False), args)
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
