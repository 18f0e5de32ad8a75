"""A club's reading schedule on SQLite (``schedule_points``, ``schedule_followers``): a host's
plan staged as a dry run, confirmed into the club's, shifted, and each point's nudge claimed
with a lease as reminders are, so it goes out once. A mixin of ``SqliteStore`` over ``Db``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import aiosqlite

from bot.core.nights import Target
from bot.core.reading import Nudge, Point
from bot.core.when import Wall, from_iso
from bot.store.sqlite.db import Db, _now

_POINT = "p.number, p.target_novel, p.target_film, p.local_due, p.tz"
_CLAIM = (
    "UPDATE schedule_points SET nudge_state = 'sending', claimed_by = :worker,"
    " lease_until = :now + :lease WHERE id IN (SELECT p.id FROM schedule_points AS p"
    " JOIN clubs AS c ON c.id = p.club_id WHERE c.platform = :platform AND p.staged_by = ''"
    " AND c.archived_at IS NULL AND ({which}) ORDER BY p.nudge_at, p.id LIMIT :limit)"
    " RETURNING id"
)
_DUE = ("(p.nudge_state = 'pending' AND p.nudge_at <= :now) OR (p.nudge_state = 'sending'"
        " AND coalesce(p.lease_until, 0) <= :now)")
_MINE = "p.nudge_state = 'sending' AND p.claimed_by = :worker"


def _point(row: Any) -> Point:
    number, novel, film, local, tz = row[:5]
    return Point(int(number), Target(novel=novel, film=film), from_iso(local, tz))


def _row(point: Point, now: int, sent: bool) -> tuple[object, ...]:
    nudge = int(point.nudge_at().timestamp())
    state = "sent" if sent else "pending" if nudge > now else "skipped"
    return (point.number, point.target.novel, point.target.film, point.wall.iso(),
            point.wall.tz, point.wall.timestamp(), nudge, state)


class ScheduleMixin(Db):
    async def stage_schedule(self, club_id: int, work: str, user: str,
                             points: Sequence[Point]) -> None:
        async with self._write() as conn:
            await conn.execute("DELETE FROM schedule_points WHERE club_id = ? AND work = ?"
                               " AND staged_by = ?", (club_id, work, user))
            await _insert(conn, club_id, work, user, user, points, 0, set())

    async def reading_schedule(self, club_id: int, work: str, *, staged: str | None = None
                               ) -> tuple[Point, ...]:
        rows = await self._read(
            f"SELECT {_POINT} FROM schedule_points AS p WHERE p.club_id = :club"
            " AND p.work = :work AND p.staged_by = :by ORDER BY p.number",
            {"club": club_id, "work": work, "by": staged or ""})
        return tuple(_point(r) for r in rows)

    async def confirm_schedule(self, club_id: int, work: str, user: str, now: int) -> int:
        async with self._write() as conn:
            staged = [_point(r) for r in await conn.execute_fetchall(
                f"SELECT {_POINT} FROM schedule_points AS p WHERE p.club_id = ? AND p.work = ?"
                " AND p.staged_by = ? ORDER BY p.number", (club_id, work, user))]
            if not staged:
                return 0
            # A point the schedule before had already nudged for is not nudged again.
            sent = {(_point(r).target, _point(r).wall) for r in await conn.execute_fetchall(
                f"SELECT {_POINT} FROM schedule_points AS p WHERE p.club_id = ? AND p.work = ?"
                " AND p.staged_by = '' AND p.nudge_state IN ('sent', 'sending')",
                (club_id, work))}
            await conn.execute("DELETE FROM schedule_points WHERE club_id = ? AND work = ?"
                               " AND staged_by IN ('', ?)", (club_id, work, user))
            await _insert(conn, club_id, work, "", user, staged, now, sent)
        return len(staged)

    async def shift_schedule(self, club_id: int, work: str, points: Sequence[Point],
                             now: int) -> int:
        async with self._write() as conn:
            moved = 0
            for point in points:
                _n, _novel, _film, local, tz, due, nudge, state = _row(point, now, False)
                rows = await conn.execute_fetchall(
                    "UPDATE schedule_points SET local_due = ?, tz = ?, due_at = ?, nudge_at = ?,"
                    " nudge_state = ?, claimed_by = NULL, lease_until = NULL, done_at = NULL"
                    " WHERE club_id = ? AND work = ? AND staged_by = '' AND number = ?"
                    " RETURNING 1", (local, tz, due, nudge, state, club_id, work, point.number))
                moved += len(list(rows))
            return moved

    async def clear_schedule(self, club_id: int, work: str) -> int:
        async with self._write() as conn:
            rows = await conn.execute_fetchall(
                "DELETE FROM schedule_points WHERE club_id = ? AND work = ? AND staged_by = ''"
                " RETURNING 1", (club_id, work))
            return len(list(rows))

    async def follow_schedule(self, club_id: int, user: str, on: bool) -> None:
        async with self._write() as conn:
            if on:
                await conn.execute("INSERT OR IGNORE INTO schedule_followers (club_id, user_id,"
                                   " since) VALUES (?, ?, ?)", (club_id, user, _now()))
            else:
                await conn.execute("DELETE FROM schedule_followers WHERE club_id = ?"
                                   " AND user_id = ?", (club_id, user))

    async def schedule_followers(self, club_id: int) -> tuple[str, ...]:
        rows = await self._read("SELECT user_id FROM schedule_followers WHERE club_id = :club"
                                " ORDER BY user_id", {"club": club_id})
        return tuple(r[0] for r in rows)

    # -- nudges, as the scheduler claims them --------------------------------------------------

    async def claim_nudges(self, platform: str, now: int, limit: int = 50, *,
                           worker: str = "", lease: int = 300, mine: bool = False
                           ) -> tuple[Nudge, ...]:
        async with self._write() as conn:
            ids = [r[0] for r in await conn.execute_fetchall(
                _CLAIM.format(which=_MINE if mine else _DUE),
                {"platform": platform, "now": now, "limit": limit, "worker": worker,
                 "lease": lease})]
            if not ids:
                return ()
            rows = await conn.execute_fetchall(
                f"SELECT {_POINT}, p.id, p.club_id, c.channel_id, c.workspace, p.work,"
                " (SELECT json_group_array(f.user_id) FROM schedule_followers AS f"
                "  WHERE f.club_id = p.club_id AND f.user_id IN (SELECT m.user_id"
                "  FROM club_members AS m WHERE m.club_id = p.club_id))"
                " FROM schedule_points AS p JOIN clubs AS c ON c.id = p.club_id"
                " WHERE p.id IN (SELECT value FROM json_each(?)) ORDER BY p.nudge_at, p.id",
                (json.dumps(ids),))
            return tuple(Nudge(r[5], r[6], r[7], r[8], r[9], _point(r),
                               tuple(sorted(json.loads(r[10])))) for r in rows)

    async def renew_nudges(self, ids: Sequence[int], *, worker: str,
                           until: int) -> frozenset[int]:
        if not ids:
            return frozenset()
        async with self._write() as conn:
            rows = await conn.execute_fetchall(
                "UPDATE schedule_points SET lease_until = ? WHERE nudge_state = 'sending'"
                " AND claimed_by = ? AND id IN (SELECT value FROM json_each(?)) RETURNING id",
                (until, worker, json.dumps(list(ids))))
            return frozenset(int(r[0]) for r in rows)

    async def finish_nudges(self, sent: Sequence[int], skipped: Sequence[int]) -> None:
        if not sent and not skipped:
            return
        now = _now()
        async with self._write() as conn:
            await conn.executemany(
                "UPDATE schedule_points SET nudge_state = ?, done_at = ?, lease_until = NULL"
                " WHERE id = ? AND nudge_state = 'sending'",
                [*(("sent", now, i) for i in sent), *(("skipped", now, i) for i in skipped)])

    async def retry_nudge(self, nudge_id: int) -> None:
        async with self._write() as conn:
            await conn.execute(
                "UPDATE schedule_points SET nudge_state = 'pending', claimed_by = NULL,"
                " lease_until = NULL WHERE id = ? AND nudge_state = 'sending'", (nudge_id,))

    async def next_nudge(self, platform: str) -> int | None:
        rows = await self._read(
            "SELECT min(p.nudge_at) FROM schedule_points AS p JOIN clubs AS c"
            " ON c.id = p.club_id WHERE c.platform = :platform AND p.nudge_state = 'pending'"
            " AND p.staged_by = ''", {"platform": platform})
        return rows[0][0]


async def _insert(conn: aiosqlite.Connection, club_id: int, work: str, staged_by: str,
                  user: str, points: Sequence[Point], now: int,
                  sent: set[tuple[Target, Wall]]) -> None:
    made = _now()
    await conn.executemany(
        "INSERT INTO schedule_points (club_id, work, staged_by, number, target_novel,"
        " target_film, local_due, tz, due_at, nudge_at, nudge_state, created_by, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(club_id, work, staged_by, *_row(p, now, (p.target, p.wall) in sent), user, made)
         for p in points])
