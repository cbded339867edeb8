"""collector voiceprints

A ``voiceprint`` table (one voice profile per collector: speaker embeddings, seconds of speech,
calls and sources it was built from, when), and the speaking collector's ``agent_id`` on
segments and findings, identified by voice on mono calls and visits (``pipelines.voices``).
Findings with NULL keep being attributed to the contact's agent.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-12 10:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'voiceprint',
        sa.Column('agent_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('embeddings', sa.JSON(), nullable=False),
        sa.Column('speech_s', sa.Float(), nullable=False),
        sa.Column('n_calls', sa.Integer(), nullable=False),
        sa.Column('sources', sa.JSON(), nullable=False),
        sa.Column('built_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('agent_id'),
    )
    with op.batch_alter_table('segment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agent_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agent_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_index('ix_finding_agent_id', ['agent_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.drop_index('ix_finding_agent_id')
        batch_op.drop_column('agent_id')
    with op.batch_alter_table('segment', schema=None) as batch_op:
        batch_op.drop_column('agent_id')
    op.drop_table('voiceprint')
