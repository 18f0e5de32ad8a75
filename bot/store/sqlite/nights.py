"""Discussion nights on SQLite: nights, RSVPs, a night's run and the prompts it brought.

A mixin of ``SqliteStore`` over ``Db`` (it uses ``_write`` and ``_read``). Every change that
touches more than one row (a night and its reminders, a start that also moves the club's
progress, a cancel that also schedules the series' next night) is one transaction. What the
scheduler asks for (due reminders, series to continue) is in reminders.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import aiosqlite

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
from bot.store.sqlite.db import Db, _now

_NIGHT_COLUMNS = """
    n.id, n.club_id, n.work, n.title, n.target_novel, n.target_film, n.local_start, n.tz, n.repeat,
    n.status, n.created_by, n.thread, n.started_at, n.ended_at,
    (SELECT count(*) FROM rsvps AS r WHERE r.night_id = n.id AND r.answer = 'going'),
    (SELECT count(*) FROM rsvps AS r WHERE r.night_id = n.id AND r.answer = 'maybe'),
    (SELECT count(*) FROM rsvps AS r WHERE r.night_id = n.id AND r.answer = 'no')
"""
_NIGHT_WIDTH = 17


def _night(row: Sequence[Any]) -> Night:
    (night_id, club_id, work, title, novel, film, local, tz, repeat, status, created_by, thread,
     started_at, ended_at, going, maybe, declined) = row[:_NIGHT_WIDTH]
    return Night(
        id=night_id, club_id=club_id, work=work, title=title, target=Target(novel=novel, film=film),
        wall=from_iso(local, tz), repeat=Repeat(repeat) if repeat else None,
        status=NightStatus(status), created_by=created_by, going=going, maybe=maybe,
        declined=declined, thread=thread, started_at=started_at, ended_at=ended_at)


class NightsMixin(Db):
    # -- reading ----------------------------------------------------------------------------

    async def night(self, night_id: int) -> Night | None:
        rows = await self._read(f"SELECT {_NIGHT_COLUMNS} FROM nights AS n WHERE n.id = :id",
                                {"id": night_id})
        return _night(rows[0]) if rows else None

    async def club_nights(self, club_id: int, statuses: Sequence[NightStatus], *,
                          limit: int = 25, newest_first: bool = False,
                          since: int | None = None) -> tuple[Night, ...]:
        if not statuses:
            raise ValueError("name the statuses wanted")
        wanted = ",".join(f"'{NightStatus(s).value}'" for s in statuses)
        order = "DESC" if newest_first else "ASC"
        rows = await self._read(
            f"SELECT {_NIGHT_COLUMNS} FROM nights AS n WHERE n.club_id = :club"
            f" AND n.status IN ({wanted}) AND (:since IS NULL OR n.starts_at >= :since)"
            f" ORDER BY n.starts_at {order}, n.id {order} LIMIT :limit",
            {"club": club_id, "limit": limit, "since": since})
        return tuple(_night(row) for row in rows)

    async def rsvps(self, night_id: int) -> tuple[Rsvp, ...]:
        rows = await self._read(
            "SELECT user_id, answer, remind, here FROM rsvps WHERE night_id = :id"
            " ORDER BY updated_at, user_id", {"id": night_id})
        return tuple(Rsvp(u, Answer(a) if a else None, bool(r), bool(h))
                     for u, a, r, h in rows)

    async def night_prompts(self, night_id: int) -> tuple[NightPrompt, ...]:
        rows = await self._read(
            "SELECT seq, prompt_id, skipped FROM night_prompts WHERE night_id = :id"
            " ORDER BY seq", {"id": night_id})
        return tuple(NightPrompt(seq, pid, bool(skipped)) for seq, pid, skipped in rows)

    # -- scheduling -------------------------------------------------------------------------

    async def add_night(self, club_id: int, plan: NightPlan) -> Night:
        async with self._write() as conn:
            await _no_twin(conn, club_id, plan, None)
            night_id = await _insert_night(conn, club_id, plan)
            return await _one(conn, night_id)

    async def edit_night(self, night_id: int, plan: NightPlan) -> Night:
        async with self._write() as conn:
            night = await _require(conn, night_id, NightStatus.SCHEDULED)
            await _no_twin(conn, night.club_id, plan, night_id)
            await conn.execute_fetchall(
                "UPDATE nights SET title = :title, target_novel = :novel, target_film = :film,"
                " local_start = :local, tz = :tz, starts_at = :at, repeat = :repeat"
                " WHERE id = :id", {**_plan_params(plan), "id": night_id})
            await conn.execute_fetchall(
                "DELETE FROM reminders WHERE night_id = :id AND state = 'pending'",
                {"id": night_id})
            await _insert_reminders(conn, night_id, plan)
            return await _one(conn, night_id)

    async def cancel_night(self, night_id: int, successor: NightPlan | None, *,
                           end_series: int | None = None) -> Night:
        """Cancel a scheduled night; in the same transaction schedule the series' next one
        (``successor``), or end the series (None; ``end_series``: the next night it already
        made, which stops repeating)."""
        async with self._write() as conn:
            await _require(conn, night_id, NightStatus.SCHEDULED)
            made = next(iter(await conn.execute_fetchall(
                "SELECT next_made FROM nights WHERE id = :id", {"id": night_id})))[0]
            club_id = await _set_status(conn, night_id, NightStatus.CANCELLED)
            if successor is not None and not made:  # the series may have made it already
                await _insert_night(conn, club_id, successor)
            if end_series is not None:
                await conn.execute_fetchall(
                    "UPDATE nights SET repeat = NULL WHERE id = :id AND club_id = :club"
                    " AND status = 'scheduled'", {"id": end_series, "club": club_id})
            return await _one(conn, night_id)


    # -- RSVPs ------------------------------------------------------------------------------

    async def rsvp(self, night_id: int, user: str, answer: Answer) -> Night:
        async with self._write() as conn:
            await conn.execute_fetchall(
                "INSERT INTO rsvps (night_id, user_id, answer, updated_at)"
                " VALUES (:id, :user, :answer, :now) ON CONFLICT (night_id, user_id)"
                " DO UPDATE SET answer = excluded.answer, updated_at = excluded.updated_at,"
                " remind = CASE WHEN excluded.answer = 'no' THEN 0 ELSE remind END",
                {"id": night_id, "user": user, "answer": Answer(answer).value, "now": _now()})
            return await _one(conn, night_id)

    async def set_remind(self, night_id: int, user: str, remind: bool) -> None:
        async with self._write() as conn:
            if not remind:  # turning it off answers nothing
                await conn.execute_fetchall(
                    "UPDATE rsvps SET remind = 0, updated_at = :now"
                    " WHERE night_id = :id AND user_id = :user",
                    {"id": night_id, "user": user, "now": _now()})
                return
            # A reminder is not an answer: a member who has not answered stays unanswered
            # (answer NULL). One who said no is not reminded of a night they won't come to.
            await conn.execute_fetchall(
                "INSERT INTO rsvps (night_id, user_id, remind, updated_at)"
                " VALUES (:id, :user, 1, :now) ON CONFLICT (night_id, user_id)"
                " DO UPDATE SET remind = rsvps.answer IS NOT 'no', updated_at = :now",
                {"id": night_id, "user": user, "now": _now()})

    async def check_in(self, night_id: int, user: str) -> bool:
        """Mark a member as here tonight; False if they already were."""
        async with self._write() as conn:
            rows = list(await conn.execute_fetchall(
                "INSERT INTO rsvps (night_id, user_id, here, updated_at)"
                " VALUES (:id, :user, 1, :now) ON CONFLICT (night_id, user_id)"
                " DO UPDATE SET here = 1 WHERE rsvps.here = 0 RETURNING 1",
                {"id": night_id, "user": user, "now": _now()}))
        return bool(rows)

    # -- the night itself -------------------------------------------------------------------

    async def start_night(self, night_id: int, host: str) -> Night:
        """Scheduled -> running; the club's progress moves to the night's target and the
        night's reminders still pending are dropped, all at once."""
        async with self._write() as conn:
            night = await _require(conn, night_id, NightStatus.SCHEDULED)
            running = list(await conn.execute_fetchall(
                "SELECT id FROM nights WHERE club_id = :club AND status = 'running'",
                {"club": night.club_id}))
            if running:
                raise NightTaken(int(running[0][0]))
            where = {"club": night.club_id, "work": night.work, "now": _now()}
            await conn.execute_fetchall(
                "INSERT INTO club_progress (club_id, work, started_at) VALUES (:club, :work, :now)"
                " ON CONFLICT (club_id, work) DO NOTHING", where)
            await conn.execute_fetchall(
                "UPDATE nights SET status = 'running', started_at = :now,"
                " prior_novel = (SELECT novel FROM club_progress WHERE club_id = :club"
                "                AND work = :work),"
                " prior_film = (SELECT film FROM club_progress WHERE club_id = :club"
                "               AND work = :work) WHERE id = :id", {**where, "id": night_id})
            await conn.execute_fetchall(
                "UPDATE club_progress SET novel = coalesce(:novel, novel),"
                " film = coalesce(:film, film) WHERE club_id = :club AND work = :work",
                {**where, "novel": night.target.novel, "film": night.target.film})
            await _skip_pending(conn, night_id)
            await conn.execute_fetchall(
                "INSERT INTO rsvps (night_id, user_id, here, updated_at)"
                " VALUES (:id, :user, 1, :now) ON CONFLICT (night_id, user_id)"
                " DO UPDATE SET here = 1", {"id": night_id, "user": host, "now": _now()})
            return await _one(conn, night_id)

    async def end_night(self, night_id: int) -> Night:
        """Running -> ended. A night on earlier chapters than the club had reached gives the
        club its progress back (the further of the two, on the night's timeline)."""
        async with self._write() as conn:
            night = await _require(conn, night_id, NightStatus.RUNNING)
            await conn.execute_fetchall(
                "UPDATE nights SET status = 'ended', ended_at = :now WHERE id = :id",
                {"id": night_id, "now": _now()})
            column = "novel" if night.target.novel is not None else "film"
            await conn.execute_fetchall(
                f"UPDATE club_progress SET {column} = max({column}, coalesce("
                f" (SELECT prior_{column} FROM nights WHERE id = :id), 0))"
                " WHERE club_id = :club AND work = :work",
                {"id": night_id, "club": night.club_id, "work": night.work})
            return await _one(conn, night_id)

    async def set_thread(self, night_id: int, thread: str) -> None:
        async with self._write() as conn:
            await conn.execute_fetchall("UPDATE nights SET thread = :thread WHERE id = :id",
                                        {"id": night_id, "thread": thread})

    async def take_night_prompt(
        self, night_id: int, club_id: int,
        choose: Callable[[frozenset[str], tuple[NightPrompt, ...]], str | None],
        *, skip_last: bool = False,
    ) -> tuple[str | None, tuple[NightPrompt, ...]]:
        """In one transaction: (if ``skip_last``) mark the night's last prompt skipped and give
        it back to the club's pool; let ``choose`` (pure) pick from what the club has had and
        what this night has had; record the pick for the night and the club."""
        async with self._write() as conn:
            work = (await _one(conn, night_id)).work  # the prompts the club had in its work
            # What the night and the club have had, in one round trip.
            rows = await conn.execute_fetchall(
                "SELECT seq, prompt_id, skipped FROM night_prompts WHERE night_id = :id"
                " UNION ALL SELECT NULL, prompt_id, 0 FROM club_prompts"
                " WHERE club_id = :club AND work = :work",
                {"id": night_id, "club": club_id, "work": work})
            shown = tuple(sorted((NightPrompt(seq, pid, bool(skipped))
                                  for seq, pid, skipped in rows if seq is not None),
                                 key=lambda p: p.seq))
            used_ids = {pid for seq, pid, _s in rows if seq is None}
            if skip_last and shown and not shown[-1].skipped:
                last = shown[-1]
                await conn.execute_fetchall(
                    "UPDATE night_prompts SET skipped = 1 WHERE night_id = :id AND seq = :seq",
                    {"id": night_id, "seq": last.seq})
                await conn.execute_fetchall(
                    "DELETE FROM club_prompts WHERE club_id = :club AND work = :work"
                    " AND prompt_id = :prompt",
                    {"club": club_id, "work": work, "prompt": last.prompt_id})
                shown = (*shown[:-1], NightPrompt(last.seq, last.prompt_id, True))
                used_ids.discard(last.prompt_id)
            used = frozenset(used_ids)
            chosen = choose(used, shown)
            if chosen is not None:
                now = _now()
                seq = shown[-1].seq + 1 if shown else 1
                await conn.execute_fetchall(
                    "INSERT INTO night_prompts (night_id, seq, prompt_id, shown_at)"
                    " VALUES (:id, :seq, :prompt, :now)",
                    {"id": night_id, "seq": seq, "prompt": chosen, "now": now})
                await conn.execute_fetchall(
                    "INSERT INTO club_prompts (club_id, work, prompt_id, used_at)"
                    " VALUES (:club, :work, :prompt, :now)"
                    " ON CONFLICT (club_id, work, prompt_id)"
                    " DO UPDATE SET used_at = excluded.used_at",
                    {"club": club_id, "work": work, "prompt": chosen, "now": now})
                shown = (*shown, NightPrompt(seq, chosen, False))
        return chosen, shown


    # -- club settings ----------------------------------------------------------------------

    async def set_club_tz(self, club_id: int, tz: str) -> None:
        async with self._write() as conn:
            await conn.execute_fetchall("UPDATE clubs SET tz = :tz WHERE id = :club",
                                        {"club": club_id, "tz": tz})

    async def set_reminder_hours(self, club_id: int, hours: tuple[int, ...],
                                 plan: Callable[[Night], NightPlan]) -> int:
        """Change the club's reminder hours and, in the same transaction, the pending
        reminders of its scheduled nights. Returns how many nights were rescheduled."""
        async with self._write() as conn:
            await conn.execute_fetchall(
                "UPDATE clubs SET reminder_hours = :hours WHERE id = :club",
                {"club": club_id, "hours": ",".join(str(h) for h in hours)})
            nights = [_night(r) for r in await conn.execute_fetchall(
                f"SELECT {_NIGHT_COLUMNS} FROM nights AS n WHERE n.club_id = :club"
                " AND n.status = 'scheduled'", {"club": club_id})]
            for night in nights:
                await conn.execute_fetchall(
                    "DELETE FROM reminders WHERE night_id = :id AND state = 'pending'",
                    {"id": night.id})
                await _insert_reminders(conn, night.id, plan(night))
        return len(nights)

    async def archive_club(self, club_id: int, archived: bool) -> tuple[Night, ...]:
        """Archive (or reopen) a club; archiving cancels its scheduled nights, in the same
        transaction. Returns the nights it cancelled."""
        async with self._write() as conn:
            await conn.execute_fetchall(
                "UPDATE clubs SET archived_at = :at WHERE id = :club",
                {"club": club_id, "at": _now() if archived else None})
            if not archived:
                return ()
            ids = [r[0] for r in await conn.execute_fetchall(
                "SELECT id FROM nights WHERE club_id = :club AND status = 'scheduled'",
                {"club": club_id})]
            for night_id in ids:
                await _set_status(conn, night_id, NightStatus.CANCELLED)
            return tuple([await _one(conn, night_id) for night_id in ids])


