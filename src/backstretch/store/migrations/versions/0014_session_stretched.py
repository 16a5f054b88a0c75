"""Whether a session had a hold done, kept on the session: a clinician's dashboard counts days of stretching for a
hundred patients at once, and looking through every session's steps for a done hold was its costliest query;
reading a mark from an index is a fraction of it. The mark joins the
index on (person, day), which the dashboard reads alone.

A trigger sets the mark as a done hold is written, whoever writes it (the player, an import), inside the same
statement: no second round trip on the busiest write there is. Steps are only ever added, so a mark is never taken
back. The sessions already there are marked from their steps.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

MARK = "UPDATE session SET stretched = TRUE WHERE id = NEW.session_id AND NOT stretched"
HOLD_DONE = "NEW.kind = 'hold' AND NEW.outcome = 'done'"


def upgrade() -> None:
    op.add_column("session", sa.Column("stretched", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(
        "UPDATE session SET stretched = TRUE WHERE EXISTS (SELECT 1 FROM session_step WHERE session_step.session_id"
        " = session.id AND session_step.kind = 'hold' AND session_step.outcome = 'done')"
    )
    op.drop_index("ix_session_person_day_pain", "session")
    op.create_index("ix_session_person_day", "session", ["person_id", "day", "id", "pain_before", "stretched"])
    if _postgresql():
        op.execute(f"CREATE FUNCTION mark_stretched() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {MARK}; "
                   "RETURN NULL; END $$")  # fmt: skip
        op.execute(f"CREATE TRIGGER session_step_stretched AFTER INSERT ON session_step FOR EACH ROW "
                   f"WHEN ({HOLD_DONE}) EXECUTE FUNCTION mark_stretched()")  # fmt: skip
    else:
        op.execute(f"CREATE TRIGGER session_step_stretched AFTER INSERT ON session_step FOR EACH ROW "
                   f"WHEN {HOLD_DONE} BEGIN {MARK}; END")  # fmt: skip


def downgrade() -> None:
    op.execute("DROP TRIGGER session_step_stretched" + (" ON session_step" if _postgresql() else ""))
    if _postgresql():
        op.execute("DROP FUNCTION mark_stretched()")
    op.drop_index("ix_session_person_day", "session")
    op.create_index("ix_session_person_day_pain", "session", ["person_id", "day", "id", "pain_before"])
    with op.batch_alter_table("session") as batch:  # SQLite drops a column only by copying the table
        batch.drop_column("stretched")


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"
