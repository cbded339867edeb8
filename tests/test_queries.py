"""Dashboard queries on SQLite and PostgreSQL, against the hand-counted fixture in tests/factories."""

from __future__ import annotations

from datetime import date

import pytest

from audit.read.contacts import (
    contact_detail,
    contact_findings,
    contact_segments,
    finding_in_scope,
    list_contacts,
    search_transcripts,
)
from audit.read.overview import breakdown, filter_options, findings_by_category, overview_kpis, trend_by_day
from audit.read.review import review_queue, rule_hits
from audit.read.scope import Filters, Scope
from audit.read.sql import aware, tune_engine
from tests.factories import EXPECTED, seed

ALL = Filters()


@pytest.fixture
def db(engine):
    seed(engine)
    return engine


def test_overview_kpis_unscoped(db):
    k = overview_kpis(db, Scope(), ALL)
    assert (k.contacts, k.audited, k.passed, k.not_passed, k.errors) == (
        EXPECTED.contacts, EXPECTED.audited, EXPECTED.passed, EXPECTED.not_passed, EXPECTED.errors)
    assert (k.findings, k.critical_findings, k.open_findings) == (
        EXPECTED.findings, EXPECTED.critical, EXPECTED.open_findings)
    assert k.pass_rate == pytest.approx(5 / 7)
    assert k.avg_score == pytest.approx((100 + 25 + 40 + 100 + 65 + 100 + 95) / 7)


@pytest.mark.parametrize("scope, contacts, passed, findings", [
    (Scope(team="一组"), 5, 4, 3),  # t-003 x2 + t-008; t-004's finding was dismissed
    (Scope(team="网贷二组"), 2, 0, 2),
    (Scope(agent_id="A017"), 3, 3, 0),
    (Scope(agent_id="B203"), 2, 0, 2),
    (Scope(team="一组", agent_id="B203"), 0, 0, 0),  # both must hold
    (Scope(team="no such team"), 0, 0, 0),
])
def test_overview_respects_scope(db, scope, contacts, passed, findings):
    k = overview_kpis(db, scope, ALL)
    assert (k.contacts, k.passed, k.findings) == (contacts, passed, findings)


@pytest.mark.parametrize("filters, call_ids", [
    (Filters(start=date(2026, 11, 3), end=date(2026, 11, 3)), {"t-004"}),
    # t-003 started 00:10 on 11-04 local time (16:10 UTC on 11-03): it belongs to 11-04.
    (Filters(start=date(2026, 11, 4)), {"t-003", "t-005", "t-006", "t-007", "t-008"}),
    (Filters(end=date(2026, 11, 2)), {"t-001", "t-002"}),
    (Filters(kinds=("visit",)), {"t-005"}),
    (Filters(creditors=("速借花网络小贷",), products=("online_loan",)), {"t-002", "t-005", "t-007"}),
    (Filters(agencies=("招商银行信用卡中心",), teams=("一组",)), {"t-001", "t-003", "t-004", "t-006", "t-008"}),
    (Filters(agent_ids=("A021",)), {"t-003", "t-008"}),
])
def test_filters_select_contacts(db, filters, call_ids):
    page = list_contacts(db, Scope(), filters)
    assert {r.call_id for r in page.rows} == call_ids
    assert page.total == len(call_ids) == overview_kpis(db, Scope(), filters).contacts


def test_findings_by_category_excludes_dismissed(db):
    rows = {r.category: r for r in findings_by_category(db, Scope(), ALL)}
    assert set(rows) == {"ABUSE", "THREAT_THIRD_PARTY", "CONTACT_HOURS", "CASH_OR_CARD_REQUEST",
                         "VISIT_STAFFING", "VISIT_PROCEDURE", "MISSING_IDENTIFICATION"}
    assert "FALSE_AUTHORITY" not in rows
    assert rows["CASH_OR_CARD_REQUEST"].critical == 1 and rows["ABUSE"].critical == 0
    assert all(r.findings == 1 for r in rows.values())


def test_trend_by_day_uses_business_time_zone(db):
    points = trend_by_day(db, Scope(), ALL)
    got = [(p.day, p.contacts, p.passed, p.not_passed, p.findings) for p in points]
    assert got == [
        (date(2026, 11, 2), 2, 1, 1, 2),
        (date(2026, 11, 3), 1, 1, 0, 0),
        (date(2026, 11, 4), 5, 3, 1, 5),
    ]
    assert points[0].pass_rate == 0.5


