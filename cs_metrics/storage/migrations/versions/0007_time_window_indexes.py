"""Covering indexes for the pages' time-window aggregates at a large company.

Revision ID: 0007_time_window_indexes
Revises: 0006_health_scores
"""

from __future__ import annotations

from alembic import op

revision = '0007_time_window_indexes'
down_revision = '0006_health_scores'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('revenue_month', schema=None) as batch_op:
        batch_op.create_index('ix_revenue_month_month_customer_mrr', ['month', 'customer_id', 'mrr'], unique=False)
    # Response rates join answers to their invitations.
    with op.batch_alter_table('nps_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nps_response_send_id'), ['send_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('nps_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nps_response_send_id'))
    with op.batch_alter_table('revenue_month', schema=None) as batch_op:
        batch_op.drop_index('ix_revenue_month_month_customer_mrr')
