"""When each clinic login was last used, for the idle timeout: a login unused for BACKSTRETCH_IDLE_HOURS ends.
Logins open at the upgrade count as last used when they were made.

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("login", sa.Column("last_seen_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE login SET last_seen_at = created_at")
    with op.batch_alter_table("login") as batch:  # SQLite changes a column only by copying the table
        batch.alter_column("last_seen_at", existing_type=sa.DateTime(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("login") as batch:
        batch.drop_column("last_seen_at")
