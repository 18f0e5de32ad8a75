"""Votes on a club's next work, on PostgreSQL: one answer per member (a later one replaces it),
one open vote per club (a partial unique index, as on SQLite)."""

from __future__ import annotations

import json
from collections.abc import Sequence

import asyncpg

from bot.core.clubs import Poll, PollOpen
from bot.store.errors import StoreError
from bot.store.postgres.db import Conn, Db, _now

_POLL_SQL = """
SELECT p.id, p.club_id, p.choices, p.opened_by, p.closed_at,
    (SELECT json_object_agg(v.work, v.n) FROM (
        SELECT work, count(*) AS n FROM poll_votes WHERE poll_id = p.id GROUP BY work) AS v)
FROM polls AS p
"""


def _poll(row: Sequence[object]) -> Poll:
    poll_id, club_id, choices, opened_by, closed_at, counts = tuple(row)
    chosen = tuple(str(choices).split(","))
    votes = json.loads(str(counts)) if counts else {}
    return Poll(int(str(poll_id)), int(str(club_id)), chosen,
                tuple((w, int(votes.get(w, 0))) for w in chosen), str(opened_by),
                open=closed_at is None)


async def _read_poll(conn: Conn, poll_id: int) -> Poll:
    row = await conn.fetchrow(_POLL_SQL + " WHERE p.id = $1", poll_id)
    if row is None:
        raise StoreError(f"no poll has id {poll_id}")
    return _poll(row)


class PollsMixin(Db):
    async def open_poll(self, club_id: int, host: str, choices: Sequence[str]) -> Poll:
        async with self._write() as conn:
            try:
                async with conn.transaction():  # a savepoint: the refusal leaves no trace
                    poll_id = await conn.fetchval(
                        "INSERT INTO polls (club_id, choices, opened_by, opened_at)"
                        " VALUES ($1, $2, $3, $4) RETURNING id",
                        club_id, ",".join(choices), host, _now())
            except asyncpg.UniqueViolationError as error:  # polls_one_open
                raise PollOpen(club_id) from error
            return await _read_poll(conn, poll_id)

    async def open_poll_of(self, club_id: int) -> Poll | None:
        row = await self._read_row(_POLL_SQL + " WHERE p.club_id = $1 AND p.closed_at IS NULL",
                                   club_id)
        return _poll(row) if row else None

    async def latest_poll_of(self, club_id: int) -> Poll | None:
        row = await self._read_row(_POLL_SQL + " WHERE p.club_id = $1"
                                   " ORDER BY (p.closed_at IS NULL) DESC, p.id DESC LIMIT 1",
                                   club_id)
        return _poll(row) if row else None

    async def cast_vote(self, poll_id: int, user: str, work: str) -> Poll:
        async with self._write() as conn:
            await conn.execute(
                "INSERT INTO poll_votes (poll_id, user_id, work, updated_at)"
                " SELECT $1, $2, $3, $4 FROM polls WHERE id = $1 AND closed_at IS NULL"
                " ON CONFLICT (poll_id, user_id) DO UPDATE SET work = excluded.work,"
                " updated_at = excluded.updated_at", poll_id, user, work, _now())
            return await _read_poll(conn, poll_id)

    async def vote_of(self, poll_id: int, user: str) -> str | None:
        row = await self._read_row(
            "SELECT work FROM poll_votes WHERE poll_id = $1 AND user_id = $2", poll_id, user)
        return str(row[0]) if row else None

    async def close_poll(self, poll_id: int) -> Poll:
        async with self._write() as conn:
            await conn.execute(
                "UPDATE polls SET closed_at = $2 WHERE id = $1 AND closed_at IS NULL",
                poll_id, _now())
            return await _read_poll(conn, poll_id)
