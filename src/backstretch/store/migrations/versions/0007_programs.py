"""Programs that clinicians assign to their patients.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "program",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
        sa.Column("clinician_id", sa.Integer, sa.ForeignKey("person.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("weekdays", sa.JSON, nullable=False),
        sa.Column("fill_free_days", sa.Boolean, nullable=False),
        sa.Column("note", sa.String(1000), nullable=False, server_default=""),
        sa.Column("items", sa.JSON, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    op.create_index("ix_program_person_id_active", "program", ["person_id", "active"])


def downgrade() -> None:
    op.drop_table("program")
