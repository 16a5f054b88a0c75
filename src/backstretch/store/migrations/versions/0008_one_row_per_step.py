"""One row per step of a session and per feeling of a stretch in a session, kept by the database itself, so
several app processes saving the same retried step store it once.

An older terminal player could save two rows under one step index (after an easier variant); the first is kept.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM session_step WHERE id NOT IN "
               "(SELECT MIN(id) FROM session_step GROUP BY session_id, step_index)")  # fmt: skip
    op.execute("DELETE FROM stretch_report WHERE id NOT IN "
               "(SELECT MIN(id) FROM stretch_report GROUP BY session_id, stretch, feeling)")  # fmt: skip
    op.create_index("uq_session_step_index", "session_step", ["session_id", "step_index"], unique=True)
    op.create_index("uq_stretch_report_feeling", "stretch_report", ["session_id", "stretch", "feeling"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_stretch_report_feeling", "stretch_report")
    op.drop_index("uq_session_step_index", "session_step")
