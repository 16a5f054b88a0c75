"""The store: SQLAlchemy 2 over SQLite by default, schema kept by Alembic migrations that run on first use."""

from backstretch.store.database import Store, StoreError, database_url, open_store

__all__ = ["Store", "StoreError", "database_url", "open_store"]
