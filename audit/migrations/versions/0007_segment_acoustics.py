"""segment acoustics

Each segment records how it was said, measured from the recording (``pipelines.acoustics``):
its level and pitch against the same party in the same call, the loudness curve the call
detail draws, its pace, whether it started over the other party and the silence before it.
The conduct rules (raised voice, talk-over, dead air, pace) judge these figures.

One nullable JSON column: segments stored before this revision read NULL (no conduct finding,
no conduct metric) until their contact is audited again.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 10:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('segment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acoustics', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('segment', schema=None) as batch_op:
        batch_op.drop_column('acoustics')