@pytest.mark.parametrize("by, expected", [
    ("team", {"一组": (5, 4, 3), "网贷二组": (2, 0, 2), "外访组": (1, 1, 2)}),
    ("creditor", {"招商银行": (5, 4, 3), "速借花网络小贷": (3, 1, 4)}),
    ("kind", {"call": (7, 4, 5), "visit": (1, 1, 2)}),
])
def test_breakdown(db, by, expected):
    rows = breakdown(db, Scope(), ALL, by)
    assert {r.key: (r.contacts, r.passed, r.findings) for r in rows} == expected
    assert rows[0].contacts == max(v[0] for v in expected.values())


def test_breakdown_rejects_unknown_column(db):
    with pytest.raises(ValueError, match="cannot break down by 'debtor_id'"):
        breakdown(db, Scope(), ALL, "debtor_id")


def test_list_contacts_sort_and_top_finding(db):
    page = list_contacts(db, Scope(), ALL, sort="score", descending=False)
    assert [r.call_id for r in page.rows] == ["t-002", "t-003", "t-005", "t-008", "t-001", "t-004", "t-006", "t-007"]
    rows = {r.call_id: r for r in page.rows}
    assert rows["t-002"].top_finding.rule_id == "THREAT-CONTACTS"  # critical beats the earlier high
    assert rows["t-003"].top_finding.rule_id == "PAY-PERSONAL"
    assert rows["t-004"].top_finding is None and rows["t-004"].findings == 0  # only a dismissed one
    assert rows["t-005"].findings == 2
    assert rows["t-001"].agent_name == "李娜"
    assert rows["t-003"].started_at.isoformat() == "2026-11-04T00:10:00+08:00"


def test_list_contacts_paging_and_other_filters(db):
    first = list_contacts(db, Scope(), ALL, limit=3)
    second = list_contacts(db, Scope(), ALL, limit=3, offset=3)
    assert first.total == second.total == 8
    assert [r.call_id for r in first.rows] == ["t-007", "t-005", "t-008"]  # newest first
    assert not {r.call_id for r in first.rows} & {r.call_id for r in second.rows}
    assert {r.call_id for r in list_contacts(db, Scope(), ALL, passed=False).rows} == {"t-002", "t-003"}
    assert [r.call_id for r in list_contacts(db, Scope(), ALL, status="failed").rows] == ["t-007"]
    assert [r.call_id for r in list_contacts(db, Scope(), ALL, category="ABUSE").rows] == ["t-002"]
    assert list_contacts(db, Scope(), ALL, category="FALSE_AUTHORITY").total == 0  # dismissed
    by_findings = list_contacts(db, Scope(), ALL, sort="findings")
    assert [r.findings for r in by_findings.rows][:2] == [2, 2]
    with pytest.raises(ValueError, match="cannot sort contacts by 'debtor_id'"):
        list_contacts(db, Scope(), ALL, sort="debtor_id")


@pytest.mark.parametrize("text, scope, call_ids", [
    ("通讯录", Scope(), {"t-002"}),
    ("还", Scope(), {"t-001", "t-002", "t-003", "t-004"}),
    ("还", Scope(agent_id="A017"), {"t-001", "t-004"}),
    ("100%", Scope(), set()),  # LIKE wildcards are literal
    ("_", Scope(), set()),
])
def test_transcript_search(db, text, scope, call_ids):
    assert {r.call_id for r in list_contacts(db, scope, ALL, search=text).rows} == call_ids
    assert {h.call_id for h in search_transcripts(db, scope, ALL, text)} == call_ids


def _found(db, text: str, *, masked: bool) -> tuple[set[str], set[str]]:
    contacts = {r.call_id for r in list_contacts(db, Scope(), ALL, search=text, masked=masked).rows}
    lines = {h.call_id for h in search_transcripts(db, Scope(), ALL, text, masked=masked)}
    return contacts, lines


def test_masked_search_cannot_rebuild_a_masked_number(db):
    """t-001 says 13812345678, shown as 138****5678 without see_pii. Growing a search digit by
    digit from the visible 138 must never hit: a hit or a miss would give the hidden digit away."""
    assert _found(db, "1381", masked=False) == ({"t-001"}, {"t-001"})  # clear text: it matches
    for digit in "0123456789":
        assert _found(db, f"138{digit}", masked=True) == (set(), set()), digit
        assert _found(db, f"{digit}5678", masked=True) == (set(), set()), digit
        assert _found(db, f"１３８{chr(0xFF10 + int(digit))}", masked=True) == (set(), set()), digit
    assert _found(db, "13812345678", masked=True) == (set(), set())
    assert _found(db, "5678", masked=True) == ({"t-001"}, {"t-001"})  # the visible ends still match
    assert _found(db, "号码138", masked=True) == ({"t-001"}, {"t-001"})


