"""Discussion nights on PostgreSQL: nights, RSVPs, a night's run and the prompts it brought.

A mixin of ``PostgresStore`` over ``Db``. Every multi-row change is one transaction, and one
that decides on what it read locks first: the club's row for a new night (no twin) or a start
(one night at a time), the night's row for an edit, a cancel, an end or its next prompt.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bot.core.nights import (
    Answer,
    DuplicateNight,
    Night,
    NightPlan,
    NightPrompt,
    NightStatus,
    NightTaken,
    Rsvp,
    StaleNight,
    Target,
)
from bot.core.when import Repeat, from_iso
from bot.store.postgres.clubs import lock_club
from bot.store.postgres.db import Conn, Db, _now

NIGHT_COLUMNS = """
    n.id, n.club_id, n.work, n.title, n.target_novel, n.target_film, n.local_start, n.tz, n.repeat,
    n.status, n.created_by, n.thread, n.started_at, n.ended_at,
    (SELECT count(*) FROM rsvps AS r WHERE r.night_id = n.id AND r.answer = 'going'),
    (SELECT count(*) FROM rsvps AS r WHERE r.night_id = n.id AND r.answer = 'maybe'),
    (SELECT count(*) FROM rsvps AS r WHERE r.night_id = n.id AND r.answer = 'no')
