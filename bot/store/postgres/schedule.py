"""A club's reading schedule on PostgreSQL, as on SQLite: a host's plan staged as a dry run,
confirmed into the club's, shifted; each point's nudge claimed with ``FOR UPDATE SKIP LOCKED``
and a lease, as reminders are, so of several workers one sends it, once. A mixin of
``PostgresStore``; every write is one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core.nights import Target
from bot.core.reading import Nudge, Point
from bot.core.when import Wall, from_iso
from bot.store.postgres.db import Conn, Db, _now

_POINT = "p.number, p.target_novel, p.target_film, p.local_due, p.tz"
_DUE = ("(p.nudge_state = 'pending' AND p.nudge_at <= $2) OR (p.nudge_state = 'sending'"
        " AND coalesce(p.lease_until, 0) <= $2)")
_MINE = "p.nudge_state = 'sending' AND p.claimed_by = $4"


def _claim_sql(which: str) -> str:
    """$1 platform, $2 now, $3 limit, $4 worker, $5 lease (seconds)."""
    return f"""
WITH picked AS (
    SELECT p.id FROM schedule_points AS p JOIN clubs AS c ON c.id = p.club_id
    WHERE c.platform = $1 AND p.staged_by = '' AND c.archived_at IS NULL AND ({which})
    ORDER BY p.nudge_at, p.id LIMIT $3 FOR UPDATE OF p SKIP LOCKED)
UPDATE schedule_points AS s SET nudge_state = 'sending', claimed_by = $4,
    lease_until = $2::bigint + $5::bigint
FROM picked WHERE s.id = picked.id RETURNING s.id
"""


_CLAIM = _claim_sql(_DUE)
_RECLAIM = _claim_sql(_MINE)
_NUDGES = f"""
SELECT {_POINT}, p.id, p.club_id, c.channel_id, c.workspace, p.work,
    (SELECT coalesce(array_agg(f.user_id ORDER BY f.user_id), '{{}}')
        FROM schedule_followers AS f WHERE f.club_id = p.club_id AND f.user_id IN
        (SELECT m.user_id FROM club_members AS m WHERE m.club_id = p.club_id))
