"""Profile and red-flag screening.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "profile",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "screening",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("taken_on", sa.Date, nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("cleared_on", sa.Date, nullable=True),
        sa.Column("note", sa.String(500), nullable=False, server_default=""),
    )
    op.create_index("ix_screening_taken_on", "screening", ["taken_on"])


def downgrade() -> None:
    op.drop_index("ix_screening_taken_on", "screening")
    op.drop_table("screening")
    op.drop_table("profile")
