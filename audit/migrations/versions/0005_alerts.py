"""alerts: outbox and dead letters

``audit watch`` alerts supervisors to critical findings within minutes of a recording's
arrival. Two tables hold that:

* ``alert_outbox``: one row per finding and alert sink (a webhook, a group robot, a list of
  e-mail recipients), written in the transaction that stores the finding. ``(finding_id, sink)``
  is unique, so a finding alerts each sink once, across restarts and across several watchers.
  Its ``status`` goes ``pending`` -> ``sent`` or ``dead``; ``claimed_by``/``claimed_until`` is
  the lease of the sender working on it, ``next_attempt_at`` the retry schedule.
* ``alert_dead_letter``: an alert that every retry failed to deliver, with where it was going
  (secrets removed), what it said and the last error; the dashboard shows them to admins.

No foreign key to ``finding``: a re-audit may delete a finding whose alert was already sent,
and the record of what was sent must stay.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'alert_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('finding_id', sa.Integer(), nullable=False),
        sa.Column('sink', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('call_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('claimed_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('summarised', sa.Boolean(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('finding_id', 'sink', name='uq_alert_outbox_finding_sink'),
    )
    op.create_index(op.f('ix_alert_outbox_call_id'), 'alert_outbox', ['call_id'], unique=False)
    op.create_index('ix_alert_outbox_due', 'alert_outbox', ['status', 'sink', 'next_attempt_at'], unique=False)
    op.create_table(
        'alert_dead_letter',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('outbox_id', sa.Integer(), nullable=False),
        sa.Column('finding_id', sa.Integer(), nullable=False),
        sa.Column('call_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column('sink', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('target', sa.Text(), nullable=True),
        sa.Column('payload', sa.JSON(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['outbox_id'], ['alert_outbox.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_alert_dead_letter_call_id'), 'alert_dead_letter', ['call_id'], unique=False)
    op.create_index(op.f('ix_alert_dead_letter_created_at'), 'alert_dead_letter', ['created_at'], unique=False)
    op.create_index(op.f('ix_alert_dead_letter_outbox_id'), 'alert_dead_letter', ['outbox_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_alert_dead_letter_outbox_id'), table_name='alert_dead_letter')
    op.drop_index(op.f('ix_alert_dead_letter_created_at'), table_name='alert_dead_letter')
    op.drop_index(op.f('ix_alert_dead_letter_call_id'), table_name='alert_dead_letter')
    op.drop_table('alert_dead_letter')
    op.drop_index('ix_alert_outbox_due', table_name='alert_outbox')
    op.drop_index(op.f('ix_alert_outbox_call_id'), table_name='alert_outbox')
    op.drop_table('alert_outbox')
