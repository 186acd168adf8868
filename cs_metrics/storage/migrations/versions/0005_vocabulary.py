"""The company's own vocabularies (segments, regions, touchpoints, churn reasons, departments,
meeting types) and the time of an NPS answer.

Revision ID: 0005_vocabulary
Revises: 0004_boardpack
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0005_vocabulary'
down_revision = '0004_boardpack'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('vocabulary_term',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('controllable', sa.Boolean(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'key', name='uq_vocabulary_kind_key')
    )
    with op.batch_alter_table('vocabulary_term', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vocabulary_term_kind'), ['kind'], unique=False)
    with op.batch_alter_table('nps_response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('responded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('nps_response', schema=None) as batch_op:
        batch_op.drop_column('responded_at')
    with op.batch_alter_table('vocabulary_term', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vocabulary_term_kind'))
    op.drop_table('vocabulary_term')
