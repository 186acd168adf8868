"""A self-assessment given without sign-in keeps the digest of its revision code: only whoever holds
the code can load and revise those answers.

Revision ID: 0010_revision_codes
Revises: 0009_concurrent_writes
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0010_revision_codes'
down_revision = '0009_concurrent_writes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision_digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_column('revision_digest')