def test_masked_search_treats_chinese_digits_alike(db):
    """一二三四 is the visible end of t-005's phone number but hidden inside t-003's bank card."""
    assert _found(db, "一二三四", masked=False) == ({"t-003", "t-005"}, {"t-003", "t-005"})
    assert _found(db, "一二三四", masked=True) == ({"t-005"}, {"t-005"})
    assert _found(db, "卡号六", masked=True) == (set(), set())  # a bank card's first digit is hidden
    assert _found(db, "还", masked=True) == _found(db, "还", masked=False)  # no digit: plain LIKE


def test_contact_detail_is_scoped(db):
    assert contact_detail(db, Scope(), "t-002").agent_name == "赵强"
    assert contact_detail(db, Scope(agent_id="A017"), "t-002") is None
    assert contact_detail(db, Scope(team="一组"), "t-002") is None
    assert contact_detail(db, Scope(), "missing") is None
    assert contact_segments(db, Scope(agent_id="A017"), "t-002") == []
    assert contact_findings(db, Scope(agent_id="A017"), "t-002") == []
    segments = contact_segments(db, Scope(agent_id="B203"), "t-002")
    assert [s.idx for s in segments] == [0, 1, 2, 3, 4] and segments[2].role == "agent"
    findings = contact_findings(db, Scope(), "t-003")
    assert [f.rule_id for f in findings] == ["PAY-PERSONAL", "TIME-QUIET"]  # timed first, contact-level last
    fid = findings[0].id
    assert finding_in_scope(db, Scope(team="一组"), fid).rule_id == "PAY-PERSONAL"
    assert finding_in_scope(db, Scope(team="外访组"), fid) is None


def test_rule_hits_report_dismissed_share(db):
    hits = {r.rule_id: r for r in rule_hits(db, Scope(), ALL)}
    assert len(hits) == 8
    assert hits["LEGAL-FALSE"].dismissed == 1 and hits["LEGAL-FALSE"].dismissed_share == 1.0
    assert hits["PAY-PERSONAL"].confirmed == 1 and hits["PAY-PERSONAL"].dismissed_share == 0.0
    assert hits["ID-MISSING"].appealed == 1
    assert hits["ABUSE-INSULT"].open == 1 and hits["ABUSE-INSULT"].reviewed == 0


def test_review_queue_order_and_scope(db):
    queue = review_queue(db, Scope(), ALL)
    assert [i.rule_id for i in queue] == ["THREAT-CONTACTS", "ABUSE-INSULT", "VISIT-STAFF", "TIME-QUIET", "ID-MISSING"]
    assert queue[-1].review_status == "appealed"
    assert all(i.age_days >= 0 for i in queue)
    assert [i.rule_id for i in review_queue(db, Scope(team="一组"), ALL)] == ["TIME-QUIET", "ID-MISSING"]
    assert review_queue(db, Scope(agent_id="A017"), ALL) == []


def test_filter_options(db):
    opts = filter_options(db, Scope(team="一组"))
    assert opts.teams == ["一组"]
    assert opts.agents == [("A017", "李娜"), ("A021", "王芳")]
    assert (opts.first_day, opts.last_day) == (date(2026, 11, 2), date(2026, 11, 4))
    assert filter_options(db, Scope()).kinds == ["call", "visit"]


STATS = "contact_local_day_stats"


def test_local_day_statistics_come_from_a_migration(pg_url):
    """Alembic revision 0002 creates the trend query's statistics; downgrade removes them."""
    import sqlalchemy as sa
    from alembic import command

    from audit.storage import alembic_config, init_db, make_engine

    engine = make_engine(pg_url)
    try:
        init_db(engine)
        exists = sa.text("SELECT count(*) FROM pg_statistic_ext WHERE stxname = :n").bindparams(n=STATS)
        with engine.connect() as conn:
            assert conn.execute(exists).scalar_one() == 1
        command.downgrade(alembic_config(engine), "0001")
        with engine.connect() as conn:
            assert conn.execute(exists).scalar_one() == 0
        init_db(engine)
        with engine.connect() as conn:
            assert conn.execute(exists).scalar_one() == 1
    finally:
        engine.dispose()


