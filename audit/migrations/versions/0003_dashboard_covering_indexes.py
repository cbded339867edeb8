"""dashboard covering indexes

The dashboard's overview aggregates read a handful of narrow ``contact`` columns over a date
range and join ``finding`` by ``call_id`` for its category, severity and review status. With
these indexes PostgreSQL answers them from index-only scans (about a third of the pages of a
full ``contact`` heap scan, whose rows also hold paths, JSON metrics and metadata) instead of
reading the tables: measured at 1,000,000 contacts on 2 cores, see
``benchmarks/dashboard_queries.py``.

* ``ix_contact_started_status`` (started_at, status) gains, on PostgreSQL 11+, the columns the
  overview aggregates as ``INCLUDE`` payload; on SQLite it stays as it was (same key columns).
* ``ix_finding_severity_review`` (severity, review_status, category, call_id) is new on every
  database: the finding counts read it instead of the table (it is a quarter of its size), and
  the critical findings are one short range of it (SQLite uses it as a covering index too).

* ``ix_contact_unpassed`` (started_at, with the same payload on PostgreSQL) holds only the
  contacts not marked passed: a counted critical finding fails its contact, so these few
  percent are the only contacts the critical-finding counts per team, agency or creditor need
  to join.

* ``ix_contact_filter_combo`` (team, agency, creditor, product, kind, agent_id): the filter
  options are its distinct keys, read on PostgreSQL by a skip scan of one probe per
  combination (B-tree deduplication keeps it small: a few thousand distinct keys).

* statistics on the contacts' 15-minute UTC buckets (PostgreSQL 14+), which the trend by day
  aggregates before converting the few thousand buckets to local days.

Index-only scans need the visibility map to be set: autovacuum does that on a live database; a
bulk load (``COPY``) should be followed by ``VACUUM ANALYZE``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 17:05:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copy of audit.models.CONTACT_OVERVIEW_INCLUDE at this revision.
CONTACT_INCLUDE = ["passed", "score", "finding_count", "kind", "team", "agency", "creditor", "product",
                   "agent_id", "call_id"]
# Must match audit.queries._trend_by_day_in_buckets for the planner to use the statistics.
BUCKET_STATS = "contact_quarter_hour_stats"
BUCKET_EXPR = "date_bin('15 minutes'::interval, started_at, '2000-01-01 00:00:00+00'::timestamptz)"
COMBO_COLUMNS = ["team", "agency", "creditor", "product", "kind", "agent_id"]
FINDING_COLUMNS = ["severity", "review_status", "category", "call_id"]


def _postgres() -> bool:
    bind = op.get_bind()
    return bind.dialect.name == "postgresql" and (bind.dialect.server_version_info or (0,)) >= (11,)


def upgrade() -> None:
    if _postgres():
        op.drop_index("ix_contact_started_status", table_name="contact")
        op.create_index("ix_contact_started_status", "contact", ["started_at", "status"],
                        postgresql_include=CONTACT_INCLUDE)
    op.create_index("ix_finding_severity_review", "finding", FINDING_COLUMNS)
    op.create_index("ix_contact_unpassed", "contact", ["started_at"], postgresql_include=CONTACT_INCLUDE,
                    postgresql_where=sa.text("passed IS NOT TRUE"), sqlite_where=sa.text("passed IS NOT 1"))
    op.create_index("ix_contact_filter_combo", "contact", COMBO_COLUMNS)
    if _postgres() and (op.get_bind().dialect.server_version_info or (0,)) >= (14,):
        # Without it the planner expects ~300k quarter hours (not ~100 a day) and gives up the
        # parallel aggregate; the default sample is too small to see each bucket repeat.
        op.execute(f"CREATE STATISTICS IF NOT EXISTS {BUCKET_STATS} ON ({BUCKET_EXPR}) FROM contact")
        op.execute(f"ALTER STATISTICS {BUCKET_STATS} SET STATISTICS 1000")
        op.execute("ANALYZE contact")


def downgrade() -> None:
    if _postgres():
        op.execute(f"DROP STATISTICS IF EXISTS {BUCKET_STATS}")
    op.drop_index("ix_contact_filter_combo", table_name="contact")
    op.drop_index("ix_contact_unpassed", table_name="contact")
    op.drop_index("ix_finding_severity_review", table_name="finding")
    if _postgres():
        op.drop_index("ix_contact_started_status", table_name="contact")
        op.create_index("ix_contact_started_status", "contact", ["started_at", "status"])
