"""The owner's plan for each account at risk: the plan, the next step and its due date, one row per
customer.

Revision ID: 0011_account_plans
Revises: 0010_revision_codes
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0011_account_plans'
down_revision = '0010_revision_codes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('plan', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('next_step', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('customer_id')
    )


def downgrade() -> None:
    op.drop_table('account_plan')
