"""The pool under the PostgreSQL store: transactions, reads, errors.

Reliability rules (the same promises as the SQLite store's, kept PostgreSQL's way):

- One asyncpg pool per store; asyncpg prepares each statement once per connection and keeps it
  (its statement cache), so a hot query is parsed once, not on every call.
- Every write is one transaction (``_write``), at READ COMMITTED. Where a write reads first and
  decides on what it read (the last host, a twin night, the next prompt), it locks the row the
  decision is about first (``SELECT ... FOR UPDATE`` on the club or the night), so two workers
  on two hosts take turns exactly as two tasks behind SQLite's write lock do.
- The scheduler claims with ``FOR UPDATE SKIP LOCKED``: workers claiming at once get disjoint
  rows without waiting for each other (reminders.py).
- Every driver or connection failure leaves as ``StoreError`` (bot.store.errors), never as an
  asyncpg type: the core and the composition root know nothing of the driver.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg

from bot.store.errors import StoreError

log = logging.getLogger("bot.store.postgres")

# What a broken database or connection raises, as opposed to our own refusals (LastHost...).
DRIVER_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError)


def _now() -> str:
    # The same text SQLite's rows hold, so `store copy` moves them unchanged.
    return datetime.now(UTC).isoformat(timespec="microseconds")


Conn = asyncpg.Connection  # inside a transaction: what every helper below takes


class Db:
    """The pool and its transactions; ``PostgresStore`` (store.py) adds the tables' methods."""

    def __init__(self, pool: asyncpg.Pool, *, clock: Callable[[], float] = time.time) -> None:
        self._pool: asyncpg.Pool | None = pool
        self._clock = clock  # wall-clock unix seconds, for what expires (adapter state)

    def _require_open(self) -> asyncpg.Pool:
        if self._pool is None:
            raise StoreError("the store is closed")
        return self._pool

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[Conn]:
        """One transaction on one pooled connection, rolled back if the body raises."""
        pool = self._require_open()
        try:
            async with pool.acquire() as conn, conn.transaction():
                yield conn
        except DRIVER_ERRORS as error:
            raise StoreError(f"{type(error).__name__}: {error}") from error

    async def _read(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        """One query outside any transaction: it sees what was committed when it began."""
        pool = self._require_open()
        try:
            return list(await pool.fetch(sql, *args))
        except DRIVER_ERRORS as error:
            raise StoreError(f"{type(error).__name__}: {error}") from error

    async def _read_row(self, sql: str, *args: Any) -> asyncpg.Record | None:
        rows = await self._read(sql, *args)
        return rows[0] if rows else None

    # -- diagnostics ----------------------------------------------------------------------------

    async def schema_version(self) -> int:
        row = await self._read_row("SELECT version FROM schema_version")
        return int(row[0]) if row else 0

    async def database_bytes(self) -> int | None:
        """The database's size as the server counts it (every table, index and TOAST)."""
        row = await self._read_row("SELECT pg_database_size(current_database())")
        return int(row[0]) if row else None
