"""Indexes for clinic views: a person's sessions by day, and a person's measures by kind and day.

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_session_person_id_day", "session", ["person_id", "day"])
    op.create_index("ix_measure_person_id_kind_taken_on", "measure", ["person_id", "kind", "taken_on"])


def downgrade() -> None:
    op.drop_index("ix_measure_person_id_kind_taken_on", "measure")
    op.drop_index("ix_session_person_id_day", "session")