FROM schedule_points AS p JOIN clubs AS c ON c.id = p.club_id
WHERE p.id = ANY($1::bigint[]) ORDER BY p.nudge_at, p.id
"""


def _point(row: Any) -> Point:
    number, novel, film, local, tz = tuple(row)[:5]
    return Point(int(number), Target(novel=novel, film=film), from_iso(local, tz))


def _row(point: Point, now: int, sent: bool) -> tuple[Any, ...]:
    nudge = int(point.nudge_at().timestamp())
    state = "sent" if sent else "pending" if nudge > now else "skipped"
    return (point.number, point.target.novel, point.target.film, point.wall.iso(),
            point.wall.tz, point.wall.timestamp(), nudge, state)


class ScheduleMixin(Db):
    async def stage_schedule(self, club_id: int, work: str, user: str,
                             points: Sequence[Point]) -> None:
        async with self._write() as conn:
            await conn.execute("DELETE FROM schedule_points WHERE club_id = $1 AND work = $2"
                               " AND staged_by = $3", club_id, work, user)
            await _insert(conn, club_id, work, user, user, points, 0, set())

    async def reading_schedule(self, club_id: int, work: str, *, staged: str | None = None
                               ) -> tuple[Point, ...]:
        rows = await self._read(
            f"SELECT {_POINT} FROM schedule_points AS p WHERE p.club_id = $1 AND p.work = $2"
            " AND p.staged_by = $3 ORDER BY p.number", club_id, work, staged or "")
        return tuple(_point(r) for r in rows)

    async def confirm_schedule(self, club_id: int, work: str, user: str, now: int) -> int:
        async with self._write() as conn:
            await conn.execute("SELECT 1 FROM clubs WHERE id = $1 FOR UPDATE", club_id)
            staged = [_point(r) for r in await conn.fetch(
                f"SELECT {_POINT} FROM schedule_points AS p WHERE p.club_id = $1"
                " AND p.work = $2 AND p.staged_by = $3 ORDER BY p.number", club_id, work, user)]
            if not staged:
                return 0
            # A point the schedule before had already nudged for is not nudged again.
            sent = {(p.target, p.wall) for p in (_point(r) for r in await conn.fetch(
                f"SELECT {_POINT} FROM schedule_points AS p WHERE p.club_id = $1"
                " AND p.work = $2 AND p.staged_by = '' AND p.nudge_state IN ('sent', 'sending')",
                club_id, work))}
            await conn.execute("DELETE FROM schedule_points WHERE club_id = $1 AND work = $2"
                               " AND staged_by IN ('', $3)", club_id, work, user)
            await _insert(conn, club_id, work, "", user, staged, now, sent)
        return len(staged)

    async def shift_schedule(self, club_id: int, work: str, points: Sequence[Point],
                             now: int) -> int:
        async with self._write() as conn:
            moved = 0
            for point in points:
                _n, _novel, _film, local, tz, due, nudge, state = _row(point, now, False)
                done = await conn.fetchval(
                    "UPDATE schedule_points SET local_due = $1, tz = $2, due_at = $3,"
                    " nudge_at = $4, nudge_state = $5, claimed_by = NULL, lease_until = NULL,"
                    " done_at = NULL WHERE club_id = $6 AND work = $7 AND staged_by = ''"
                    " AND number = $8 RETURNING 1",
                    local, tz, due, nudge, state, club_id, work, point.number)
                moved += done is not None
            return moved

    async def clear_schedule(self, club_id: int, work: str) -> int:
        async with self._write() as conn:
            rows = await conn.fetch(
                "DELETE FROM schedule_points WHERE club_id = $1 AND work = $2"
                " AND staged_by = '' RETURNING 1", club_id, work)
        return len(rows)

    async def follow_schedule(self, club_id: int, user: str, on: bool) -> None:
        async with self._write() as conn:
            if on:
                await conn.execute("INSERT INTO schedule_followers (club_id, user_id, since)"
                                   " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                                   club_id, user, _now())
            else:
                await conn.execute("DELETE FROM schedule_followers WHERE club_id = $1"
                                   " AND user_id = $2", club_id, user)

    async def schedule_followers(self, club_id: int) -> tuple[str, ...]:
        rows = await self._read("SELECT user_id FROM schedule_followers WHERE club_id = $1"
                                " ORDER BY user_id", club_id)
        return tuple(r[0] for r in rows)

    # -- nudges, as the scheduler claims them --------------------------------------------------

    async def claim_nudges(self, platform: str, now: int, limit: int = 50, *,
                           worker: str = "", lease: int = 300, mine: bool = False
                           ) -> tuple[Nudge, ...]:
        async with self._write() as conn:
            ids = [r[0] for r in await conn.fetch(_RECLAIM if mine else _CLAIM, platform, now,
                                                  limit, worker, lease)]
            if not ids:
                return ()
            rows = await conn.fetch(_NUDGES, ids)
        return tuple(Nudge(r[5], r[6], r[7], r[8], r[9], _point(r), tuple(r[10]))
                     for r in rows)

    async def renew_nudges(self, ids: Sequence[int], *, worker: str,
                           until: int) -> frozenset[int]:
        if not ids:
            return frozenset()
        async with self._write() as conn:
            rows = await conn.fetch(
                "UPDATE schedule_points SET lease_until = $3 WHERE id = ANY($1::bigint[])"
                " AND nudge_state = 'sending' AND claimed_by = $2 RETURNING id",
                list(ids), worker, until)
        return frozenset(int(r[0]) for r in rows)

    async def finish_nudges(self, sent: Sequence[int], skipped: Sequence[int]) -> None:
        if not sent and not skipped:
            return
        now = _now()
        async with self._write() as conn:
            await conn.executemany(
                "UPDATE schedule_points SET nudge_state = $1, done_at = $2, lease_until = NULL"
                " WHERE id = $3 AND nudge_state = 'sending'",
                [*(("sent", now, i) for i in sent), *(("skipped", now, i) for i in skipped)])

    async def retry_nudge(self, nudge_id: int) -> None:
        async with self._write() as conn:
            await conn.execute(
                "UPDATE schedule_points SET nudge_state = 'pending', claimed_by = NULL,"
                " lease_until = NULL WHERE id = $1 AND nudge_state = 'sending'", nudge_id)

    async def next_nudge(self, platform: str) -> int | None:
        row = await self._read_row(
            "SELECT min(p.nudge_at) FROM schedule_points AS p JOIN clubs AS c"
            " ON c.id = p.club_id WHERE c.platform = $1 AND p.nudge_state = 'pending'"
            " AND p.staged_by = ''", platform)
        return None if row is None or row[0] is None else int(row[0])


async def _insert(conn: Conn, club_id: int, work: str, staged_by: str, user: str,
                  points: Sequence[Point], now: int, sent: set[tuple[Target, Wall]]) -> None:
    made = _now()
    await conn.executemany(
        "INSERT INTO schedule_points (club_id, work, staged_by, number, target_novel,"
        " target_film, local_due, tz, due_at, nudge_at, nudge_state, created_by, created_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        [(club_id, work, staged_by, *_row(p, now, (p.target, p.wall) in sent), user, made)
         for p in points])
