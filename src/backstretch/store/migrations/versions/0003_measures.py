"""Measures the person logs: pain, function (their own activities), and reach.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "measure",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("taken_on", sa.Date, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("activities", sa.JSON, nullable=False),
        sa.Column("morning", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("note", sa.String(500), nullable=False, server_default=""),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_measure_kind_taken_on", "measure", ["kind", "taken_on"])


def downgrade() -> None:
    op.drop_index("ix_measure_kind_taken_on", "measure")
    op.drop_table("measure")
