"""Guided sessions, their finished steps, and how each stretch felt.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "session",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("ended_at", sa.DateTime, nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("plan", sa.JSON, nullable=False),
        sa.Column("pain_before", sa.Integer, nullable=True),
        sa.Column("pain_after", sa.Integer, nullable=True),
        sa.Column("note", sa.String(2000), nullable=False, server_default=""),
    )
    op.create_index("ix_session_day", "session", ["day"])
    op.create_table(
        "session_step",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("session.id", ondelete="CASCADE"), nullable=False),
        sa.Column("step_index", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("stretch", sa.String(60), nullable=True),
        sa.Column("side", sa.String(5), nullable=True),
        sa.Column("rep", sa.Integer, nullable=True),
        sa.Column("seconds", sa.Float, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("finished_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_session_step_session_id", "session_step", ["session_id"])
    op.create_table(
        "stretch_report",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("session.id", ondelete="CASCADE"), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("stretch", sa.String(60), nullable=False),
        sa.Column("feeling", sa.String(20), nullable=False),
        sa.Column("reported_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_stretch_report_session_id", "stretch_report", ["session_id"])
    op.create_index("ix_stretch_report_day", "stretch_report", ["day"])
    op.create_index("ix_stretch_report_stretch", "stretch_report", ["stretch"])


def downgrade() -> None:
    op.drop_table("stretch_report")
    op.drop_table("session_step")
    op.drop_index("ix_session_day", "session")
    op.drop_table("session")
