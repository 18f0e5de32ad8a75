"""Adapter state on PostgreSQL: small values an adapter keeps, under its own keys, with an
optional time to live; the same rules as the SQLite store's (an expired row reads as absent,
can be claimed again at once, and is deleted at most once every ``PRUNE_EVERY`` seconds inside
a state write). ``claim_state`` is one ``INSERT ... ON CONFLICT``: of two workers claiming the
same key, the row lock makes one wait and then find the key taken."""

from __future__ import annotations

import math
from typing import Any

from bot.store.postgres.db import Conn, Db, _now

PRUNE_EVERY = 60.0

_GET_SQL = ("SELECT value FROM adapter_state WHERE key = $1"
            " AND (expires_at IS NULL OR expires_at > $2::float8)")

_UPSERT_SQL = (
    "INSERT INTO adapter_state (key, value, updated_at, expires_at) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
    " updated_at = excluded.updated_at, expires_at = excluded.expires_at"
)

_CLAIM_SQL = (
    f"{_UPSERT_SQL} WHERE adapter_state.expires_at IS NOT NULL"
    " AND adapter_state.expires_at <= $5::float8 RETURNING 1"
)

_PRUNE_SQL = "DELETE FROM adapter_state WHERE expires_at IS NOT NULL AND expires_at <= $1::float8"


class StateMixin(Db):
    _state_pruned_at = -math.inf

    async def get_state(self, key: str) -> str | None:
        row = await self._read_row(_GET_SQL, key, self._clock())
        return row[0] if row else None

    async def put_state(self, key: str, value: str, *, ttl: int | None = None) -> None:
        _check_ttl(ttl)
        async with self._write() as conn:
            args = await self._state_write(conn, key, value, ttl)
            await conn.execute(_UPSERT_SQL, *args[:4])

    async def claim_state(self, key: str, value: str, *, ttl: int | None = None) -> bool:
        _check_ttl(ttl)
        async with self._write() as conn:
            args = await self._state_write(conn, key, value, ttl)
            return await conn.fetchval(_CLAIM_SQL, *args) is not None

    async def _state_write(self, conn: Conn, key: str, value: str,
                           ttl: int | None) -> tuple[Any, ...]:
        now = self._clock()
        if not 0 <= now - self._state_pruned_at < PRUNE_EVERY:
            await conn.execute(_PRUNE_SQL, now)
            self._state_pruned_at = now
        expires = None if ttl is None else math.ceil(now + ttl)
        return key, value, _now(), expires, now


def _check_ttl(ttl: int | None) -> None:
    if ttl is not None and ttl <= 0:
        raise ValueError(f"ttl must be a positive number of seconds or None, got {ttl!r}")
