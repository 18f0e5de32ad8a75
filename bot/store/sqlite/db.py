"""The connection under the SQLite store: transactions, the fast reader, pragmas, errors.

Reliability rules (docs: platform-contract.md §C):

- One aiosqlite connection per store, opened with ``isolation_level=None`` so Python's sqlite3
  never opens a transaction behind our back.
- Every write runs in ``BEGIN IMMEDIATE ... COMMIT`` under an ``asyncio.Lock``. IMMEDIATE takes the
  write lock up front, so a transaction that reads and then writes waits for another writer
  (``busy_timeout``) instead of failing at once with "database is locked".
- Reads take the same lock: the connection is shared, and outside the lock a read could run in the
  middle of another task's transaction and see rows that are later rolled back. Everything runs on
  the connection's single thread anyway, so the lock costs almost nothing.
- ``journal_mode=WAL`` so other processes can read while we write, and ``synchronous=FULL`` so a
  commit the user was told about survives power loss, not only a crash (NORMAL + WAL may lose the
  last commits on power loss).
- The schema is versioned with ``PRAGMA user_version``; each migration and its version bump commit
  together or not at all.
- ``context()``, which every command and every autocomplete keystroke reads (and
  ``get_state()``, read on every button click), goes through a
  second, read-only stdlib connection on the event loop's own thread: a point read there takes
  microseconds, against a thread hop for each aiosqlite call. It sees only committed rows (its
  own snapshot, fresh for every statement, including other processes' commits), and with
  ``busy_timeout = 0`` it never blocks the loop: if SQLite ever answers busy, the read goes
  the usual way, through the worker thread.
- ``context()``'s answers are kept on that connection while the database is unchanged: SQLite's
  ``PRAGMA data_version`` moves whenever any other connection commits, in this process or
  another (Discord shards, Slack workers), and the reader itself never writes, so an
  unchanged version proves a kept answer is still what the query would return. The version
  is read before the query, so what is kept is never older than the version it is kept under.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.store.errors import MigrationFailed, SchemaTooNew, StoreError, UnknownClub

log = logging.getLogger("bot.store.sqlite")  # one logger for the package, as before the split

BUSY_TIMEOUT_MS = 5000
# context() answers kept while the database is unchanged (a few hundred bytes each); past this,
# all are dropped at once: the active channels and members fill it again within a command each.
CONTEXTS_KEPT = 4096

__all__ = ["MigrationFailed", "SchemaTooNew", "StoreError", "UnknownClub"]


def _now() -> str:
    # Microseconds so that joined_at orders hosts who joined within the same second.
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _open_reader(path: Path) -> sqlite3.Connection | None:
    """The read-only connection for hot point reads; None (reads take the worker) if it fails."""
    try:
        reader = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                                 isolation_level=None)
    except sqlite3.Error:
        log.warning("no read-only connection for %s; reads go through the worker", path)
        return None
    reader.execute("PRAGMA busy_timeout = 0")
    reader.execute("PRAGMA query_only = 1")
    return reader


async def rollback(conn: aiosqlite.Connection) -> None:
    try:
        # sqlite3's rollback() is a no-op when SQLite already ended the transaction.
        await conn.rollback()
    except (sqlite3.Error, ValueError):
        log.exception("rollback failed")


# -- the connection ------------------------------------------------------------------------------


class Db:
    """The connection, its lock and its transactions: what every part of the store stands on.

    Not a store by itself; ``SqliteStore`` (store.py) adds the tables' methods and ``open()``.
    """

    def __init__(
        self, conn: aiosqlite.Connection, *, clock: Callable[[], float] = time.time
    ) -> None:
        # Private: open() applies the pragmas and migrations a usable store depends on.
        self._conn: aiosqlite.Connection | None = conn
        self._lock = asyncio.Lock()
        self._reader: sqlite3.Connection | None = None  # see the module docstring
        self._kept: dict[Any, Any] = {}  # context() answers while data_version stays put
        self._version = -1
        self._clock = clock  # wall-clock unix seconds, for what expires (adapter state)

    async def _configure(self, *, in_memory: bool) -> None:
        conn = self._require_open()
        try:
            await conn.execute_fetchall(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute_fetchall("PRAGMA foreign_keys = ON")
            await conn.execute_fetchall("PRAGMA synchronous = FULL")
            mode = await self._enable_wal(conn)
        except sqlite3.Error as error:
            raise StoreError(f"cannot configure the database: {error}") from error
        # An in-memory database answers "memory"; a file that cannot do WAL (e.g. a network
        # filesystem) answers its old mode, and we would rather not run with other semantics.
        if not in_memory and mode != "wal":
            raise StoreError(f"the database refused WAL journaling (journal_mode is {mode!r})")

    @staticmethod
    async def _enable_wal(conn: aiosqlite.Connection) -> str:
        """Switch to WAL (persistent, so usually already done) and return the journal mode."""
        rows = list(await conn.execute_fetchall("PRAGMA journal_mode"))
        if str(rows[0][0]).lower() == "wal":
            return "wal"
        # Switching needs an exclusive lock, and SQLite answers "database is locked" at once,
        # without the busy handler, when another connection is opening the same new file
        # (seen with two stores opening a fresh file together). So retry up to busy_timeout.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + BUSY_TIMEOUT_MS / 1000
        delay = 0.005
        while True:
            try:
                rows = list(await conn.execute_fetchall("PRAGMA journal_mode = WAL"))
                return str(rows[0][0]).lower()
            except sqlite3.OperationalError as error:
                # The low byte is the primary code; extended ones (BUSY_RECOVERY...) add bits.
                busy = getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY
                if not busy or loop.time() + delay > deadline:
                    raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.1)

    # -- transaction plumbing -------------------------------------------------------------------

    def _require_open(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise StoreError("the store is closed")
        return self._conn

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[aiosqlite.Connection]:
        """One ``BEGIN IMMEDIATE ... COMMIT`` transaction, rolled back if the body raises."""
        async with self._lock:
            conn = self._require_open()
            try:
                # Inside the try: if we are cancelled while BEGIN is queued, it still runs on the
                # worker thread, and the rollback (queued after it) must close that transaction.
                await conn.execute_fetchall("BEGIN IMMEDIATE")
                yield conn
            except BaseException as error:
                await rollback(conn)
                if isinstance(error, sqlite3.Error):
                    raise StoreError(str(error)) from error
                raise
            try:
                await conn.execute_fetchall("COMMIT")
            except sqlite3.Error as error:
                await rollback(conn)
                raise StoreError(f"commit failed: {error}") from error

    def _read_now(self, sql: str, params: dict[str, Any]) -> list[Any] | None:
        """A read on the loop's thread, or None when it must go through the worker."""
        reader = self._reader
        if reader is None or self._conn is None:
            return None
        try:
            return reader.execute(sql, params).fetchall()
        except sqlite3.Error:  # busy, locked or anything else: the worker's path handles it
            return None

    def _unchanged(self) -> dict[Any, Any] | None:
        """The answers kept since the database last changed (emptied when it has), or None
        when there is no reader to tell (reads then go the usual way, nothing kept)."""
        reader = self._reader
        if reader is None or self._conn is None:
            return None
        try:
            version = reader.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error:
            return None
        if version != self._version:
            self._kept.clear()
            self._version = version
        return self._kept

    async def _read(self, sql: str, params: dict[str, Any]) -> list[Any]:
        """One query, one round-trip to the worker thread (execute_fetchall, no cursor)."""
        async with self._lock:
            conn = self._require_open()
            try:
                return list(await conn.execute_fetchall(sql, params))
            except sqlite3.Error as error:
                raise StoreError(str(error)) from error

    # -- diagnostics ----------------------------------------------------------------------------

    async def database_bytes(self) -> int | None:
        """The database file's pages (the WAL, checkpointed back into them, is left out)."""
        rows = await self._read("SELECT page_count * page_size FROM pragma_page_count(),"
                                " pragma_page_size()", {})
        return int(rows[0][0]) if rows and rows[0][0] else None

    async def pragmas(self) -> dict[str, Any]:
        """The settings this store relies on, as the connection reports them (for health checks)."""
        row = (
            await self._read(
                "SELECT (SELECT journal_mode FROM pragma_journal_mode),"
                " (SELECT synchronous FROM pragma_synchronous),"
                " (SELECT timeout FROM pragma_busy_timeout),"
                " (SELECT foreign_keys FROM pragma_foreign_keys),"
                " (SELECT user_version FROM pragma_user_version)",
                {},
            )
        )[0]
        keys = ("journal_mode", "synchronous", "busy_timeout", "foreign_keys", "user_version")
        return dict(zip(keys, row, strict=True))

    async def integrity_check(self) -> str:
        """``"ok"``, or SQLite's first complaint."""
        return str((await self._read("PRAGMA integrity_check", {}))[0][0])

    async def backup(self, target: str | os.PathLike[str]) -> None:
        """A consistent copy of the whole database at ``target`` (which must not exist yet).

        ``VACUUM INTO`` reads one snapshot, so writes from other processes during the copy are
        either all in it or not at all; a plain file copy could miss the WAL's committed pages.
        """
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        await self._read("VACUUM INTO :target", {"target": os.fspath(target)})

