"""Votes on a club's next work, on SQLite: the works put to the vote, one answer per member
(a later one replaces it), one open vote per club. A mixin of ``SqliteStore``."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

import aiosqlite

from bot.core.clubs import Poll, PollOpen
from bot.store.sqlite.db import Db, StoreError, _now

_POLL_SQL = """
SELECT p.id, p.club_id, p.choices, p.opened_by, p.closed_at,
    (SELECT json_group_object(v.work, v.n) FROM (
        SELECT work, count(*) AS n FROM poll_votes WHERE poll_id = p.id GROUP BY work) AS v)
FROM polls AS p
"""


def _poll(row: Sequence[object]) -> Poll:
    poll_id, club_id, choices, opened_by, closed_at, counts = row
    chosen = tuple(str(choices).split(","))
    votes = json.loads(str(counts)) if counts else {}
    return Poll(int(str(poll_id)), int(str(club_id)), chosen,
                tuple((w, int(votes.get(w, 0))) for w in chosen), str(opened_by),
                open=closed_at is None)


async def _read_poll(conn: aiosqlite.Connection, poll_id: int) -> Poll:
    rows = list(await conn.execute_fetchall(_POLL_SQL + " WHERE p.id = :id", {"id": poll_id}))
    if not rows:
        raise StoreError(f"no poll has id {poll_id}")
    return _poll(rows[0])


class PollsMixin(Db):
    async def open_poll(self, club_id: int, host: str, choices: Sequence[str]) -> Poll:
        async with self._write() as conn:
            try:
                rows = list(await conn.execute_fetchall(
                    "INSERT INTO polls (club_id, choices, opened_by, opened_at)"
                    " VALUES (:club, :choices, :host, :now) RETURNING id",
                    {"club": club_id, "choices": ",".join(choices), "host": host,
                     "now": _now()}))
            except sqlite3.IntegrityError as error:  # the partial unique index: one open
                raise PollOpen(club_id) from error
            return await _read_poll(conn, int(rows[0][0]))

    async def open_poll_of(self, club_id: int) -> Poll | None:
        rows = await self._read(_POLL_SQL + " WHERE p.club_id = :club AND p.closed_at IS NULL",
                                {"club": club_id})
        return _poll(rows[0]) if rows else None

    async def latest_poll_of(self, club_id: int) -> Poll | None:
        rows = await self._read(_POLL_SQL + " WHERE p.club_id = :club"
                                " ORDER BY p.closed_at IS NULL DESC, p.id DESC LIMIT 1",
                                {"club": club_id})
        return _poll(rows[0]) if rows else None

    async def cast_vote(self, poll_id: int, user: str, work: str) -> Poll:
        async with self._write() as conn:
            await conn.execute_fetchall(
                "INSERT INTO poll_votes (poll_id, user_id, work, updated_at)"
                " SELECT :poll, :user, :work, :now FROM polls"
                " WHERE id = :poll AND closed_at IS NULL"
                " ON CONFLICT (poll_id, user_id) DO UPDATE SET work = excluded.work,"
                " updated_at = excluded.updated_at",
                {"poll": poll_id, "user": user, "work": work, "now": _now()})
            return await _read_poll(conn, poll_id)

    async def vote_of(self, poll_id: int, user: str) -> str | None:
        rows = await self._read(
            "SELECT work FROM poll_votes WHERE poll_id = :poll AND user_id = :user",
            {"poll": poll_id, "user": user})
        return str(rows[0][0]) if rows else None

    async def close_poll(self, poll_id: int) -> Poll:
        async with self._write() as conn:
            await conn.execute_fetchall(
                "UPDATE polls SET closed_at = :now WHERE id = :poll AND closed_at IS NULL",
                {"poll": poll_id, "now": _now()})
            return await _read_poll(conn, poll_id)
