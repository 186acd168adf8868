"""Saved board packs: the numbers and the files of each frozen pack.

Revision ID: 0004_boardpack
Revises: 0003_ingest
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0004_boardpack'
down_revision = '0003_ingest'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('board_pack',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('company', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('compare_start', sa.Date(), nullable=False),
    sa.Column('compare_end', sa.Date(), nullable=False),
    sa.Column('sections', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('filters', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('numbers', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('pptx', sa.LargeBinary(), nullable=True),
    sa.Column('html', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('board_pack', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_pack_created_at'), ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('board_pack', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_board_pack_created_at'))
    op.drop_table('board_pack')
