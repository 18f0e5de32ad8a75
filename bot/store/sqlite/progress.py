"""A member's own progress in each work, on SQLite: a mixin of ``SqliteStore`` over ``Db``
(the base of ``ClubsMixin``, whose ``context()`` reads the same rows)."""

from __future__ import annotations

from bot.core.clubs import Scope
from bot.core.timeline import Progress
from bot.store.sqlite.db import Db, _now

_MEMBER_PROGRESS_SQL = """
SELECT novel, film FROM member_progress
WHERE platform = :platform AND workspace = :workspace AND user_id = :user AND work = :work
"""

# coalesce(:x, column) keeps the timeline the caller did not name.
_SET_MEMBER_PROGRESS_SQL = """
INSERT INTO member_progress (platform, workspace, user_id, work, novel, film, updated_at)
VALUES (:platform, :workspace, :user, :work, coalesce(:novel, 0), coalesce(:film, 0), :now)
ON CONFLICT (platform, workspace, user_id, work) DO UPDATE SET
    novel = coalesce(:novel, member_progress.novel),
    film = coalesce(:film, member_progress.film),
    updated_at = :now
RETURNING novel, film
"""


class ProgressMixin(Db):
    async def member_progress(self, scope: Scope, user: str, work: str) -> Progress:
        rows = await self._read(
            _MEMBER_PROGRESS_SQL,
            {"platform": scope.platform, "workspace": scope.workspace, "user": user,
             "work": work},
        )
        return Progress(*rows[0]) if rows else Progress()

    async def set_member_progress(
        self, scope: Scope, user: str, work: str, *, novel: int | None = None,
        film: int | None = None,
    ) -> Progress:
        if novel is None and film is None:
            return await self.member_progress(scope, user, work)
        Progress(novel or 0, film or 0)  # ValueError for a negative value, before any I/O
        async with self._write() as conn:
            rows = list(
                await conn.execute_fetchall(
                    _SET_MEMBER_PROGRESS_SQL,
                    {
                        "platform": scope.platform,
                        "workspace": scope.workspace,
                        "user": user,
                        "work": work,
                        "novel": novel,
                        "film": film,
                        "now": _now(),
                    },
                )
            )
        return Progress(*rows[0])

    async def reset_member_progress(self, scope: Scope, user: str, work: str) -> None:
        # No row reads as "not started", so deleting is the reset (and forgets the person).
        async with self._write() as conn:
            await conn.execute_fetchall(
                "DELETE FROM member_progress WHERE platform = :platform"
                " AND workspace = :workspace AND user_id = :user AND work = :work",
                {"platform": scope.platform, "workspace": scope.workspace, "user": user,
                 "work": work},
            )
