"""Indexes a clinician's dashboard reads on their own, without the table rows, which about halved the time of its
queries for a hundred patients with a year of data each. Each replaces an index it covers, so
writes keep the same number of indexes.

Revision ID: 0011
Revises: 0010
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_session_person_id_day", "session")
    op.create_index("ix_session_person_day_pain", "session", ["person_id", "day", "id", "pain_before"])
    op.drop_index("ix_session_step_session_id", "session_step")  # uq_session_step_index starts with session_id too
    op.create_index("ix_session_step_totals", "session_step", ["session_id", "kind", "outcome", "seconds"])
    op.drop_index("ix_measure_person_id_kind_taken_on", "measure")
    op.create_index("ix_measure_person_kind_day_value", "measure", ["person_id", "kind", "taken_on", "value"])


def downgrade() -> None:
    op.drop_index("ix_measure_person_kind_day_value", "measure")
    op.create_index("ix_measure_person_id_kind_taken_on", "measure", ["person_id", "kind", "taken_on"])
    op.drop_index("ix_session_step_totals", "session_step")
    op.create_index("ix_session_step_session_id", "session_step", ["session_id"])
    op.drop_index("ix_session_person_day_pain", "session")
    op.create_index("ix_session_person_id_day", "session", ["person_id", "day"])
