"""The lessons ("a minute of learning a day"): those a person has read, one row per person and lesson with the day
it was marked read, so Today can offer the next one; and those a clinician assigned to a patient (clinic mode).

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lesson_read",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
        sa.Column("slug", sa.String(60), nullable=False),
        sa.Column("read_on", sa.Date(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=False),
    )
    op.create_index("uq_lesson_read_person_slug", "lesson_read", ["person_id", "slug"], unique=True)
    op.create_table(
        "lesson_assigned",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
        sa.Column("slug", sa.String(60), nullable=False),
        sa.Column("clinician_id", sa.Integer(), sa.ForeignKey("person.id", ondelete="SET NULL"), nullable=True),
        sa.Column("assigned_on", sa.Date(), nullable=False),
    )
    op.create_index("uq_lesson_assigned_person_slug", "lesson_assigned", ["person_id", "slug"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_lesson_assigned_person_slug", "lesson_assigned")
    op.drop_table("lesson_assigned")
    op.drop_index("uq_lesson_read_person_slug", "lesson_read")
    op.drop_table("lesson_read")
