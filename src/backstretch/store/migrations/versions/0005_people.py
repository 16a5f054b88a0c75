"""People: whose each profile, screening, session and measure is, so one database can hold a clinic.

An existing database's rows all belong to the one person who used it, who becomes the first person.

Revision ID: 0005
Revises: 0004
"""

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OWNED = ("profile", "screening", "session", "measure")


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("email", sa.String(254), nullable=True, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=True),
        sa.Column("name", sa.String(100), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    bind = op.get_bind()
    owner = None
    if any(bind.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() for table in OWNED):
        bind.execute(sa.text("INSERT INTO person (role, name, created_at) VALUES ('person', '', :now)"),
                     {"now": datetime.now()})  # fmt: skip
        owner = bind.execute(sa.text("SELECT MIN(id) FROM person")).scalar_one()
    for table in OWNED:
        # Nullable: SQLite adds a column with a foreign key in place only when it may be NULL; rebuilding the
        # table instead would, with foreign keys on, delete every session's steps and reports on the way. No ON
        # DELETE CASCADE either: SQLite's own reflection cannot read it back from an added column, so the test that
        # compares models and migrations could not check it; removing a person removes their rows explicitly.
        if bind.dialect.name == "sqlite":  # Alembic adds a foreign key in SQLite only by rebuilding the table
            op.execute(f"ALTER TABLE {table} ADD COLUMN person_id INTEGER REFERENCES person (id)")
        else:
            op.add_column(table, sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), nullable=True))
        if owner is not None:
            bind.execute(sa.text(f"UPDATE {table} SET person_id = :owner"), {"owner": owner})
        unique = table == "profile"
        op.create_index(f"ix_{table}_person_id", table, ["person_id"], unique=unique)


def downgrade() -> None:
    for table in OWNED:
        op.drop_index(f"ix_{table}_person_id", table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("person_id")
    op.drop_table("person")
