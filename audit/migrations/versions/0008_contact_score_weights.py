"""contact score weights

Each contact records the severity weights its score was computed with (the parameters of the
rule pack that audited it, ``audit.scoring.weights_to_store``), so a review, the scorecards and
the exports re-score it with the same weights instead of the defaults: with a client pack one
review no longer changes the score and the Agents page agrees with the Calls page.

One nullable JSON column: contacts stored before this revision read NULL and are scored with
the default weights (``audit.scoring.DEFAULT_WEIGHTS``) until they are audited again.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-10 10:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('score_weights', sa.JSON(), nullable=True))


def downgrade() -> None:
    # Not in batch mode: on SQLite that copies the contact table, and dropping the original then
    # fails on the foreign keys of the segments and findings pointing at it. SQLite 3.35+ (and
    # PostgreSQL) drop the column in place.
    op.drop_column('contact', 'score_weights')
