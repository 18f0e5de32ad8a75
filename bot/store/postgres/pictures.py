"""What the club's chart reads and the settings behind it, on PostgreSQL: members' points with
their names and privacy, a member's own settings, a club's picture settings. A mixin of
``PostgresStore``; every write is one transaction, each a single upsert or update."""

from __future__ import annotations

from bot.core.clubs import MemberPoint, Scope
from bot.core.timeline import Progress
from bot.store.errors import UnknownClub
from bot.store.postgres.db import Db, _now

_MEMBER_POINTS_SQL = """
SELECT m.user_id, s.name, coalesce(s.private, 0), p.novel, p.film
FROM club_members AS m
JOIN clubs AS c ON c.id = m.club_id
JOIN member_progress AS p ON p.platform = c.platform AND p.workspace = c.workspace
    AND p.user_id = m.user_id AND p.work = $2
LEFT JOIN member_settings AS s ON s.platform = c.platform AND s.workspace = c.workspace
    AND s.user_id = m.user_id
WHERE m.club_id = $1
ORDER BY m.joined_at, m.user_id
"""

# coalesce($n, column) keeps the setting the caller did not name.
_MEMBER_SETTINGS_SQL = """
INSERT INTO member_settings (platform, workspace, user_id, private, name, updated_at)
VALUES ($1, $2, $3, coalesce($4::int, 0), $5, $6)
ON CONFLICT (platform, workspace, user_id) DO UPDATE SET
    private = coalesce($4::int, member_settings.private),
    name = coalesce($5, member_settings.name),
    updated_at = $6
RETURNING private
"""


class PicturesMixin(Db):
    async def club_member_points(self, club_id: int, work: str) -> tuple[MemberPoint, ...]:
        rows = await self._read(_MEMBER_POINTS_SQL, club_id, work)
        return tuple(MemberPoint(user, name, Progress(novel, film), bool(private))
                     for user, name, private, novel, film in rows)

    async def set_member_settings(self, scope: Scope, user: str, *, private: bool | None = None,
                                  name: str | None = None) -> bool:
        if name is not None:
            name = " ".join(name.split())[:100] or None
        async with self._write() as conn:
            now_private = await conn.fetchval(
                _MEMBER_SETTINGS_SQL, scope.platform, scope.workspace, user,
                None if private is None else int(private), name, _now())
        return bool(now_private)

    async def set_club_pictures(self, club_id: int, *, members: bool | None = None,
                                images: bool | None = None) -> None:
        async with self._write() as conn:
            if await conn.fetchval(
                    "UPDATE clubs SET chart_members = coalesce($2::int, chart_members),"
                    " images = coalesce($3::int, images) WHERE id = $1 RETURNING 1",
                    club_id, None if members is None else int(members),
                    None if images is None else int(images)) is None:
                raise UnknownClub(f"no club has id {club_id}")
