"""The stretch a measure was taken in: the camera coach's range of motion (kind "rom") is one joint angle of one
stretch, so readings of different stretches are told apart. Other measures keep an empty stretch.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("measure", sa.Column("stretch", sa.String(60), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("measure") as batch:  # SQLite drops a column only by copying the table
        batch.drop_column("stretch")
