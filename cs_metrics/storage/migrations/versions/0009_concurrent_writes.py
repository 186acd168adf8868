"""One company-wide target per dimension on PostgreSQL: the unique rule on (team, dimension) counts
an empty team as one value (``NULLS NOT DISTINCT``, PostgreSQL 15 and later). Rows that repeat a
team and dimension are removed first, keeping the newest.

Revision ID: 0009_concurrent_writes
Revises: 0008_people_and_audit
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009_concurrent_writes'
down_revision = '0008_people_and_audit'
branch_labels = None
depends_on = None

_KEEP_NEWEST = ("DELETE FROM maturity_target WHERE id NOT IN "
                "(SELECT max(id) FROM maturity_target GROUP BY team_id, dimension)")


def _nulls_not_distinct_supported(bind) -> bool:
    return bind.dialect.name == "postgresql" and (bind.dialect.server_version_info or (0,)) >= (15,)


def upgrade() -> None:
    bind = op.get_bind()
    op.execute(sa.text(_KEEP_NEWEST))
    if _nulls_not_distinct_supported(bind):
        op.drop_constraint('uq_target_team_dimension', 'maturity_target', type_='unique')
        op.create_unique_constraint('uq_target_team_dimension', 'maturity_target', ['team_id', 'dimension'],
                                    postgresql_nulls_not_distinct=True)


def downgrade() -> None:
    bind = op.get_bind()
    if _nulls_not_distinct_supported(bind):
        op.drop_constraint('uq_target_team_dimension', 'maturity_target', type_='unique')
        op.create_unique_constraint('uq_target_team_dimension', 'maturity_target', ['team_id', 'dimension'])
