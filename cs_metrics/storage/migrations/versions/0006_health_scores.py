"""Health scores as stored facts: the score of every customer-month per model version, the months
scored and from which revision of their inputs, and the revision of each month's inputs.

Revision ID: 0006_health_scores
Revises: 0005_vocabulary
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0006_health_scores'
down_revision = '0005_vocabulary'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('health_signal_month',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('month')
    )
    op.create_table('health_score_month',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('scored_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('customers', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('version', 'month', name='uq_health_score_month')
    )
    op.create_table('health_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('band', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('arr', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('version', 'customer_id', 'month', name='uq_health_score')
    )
    with op.batch_alter_table('health_score', schema=None) as batch_op:
        batch_op.create_index('ix_health_score_bands', ['version', 'month', 'band', 'customer_id', 'score', 'arr'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('health_score', schema=None) as batch_op:
        batch_op.drop_index('ix_health_score_bands')
    op.drop_table('health_score')
    op.drop_table('health_score_month')
    op.drop_table('health_signal_month')