# -- helpers, inside a transaction ---------------------------------------------------------------


def _plan_params(plan: NightPlan) -> dict[str, Any]:
    return {"title": plan.title, "novel": plan.target.novel, "film": plan.target.film,
            "local": plan.wall.iso(), "tz": plan.wall.tz, "at": plan.wall.timestamp(),
            "repeat": plan.repeat.value if plan.repeat else None}


async def _no_twin(conn: aiosqlite.Connection, club_id: int, plan: NightPlan,
                   other_than: int | None) -> None:
    """Raise DuplicateNight if the club has a night coming or running on the plan's target at
    its time (``nights_by_club`` finds it)."""
    rows = list(await conn.execute_fetchall(
        "SELECT id FROM nights WHERE club_id = :club AND status IN ('scheduled', 'running')"
        " AND starts_at = :at AND target_novel IS :novel AND target_film IS :film"
        " AND id IS NOT :other ORDER BY id LIMIT 1",
        {**_plan_params(plan), "club": club_id, "other": other_than}))
    if rows:
        raise DuplicateNight(int(rows[0][0]))


async def _insert_night(conn: aiosqlite.Connection, club_id: int, plan: NightPlan) -> int:
    rows = list(await conn.execute_fetchall(
        "INSERT INTO nights (club_id, work, title, target_novel, target_film, local_start, tz,"
        " starts_at, repeat, created_by, created_at)"
        " VALUES (:club, :work, :title, :novel, :film, :local, :tz, :at, :repeat, :by, :now)"
        " RETURNING id",
        {**_plan_params(plan), "club": club_id, "work": plan.work, "by": plan.created_by,
         "now": _now()}))
    night_id = int(rows[0][0])
    await _insert_reminders(conn, night_id, plan)
    return night_id


