"""The schema's history on PostgreSQL: the packaged ``migrations/NNNN_*.sql`` and the routine
applying them.

The version is the one row of ``schema_version``. Each migration runs in its own transaction
that first takes a transaction-level advisory lock, then re-reads the version: ten workers
starting at once queue on the lock, the first migrates, the nine others find the work done.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from importlib import resources

import asyncpg

from bot.store.errors import MigrationFailed, SchemaTooNew, StoreError
from bot.store.postgres.db import DRIVER_ERRORS, log

_MIGRATION_FILE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

# pg_advisory_xact_lock's key: any constant of our own, the same in every worker.
MIGRATION_LOCK = 0x6E6C6D67


def load_migrations() -> tuple[tuple[int, str], ...]:
    """The packaged migrations, ``migrations/NNNN_description.sql``, as (version, sql), in order."""
    found: list[tuple[int, str]] = []
    folder = resources.files(__package__ or "bot.store.postgres").joinpath("migrations")
    for entry in folder.iterdir():
        if not entry.name.endswith(".sql"):
            continue
        match = _MIGRATION_FILE.match(entry.name)
        if match is None:
            raise RuntimeError(f"migration file {entry.name!r} is not named NNNN_description.sql")
        found.append((int(match[1]), entry.read_text(encoding="utf-8")))
    return checked(found)


def checked(migrations: Iterable[tuple[int, str]]) -> tuple[tuple[int, str], ...]:
    ordered = tuple(sorted(migrations))
    versions = [version for version, _ in ordered]
    if versions != list(range(1, len(ordered) + 1)):
        raise ValueError(f"migrations must be numbered 1, 2, 3... with no gaps, got {versions}")
    return ordered


MIGRATIONS: tuple[tuple[int, str], ...] = load_migrations()
LATEST_VERSION: int = MIGRATIONS[-1][0] if MIGRATIONS else 0

_VERSION_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);"
    " INSERT INTO schema_version (version) SELECT 0"
    " WHERE NOT EXISTS (SELECT 1 FROM schema_version)"
)


async def migrate(pool: asyncpg.Pool, plan: Sequence[tuple[int, str]]) -> None:
    """Bring the database up to the last version in ``plan``, one transaction a migration."""
    latest = plan[-1][0] if plan else 0
    pending = list(plan)
    while True:
        try:
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
                await conn.execute(_VERSION_TABLE)
                current = int(await conn.fetchval("SELECT version FROM schema_version"))
                if current > latest:
                    raise SchemaTooNew(
                        f"the database is at schema version {current} but this bot knows only"
                        f" up to {latest}; it was written by a newer version: upgrade the bot,"
                        " don't downgrade")
                pending = [(v, sql) for v, sql in pending if v > current]
                if not pending:
                    return
                version, sql = pending[0]
                try:
                    # No arguments: the simple query protocol, which runs a whole script.
                    await conn.execute(sql)
                except asyncpg.PostgresError as error:
                    raise MigrationFailed(
                        f"migration {version} failed and was rolled back: {error}") from error
                await conn.execute("UPDATE schema_version SET version = $1", version)
        except DRIVER_ERRORS as error:
            raise StoreError(f"cannot migrate the database: {error}") from error
        log.info("database migrated to schema version %d", version)
