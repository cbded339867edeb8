"""sign-in log, dialled number, case timeline index, transcript sound keys

* ``auth_log``: the dashboard's sign-in log (sign-ins, failed and refused attempts, lockouts,
  sign-outs with the session id they end), see :mod:`audit.sessions`.
* ``contact.phone``: the number dialled (the manifest's optional ``phone`` column, digits only),
  indexed: the debtor timeline finds a debtor by it.
* ``ix_contact_case_started`` (case_id, started_at): a case's timeline is one index range.
* ``segment.sound``: the fuzzy sound key of each transcript line (:func:`audit.search.sound_key`),
  so transcript search finds ASR homophones ("通信路" for "通讯录") as the rules do. Existing
  lines are filled in here, in batches.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000


def upgrade() -> None:
    op.create_table(
        'auth_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('event', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('session_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column('detail', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_auth_log_at', 'auth_log', ['at'])
    op.create_index('ix_auth_log_username', 'auth_log', ['username'])
    op.create_index('ix_auth_log_session_id', 'auth_log', ['session_id'])
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.create_index('ix_contact_phone', ['phone'])
        batch_op.create_index('ix_contact_case_started', ['case_id', 'started_at'])
    with op.batch_alter_table('segment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sound', sa.Text(), nullable=True))
    _fill_sound_keys()


def _fill_sound_keys() -> None:
    """Compute the sound key of every stored transcript line (new lines get it on insert)."""
    from audit.search import sound_key  # the same function the inserts use

    bind = op.get_bind()
    segment = sa.table('segment', sa.column('id', sa.Integer), sa.column('text', sa.Text),
                       sa.column('sound', sa.Text))
    last = 0
    while True:
        rows = bind.execute(sa.select(segment.c.id, segment.c.text).where(segment.c.id > last)
                            .order_by(segment.c.id).limit(BATCH)).all()
        if not rows:
            return
        bind.execute(segment.update().where(segment.c.id == sa.bindparam('sid'))
                     .values(sound=sa.bindparam('key')),
                     [{'sid': r.id, 'key': sound_key(r.text or '')} for r in rows])
        last = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table('segment', schema=None) as batch_op:
        batch_op.drop_column('sound')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_case_started')
        batch_op.drop_index('ix_contact_phone')
        batch_op.drop_column('phone')
    op.drop_index('ix_auth_log_session_id', table_name='auth_log')
    op.drop_index('ix_auth_log_username', table_name='auth_log')
    op.drop_index('ix_auth_log_at', table_name='auth_log')
    op.drop_table('auth_log')
