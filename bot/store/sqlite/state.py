"""Adapter state on SQLite: small values an adapter keeps across restarts, under its own keys.

A mixin of ``SqliteStore`` over ``Db``. ``get_state()`` is read on every button click, so it
takes the fast read-only path (``_read_now``).
"""

from __future__ import annotations

from bot.store.sqlite.db import Db, _now


class StateMixin(Db):
    async def get_state(self, key: str) -> str | None:
        sql, params = "SELECT value FROM adapter_state WHERE key = :key", {"key": key}
        rows = self._read_now(sql, params)  # read when a button is clicked: keep it quick
        if rows is None:
            rows = await self._read(sql, params)
        return rows[0][0] if rows else None

    async def put_state(self, key: str, value: str) -> None:
        async with self._write() as conn:
            await conn.execute_fetchall(
                "INSERT INTO adapter_state (key, value, updated_at) VALUES (:key, :value, :now)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
                " updated_at = excluded.updated_at",
                {"key": key, "value": value, "now": _now()},
            )

    async def claim_state(self, key: str, value: str) -> bool:
        async with self._write() as conn:
            rows = await conn.execute_fetchall(
                "INSERT INTO adapter_state (key, value, updated_at) VALUES (:key, :value, :now)"
                " ON CONFLICT (key) DO NOTHING RETURNING 1",
                {"key": key, "value": value, "now": _now()},
            )
        return bool(list(rows))

