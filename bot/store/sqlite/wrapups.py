"""A club's wrap-ups on SQLite (``wrapups``, ``wrapup_answers``): one open per club (a partial
unique index), one answer per member replaced while it is open, and the works a club has read
for its history. A mixin of ``SqliteStore``; every write is one ``_write`` transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import aiosqlite

from bot.core.wrapups import Wrapup, WrapupAnswer, WrapupOpen
from bot.store.sqlite.db import Db, StoreError, _now
from bot.store.wrapup_rows import wrapups_of as _wrapups

_WRAPUP = "SELECT id, club_id, work, opened_by, opened_at, closed_at, reached_end FROM wrapups"
_ANSWERS = ("SELECT wrapup_id, user_id, finished, rating, line, named FROM wrapup_answers"
            " WHERE wrapup_id IN ({ids}) ORDER BY updated_at, user_id")


Fetch = Callable[[str, dict[str, Any]], Awaitable[Iterable[Any]]]


async def _read_wrapups(fetch: Fetch, where: str, params: dict[str, Any]
                        ) -> tuple[Wrapup, ...]:
    rows = list(await fetch(f"{_WRAPUP} WHERE {where} ORDER BY id", params))
    ids = ", ".join(str(int(r[0])) for r in rows) or "NULL"  # ints, read back from the table
    answers = list(await fetch(_ANSWERS.format(ids=ids), {}))
    return _wrapups(rows, answers)


async def _one(conn: aiosqlite.Connection, wrapup_id: int) -> Wrapup:
    found = await _read_wrapups(conn.execute_fetchall, "id = :id", {"id": wrapup_id})
    if not found:
        raise StoreError(f"no wrap-up has id {wrapup_id}")
    return found[0]


class WrapupsMixin(Db):
    async def open_wrapup(self, club_id: int, work: str, host: str, *,
                          reached_end: bool) -> Wrapup:
        async with self._write() as conn:
            try:
                rows = list(await conn.execute_fetchall(
                    "INSERT INTO wrapups (club_id, work, opened_by, opened_at, reached_end)"
                    " VALUES (:club, :work, :host, :now, :end) RETURNING id",
                    {"club": club_id, "work": work, "host": host, "now": _now(),
                     "end": int(reached_end)}))
            except sqlite3.IntegrityError as error:  # wrapups_one_open
                raise WrapupOpen(club_id) from error
            return await _one(conn, int(rows[0][0]))

    async def open_wrapup_of(self, club_id: int) -> Wrapup | None:
        found = await _read_wrapups(self._read, "club_id = :club AND closed_at IS NULL",
                                    {"club": club_id})
        return found[0] if found else None

    async def answer_wrapup(self, wrapup_id: int, answer: WrapupAnswer) -> Wrapup:
        async with self._write() as conn:
            await conn.execute_fetchall(
                "INSERT INTO wrapup_answers (wrapup_id, user_id, finished, rating, line, named,"
                " updated_at) SELECT :id, :user, :finished, :rating, :line, :named, :now"
                " FROM wrapups WHERE id = :id AND closed_at IS NULL"
                " ON CONFLICT (wrapup_id, user_id) DO UPDATE SET finished = excluded.finished,"
                " rating = excluded.rating, line = excluded.line, named = excluded.named,"
                " updated_at = excluded.updated_at",
                {"id": wrapup_id, "user": answer.user, "finished": answer.finished.value,
                 "rating": answer.rating, "line": answer.line, "named": int(answer.named),
                 "now": _now()})
            return await _one(conn, wrapup_id)

    async def close_wrapup(self, wrapup_id: int) -> Wrapup:
        async with self._write() as conn:
            await conn.execute_fetchall(
                "UPDATE wrapups SET closed_at = :now WHERE id = :id AND closed_at IS NULL",
                {"id": wrapup_id, "now": _now()})
            return await _one(conn, wrapup_id)

    async def club_wrapups(self, club_id: int) -> tuple[Wrapup, ...]:
        return await _read_wrapups(self._read, "club_id = :club", {"club": club_id})

    async def club_works_read(self, club_id: int) -> tuple[tuple[str, str], ...]:
        rows = await self._read("SELECT work, started_at FROM club_progress"
                                " WHERE club_id = :club ORDER BY started_at, work",
                                {"club": club_id})
        return tuple((str(w), str(at)) for w, at in rows)
