"""What the scheduler asks the SQLite store: due reminders, and series to continue.

A mixin of ``SqliteStore`` over ``Db``. A reminder is a row (pending -> sending -> sent or
skipped), so a restart neither loses nor repeats one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import aiosqlite

from bot.core.clubs import SpoilerMode
from bot.core.nights import Due, Night, NightPlan
from bot.core.timeline import Medium, Progress
from bot.store.sqlite.db import Db, _now
from bot.store.sqlite.nights import _NIGHT_COLUMNS, _NIGHT_WIDTH, _insert_night, _night, _one

# A claim is a lease: a row in 'sending' whose lease ran out (or, at start-up, that this same
# worker claimed before it restarted) is claimed again; rows from before leases have none,
# so they count as run out, as a restart recovered them before.
_PENDING = "(state = 'pending' AND due_at <= :now) OR "
_CLAIM_SQL = (
    "UPDATE reminders SET state = 'sending', claimed_by = :worker, lease_until = :now + :lease"
    " WHERE id IN (SELECT id FROM reminders WHERE platform = :platform AND ({pending}"
    "(state = 'sending' AND (coalesce(lease_until, 0) <= :now OR claimed_by = :mine)))"
    " ORDER BY due_at, id LIMIT :limit) RETURNING id, night_id, hours"
)

_SERIES_CLAIM_SQL = (
    "UPDATE nights SET series_claimed_by = :worker, series_lease_until = :now + :lease"
    " WHERE id IN (SELECT n.id FROM nights AS n JOIN clubs AS c ON c.id = n.club_id"
    " WHERE n.repeat IS NOT NULL AND n.next_made = 0 AND n.starts_at <= :now"
    " AND c.platform = :platform AND c.archived_at IS NULL"
    " AND coalesce(n.series_lease_until, 0) <= :now"
    " ORDER BY n.starts_at, n.id LIMIT :limit) RETURNING id"
)


class RemindersMixin(Db):
    # -- series -----------------------------------------------------------------------------

    async def claim_series(self, platform: str, now: int, limit: int = 100, *,
                           worker: str = "", lease: int = 300) -> tuple[Night, ...]:
        """Begun series nights not continued yet, claimed for ``worker`` until ``now +
        lease`` unless a live claim holds them. The write lock serializes claims."""
        async with self._write() as conn:
            ids = [r[0] for r in await conn.execute_fetchall(
                _SERIES_CLAIM_SQL, {"now": now, "platform": platform, "limit": limit,
                                    "worker": worker, "lease": lease})]
            if not ids:
                return ()
            rows = await conn.execute_fetchall(
                f"SELECT {_NIGHT_COLUMNS} FROM nights AS n WHERE n.id IN"
                f" ({','.join('?' * len(ids))}) ORDER BY n.starts_at, n.id", tuple(ids))
            return tuple(_night(row) for row in rows)

    async def continue_series(self, night_id: int, successor: NightPlan, *,
                              worker: str = "") -> Night | None:
        """Make a series' next night, once, while ``worker`` holds its claim."""
        async with self._write() as conn:
            rows = list(await conn.execute_fetchall(
                "UPDATE nights SET next_made = 1 WHERE id = :id AND next_made = 0"
                " AND repeat IS NOT NULL AND coalesce(series_claimed_by, '') = :worker"
                " RETURNING club_id", {"id": night_id, "worker": worker}))
            if not rows:
                return None
            new_id = await _insert_night(conn, rows[0][0], successor)
            return await _one(conn, new_id)

    # -- reminders --------------------------------------------------------------------------

    async def claim_due(self, platform: str, now: int, limit: int = 200, *,
                        worker: str = "", lease: int = 300) -> tuple[Due, ...]:
        """Claim the reminders due by ``now`` and those whose lease ran out (pending or
        expired -> sending by ``worker`` until ``now + lease``), with what sending needs. The
        write lock serializes claims, so two processes never claim the same row."""
        async with self._write() as conn:
            rows = list(await conn.execute_fetchall(
                _CLAIM_SQL.format(pending=_PENDING), {"platform": platform, "now": now,
                                                     "limit": limit, "worker": worker,
                                                     "lease": lease, "mine": None}))
            return await self._dues(conn, rows)

    async def claimed(self, platform: str, now: int, *, worker: str = "",
                      lease: int = 300) -> tuple[Due, ...]:
        """Claims left by a crash: those whose lease ran out, and ``worker``'s own."""
        async with self._write() as conn:
            rows = list(await conn.execute_fetchall(
                _CLAIM_SQL.format(pending=""), {"platform": platform, "now": now,
                                                "limit": -1, "worker": worker, "lease": lease,
                                                "mine": worker or None}))
            return await self._dues(conn, rows)

    @staticmethod
    async def _dues(conn: aiosqlite.Connection, rows: list[Any]) -> tuple[Due, ...]:
        """Everything sending needs for the claimed rows, in one query."""
        if not rows:
            return ()
        hours = {int(r[0]): int(r[2]) for r in rows}
        found = await conn.execute_fetchall(
            f"SELECT {_NIGHT_COLUMNS}, r.id, c.channel_id, c.workspace,"
            " coalesce(p.novel, 0), coalesce(p.film, 0), c.spoiler_mode, c.medium,"
            " (SELECT json_group_array(v.user_id) FROM rsvps AS v WHERE v.night_id = n.id"
            "  AND v.remind = 1 AND v.answer IS NOT 'no')"
            " FROM reminders AS r JOIN nights AS n ON n.id = r.night_id"
            " JOIN clubs AS c ON c.id = n.club_id"
            # The club's progress in the night's work cuts the channel's reminder.
            " LEFT JOIN club_progress AS p ON p.club_id = c.id AND p.work = n.work"
            f" WHERE r.id IN ({','.join('?' * len(hours))}) ORDER BY r.due_at, r.id",
            tuple(hours))
        out = []
        for row in found:
            reminder_id, channel, workspace, novel, film, mode, medium, remind = \
                row[_NIGHT_WIDTH:]
            out.append(Due(reminder_id, _night(row), hours[reminder_id], channel, workspace,
                           tuple(sorted(json.loads(remind))), Progress(novel, film),
                           SpoilerMode(mode), Medium(medium)))
        return tuple(out)

    async def renew_claims(self, ids: Sequence[int], *, worker: str,
                           until: int) -> frozenset[int]:
        """Extend ``worker``'s claims still in sending to ``until``; the ids it still holds."""
        if not ids:
            return frozenset()
        async with self._write() as conn:
            rows = await conn.execute_fetchall(
                "UPDATE reminders SET lease_until = ? WHERE state = 'sending'"
                " AND claimed_by = ? AND id IN (SELECT value FROM json_each(?)) RETURNING id",
                (until, worker, json.dumps(list(ids))))
            return frozenset(int(r[0]) for r in rows)

    async def finish_reminders(self, sent: Sequence[int], skipped: Sequence[int]) -> None:
        """Mark a tick's reminders, all in one transaction."""
        if not sent and not skipped:
            return
        now = _now()
        async with self._write() as conn:
            # Only rows still claimed: an edit meanwhile put its reminder back to pending.
            await conn.executemany(
                "UPDATE reminders SET state = ?, done_at = ?, lease_until = NULL"
                " WHERE id = ? AND state = 'sending'",
                [*(("sent", now, i) for i in sent), *(("skipped", now, i) for i in skipped)])

    async def retry_reminder(self, reminder_id: int) -> None:
        async with self._write() as conn:
            await conn.execute_fetchall(
                "UPDATE reminders SET state = 'pending', claimed_by = NULL, lease_until = NULL"
                " WHERE id = :id AND state = 'sending'",
                {"id": reminder_id})

    async def next_due(self, platform: str) -> int | None:
        """When the next pending reminder is due (unix seconds), or None."""
        rows = await self._read(
            "SELECT min(due_at) FROM reminders WHERE platform = :platform AND state = 'pending'",
            {"platform": platform})
        return rows[0][0]
