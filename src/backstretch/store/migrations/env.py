"""Alembic environment: backstretch always hands it an open connection (see store.database.migrate)."""

from alembic import context

from backstretch.store.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
