"""A club's wrap-ups on PostgreSQL, as on SQLite: one open per club (a partial unique index),
one answer per member replaced while it is open, and the works a club has read for its
history. A mixin of ``PostgresStore``; every write is one transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import asyncpg

from bot.core.wrapups import Wrapup, WrapupAnswer, WrapupOpen
from bot.store.errors import StoreError
from bot.store.postgres.db import Conn, Db, _now
from bot.store.wrapup_rows import ANSWER_COLUMNS, WRAPUP_COLUMNS, wrapups_of

Fetch = Callable[..., Awaitable[Sequence[Any]]]


async def _read_wrapups(fetch: Fetch, where: str, *args: Any) -> tuple[Wrapup, ...]:
    rows = list(await fetch(f"SELECT {WRAPUP_COLUMNS} FROM wrapups WHERE {where} ORDER BY id",
                            *args))
    ids = [int(r[0]) for r in rows]
    answers = list(await fetch(
        f"SELECT {ANSWER_COLUMNS} FROM wrapup_answers WHERE wrapup_id = ANY($1::bigint[])"
        " ORDER BY updated_at, user_id", ids)) if ids else []
    return wrapups_of(rows, answers)


async def _one(conn: Conn, wrapup_id: int) -> Wrapup:
    found = await _read_wrapups(conn.fetch, "id = $1", wrapup_id)
    if not found:
        raise StoreError(f"no wrap-up has id {wrapup_id}")
    return found[0]


class WrapupsMixin(Db):
    async def open_wrapup(self, club_id: int, work: str, host: str, *,
                          reached_end: bool) -> Wrapup:
        async with self._write() as conn:
            try:
                async with conn.transaction():  # a savepoint: the refusal leaves no trace
                    wrapup_id = await conn.fetchval(
                        "INSERT INTO wrapups (club_id, work, opened_by, opened_at, reached_end)"
                        " VALUES ($1, $2, $3, $4, $5) RETURNING id",
                        club_id, work, host, _now(), int(reached_end))
            except asyncpg.UniqueViolationError as error:  # wrapups_one_open
                raise WrapupOpen(club_id) from error
            return await _one(conn, wrapup_id)

    async def open_wrapup_of(self, club_id: int) -> Wrapup | None:
        found = await _read_wrapups(self._read, "club_id = $1 AND closed_at IS NULL", club_id)
        return found[0] if found else None

    async def answer_wrapup(self, wrapup_id: int, answer: WrapupAnswer) -> Wrapup:
        async with self._write() as conn:
            await conn.execute(
                "INSERT INTO wrapup_answers (wrapup_id, user_id, finished, rating, line, named,"
                " updated_at) SELECT $1, $2, $3, $4, $5, $6, $7"
                " FROM wrapups WHERE id = $1 AND closed_at IS NULL"
                " ON CONFLICT (wrapup_id, user_id) DO UPDATE SET finished = excluded.finished,"
                " rating = excluded.rating, line = excluded.line, named = excluded.named,"
                " updated_at = excluded.updated_at",
                wrapup_id, answer.user, answer.finished.value, answer.rating, answer.line,
                int(answer.named), _now())
            return await _one(conn, wrapup_id)

    async def close_wrapup(self, wrapup_id: int) -> Wrapup:
        async with self._write() as conn:
            await conn.execute(
                "UPDATE wrapups SET closed_at = $2 WHERE id = $1 AND closed_at IS NULL",
                wrapup_id, _now())
            return await _one(conn, wrapup_id)

    async def club_wrapups(self, club_id: int) -> tuple[Wrapup, ...]:
        return await _read_wrapups(self._read, "club_id = $1", club_id)

    async def club_works_read(self, club_id: int) -> tuple[tuple[str, str], ...]:
        rows = await self._read("SELECT work, started_at FROM club_progress"
                                " WHERE club_id = $1 ORDER BY started_at, work", club_id)
        return tuple((str(w), str(at)) for w, at in rows)
