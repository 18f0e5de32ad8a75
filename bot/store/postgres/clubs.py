"""Members, clubs and hosts, on PostgreSQL. A mixin of ``PostgresStore`` over ``Db``.

A write that decides on what it reads (the last host may not leave) first locks the club's row
(``_lock_club``), so two workers changing one club's hosts take turns; a missing club shows up
there as ``UnknownClub``, before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.core.clubs import Club, ClubExists, Context, LastHost, Reading, Scope, SpoilerMode
from bot.core.timeline import Medium, Progress
from bot.store.errors import UnknownClub
from bot.store.postgres.db import Conn, Db, _now

_CLUB_COLUMNS = """
    c.id, c.medium, c.work,
    (SELECT json_agg(json_build_array(p.work, p.novel, p.film)) FROM club_progress AS p
        WHERE p.club_id = c.id) AS read,
    c.spoiler_mode, c.tz, c.created_by, c.created_at,
    (SELECT coalesce(array_agg(h.user_id ORDER BY h.joined_at, h.user_id), '{}')
        FROM club_members AS h WHERE h.club_id = c.id AND h.is_host = 1) AS hosts,
    (SELECT count(*) FROM club_members AS n WHERE n.club_id = c.id) AS member_count,
    c.archived_at, c.reminder_hours, c.chart_members, c.images
"""
CLUB_WIDTH = 14  # columns in _CLUB_COLUMNS

# (SELECT 1) drives the LEFT JOINs so there is always exactly one row, club or not.
_CONTEXT_SQL = f"""
SELECT {_CLUB_COLUMNS}, me.is_host,
    (SELECT json_agg(json_build_array(m.work, m.novel, m.film)) FROM member_progress AS m
        WHERE m.platform = $1 AND m.workspace = $2 AND m.user_id = $4)
FROM (SELECT 1) AS one
LEFT JOIN clubs AS c ON c.platform = $1 AND c.workspace = $2 AND c.channel_id = $3
LEFT JOIN club_members AS me ON me.club_id = c.id AND me.user_id = $4
"""

_CLUB_SQL = f"""
SELECT {_CLUB_COLUMNS} FROM clubs AS c
WHERE c.platform = $1 AND c.workspace = $2 AND c.channel_id = $3
"""

# coalesce($n, column) keeps the timeline the caller did not name.
_SET_MEMBER_PROGRESS_SQL = """
INSERT INTO member_progress (platform, workspace, user_id, work, novel, film, updated_at)
VALUES ($1, $2, $3, $4, coalesce($5::int, 0), coalesce($6::int, 0), $7)
ON CONFLICT (platform, workspace, user_id, work) DO UPDATE SET
    novel = coalesce($5::int, member_progress.novel),
    film = coalesce($6::int, member_progress.film),
    updated_at = $7
RETURNING novel, film
"""

CLUB_PROGRESS_SQL = """
INSERT INTO club_progress (club_id, work, novel, film, started_at)
VALUES ($1, $2, coalesce($3::int, 0), coalesce($4::int, 0), $5)
ON CONFLICT (club_id, work) DO UPDATE SET
    novel = coalesce($3::int, club_progress.novel),
    film = coalesce($4::int, club_progress.film)
RETURNING novel, film
"""

_JOIN_SQL = (
    "INSERT INTO club_members (club_id, user_id, is_host, joined_at) VALUES ($1, $2, 0, $3)"
    " ON CONFLICT (club_id, user_id) DO NOTHING RETURNING 1"
)

_ADD_HOST_SQL = (
    "INSERT INTO club_members (club_id, user_id, is_host, joined_at) VALUES ($1, $2, 1, $3)"
    " ON CONFLICT (club_id, user_id) DO UPDATE SET is_host = 1"
    " WHERE club_members.is_host = 0 RETURNING 1"
)

_HOST_STATE_SQL = """
SELECT me.is_host,
       (SELECT count(*) FROM club_members AS h WHERE h.club_id = me.club_id AND h.is_host = 1)
