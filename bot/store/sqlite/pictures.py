"""What the club's chart reads and the settings behind it, on SQLite: members' points with
their names and privacy, a member's own settings, a club's picture settings.

A mixin of ``SqliteStore`` over ``Db``; every write is one ``_write`` transaction.
"""

from __future__ import annotations

from bot.core.clubs import MemberPoint, Scope
from bot.core.timeline import Progress
from bot.store.sqlite.db import Db, UnknownClub, _now

# The club's members with their own progress in a work, their name and privacy: the chart's.
_MEMBER_POINTS_SQL = """
SELECT m.user_id, s.name, coalesce(s.private, 0), p.novel, p.film
FROM club_members AS m
JOIN clubs AS c ON c.id = m.club_id
JOIN member_progress AS p ON p.platform = c.platform AND p.workspace = c.workspace
    AND p.user_id = m.user_id AND p.work = :work
LEFT JOIN member_settings AS s ON s.platform = c.platform AND s.workspace = c.workspace
    AND s.user_id = m.user_id
WHERE m.club_id = :club
ORDER BY m.joined_at, m.user_id
"""

# coalesce(:x, column) keeps the setting the caller did not name.
_MEMBER_SETTINGS_SQL = """
INSERT INTO member_settings (platform, workspace, user_id, private, name, updated_at)
VALUES (:platform, :workspace, :user, coalesce(:private, 0), :name, :now)
ON CONFLICT (platform, workspace, user_id) DO UPDATE SET
    private = coalesce(:private, member_settings.private),
    name = coalesce(:name, member_settings.name),
    updated_at = :now
RETURNING private
"""


class PicturesMixin(Db):
    async def club_member_points(self, club_id: int, work: str) -> tuple[MemberPoint, ...]:
        rows = await self._read(_MEMBER_POINTS_SQL, {"club": club_id, "work": work})
        return tuple(MemberPoint(user, name, Progress(novel, film), bool(private))
                     for user, name, private, novel, film in rows)

    async def set_member_settings(self, scope: Scope, user: str, *, private: bool | None = None,
                                  name: str | None = None) -> bool:
        if name is not None:
            name = " ".join(name.split())[:100] or None
        async with self._write() as conn:
            rows = list(await conn.execute_fetchall(_MEMBER_SETTINGS_SQL, {
                "platform": scope.platform, "workspace": scope.workspace, "user": user,
                "private": None if private is None else int(private), "name": name,
                "now": _now()}))
        return bool(rows[0][0])

    async def set_club_pictures(self, club_id: int, *, members: bool | None = None,
                                images: bool | None = None) -> None:
        async with self._write() as conn:
            rows = list(await conn.execute_fetchall(
                "UPDATE clubs SET chart_members = coalesce(:members, chart_members),"
                " images = coalesce(:images, images) WHERE id = :club RETURNING 1",
                {"club": club_id, "members": None if members is None else int(members),
                 "images": None if images is None else int(images)}))
            if not rows:
                raise UnknownClub(f"no club has id {club_id}")
