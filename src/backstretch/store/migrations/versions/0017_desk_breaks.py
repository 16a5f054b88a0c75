"""Desk breaks outside the browser: the person's work hours, interval and pause move from the browser into the
store, so the web page and the desktop notifier (`backstretch breaks`) share them; and what happened to each break
the notifier offered, for the break history.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "break_settings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False,
                  unique=True),
        sa.Column("every", sa.Integer(), nullable=False),
        sa.Column("work_from", sa.String(5), nullable=False),
        sa.Column("work_to", sa.String(5), nullable=False),
        sa.Column("days", sa.JSON(), nullable=False),
        sa.Column("paused_until", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )  # fmt: skip
    op.create_table(
        "break_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("stretch", sa.String(60), nullable=False, server_default=""),
    )
    op.create_index("ix_break_event_person_day", "break_event", ["person_id", "day", "kind"])


def downgrade() -> None:
    op.drop_index("ix_break_event_person_day", "break_event")
    op.drop_table("break_event")
    op.drop_table("break_settings")
