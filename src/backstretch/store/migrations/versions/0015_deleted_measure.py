"""Deleted measures, kept for a day so that Undo can put one back exactly as it was (its id included).

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deleted_measure",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("activities", sa.JSON(), nullable=False),
        sa.Column("morning", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("stretch", sa.String(60), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_deleted_measure_person_id", "deleted_measure", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_deleted_measure_person_id", "deleted_measure")
    op.drop_table("deleted_measure")
