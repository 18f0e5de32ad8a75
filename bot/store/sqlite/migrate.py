"""The schema's history: the packaged ``migrations/NNNN_*.sql`` and the routine applying them.

The version is ``PRAGMA user_version``; each migration and its version bump commit together or
not at all.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from typing import Any

import aiosqlite

from bot.store.sqlite.db import MigrationFailed, SchemaTooNew, StoreError, log, rollback

_MIGRATION_FILE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def load_migrations() -> tuple[tuple[int, str], ...]:
    """The packaged migrations, ``migrations/NNNN_description.sql``, as (version, sql), in order."""
    found: list[tuple[int, str]] = []
    folder = resources.files(__package__ or "bot.store.sqlite").joinpath("migrations")
    for entry in folder.iterdir():
        if not entry.name.endswith(".sql"):
            continue
        match = _MIGRATION_FILE.match(entry.name)
        if match is None:
            # A misnamed file would otherwise be skipped silently and its schema never applied.
            raise RuntimeError(f"migration file {entry.name!r} is not named NNNN_description.sql")
        found.append((int(match[1]), entry.read_text(encoding="utf-8")))
    return _checked(found)


def _checked(migrations: Iterable[tuple[int, str]]) -> tuple[tuple[int, str], ...]:
    ordered = tuple(sorted(migrations))
    versions = [version for version, _ in ordered]
    if versions != list(range(1, len(ordered) + 1)):
        raise ValueError(f"migrations must be numbered 1, 2, 3... with no gaps, got {versions}")
    return ordered


def split_sql(script: str) -> list[str]:
    """Split a script into statements, using SQLite's own idea of a complete statement.

    ``executescript`` would be simpler, but it COMMITs any open transaction first, which would
    split a migration from its ``user_version`` bump. ``complete_statement`` understands strings,
    comments and trigger bodies, so a ``;`` inside them does not end a statement.
    """
    statements: list[str] = []
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if _has_code(buffer):
                statements.append(buffer.strip())
            buffer = ""
    if _has_code(buffer):
        raise ValueError(f"incomplete SQL statement at the end of the script: {buffer.strip()!r}")
    return statements


def _has_code(sql: str) -> bool:
    without_comments = re.sub(r"--[^\n]*|/\*.*?\*/", "", sql, flags=re.DOTALL)
    return without_comments.strip(" \t\r\n;") != ""


MIGRATIONS: tuple[tuple[int, str], ...] = load_migrations()
LATEST_VERSION: int = MIGRATIONS[-1][0] if MIGRATIONS else 0


# A migration that rebuilds tables others refer to starts with this line: SQLite's own way
# (https://sqlite.org/lang_altertable.html#otheralter) runs it with foreign keys off, so that
# dropping the old table does not cascade, and checks every reference before it commits.
FOREIGN_KEYS_OFF = "-- foreign keys: off"


async def migrate(
    conn: aiosqlite.Connection, lock: asyncio.Lock, plan: Sequence[tuple[int, str]],
    params: Mapping[str, Any] | None = None,
) -> None:
    """Bring the database up to the last version in ``plan``, one transaction a migration.
    ``params`` are bound to the migrations' named parameters (``:legacy_work``)."""
    bound = dict(params or {})
    latest = plan[-1][0] if plan else 0
    try:
        current = await _user_version(conn)
    except sqlite3.Error as error:  # e.g. "file is not a database"
        raise StoreError(f"cannot read the database: {error}") from error
    if current > latest:
        raise SchemaTooNew(
            f"the database is at schema version {current} but this bot knows only up to "
            f"{latest}; it was written by a newer version: upgrade the bot, don't downgrade"
        )
    for version, sql in plan:
        if version <= current:
            continue
        rebuilds = any(line.strip() == FOREIGN_KEYS_OFF for line in sql.splitlines()[:3])
        async with lock:
            if rebuilds:  # outside a transaction, or SQLite ignores it
                await conn.execute_fetchall("PRAGMA foreign_keys = OFF")
            try:
                # BEGIN inside the try, as in _write: a cancelled BEGIN still runs.
                await conn.execute_fetchall("BEGIN IMMEDIATE")
                # Re-read under the write lock: another process may have migrated meanwhile.
                current = await _user_version(conn)
                if version <= current:
                    await conn.execute_fetchall("COMMIT")
                    continue
                for statement in split_sql(sql):
                    await conn.execute_fetchall(statement, _wanted(statement, bound))
                if rebuilds:
                    broken = list(await conn.execute_fetchall("PRAGMA foreign_key_check"))
                    if broken:
                        raise ValueError(f"the rebuild left rows that refer to nothing: "
                                         f"{broken[:3]}")
                await conn.execute_fetchall(f"PRAGMA user_version = {int(version)}")
                await conn.execute_fetchall("COMMIT")
            except BaseException as error:
                await rollback(conn)
                if isinstance(error, sqlite3.Error | ValueError | KeyError):
                    raise MigrationFailed(
                        f"migration {version} failed and was rolled back: {error}"
                    ) from error
                raise
            finally:
                if rebuilds:
                    await conn.execute_fetchall("PRAGMA foreign_keys = ON")
        log.info("database migrated to schema version %d", version)
        current = version


def _wanted(statement: str, bound: dict[str, Any]) -> dict[str, Any]:
    """The parameters a statement names; one it names but was not given is an error."""
    names = set(re.findall(r"(?<!:):([a-z_]+)", re.sub(r"'[^']*'|--[^\n]*", "", statement)))
    missing = names - set(bound)
    if missing:
        raise KeyError(f"the migration needs {', '.join(sorted(missing))}")
    return {name: bound[name] for name in names}


async def _user_version(conn: aiosqlite.Connection) -> int:
    rows = list(await conn.execute_fetchall("PRAGMA user_version"))
    return int(rows[0][0])