def test_dashboard_start_needs_no_ddl(pg_url):
    """A SELECT-only database user can start the dashboard's engine and run the overview queries."""
    import sqlalchemy as sa

    from audit.storage import init_db, make_engine

    owner = make_engine(pg_url)
    init_db(owner)
    seed(owner)
    role = f"ro_{sa.engine.make_url(pg_url).database}"[:60]
    with owner.connect() as conn:
        conn.execute(sa.text(f'CREATE ROLE "{role}" LOGIN'))
        conn.execute(sa.text(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"'))
        conn.commit()
    reader = tune_engine(make_engine(sa.engine.make_url(pg_url).set(username=role)))
    try:
        init_db(reader)  # what dashboards.data.engine() does: at head, it only reads alembic_version
        with reader.connect() as conn, pytest.raises(sa.exc.ProgrammingError):  # the role really is read-only
            conn.execute(sa.text("CREATE TABLE not_allowed (x int)"))
        assert overview_kpis(reader, Scope(), ALL).contacts == EXPECTED.contacts
        assert sum(p.contacts for p in trend_by_day(reader, Scope(), ALL)) == EXPECTED.contacts
    finally:
        reader.dispose()
        with owner.connect() as conn:
            conn.execute(sa.text(f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{role}"'))
            conn.commit()
        owner.dispose()
        admin = make_engine(sa.engine.make_url(pg_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :r"), {"r": role})
            conn.execute(sa.text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


def test_trend_findings_follow_reviews(db):
    """Trend and breakdowns sum contact.finding_count; a dismissal (and its undo) moves them like the KPIs."""
    import sqlalchemy as sa

    from audit import models
    from audit.review import apply_review

    def per_day() -> dict:
        return {p.day: p.findings for p in trend_by_day(db, Scope(), ALL)}

    def per_team() -> dict:
        return {r.key: (r.findings, r.critical_findings) for r in breakdown(db, Scope(), ALL, "team")}

    before, teams_before = per_day(), per_team()
    assert sum(before.values()) == overview_kpis(db, Scope(), ALL).findings
    with db.connect() as conn:
        finding_id = conn.execute(sa.select(models.Finding.id).where(
            models.Finding.call_id == "t-002", models.Finding.rule_id == "ABUSE-INSULT")).scalar_one()
    apply_review(db, finding_id, "dismiss", user="qa", reason="not abuse in context")
    after = per_day()
    assert after[date(2026, 11, 2)] == before[date(2026, 11, 2)] - 1
    assert sum(after.values()) == overview_kpis(db, Scope(), ALL).findings
    assert per_team()["网贷二组"] == (teams_before["网贷二组"][0] - 1, teams_before["网贷二组"][1])  # a high one
    apply_review(db, finding_id, "reopen", user="qa")
    assert per_day() == before and per_team() == teams_before


# ----------------------------------------------------------------------------- against a reference
# The overview queries take shortcuts at scale (no contact join when every contact is selected,
# critical findings joined only to contacts not marked passed, a skip scan for the filter
# options). These tests recompute every figure in Python from the raw rows, for selections that
# take each path, so a shortcut that changes a result fails here on SQLite and on PostgreSQL.

SELECTIONS = [
    (Scope(), ALL),  # every contact, no date range
    (Scope(), Filters(start=date(2026, 11, 1), end=date(2026, 11, 30))),  # a range covering every contact
    (Scope(), Filters(start=date(2026, 11, 3), end=date(2026, 11, 30))),  # leaves out the first day
    (Scope(), Filters(start=date(2026, 10, 1), end=date(2026, 11, 3))),  # leaves out the last day
    (Scope(team="一组"), ALL),
    (Scope(agent_id="B203"), Filters(start=date(2026, 11, 1))),
    (Scope(), Filters(kinds=("call",))),
    (Scope(), Filters(creditors=("速借花网络小贷",), start=date(2026, 11, 1), end=date(2026, 11, 30))),
]


def _reference(db, scope: Scope, filters: Filters):
    """(selected contacts, their findings) from the raw tables, selected in Python."""
    from zoneinfo import ZoneInfo

    import sqlalchemy as sa

    from audit import models

    zone = ZoneInfo(filters.tz)
    with db.connect() as conn:
        contacts = [r._asdict() for r in conn.execute(sa.select(models.Contact.__table__))]
        findings = [r._asdict() for r in conn.execute(sa.select(models.Finding.__table__))]

    def selected(c) -> bool:
        day = aware(c["started_at"], zone).date()
        return ((scope.team is None or c["team"] == scope.team)
                and (scope.agent_id is None or c["agent_id"] == scope.agent_id)
                and (filters.start is None or day >= filters.start) and (filters.end is None or day <= filters.end)
                and all(not values or c[col] in values for col, values in (
                    ("team", filters.teams), ("agency", filters.agencies), ("creditor", filters.creditors),
                    ("product", filters.products), ("kind", filters.kinds), ("agent_id", filters.agent_ids))))

    chosen = {c["call_id"]: c for c in contacts if selected(c)}
    return chosen, [f for f in findings if f["call_id"] in chosen and f["review_status"] != "dismissed"]


@pytest.mark.parametrize("scope, filters", SELECTIONS)
def test_overview_figures_match_a_reference(db, scope, filters):
    contacts, findings = _reference(db, scope, filters)
    critical = [f for f in findings if f["severity"] == "critical"]
    k = overview_kpis(db, scope, filters)
    assert (k.contacts, k.findings, k.critical_findings, k.open_findings) == (
        len(contacts), len(findings), len(critical),
        sum(f["review_status"] in ("open", "appealed") for f in findings))
    by_category = {r.category: (r.findings, r.critical) for r in findings_by_category(db, scope, filters)}
    assert by_category == {cat: (sum(f["category"] == cat for f in findings),
                                 sum(f["category"] == cat for f in critical))
                           for cat in {f["category"] for f in findings}}
    for by in ("team", "agency", "creditor", "kind"):
        got = {r.key: (r.contacts, r.passed, r.not_passed, r.findings, r.critical_findings)
               for r in breakdown(db, scope, filters, by)}
        keys = {c[by] for c in contacts.values()}
        assert got == {key: (
            sum(c[by] == key for c in contacts.values()),
            sum(c[by] == key and c["passed"] is True for c in contacts.values()),
            sum(c[by] == key and c["passed"] is False for c in contacts.values()),
            sum(contacts[f["call_id"]][by] == key for f in findings),
            sum(contacts[f["call_id"]][by] == key for f in critical),
        ) for key in keys}, by


@pytest.mark.parametrize("scope", [Scope(), Scope(team="一组"), Scope(team="外访组"), Scope(agent_id="A021"),
                                   Scope(team="no such team")])
def test_filter_options_match_a_reference(db, scope):
    contacts, _ = _reference(db, scope, ALL)
    opts = filter_options(db, scope)

    def distinct(col: str) -> list[str]:
        return sorted({c[col] for c in contacts.values() if c[col]})

    assert (opts.teams, opts.agencies, opts.creditors, opts.products, opts.kinds) == (
        distinct("team"), distinct("agency"), distinct("creditor"), distinct("product"), distinct("kind"))
    assert [a for a, _ in opts.agents] == sorted({c["agent_id"] for c in contacts.values()})


def test_critical_counts_follow_a_dismissed_critical_finding(db):
    """Dismissing a critical finding passes its contact and leaves the critical counts (the
    breakdown joins only contacts not marked passed); reopening brings both back."""
    import sqlalchemy as sa

    from audit import models
    from audit.review import apply_review

    def figures():
        k = overview_kpis(db, Scope(), ALL)
        teams = {r.key: (r.passed, r.critical_findings) for r in breakdown(db, Scope(), ALL, "team")}
        return k.critical_findings, k.passed, teams

    critical, passed, teams = figures()
    with db.connect() as conn:
        finding_id, call_id = conn.execute(sa.select(models.Finding.id, models.Finding.call_id).where(
            models.Finding.severity == "critical").order_by(models.Finding.id).limit(1)).one()
        team = conn.execute(sa.select(models.Contact.team).where(models.Contact.call_id == call_id)).scalar_one()
    apply_review(db, finding_id, "dismiss", user="qa", reason="wrong speaker")
    after_critical, after_passed, after_teams = figures()
    assert (after_critical, after_teams[team][1]) == (critical - 1, teams[team][1] - 1)
    apply_review(db, finding_id, "reopen", user="qa")
    assert figures() == (critical, passed, teams)
