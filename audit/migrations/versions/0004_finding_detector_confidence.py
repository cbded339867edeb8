"""finding detector and confidence

Each finding records what kind of check raised it (``detector``: lexicon, cooccurrence, regex,
frame, similar, model, required, metadata, log) and how sure it is (``confidence``: 1.0 for a
deterministic rule, the predicted probability for the learned second opinion). The dashboard
filters the review queue by detector and reports the dismissal rate per detector.

Findings stored before this revision keep an empty detector and a confidence of 1.0 (they all
came from deterministic rules); re-auditing a contact fills the detector in.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 10:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.add_column(sa.Column('detector', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('confidence', sa.Float(), nullable=False, server_default='1'))


def downgrade() -> None:
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.drop_column('confidence')
        batch_op.drop_column('detector')
