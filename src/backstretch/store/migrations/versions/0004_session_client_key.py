"""A web page's own key for each session it starts, so a start sent again after being offline opens one session.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A unique index rather than a UNIQUE column: SQLite cannot add a column with a constraint in place.
    op.add_column("session", sa.Column("client_key", sa.String(36), nullable=True))
    op.create_index("ix_session_client_key", "session", ["client_key"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_session_client_key", "session")
    op.drop_column("session", "client_key")
