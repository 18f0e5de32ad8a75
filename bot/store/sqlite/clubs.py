"""Members, clubs, hosts and the prompts a club has used, on SQLite.

A mixin of ``SqliteStore`` over ``Db``. ``context()``, read by every command, takes the fast
read-only path (``_read_now``) and is kept while the database is unchanged (``_unchanged``);
every write is one ``_write`` transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

import aiosqlite

from bot.core.clubs import (
    Club,
    ClubExists,
    Context,
    LastHost,
    Reading,
    Scope,
    SpoilerMode,
)
from bot.core.timeline import Medium, Progress
from bot.store.sqlite.db import CONTEXTS_KEPT, UnknownClub, _now
from bot.store.sqlite.progress import ProgressMixin

# The club columns shared by club() and context(); the subqueries use the (club_id, user_id)
# primary key. LIMIT -1 keeps SQLite from dropping the inner ORDER BY, so hosts come out in the
# order they joined (SQLite 3.40 has no ORDER BY inside an aggregate).
_CLUB_COLUMNS = """
    c.id, c.medium, c.work,
    (SELECT json_group_array(json_array(p.work, p.novel, p.film)) FROM club_progress AS p
        WHERE p.club_id = c.id) AS read,
    c.spoiler_mode, c.tz, c.created_by, c.created_at,
    (SELECT json_group_array(user_id) FROM (
        SELECT h.user_id FROM club_members AS h
        WHERE h.club_id = c.id AND h.is_host = 1
        ORDER BY h.joined_at, h.user_id LIMIT -1)) AS hosts,
    (SELECT count(*) FROM club_members AS n WHERE n.club_id = c.id) AS member_count,
    c.archived_at, c.reminder_hours, c.chart_members, c.images
"""

# (SELECT 1) drives the LEFT JOINs so there is always exactly one row, club or not.
_CONTEXT_SQL = f"""
SELECT {_CLUB_COLUMNS}, me.is_host,
    (SELECT json_group_array(json_array(m.work, m.novel, m.film)) FROM member_progress AS m
        WHERE m.platform = :platform AND m.workspace = :workspace AND m.user_id = :user)
FROM (SELECT 1) AS one
LEFT JOIN clubs AS c
    ON c.platform = :platform AND c.workspace = :workspace AND c.channel_id = :channel
LEFT JOIN club_members AS me ON me.club_id = c.id AND me.user_id = :user
"""

_CLUB_SQL = f"""
SELECT {_CLUB_COLUMNS}
FROM clubs AS c
WHERE c.platform = :platform AND c.workspace = :workspace AND c.channel_id = :channel
"""

# A club's progress in a work: the row is made the first time the club takes the work up.
_CLUB_PROGRESS_SQL = """
INSERT INTO club_progress (club_id, work, novel, film, started_at)
VALUES (:club, :work, coalesce(:novel, 0), coalesce(:film, 0), :now)
ON CONFLICT (club_id, work) DO UPDATE SET
    novel = coalesce(:novel, club_progress.novel),
    film = coalesce(:film, club_progress.film)
RETURNING novel, film
"""

# A new member; someone already in the club is left as they are, and RETURNING gives no row.
_JOIN_SQL = (
    "INSERT INTO club_members (club_id, user_id, is_host, joined_at)"
    " VALUES (:club, :user, 0, :now)"
    " ON CONFLICT (club_id, user_id) DO NOTHING RETURNING 1"
)

# Insert as a host, or promote a member; an existing host matches neither and RETURNING gives
# no row.
_ADD_HOST_SQL = (
    "INSERT INTO club_members (club_id, user_id, is_host, joined_at)"
    " VALUES (:club, :user, 1, :now)"
    " ON CONFLICT (club_id, user_id) DO UPDATE SET is_host = 1"
    " WHERE club_members.is_host = 0 RETURNING 1"
)

_HOST_STATE_SQL = """
SELECT me.is_host,
       (SELECT count(*) FROM club_members AS h WHERE h.club_id = me.club_id AND h.is_host = 1)
