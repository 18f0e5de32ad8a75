"""The SQLite store, seen from outside: import it from here, never from a module inside.

Inside, each part has its own room: ``db`` (the connection, transactions, errors), ``migrate``
(the schema's versions, ``migrations/*.sql``), ``clubs``, ``nights``, ``reminders`` and
``state``, ``pictures`` (one mixin each), ``dump`` (every row out and in, for
``store copy``), and ``store`` (``SqliteStore``, built from them).
"""

from bot.store.sqlite.db import MigrationFailed, SchemaTooNew, StoreError, UnknownClub
from bot.store.sqlite.migrate import LATEST_VERSION, MIGRATIONS, load_migrations, split_sql
from bot.store.sqlite.store import SqliteStore

__all__ = [
    "LATEST_VERSION",
    "MIGRATIONS",
    "MigrationFailed",
    "SchemaTooNew",
    "SqliteStore",
    "StoreError",
    "UnknownClub",
    "load_migrations",
    "split_sql",
]
