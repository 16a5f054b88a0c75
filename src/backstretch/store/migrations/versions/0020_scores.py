"""The outcome-score checkpoints a person dismissed, so the prompt for them stays away.

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "score_prompt",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("dismissed_on", sa.Date(), nullable=False),
    )
    op.create_index("uq_score_prompt_person_week", "score_prompt", ["person_id", "week"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_score_prompt_person_week", "score_prompt")
    op.drop_table("score_prompt")