FROM club_members AS me
WHERE me.club_id = :club AND me.user_id = :user
"""


def _is_fk_error(error: sqlite3.IntegrityError) -> bool:
    return getattr(error, "sqlite_errorname", "") == "SQLITE_CONSTRAINT_FOREIGNKEY"


def reading(text: str | None) -> Reading:
    """``[[work, novel, film], ...]`` (json_group_array) as (work, Progress) pairs, by work."""
    if not text:
        return ()
    return tuple(sorted((w, Progress(n, f)) for w, n, f in json.loads(text)))


def _club_from_row(scope: Scope, channel: str, row: Sequence[Any]) -> Club:
    (club_id, medium, work, read, mode, tz, created_by, created_at, hosts, count, archived,
     reminders, chart_members, images) = row[:CLUB_WIDTH]
    return Club(
        id=club_id,
        scope=scope,
        channel=channel,
        medium=Medium(medium),
        work=work,
        read=reading(read),
        mode=SpoilerMode(mode),
        tz=tz,
        hosts=tuple(json.loads(hosts)),
        member_count=count,
        created_by=created_by,
        created_at=created_at,
        archived=archived is not None,
        reminders=parse_hours(reminders),
        chart_members=bool(chart_members),
        images=bool(images),
    )


def parse_hours(text: str) -> tuple[int, ...]:
    return tuple(int(h) for h in text.split(",") if h)


CLUB_WIDTH = 14  # columns in _CLUB_COLUMNS


class ClubsMixin(ProgressMixin):
    # -- members --------------------------------------------------------------------------------

    async def context(self, scope: Scope, channel: str, user: str) -> Context:
        key = (scope.platform, scope.workspace, channel, user)
        kept = self._unchanged()  # read first: what is kept is never older than its version
        if kept is not None and (context := kept.get(key)) is not None:
            return context
        params = {"platform": scope.platform, "workspace": scope.workspace, "channel": channel,
                  "user": user}
        rows = self._read_now(_CONTEXT_SQL, params)
        if rows is None:
            rows = await self._read(_CONTEXT_SQL, params)
        row = rows[0]
        club = None if row[0] is None else _club_from_row(scope, channel, row)
        is_host, mine = row[CLUB_WIDTH:CLUB_WIDTH + 2]
        context = Context(
            club=club,
            mine=reading(mine),
            is_host=bool(is_host),
            is_member=is_host is not None,
        )
        if kept is not None:
            if len(kept) >= CONTEXTS_KEPT:
                kept.clear()
            kept[key] = context
        return context

    # -- clubs ----------------------------------------------------------------------------------

    async def club(self, scope: Scope, channel: str) -> Club | None:
        rows = await self._read(
            _CLUB_SQL,
            {"platform": scope.platform, "workspace": scope.workspace, "channel": channel},
        )
        return _club_from_row(scope, channel, rows[0]) if rows else None

    async def club_by_id(self, club_id: int) -> Club | None:
        rows = await self._read(
            f"SELECT {_CLUB_COLUMNS}, c.platform, c.workspace, c.channel_id FROM clubs AS c"
            " WHERE c.id = :club", {"club": club_id})
        if not rows:
            return None
        platform, workspace, channel = rows[0][-3:]
        return _club_from_row(Scope(platform, workspace), channel, rows[0])

    async def clubs_of(self, scope: Scope, user: str) -> tuple[Club, ...]:
        rows = await self._read(
            f"SELECT {_CLUB_COLUMNS}, c.channel_id FROM clubs AS c"
            " JOIN club_members AS me ON me.club_id = c.id AND me.user_id = :user"
            " WHERE c.platform = :platform AND c.workspace = :workspace ORDER BY c.id",
            {"platform": scope.platform, "workspace": scope.workspace, "user": user},
        )
        return tuple(_club_from_row(scope, row[-1], row) for row in rows)

    async def create_club(
        self, scope: Scope, channel: str, *, medium: Medium, tz: str, host: str, work: str
    ) -> Club:
        medium = Medium(medium)
        now = _now()
        async with self._write() as conn:
            # DO NOTHING + RETURNING: an existing club shows up as no row, not as an exception.
            rows = list(
                await conn.execute_fetchall(
                    "INSERT INTO clubs (platform, workspace, channel_id, medium, work, tz,"
                    " created_by, created_at)"
                    " VALUES (:platform, :workspace, :channel, :medium, :work, :tz, :host, :now)"
                    " ON CONFLICT (platform, workspace, channel_id) DO NOTHING RETURNING id",
                    {
                        "platform": scope.platform,
                        "workspace": scope.workspace,
                        "channel": channel,
                        "medium": medium.value,
                        "work": work,
                        "tz": tz,
                        "host": host,
                        "now": now,
                    },
                )
            )
            if not rows:
                raise ClubExists(f"channel {channel} already has a club")
            club_id = int(rows[0][0])
            await conn.execute_fetchall(
                "INSERT INTO club_members (club_id, user_id, is_host, joined_at)"
                " VALUES (:club, :user, 1, :now)",
                {"club": club_id, "user": host, "now": now},
            )
            await conn.execute_fetchall(
                _CLUB_PROGRESS_SQL,
                {"club": club_id, "work": work, "novel": None, "film": None, "now": now})
        return Club(
            id=club_id,
            scope=scope,
            channel=channel,
            medium=medium,
            work=work,
            read=((work, Progress()),),
            mode=SpoilerMode.HIDE,
            tz=tz,
            hosts=(host,),
            member_count=1,
            created_by=host,
            created_at=now,
        )

    async def join_club(self, club_id: int, user: str) -> bool:
        return await self._upsert_member(club_id, user, _JOIN_SQL)

    async def leave_club(self, club_id: int, user: str) -> bool:
        async with self._write() as conn:
            # Read then write in one IMMEDIATE transaction: no other writer can remove the other
            # host between our check and our delete.
            state = await self._host_state(conn, club_id, user)
            if state is None:
                return False
            is_host, hosts = state
            if is_host and hosts <= 1:
                raise LastHost(f"{user} is the club's only host")
            await conn.execute_fetchall(
                "DELETE FROM club_members WHERE club_id = :club AND user_id = :user",
                {"club": club_id, "user": user},
            )
        return True

    async def set_club_progress(
        self, club_id: int, work: str, *, novel: int | None = None, film: int | None = None
    ) -> Progress:
        Progress(novel or 0, film or 0)  # ValueError for a negative value, before any I/O
        async with self._write() as conn:
            rows = await self._club_write(
                conn, club_id, _CLUB_PROGRESS_SQL,
                {"club": club_id, "work": work, "novel": novel, "film": film, "now": _now()})
        return Progress(*rows[0])

    async def set_club_work(self, club_id: int, work: str) -> None:
        async with self._write() as conn:
            rows = list(await conn.execute_fetchall(
                "UPDATE clubs SET work = :work WHERE id = :club RETURNING 1",
                {"club": club_id, "work": work}))
            if not rows:
                raise UnknownClub(f"no club has id {club_id}")
            # Its progress in a work it read before is kept; a new one starts at the start.
            await conn.execute_fetchall(
                "INSERT INTO club_progress (club_id, work, started_at)"
                " VALUES (:club, :work, :now) ON CONFLICT (club_id, work) DO NOTHING",
                {"club": club_id, "work": work, "now": _now()})

    async def set_club_medium(self, club_id: int, medium: Medium) -> Progress:
        medium = Medium(medium)
        follows_novel, follows_film = medium is not Medium.FILM, medium is not Medium.NOVEL
        async with self._write() as conn:
            # In every work the club has read: a timeline keeps its progress only if the club
            # followed it before (the medium as it was, read first) and follows it still.
            before = list(await conn.execute_fetchall(
                "SELECT medium, work FROM clubs WHERE id = :club", {"club": club_id}))
            if not before:
                raise UnknownClub(f"no club has id {club_id}")
            was, work = before[0]
            await conn.execute_fetchall(
                "UPDATE club_progress SET"
                " novel = CASE WHEN :novel AND :was != 'film' THEN novel ELSE 0 END,"
                " film = CASE WHEN :film AND :was != 'novel' THEN film ELSE 0 END"
                " WHERE club_id = :club",
                {"club": club_id, "was": was, "novel": follows_novel, "film": follows_film})
            await conn.execute_fetchall("UPDATE clubs SET medium = :medium WHERE id = :club",
                                        {"club": club_id, "medium": medium.value})
            rows = list(await conn.execute_fetchall(
                "SELECT novel, film FROM club_progress WHERE club_id = :club AND work = :work",
                {"club": club_id, "work": work}))
        return Progress(*rows[0]) if rows else Progress()

    async def set_spoiler_mode(self, club_id: int, mode: SpoilerMode) -> None:
        mode = SpoilerMode(mode)
        async with self._write() as conn:
            rows = list(
                await conn.execute_fetchall(
                    "UPDATE clubs SET spoiler_mode = :mode WHERE id = :club RETURNING 1",
                    {"club": club_id, "mode": mode.value},
                )
            )
            if not rows:
                raise UnknownClub(f"no club has id {club_id}")

    async def add_host(self, club_id: int, user: str) -> bool:
        return await self._upsert_member(club_id, user, _ADD_HOST_SQL)

    async def remove_host(self, club_id: int, user: str) -> bool:
        async with self._write() as conn:
            state = await self._host_state(conn, club_id, user)
            if state is None or not state[0]:
                return False
            if state[1] <= 1:
                raise LastHost(f"{user} is the club's only host")
            await conn.execute_fetchall(
                "UPDATE club_members SET is_host = 0 WHERE club_id = :club AND user_id = :user",
                {"club": club_id, "user": user},
            )
        return True

    async def _upsert_member(self, club_id: int, user: str, sql: str) -> bool:
        """Write the user's row in the club (``_JOIN_SQL`` or ``_ADD_HOST_SQL``), in one
        transaction; True if the row changed (RETURNING gave a row)."""
        async with self._write() as conn:
            rows = await self._club_write(
                conn, club_id, sql, {"club": club_id, "user": user, "now": _now()}
            )
        return bool(rows)

    @staticmethod
    async def _host_state(
        conn: aiosqlite.Connection, club_id: int, user: str
    ) -> tuple[bool, int] | None:
        """(is the user a host, how many hosts the club has), or None if not a member."""
        rows = list(await conn.execute_fetchall(_HOST_STATE_SQL, {"club": club_id, "user": user}))
        return (bool(rows[0][0]), int(rows[0][1])) if rows else None

    @staticmethod
    async def _club_write(
        conn: aiosqlite.Connection, club_id: int, sql: str, params: dict[str, Any]
    ) -> list[Any]:
        """Run a write on a club's child table, turning a missing club into UnknownClub."""
        try:
            return list(await conn.execute_fetchall(sql, params))
        except sqlite3.IntegrityError as error:
            if _is_fk_error(error):
                raise UnknownClub(f"no club has id {club_id}") from error
            raise
