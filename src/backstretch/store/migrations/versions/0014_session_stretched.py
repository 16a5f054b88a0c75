"""Whether a session had a hold done, kept on the session: a clinician's dashboard counts days of stretching for a
hundred patients at once, and looking through every session's steps for a done hold was its costliest query
(bench/load.py: about 10 ms of database CPU a dashboard; 3 ms reading the mark from an index). The store marks a
session as a hold is saved or imported; here the sessions already there are marked from their steps. The mark joins
the index on (person, day), which the dashboard reads alone.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("session", sa.Column("stretched", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(
        "UPDATE session SET stretched = TRUE WHERE EXISTS (SELECT 1 FROM session_step WHERE session_step.session_id"
        " = session.id AND session_step.kind = 'hold' AND session_step.outcome = 'done')"
    )
    op.drop_index("ix_session_person_day_pain", "session")
    op.create_index("ix_session_person_day", "session", ["person_id", "day", "id", "pain_before", "stretched"])


def downgrade() -> None:
    op.drop_index("ix_session_person_day", "session")
    op.create_index("ix_session_person_day_pain", "session", ["person_id", "day", "id", "pain_before"])
    with op.batch_alter_table("session") as batch:  # SQLite drops a column only by copying the table
        batch.drop_column("stretched")