FROM club_members AS me WHERE me.club_id = $1 AND me.user_id = $2
"""


def reading(text: str | None) -> Reading:
    """``[[work, novel, film], ...]`` (json_agg) as (work, Progress) pairs, by work."""
    if not text:
        return ()
    return tuple(sorted((w, Progress(n, f)) for w, n, f in json.loads(text)))


def parse_hours(text: str) -> tuple[int, ...]:
    return tuple(int(h) for h in text.split(",") if h)


def club_from_row(scope: Scope, channel: str, row: Sequence[Any]) -> Club:
    (club_id, medium, work, read, mode, tz, created_by, created_at, hosts, count, archived,
     reminders, chart_members, images) = tuple(row)[:CLUB_WIDTH]
    return Club(id=club_id, scope=scope, channel=channel, medium=Medium(medium), work=work,
                read=reading(read), mode=SpoilerMode(mode), tz=tz, hosts=tuple(hosts),
                member_count=count, created_by=created_by, created_at=created_at,
                archived=archived is not None, reminders=parse_hours(reminders),
                chart_members=bool(chart_members), images=bool(images))


async def lock_club(conn: Conn, club_id: int) -> None:
    """Lock the club's row for the rest of the transaction; UnknownClub if there is none."""
    if await conn.fetchval("SELECT 1 FROM clubs WHERE id = $1 FOR UPDATE", club_id) is None:
        raise UnknownClub(f"no club has id {club_id}")