async def _insert_reminders(conn: aiosqlite.Connection, night_id: int, plan: NightPlan) -> None:
    platform = next(iter(await conn.execute_fetchall(
        "SELECT c.platform FROM nights AS n JOIN clubs AS c ON c.id = n.club_id"
        " WHERE n.id = :id", {"id": night_id})))[0]
    await conn.executemany(
        "INSERT INTO reminders (night_id, platform, hours, due_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (night_id, hours) DO UPDATE SET due_at = excluded.due_at,"
        " state = 'pending', done_at = NULL",
        [(night_id, platform, hours, due) for hours, due in plan.reminders])


async def _maybe(conn: aiosqlite.Connection, night_id: int) -> Night | None:
    rows = list(await conn.execute_fetchall(
        f"SELECT {_NIGHT_COLUMNS} FROM nights AS n WHERE n.id = :id", {"id": night_id}))
    return _night(rows[0]) if rows else None


async def _one(conn: aiosqlite.Connection, night_id: int) -> Night:
    night = await _maybe(conn, night_id)
    assert night is not None, night_id  # written in this same transaction
    return night


async def _require(conn: aiosqlite.Connection, night_id: int, status: NightStatus) -> Night:
    night = await _maybe(conn, night_id)
    if night is None:
        raise StaleNight(night_id, None)
    if night.status is not status:
        raise StaleNight(night_id, night.status)
    return night


async def _set_status(conn: aiosqlite.Connection, night_id: int, status: NightStatus) -> int:
    rows = list(await conn.execute_fetchall(
        "UPDATE nights SET status = :status, next_made = 1 WHERE id = :id RETURNING club_id",
        {"id": night_id, "status": status.value}))
    await _skip_pending(conn, night_id)
    return int(rows[0][0])


async def _skip_pending(conn: aiosqlite.Connection, night_id: int) -> None:
    await conn.execute_fetchall(
        "UPDATE reminders SET state = 'skipped', done_at = :now"
        " WHERE night_id = :id AND state = 'pending'", {"id": night_id, "now": _now()})
