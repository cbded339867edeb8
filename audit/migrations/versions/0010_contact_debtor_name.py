"""the debtor's name on the contact

``contact.debtor_name``: the debtor's full name as the lender's file holds it (the manifest's
optional ``debtor_name`` column), nullable. Earlier code kept it in ``contact.meta``; it is moved
here (and out of ``meta``), so that the one copy of this personal datum is a column the exports
mask (:func:`audit.masking.mask_name`).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 18:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000


def upgrade() -> None:
    op.add_column('contact', sa.Column('debtor_name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    _move('meta', 'column')


def downgrade() -> None:
    _move('column', 'meta')
    # Not in batch mode (as 0008): on SQLite that copies the contact table, and dropping the
    # original then fails on the foreign keys pointing at it; SQLite 3.35+ drops it in place.
    op.drop_column('contact', 'debtor_name')


def _move(source: str, target: str) -> None:
    """Move each contact's debtor name from ``meta`` to the column or back, in batches."""
    bind = op.get_bind()
    contact = sa.table('contact', sa.column('call_id', sa.String), sa.column('meta', sa.JSON),
                       sa.column('debtor_name', sa.String))
    last = ''
    while True:
        rows = bind.execute(sa.select(contact.c.call_id, contact.c.meta, contact.c.debtor_name)
                            .where(contact.c.call_id > last).order_by(contact.c.call_id).limit(BATCH)).all()
        if not rows:
            return
        for row in rows:
            meta = dict(row.meta or {})
            if source == 'meta' and 'debtor_name' in meta:
                name = meta.pop('debtor_name') or None
                bind.execute(contact.update().where(contact.c.call_id == row.call_id)
                             .values(meta=meta, debtor_name=name))
            elif source == 'column' and row.debtor_name:
                meta['debtor_name'] = row.debtor_name
                bind.execute(contact.update().where(contact.c.call_id == row.call_id).values(meta=meta))
        last = rows[-1].call_id
