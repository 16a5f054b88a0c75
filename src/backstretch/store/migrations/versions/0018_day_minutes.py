"""The minutes a person chose for one day only, so Today, the player and the command line keep them all day
(a new default goes into the profile instead).

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "day_minutes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
    )
    op.create_index("uq_day_minutes_person_day", "day_minutes", ["person_id", "day"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_day_minutes_person_day", "day_minutes")
    op.drop_table("day_minutes")
