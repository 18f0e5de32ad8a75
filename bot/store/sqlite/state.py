"""Adapter state on SQLite: small values an adapter keeps across restarts, under its own keys.

A mixin of ``SqliteStore`` over ``Db``. ``get_state()`` is read on every button click, so it
takes the fast read-only path (``_read_now``) and never writes.

A value may carry a time to live (``ttl``, seconds; None keeps it forever). An expired row reads
as absent and can be claimed again at once; the rows themselves are deleted later, at most once
every ``PRUNE_EVERY`` seconds, inside a state write (``put_state``, ``claim_state``) that runs
anyway. Expiry uses the store's wall clock (``time.time`` unless ``open()`` was given another).
"""

from __future__ import annotations

import math
from typing import Any

import aiosqlite

from bot.store.sqlite.db import Db, _now

PRUNE_EVERY = 60.0  # seconds between two deletions of expired rows, at the most

_LIVE = "(expires_at IS NULL OR expires_at > :now)"

_GET_SQL = f"SELECT value FROM adapter_state WHERE key = :key AND {_LIVE}"

_UPSERT_SQL = (
    "INSERT INTO adapter_state (key, value, updated_at, expires_at)"
    " VALUES (:key, :value, :updated, :expires)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
    " updated_at = excluded.updated_at, expires_at = excluded.expires_at"
)

# A live row keeps its key (no row RETURNed); an expired one is replaced, as a prune would
# have deleted it.
_CLAIM_SQL = (
    f"{_UPSERT_SQL} WHERE adapter_state.expires_at IS NOT NULL"
    " AND adapter_state.expires_at <= :now RETURNING 1"
)

# The expires_at IS NOT NULL term matches the partial index adapter_state_expiry.
_PRUNE_SQL = "DELETE FROM adapter_state WHERE expires_at IS NOT NULL AND expires_at <= :now"


class StateMixin(Db):
    _state_pruned_at = -math.inf  # clock time of the last prune, per store

    async def get_state(self, key: str) -> str | None:
        sql, params = _GET_SQL, {"key": key, "now": self._clock()}
        rows = self._read_now(sql, params)  # read when a button is clicked: keep it quick
        if rows is None:
            rows = await self._read(sql, params)
        return rows[0][0] if rows else None

    async def put_state(self, key: str, value: str, *, ttl: int | None = None) -> None:
        _check_ttl(ttl)
        async with self._write() as conn:
            params = await self._state_write(conn, key, value, ttl)
            await conn.execute_fetchall(_UPSERT_SQL, params)

    async def claim_state(self, key: str, value: str, *, ttl: int | None = None) -> bool:
        _check_ttl(ttl)
        async with self._write() as conn:
            params = await self._state_write(conn, key, value, ttl)
            rows = await conn.execute_fetchall(_CLAIM_SQL, params)
        return bool(list(rows))

    async def _state_write(
        self, conn: aiosqlite.Connection, key: str, value: str, ttl: int | None
    ) -> dict[str, Any]:
        """Inside a state write's transaction: prune if it is time, and the write's parameters."""
        now = self._clock()
        # A clock that went back (a wall-clock adjustment) prunes at once rather than waiting.
        if not 0 <= now - self._state_pruned_at < PRUNE_EVERY:
            await conn.execute_fetchall(_PRUNE_SQL, {"now": now})
            self._state_pruned_at = now
        expires = None if ttl is None else math.ceil(now + ttl)  # lives at least ttl seconds
        return {"key": key, "value": value, "updated": _now(), "expires": expires, "now": now}


def _check_ttl(ttl: int | None) -> None:
    if ttl is not None and ttl <= 0:  # before any I/O, like an out-of-range progress
        raise ValueError(f"ttl must be a positive number of seconds or None, got {ttl!r}")
