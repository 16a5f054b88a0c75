"""A session's plan key: saving a step or changing the plan checks it in the same statement, instead of a lock
that only one app process could see.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Sessions stored before have an empty key: any value does, as long as a change of plan gives a new one.
    op.add_column("session", sa.Column("plan_key", sa.String(32), nullable=False, server_default=""))


def downgrade() -> None:
    op.drop_column("session", "plan_key")
