"""What the scheduler asks the PostgreSQL store: due reminders, and series to continue.

Claims are leases: ``claim_due`` takes, with ``FOR UPDATE SKIP LOCKED``, the pending reminders
due by ``now`` and the claimed ones whose lease ran out (their worker died), and marks them
``sending`` by ``worker`` until ``now + lease``. Workers claiming at the same moment get
disjoint rows without waiting on each other; a killed worker's claims go to another worker
once its lease has run out, never while it may still be sending them.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.clubs import SpoilerMode
from bot.core.nights import Due, Night, NightPlan
from bot.core.timeline import Medium, Progress
from bot.store.postgres.db import Conn, Db, _now
from bot.store.postgres.nights import NIGHT_COLUMNS, NIGHT_WIDTH, insert_night, night_from_row
from bot.store.postgres.nights import one_night as _one


def _claim_sql(*, due: bool) -> str:
    """$1 platform, $2 now, $3 limit, $4 worker, $5 lease (seconds), $6 a worker whose claims
    are taken whatever their lease (its own, after a restart under the same name). The
    branches match the partial indexes reminders_due and reminders_sending."""
    pending = "(state = 'pending' AND due_at <= $2) OR " if due else ""
    return f"""
WITH picked AS (
    SELECT id FROM reminders
    WHERE platform = $1 AND ({pending}(state = 'sending'
          AND (coalesce(lease_until, 0) <= $2 OR claimed_by = $6)))
    ORDER BY due_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
UPDATE reminders AS r SET state = 'sending', claimed_by = $4, lease_until = $2 + $5
FROM picked WHERE r.id = picked.id
RETURNING r.id, r.night_id, r.hours
"""


# $1 now, $2 platform, $3 limit, $4 worker, $5 lease: begun series nights not continued yet,
# unclaimed or with their lease run out (the partial index nights_series_due finds them).
_SERIES_CLAIM_SQL = """
WITH picked AS (
    SELECT n.id FROM nights AS n JOIN clubs AS c ON c.id = n.club_id
    WHERE n.repeat IS NOT NULL AND n.next_made = 0 AND n.starts_at <= $1
      AND c.platform = $2 AND c.archived_at IS NULL
      AND coalesce(n.series_lease_until, 0) <= $1
    ORDER BY n.starts_at, n.id LIMIT $3 FOR UPDATE OF n SKIP LOCKED)
UPDATE nights AS n SET series_claimed_by = $4, series_lease_until = $1 + $5
FROM picked WHERE n.id = picked.id RETURNING n.id
"""

_CLAIM_SQL = _claim_sql(due=True)
_RECLAIM_SQL = _claim_sql(due=False)

_DUES_SQL = f"""
SELECT {NIGHT_COLUMNS}, r.id, c.channel_id, c.workspace,
    coalesce(p.novel, 0), coalesce(p.film, 0), c.spoiler_mode, c.medium,
    (SELECT coalesce(array_agg(v.user_id ORDER BY v.user_id), '{{}}') FROM rsvps AS v
        WHERE v.night_id = n.id AND v.remind = 1 AND v.answer IS DISTINCT FROM 'no')
FROM reminders AS r JOIN nights AS n ON n.id = r.night_id
JOIN clubs AS c ON c.id = n.club_id
LEFT JOIN club_progress AS p ON p.club_id = c.id AND p.work = n.work
WHERE r.id = ANY($1::bigint[]) ORDER BY r.due_at, r.id
"""


class RemindersMixin(Db):
    # -- series -----------------------------------------------------------------------------

    async def claim_series(self, platform: str, now: int, limit: int = 100, *,
                           worker: str = "", lease: int = 300) -> tuple[Night, ...]:
        async with self._write() as conn:
            ids = [r[0] for r in await conn.fetch(_SERIES_CLAIM_SQL, now, platform, limit,
                                                  worker, lease)]
            rows = await conn.fetch(
                f"SELECT {NIGHT_COLUMNS} FROM nights AS n WHERE n.id = ANY($1::bigint[])"
                " ORDER BY n.starts_at, n.id", ids) if ids else []
            return tuple(night_from_row(row) for row in rows)

    async def continue_series(self, night_id: int, successor: NightPlan, *,
                              worker: str = "") -> Night | None:
        """The guarded UPDATE locks the row, so of two workers the second waits, re-reads
        next_made = 1 (or a claim that is not its own), and stops."""
        async with self._write() as conn:
            club_id = await conn.fetchval(
                "UPDATE nights SET next_made = 1 WHERE id = $1 AND next_made = 0"
                " AND repeat IS NOT NULL AND coalesce(series_claimed_by, '') = $2"
                " RETURNING club_id", night_id, worker)
            if club_id is None:
                return None
            return await _one(conn, await insert_night(conn, club_id, successor))

    # -- reminders --------------------------------------------------------------------------

    async def claim_due(self, platform: str, now: int, limit: int = 200, *,
                        worker: str = "", lease: int = 300) -> tuple[Due, ...]:
        async with self._write() as conn:
            # claimed_by = NULL never matches: only an expired lease is taken over here.
            rows = await conn.fetch(_CLAIM_SQL, platform, now, limit, worker, lease, None)
            return await _dues(conn, rows)

    async def claimed(self, platform: str, now: int, *, worker: str = "",
                      lease: int = 300) -> tuple[Due, ...]:
        async with self._write() as conn:
            rows = await conn.fetch(
                _RECLAIM_SQL, platform, now, 2**31, worker, lease, worker or None)
            return await _dues(conn, rows)

    async def renew_claims(self, ids: Sequence[int], *, worker: str,
                           until: int) -> frozenset[int]:
        if not ids:
            return frozenset()
        async with self._write() as conn:
            rows = await conn.fetch(
                "UPDATE reminders SET lease_until = $3 WHERE id = ANY($1::bigint[])"
                " AND state = 'sending' AND claimed_by = $2 RETURNING id",
                list(ids), worker, until)
            return frozenset(int(r[0]) for r in rows)

    async def finish_reminders(self, sent: Sequence[int], skipped: Sequence[int]) -> None:
        if not sent and not skipped:
            return
        now = _now()
        async with self._write() as conn:
            # Only rows still claimed: an edit meanwhile put its reminder back to pending.
            await conn.executemany(
                "UPDATE reminders SET state = $1, done_at = $2, lease_until = NULL"
                " WHERE id = $3 AND state = 'sending'",
                [*(("sent", now, i) for i in sent), *(("skipped", now, i) for i in skipped)])

    async def retry_reminder(self, reminder_id: int) -> None:
        async with self._write() as conn:
            await conn.execute(
                "UPDATE reminders SET state = 'pending', claimed_by = NULL, lease_until = NULL"
                " WHERE id = $1 AND state = 'sending'", reminder_id)

    async def next_due(self, platform: str) -> int | None:
        return await self._value(
            "SELECT min(due_at) FROM reminders WHERE platform = $1 AND state = 'pending'",
            platform)

    async def _value(self, sql: str, *args: object) -> int | None:
        row = await self._read_row(sql, *args)
        return None if row is None or row[0] is None else int(row[0])


async def _dues(conn: Conn, rows: Sequence[Sequence[int]]) -> tuple[Due, ...]:
    """Everything sending needs for the claimed rows, in one query."""
    if not rows:
        return ()
    hours = {int(r[0]): int(r[2]) for r in rows}
    out = []
    for row in await conn.fetch(_DUES_SQL, list(hours)):
        reminder_id, channel, workspace, novel, film, mode, medium, remind = \
            tuple(row)[NIGHT_WIDTH:]
        out.append(Due(reminder_id, night_from_row(row), hours[reminder_id], channel, workspace,
                       tuple(remind), Progress(novel, film), SpoilerMode(mode), Medium(medium)))
    return tuple(out)
