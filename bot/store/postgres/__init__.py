"""The PostgreSQL store, seen from outside: import it from here, never from a module inside.

Needs the optional extra: ``pip install -e '.[postgres]'`` (asyncpg). Inside, as in the SQLite
package: ``db`` (the pool, transactions, errors), ``migrate`` (``migrations/*.sql``, applied
under an advisory lock), ``clubs``, ``prompts``, ``nights``, ``reminders``, ``polls``,
``pictures``, ``state`` (one mixin each) and ``store`` (``PostgresStore``, built from them).
"""

from bot.store.errors import MigrationFailed, SchemaTooNew, StoreError, UnknownClub
from bot.store.postgres.migrate import LATEST_VERSION, MIGRATION_LOCK, MIGRATIONS
from bot.store.postgres.store import PostgresStore

__all__ = [
    "LATEST_VERSION",
    "MIGRATIONS",
    "MIGRATION_LOCK",
    "MigrationFailed",
    "PostgresStore",
    "SchemaTooNew",
    "StoreError",
    "UnknownClub",
]
