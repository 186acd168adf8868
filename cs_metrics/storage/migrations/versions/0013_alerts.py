"""Alerts: each rule's setting (on or off, its parameter) and the alerts acknowledged, one row per
occurrence (rule, subject, since).

Revision ID: 0013_alerts
Revises: 0012_deliveries
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0013_alerts'
down_revision = '0012_deliveries'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alert_setting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('parameter', sa.Float(), nullable=True),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('rule')
    )
    op.create_table('alert_ack',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('acknowledged_by', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('acknowledged_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('rule', 'subject', 'since', name='uq_alert_ack_occurrence')
    )


def downgrade() -> None:
    op.drop_table('alert_ack')
    op.drop_table('alert_setting')