"""
NIGHT_WIDTH = 17


def night_from_row(row: Sequence[Any]) -> Night:
    (night_id, club_id, work, title, novel, film, local, tz, repeat, status, created_by, thread,
     started_at, ended_at, going, maybe, declined) = tuple(row)[:NIGHT_WIDTH]
    return Night(
        id=night_id, club_id=club_id, work=work, title=title, target=Target(novel=novel, film=film),
        wall=from_iso(local, tz), repeat=Repeat(repeat) if repeat else None,
        status=NightStatus(status), created_by=created_by, going=going, maybe=maybe,
        declined=declined, thread=thread, started_at=started_at, ended_at=ended_at)


class NightsMixin(Db):
    # -- reading ----------------------------------------------------------------------------

    async def night(self, night_id: int) -> Night | None:
        row = await self._read_row(f"SELECT {NIGHT_COLUMNS} FROM nights AS n WHERE n.id = $1",
                                   night_id)
        return night_from_row(row) if row else None

    async def club_nights(self, club_id: int, statuses: Sequence[NightStatus], *,
                          limit: int = 25, newest_first: bool = False,
                          since: int | None = None) -> tuple[Night, ...]:
        if not statuses:
            raise ValueError("name the statuses wanted")
        wanted = [NightStatus(s).value for s in statuses]
        order = "DESC" if newest_first else "ASC"
        rows = await self._read(
            f"SELECT {NIGHT_COLUMNS} FROM nights AS n WHERE n.club_id = $1"
            " AND n.status = ANY($2::text[]) AND ($3::bigint IS NULL OR n.starts_at >= $3)"
            f" ORDER BY n.starts_at {order}, n.id {order} LIMIT $4",
            club_id, wanted, since, limit)
        return tuple(night_from_row(row) for row in rows)

    async def rsvps(self, night_id: int) -> tuple[Rsvp, ...]:
        rows = await self._read(
            "SELECT user_id, answer, remind, here FROM rsvps WHERE night_id = $1"
            " ORDER BY updated_at, user_id", night_id)
        return tuple(Rsvp(u, Answer(a) if a else None, bool(r), bool(h)) for u, a, r, h in rows)

    async def night_prompts(self, night_id: int) -> tuple[NightPrompt, ...]:
        rows = await self._read(
            "SELECT seq, prompt_id, skipped FROM night_prompts WHERE night_id = $1 ORDER BY seq",
            night_id)
        return tuple(NightPrompt(seq, pid, bool(skipped)) for seq, pid, skipped in rows)

    # -- scheduling -------------------------------------------------------------------------

    async def add_night(self, club_id: int, plan: NightPlan) -> Night:
        async with self._write() as conn:
            await lock_club(conn, club_id)  # two workers adding the same night take turns
            await _no_twin(conn, club_id, plan, None)
            night_id = await insert_night(conn, club_id, plan)
            return await one_night(conn, night_id)

    async def edit_night(self, night_id: int, plan: NightPlan) -> Night:
        async with self._write() as conn:
            await _lock_club_of(conn, night_id)
            night = await _require(conn, night_id, NightStatus.SCHEDULED)
            await _no_twin(conn, night.club_id, plan, night_id)
            p = _plan_args(plan)
            await conn.execute(
                "UPDATE nights SET title = $2, target_novel = $3, target_film = $4,"
                " local_start = $5, tz = $6, starts_at = $7, repeat = $8 WHERE id = $1",
                night_id, *p)
            await conn.execute(
                "DELETE FROM reminders WHERE night_id = $1 AND state = 'pending'", night_id)
            await _insert_reminders(conn, night_id, plan)
            return await one_night(conn, night_id)

    async def cancel_night(self, night_id: int, successor: NightPlan | None, *,
                           end_series: int | None = None) -> Night:
        async with self._write() as conn:
            await _require(conn, night_id, NightStatus.SCHEDULED)
            made = await conn.fetchval("SELECT next_made FROM nights WHERE id = $1", night_id)
            club_id = await _set_status(conn, night_id, NightStatus.CANCELLED)
            if successor is not None and not made:
                await insert_night(conn, club_id, successor)
            if end_series is not None:
                await conn.execute(
                    "UPDATE nights SET repeat = NULL WHERE id = $1 AND club_id = $2"
                    " AND status = 'scheduled'", end_series, club_id)
            return await one_night(conn, night_id)

    # -- RSVPs ------------------------------------------------------------------------------

    async def rsvp(self, night_id: int, user: str, answer: Answer) -> Night:
        async with self._write() as conn:
            await conn.execute(
                "INSERT INTO rsvps (night_id, user_id, answer, updated_at)"
                " VALUES ($1, $2, $3, $4) ON CONFLICT (night_id, user_id)"
                " DO UPDATE SET answer = excluded.answer, updated_at = excluded.updated_at,"
                " remind = CASE WHEN excluded.answer = 'no' THEN 0 ELSE rsvps.remind END",
                night_id, user, Answer(answer).value, _now())
            return await one_night(conn, night_id)

    async def set_remind(self, night_id: int, user: str, remind: bool) -> None:
        async with self._write() as conn:
            if not remind:
                await conn.execute(
                    "UPDATE rsvps SET remind = 0, updated_at = $3"
                    " WHERE night_id = $1 AND user_id = $2", night_id, user, _now())
                return
            # A reminder is not an answer; one who said no is not reminded.
            await conn.execute(
                "INSERT INTO rsvps (night_id, user_id, remind, updated_at)"
                " VALUES ($1, $2, 1, $3) ON CONFLICT (night_id, user_id) DO UPDATE SET"
                " remind = CASE WHEN rsvps.answer IS DISTINCT FROM 'no' THEN 1 ELSE 0 END,"
                " updated_at = $3", night_id, user, _now())

    async def check_in(self, night_id: int, user: str) -> bool:
        async with self._write() as conn:
            return await conn.fetchval(
                "INSERT INTO rsvps (night_id, user_id, here, updated_at)"
                " VALUES ($1, $2, 1, $3) ON CONFLICT (night_id, user_id)"
                " DO UPDATE SET here = 1 WHERE rsvps.here = 0 RETURNING 1",
                night_id, user, _now()) is not None

    # -- the night itself -------------------------------------------------------------------

    async def start_night(self, night_id: int, host: str) -> Night:
        async with self._write() as conn:
            await _lock_club_of(conn, night_id)  # one night at a time in a club
            night = await _require(conn, night_id, NightStatus.SCHEDULED)
            running = await conn.fetchval(
                "SELECT id FROM nights WHERE club_id = $1 AND status = 'running'", night.club_id)
            if running is not None:
                raise NightTaken(int(running))
            now = _now()
            await conn.execute(
                "INSERT INTO club_progress (club_id, work, started_at) VALUES ($1, $2, $3)"
                " ON CONFLICT (club_id, work) DO NOTHING", night.club_id, night.work, now)
            await conn.execute(
                "UPDATE nights SET status = 'running', started_at = $4,"
                " prior_novel = p.novel, prior_film = p.film FROM club_progress AS p"
                " WHERE nights.id = $1 AND p.club_id = $2 AND p.work = $3",
                night_id, night.club_id, night.work, now)
            await conn.execute(
                "UPDATE club_progress SET novel = coalesce($3::int, novel),"
                " film = coalesce($4::int, film) WHERE club_id = $1 AND work = $2",
                night.club_id, night.work, night.target.novel, night.target.film)
            await _skip_pending(conn, night_id)
            await conn.execute(
                "INSERT INTO rsvps (night_id, user_id, here, updated_at) VALUES ($1, $2, 1, $3)"
                " ON CONFLICT (night_id, user_id) DO UPDATE SET here = 1", night_id, host, now)
            return await one_night(conn, night_id)

    async def end_night(self, night_id: int) -> Night:
        async with self._write() as conn:
            night = await _require(conn, night_id, NightStatus.RUNNING)
            await conn.execute(
                "UPDATE nights SET status = 'ended', ended_at = $2 WHERE id = $1",
                night_id, _now())
            column = "novel" if night.target.novel is not None else "film"
            await conn.execute(
                f"UPDATE club_progress SET {column} = greatest({column}, coalesce("
                f" (SELECT prior_{column} FROM nights WHERE id = $1), 0))"
                " WHERE club_id = $2 AND work = $3", night_id, night.club_id, night.work)
            return await one_night(conn, night_id)

    async def set_thread(self, night_id: int, thread: str) -> None:
        async with self._write() as conn:
            await conn.execute("UPDATE nights SET thread = $2 WHERE id = $1", night_id, thread)

    async def take_night_prompt(
        self, night_id: int, club_id: int,
        choose: Callable[[frozenset[str], tuple[NightPrompt, ...]], str | None],
        *, skip_last: bool = False,
    ) -> tuple[str | None, tuple[NightPrompt, ...]]:
        async with self._write() as conn:
            work = await conn.fetchval("SELECT work FROM nights WHERE id = $1 FOR UPDATE",
                                       night_id)
            assert work is not None, night_id
            rows = await conn.fetch(
                "SELECT seq, prompt_id, skipped FROM night_prompts WHERE night_id = $1"
                " UNION ALL SELECT NULL, prompt_id, 0 FROM club_prompts"
                " WHERE club_id = $2 AND work = $3", night_id, club_id, work)
            shown = tuple(sorted((NightPrompt(seq, pid, bool(skipped))
                                  for seq, pid, skipped in rows if seq is not None),
                                 key=lambda p: p.seq))
            used_ids = {pid for seq, pid, _s in rows if seq is None}
            if skip_last and shown and not shown[-1].skipped:
                last = shown[-1]
                await conn.execute(
                    "UPDATE night_prompts SET skipped = 1 WHERE night_id = $1 AND seq = $2",
                    night_id, last.seq)
                await conn.execute(
                    "DELETE FROM club_prompts WHERE club_id = $1 AND work = $2"
                    " AND prompt_id = $3", club_id, work, last.prompt_id)
                shown = (*shown[:-1], NightPrompt(last.seq, last.prompt_id, True))
                used_ids.discard(last.prompt_id)
            chosen = choose(frozenset(used_ids), shown)
            if chosen is not None:
                now = _now()
                seq = shown[-1].seq + 1 if shown else 1
                await conn.execute(
                    "INSERT INTO night_prompts (night_id, seq, prompt_id, shown_at)"
                    " VALUES ($1, $2, $3, $4)", night_id, seq, chosen, now)
                await conn.execute(
                    "INSERT INTO club_prompts (club_id, work, prompt_id, used_at)"
                    " VALUES ($1, $2, $3, $4) ON CONFLICT (club_id, work, prompt_id)"
                    " DO UPDATE SET used_at = excluded.used_at", club_id, work, chosen, now)
                shown = (*shown, NightPrompt(seq, chosen, False))
        return chosen, shown

    # -- club settings ----------------------------------------------------------------------

    async def set_club_tz(self, club_id: int, tz: str) -> None:
        async with self._write() as conn:
            await conn.execute("UPDATE clubs SET tz = $2 WHERE id = $1", club_id, tz)

    async def set_reminder_hours(self, club_id: int, hours: tuple[int, ...],
                                 plan: Callable[[Night], NightPlan]) -> int:
        async with self._write() as conn:
            await conn.execute("UPDATE clubs SET reminder_hours = $2 WHERE id = $1",
                               club_id, ",".join(str(h) for h in hours))
            nights = [night_from_row(r) for r in await conn.fetch(
                f"SELECT {NIGHT_COLUMNS} FROM nights AS n WHERE n.club_id = $1"
                " AND n.status = 'scheduled' FOR UPDATE OF n", club_id)]
            for night in nights:
                await conn.execute(
                    "DELETE FROM reminders WHERE night_id = $1 AND state = 'pending'", night.id)
                await _insert_reminders(conn, night.id, plan(night))
        return len(nights)

    async def archive_club(self, club_id: int, archived: bool) -> tuple[Night, ...]:
        async with self._write() as conn:
            await conn.execute("UPDATE clubs SET archived_at = $2 WHERE id = $1",
                               club_id, _now() if archived else None)
            if not archived:
                return ()
            ids = [r[0] for r in await conn.fetch(
                "SELECT id FROM nights WHERE club_id = $1 AND status = 'scheduled'"
                " ORDER BY id FOR UPDATE", club_id)]
            for night_id in ids:
                await _set_status(conn, night_id, NightStatus.CANCELLED)
            return tuple([await one_night(conn, night_id) for night_id in ids])


# -- helpers, inside a transaction ---------------------------------------------------------------


def _plan_args(plan: NightPlan) -> tuple[Any, ...]:
    """(title, novel, film, local, tz, at, repeat)."""
    return (plan.title, plan.target.novel, plan.target.film, plan.wall.iso(), plan.wall.tz,
            plan.wall.timestamp(), plan.repeat.value if plan.repeat else None)


async def _no_twin(conn: Conn, club_id: int, plan: NightPlan, other_than: int | None) -> None:
    twin = await conn.fetchval(
        "SELECT id FROM nights WHERE club_id = $1 AND status IN ('scheduled', 'running')"
        " AND starts_at = $2 AND target_novel IS NOT DISTINCT FROM $3::int"
        " AND target_film IS NOT DISTINCT FROM $4::int AND id IS DISTINCT FROM $5::bigint"
        " ORDER BY id LIMIT 1",
        club_id, plan.wall.timestamp(), plan.target.novel, plan.target.film, other_than)
    if twin is not None:
        raise DuplicateNight(int(twin))


async def insert_night(conn: Conn, club_id: int, plan: NightPlan) -> int:
    title, novel, film, local, tz, at, repeat = _plan_args(plan)
    night_id = await conn.fetchval(
        "INSERT INTO nights (club_id, work, title, target_novel, target_film, local_start, tz,"
        " starts_at, repeat, created_by, created_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        club_id, plan.work, title, novel, film, local, tz, at, repeat, plan.created_by, _now())
    await _insert_reminders(conn, night_id, plan)
    return int(night_id)


async def _insert_reminders(conn: Conn, night_id: int, plan: NightPlan) -> None:
    platform = await conn.fetchval(
        "SELECT c.platform FROM nights AS n JOIN clubs AS c ON c.id = n.club_id"
        " WHERE n.id = $1", night_id)
    await conn.executemany(
        "INSERT INTO reminders (night_id, platform, hours, due_at) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (night_id, hours) DO UPDATE SET due_at = excluded.due_at,"
        " state = 'pending', done_at = NULL",
        [(night_id, platform, hours, due) for hours, due in plan.reminders])


async def one_night(conn: Conn, night_id: int) -> Night:
    row = await conn.fetchrow(f"SELECT {NIGHT_COLUMNS} FROM nights AS n WHERE n.id = $1",
                              night_id)
    assert row is not None, night_id  # written in this same transaction
    return night_from_row(row)


async def _lock_club_of(conn: Conn, night_id: int) -> None:
    """Lock the night's club before the night: every transaction that locks both takes the
    club first (as archive_club and set_reminder_hours do), so none can deadlock another."""
    club_id = await conn.fetchval("SELECT club_id FROM nights WHERE id = $1", night_id)
    if club_id is not None:
        await lock_club(conn, club_id)


async def _require(conn: Conn, night_id: int, status: NightStatus) -> Night:
    """The night, its row locked for the transaction; StaleNight unless it is in ``status``."""
    if await conn.fetchval("SELECT 1 FROM nights WHERE id = $1 FOR UPDATE", night_id) is None:
        raise StaleNight(night_id, None)
    night = await one_night(conn, night_id)
    if night.status is not status:
        raise StaleNight(night_id, night.status)
    return night


async def _set_status(conn: Conn, night_id: int, status: NightStatus) -> int:
    club_id = await conn.fetchval(
        "UPDATE nights SET status = $2, next_made = 1 WHERE id = $1 RETURNING club_id",
        night_id, status.value)
    await _skip_pending(conn, night_id)
    return int(club_id)


async def _skip_pending(conn: Conn, night_id: int) -> None:
    await conn.execute(
        "UPDATE reminders SET state = 'skipped', done_at = $2"
        " WHERE night_id = $1 AND state = 'pending'", night_id, _now())