class ClubsMixin(Db):
    # -- members --------------------------------------------------------------------------------

    async def context(self, scope: Scope, channel: str, user: str) -> Context:
        row = (await self._read(_CONTEXT_SQL, scope.platform, scope.workspace, channel,
                                user))[0]
        club = None if row[0] is None else club_from_row(scope, channel, row)
        is_host, mine = row[CLUB_WIDTH], row[CLUB_WIDTH + 1]
        return Context(club=club, mine=reading(mine), is_host=bool(is_host),
                       is_member=is_host is not None)

    async def member_progress(self, scope: Scope, user: str, work: str) -> Progress:
        row = await self._read_row(
            "SELECT novel, film FROM member_progress WHERE platform = $1 AND workspace = $2"
            " AND user_id = $3 AND work = $4", scope.platform, scope.workspace, user, work)
        return Progress(row[0], row[1]) if row else Progress()

    async def set_member_progress(
        self, scope: Scope, user: str, work: str, *, novel: int | None = None,
        film: int | None = None,
    ) -> Progress:
        if novel is None and film is None:
            return await self.member_progress(scope, user, work)
        Progress(novel or 0, film or 0)  # ValueError for a negative value, before any I/O
        async with self._write() as conn:
            row = await conn.fetchrow(_SET_MEMBER_PROGRESS_SQL, scope.platform,
                                      scope.workspace, user, work, novel, film, _now())
        return Progress(row[0], row[1])

    async def reset_member_progress(self, scope: Scope, user: str, work: str) -> None:
        async with self._write() as conn:
            await conn.execute(
                "DELETE FROM member_progress WHERE platform = $1 AND workspace = $2"
                " AND user_id = $3 AND work = $4", scope.platform, scope.workspace, user, work)

    # -- clubs ----------------------------------------------------------------------------------

    async def club(self, scope: Scope, channel: str) -> Club | None:
        row = await self._read_row(_CLUB_SQL, scope.platform, scope.workspace, channel)
        return club_from_row(scope, channel, row) if row else None

    async def club_by_id(self, club_id: int) -> Club | None:
        row = await self._read_row(
            f"SELECT {_CLUB_COLUMNS}, c.platform, c.workspace, c.channel_id FROM clubs AS c"
            " WHERE c.id = $1", club_id)
        if row is None:
            return None
        platform, workspace, channel = tuple(row)[-3:]
        return club_from_row(Scope(platform, workspace), channel, row)

    async def clubs_of(self, scope: Scope, user: str) -> tuple[Club, ...]:
        rows = await self._read(
            f"SELECT {_CLUB_COLUMNS}, c.channel_id FROM clubs AS c"
            " JOIN club_members AS me ON me.club_id = c.id AND me.user_id = $3"
            " WHERE c.platform = $1 AND c.workspace = $2 ORDER BY c.id",
            scope.platform, scope.workspace, user)
        return tuple(club_from_row(scope, row[-1], row) for row in rows)

    async def create_club(
        self, scope: Scope, channel: str, *, medium: Medium, tz: str, host: str, work: str
    ) -> Club:
        medium = Medium(medium)
        now = _now()
        async with self._write() as conn:
            club_id = await conn.fetchval(
                "INSERT INTO clubs (platform, workspace, channel_id, medium, work, tz,"
                " created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                " ON CONFLICT (platform, workspace, channel_id) DO NOTHING RETURNING id",
                scope.platform, scope.workspace, channel, medium.value, work, tz, host, now)
            if club_id is None:
                raise ClubExists(f"channel {channel} already has a club")
            await conn.execute(
                "INSERT INTO club_members (club_id, user_id, is_host, joined_at)"
                " VALUES ($1, $2, 1, $3)", club_id, host, now)
            await conn.execute(CLUB_PROGRESS_SQL, club_id, work, None, None, now)
        return Club(id=club_id, scope=scope, channel=channel, medium=medium, work=work,
                    read=((work, Progress()),), mode=SpoilerMode.HIDE, tz=tz, hosts=(host,),
                    member_count=1, created_by=host, created_at=now)

    async def join_club(self, club_id: int, user: str) -> bool:
        return await self._upsert_member(club_id, user, _JOIN_SQL)

    async def add_host(self, club_id: int, user: str) -> bool:
        return await self._upsert_member(club_id, user, _ADD_HOST_SQL)

    async def _upsert_member(self, club_id: int, user: str, sql: str) -> bool:
        async with self._write() as conn:
            await lock_club(conn, club_id)
            return await conn.fetchval(sql, club_id, user, _now()) is not None

    async def leave_club(self, club_id: int, user: str) -> bool:
        async with self._write() as conn:
            if not await self._locked(conn, club_id):
                return False
            state = await conn.fetchrow(_HOST_STATE_SQL, club_id, user)
            if state is None:
                return False
            if state[0] and state[1] <= 1:
                raise LastHost(f"{user} is the club's only host")
            await conn.execute("DELETE FROM club_members WHERE club_id = $1 AND user_id = $2",
                               club_id, user)
        return True

    async def remove_host(self, club_id: int, user: str) -> bool:
        async with self._write() as conn:
            if not await self._locked(conn, club_id):
                return False
            state = await conn.fetchrow(_HOST_STATE_SQL, club_id, user)
            if state is None or not state[0]:
                return False
            if state[1] <= 1:
                raise LastHost(f"{user} is the club's only host")
            await conn.execute(
                "UPDATE club_members SET is_host = 0 WHERE club_id = $1 AND user_id = $2",
                club_id, user)
        return True

    @staticmethod
    async def _locked(conn: Conn, club_id: int) -> bool:
        """Lock the club's row if there is one (no club: nothing to leave, not an error)."""
        return await conn.fetchval("SELECT 1 FROM clubs WHERE id = $1 FOR UPDATE",
                                   club_id) is not None

    async def set_club_progress(
        self, club_id: int, work: str, *, novel: int | None = None, film: int | None = None
    ) -> Progress:
        Progress(novel or 0, film or 0)  # ValueError for a negative value, before any I/O
        async with self._write() as conn:
            await lock_club(conn, club_id)
            row = await conn.fetchrow(CLUB_PROGRESS_SQL, club_id, work, novel, film, _now())
        return Progress(row[0], row[1])

    async def set_club_work(self, club_id: int, work: str) -> None:
        async with self._write() as conn:
            if await conn.fetchval("UPDATE clubs SET work = $2 WHERE id = $1 RETURNING 1",
                                   club_id, work) is None:
                raise UnknownClub(f"no club has id {club_id}")
            await conn.execute(
                "INSERT INTO club_progress (club_id, work, started_at) VALUES ($1, $2, $3)"
                " ON CONFLICT (club_id, work) DO NOTHING", club_id, work, _now())

    async def set_club_medium(self, club_id: int, medium: Medium) -> Progress:
        medium = Medium(medium)
        follows_novel, follows_film = medium is not Medium.FILM, medium is not Medium.NOVEL
        async with self._write() as conn:
            before = await conn.fetchrow(
                "SELECT medium, work FROM clubs WHERE id = $1 FOR UPDATE", club_id)
            if before is None:
                raise UnknownClub(f"no club has id {club_id}")
            was, work = before
            await conn.execute(
                "UPDATE club_progress SET"
                " novel = CASE WHEN $2 AND $4 <> 'film' THEN novel ELSE 0 END,"
                " film = CASE WHEN $3 AND $4 <> 'novel' THEN film ELSE 0 END"
                " WHERE club_id = $1", club_id, follows_novel, follows_film, was)
            await conn.execute("UPDATE clubs SET medium = $2 WHERE id = $1", club_id,
                               medium.value)
            row = await conn.fetchrow(
                "SELECT novel, film FROM club_progress WHERE club_id = $1 AND work = $2",
                club_id, work)
        return Progress(row[0], row[1]) if row else Progress()

    async def set_spoiler_mode(self, club_id: int, mode: SpoilerMode) -> None:
        mode = SpoilerMode(mode)
        async with self._write() as conn:
            if await conn.fetchval(
                    "UPDATE clubs SET spoiler_mode = $2 WHERE id = $1 RETURNING 1",
                    club_id, mode.value) is None:
                raise UnknownClub(f"no club has id {club_id}")
