"""The days a person said their back is worse (a flare-up), so Today, the player and the command line give that
day's gentle routine all day.

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "flare_day",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("screened_before", sa.Integer(), nullable=True),
    )
    op.create_index("uq_flare_day_person_day", "flare_day", ["person_id", "day"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_flare_day_person_day", "flare_day")
    op.drop_table("flare_day")
