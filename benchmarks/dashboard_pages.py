"""Benchmark: every dashboard page, for every role, rendered over the audited corpus.

Renders each page with Streamlit's ``AppTest`` (the page script and every query it runs, no
browser) for an admin, a team lead, and an agent, against a database holding the audited
corpus. Each page is timed twice: **cold** (``st.cache_data`` cleared first, so every query
runs) and **warm** (a rerun served from the cache, as a user clicking around sees it). The
call-detail page opens the visible contact with the most findings. Target: every cold render
under 2 s. Prints a table on stdout (Streamlit's bare-mode notices go to stderr); exits 1 if
over target.

    audit batch ../shared/corpus --db sqlite:///corpus.db     # once (minutes of CPU)
    python benchmarks/dashboard_pages.py --db sqlite:///corpus.db
    python benchmarks/dashboard_pages.py --corpus ../shared/corpus  # audits into a temp file first
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

APP = ROOT / "dashboards" / "app.py"
PAGES = ("overview", "calls", "call_detail", "agents", "rules", "review_queue")
TARGET_S = 2.0


def pick_users(url: str) -> dict[str, dict]:
    """Admin, the lead of the busiest team, and that team's busiest agent, from the database."""
    from audit.storage import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        team = conn.execute(sa.text(
            "SELECT team FROM contact GROUP BY team ORDER BY COUNT(*) DESC, team LIMIT 1")).scalar_one()
        agent = conn.execute(sa.text(
            "SELECT agent_id FROM contact WHERE team = :t GROUP BY agent_id ORDER BY COUNT(*) DESC, agent_id LIMIT 1"),
            {"t": team}).scalar_one()
    engine.dispose()
    return {
        "admin": {"role": "admin"},
        "team_lead": {"role": "team_lead", "team": team},
        "agent": {"role": "agent", "agent_id": agent},
    }


def busiest_call(url: str, scope) -> str | None:
    """The visible contact with the most findings (the heaviest call-detail page)."""
    from audit.read.contacts import list_contacts
    from audit.read.scope import Filters
    from audit.storage import make_engine

    engine = make_engine(url)
    page = list_contacts(engine, scope, Filters(), sort="findings", descending=True, limit=1)
    engine.dispose()
    return page.rows[0].call_id if page.rows else None


def render(user, page: str, call_id: str | None) -> tuple[float, float]:
    """Seconds for a cold and a warm render of ``page`` as ``user``."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["user"] = user
    if call_id is not None:
        at.query_params["call_id"] = call_id
    at.run()  # the signed-in landing page (engine, users file)
    times = []
    for cold in (True, False):
        if cold:
            st.cache_data.clear()
        start = time.perf_counter()
        at.switch_page(f"pages/{page}.py")
        at.run()
        times.append(time.perf_counter() - start)
        if at.exception:
            raise RuntimeError(f"{page} as {user.username}: {[e.value for e in at.exception]}")
        if not at.title:
            raise RuntimeError(f"{page} as {user.username}: the page rendered no title")
    return times[0], times[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--db", help="URL of a database holding the audited corpus")
    where.add_argument("--corpus", type=Path, help="audit this manifest folder into a temporary SQLite first")
    parser.add_argument("--repeat", type=int, default=3, help="cold/warm renders per page and role")
    args = parser.parse_args(argv)

    tmp = tempfile.TemporaryDirectory(prefix="dash-pages-")
    url = args.db
    if args.corpus:
        url = f"sqlite:///{Path(tmp.name) / 'corpus.db'}"
        t = time.perf_counter()
        audit = Path(sys.executable).with_name("audit")  # the console script of this environment
        subprocess.run([str(audit), "batch", str(args.corpus), "--db", url, "--no-progress"], check=True)
        print(f"audited {args.corpus} in {time.perf_counter() - t:.0f} s")

    from audit.auth import add_user, load_users

    users_file = Path(tmp.name) / "users.toml"
    specs = pick_users(url)
    for name, spec in specs.items():
        add_user(users_file, name, "bench-password", name=name, **spec)
    users = load_users(users_file)
    os.environ["AUDIT_DB_URL"] = url
    os.environ["AUDIT_USERS_FILE"] = str(users_file)

    # Import what the pages import, so the first render measures the page, not the interpreter.
    import altair  # noqa: F401
    import pandas  # noqa: F401

    from audit.rules import load_pack

    load_pack()
    with sa.create_engine(url).connect() as conn:
        n_contacts = conn.execute(sa.text("SELECT COUNT(*) FROM contact")).scalar_one()
        n_findings = conn.execute(sa.text("SELECT COUNT(*) FROM finding")).scalar_one()
    print(f"{n_contacts} contacts, {n_findings} findings; users: "
          + ", ".join(f"{n} ({s.get('team') or s.get('agent_id') or 'all'})" for n, s in specs.items()))
    print(f"load average before timing: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs\n")
    print(f"{'page':<14}{'user':<11}{'call':<10}{'cold med s':>11}{'cold max s':>11}{'warm med s':>11}")
    worst = 0.0
    for page in PAGES:
        for name, user in users.items():
            call_id = busiest_call(url, user.scope) if page == "call_detail" else None
            runs = [render(user, page, call_id) for _ in range(args.repeat)]
            cold = [r[0] for r in runs]
            warm = [r[1] for r in runs]
            worst = max(worst, max(cold))
            flag = "" if max(cold) < TARGET_S else "  OVER TARGET"
            print(f"{page:<14}{name:<11}{call_id or '':<10}{statistics.median(cold):>11.3f}{max(cold):>11.3f}"
                  f"{statistics.median(warm):>11.3f}{flag}")
    print(f"\nslowest cold render: {worst:.3f} s; target < {TARGET_S:.1f} s "
          f"(load average now {os.getloadavg()[0]:.2f})")
    tmp.cleanup()
    return 0 if worst < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
