"""A club's own discussion questions on PostgreSQL (``host_questions``), as on SQLite: an upload
staged as a dry run, confirmed into the club's pool, listed and removed; a removed question
keeps its row, so its number (its prompt id, ``host-N``) is never reused. A mixin of
``PostgresStore``; every write is one transaction, and staging locks the club's row first so
two uploads at once cannot take the same numbers."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.content.model import Depth
from bot.core.host_questions import HostQuestion
from bot.store.postgres.db import Db, _now


class QuestionsMixin(Db):
    async def stage_host_questions(self, club_id: int, work: str, user: str,
                                   questions: Sequence[HostQuestion]) -> int:
        async with self._write() as conn:
            await conn.execute("SELECT 1 FROM clubs WHERE id = $1 FOR UPDATE", club_id)
            await conn.execute("DELETE FROM host_questions WHERE club_id = $1"
                               " AND state = 'staged' AND added_by = $2", club_id, user)
            first = int(await conn.fetchval(
                "SELECT coalesce(max(number), 0) FROM host_questions WHERE club_id = $1",
                club_id)) + 1
            now = _now()
            await conn.executemany(
                "INSERT INTO host_questions (club_id, number, work, text, depth, novel, film,"
                " state, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'staged',"
                " $8, $9)",
                [(club_id, first + i, work, q.text, q.depth.value, q.novel, q.film, user, now)
                 for i, q in enumerate(questions)])
        return len(questions)

    async def confirm_host_questions(self, club_id: int, work: str, user: str) -> int:
        async with self._write() as conn:
            rows = await conn.fetch(
                "UPDATE host_questions SET state = 'added' WHERE club_id = $1"
                " AND work = $2 AND state = 'staged' AND added_by = $3 RETURNING 1",
                club_id, work, user)
        return len(rows)

    async def host_questions(self, club_id: int, work: str, *, staged: str | None = None
                             ) -> tuple[HostQuestion, ...]:
        rows = await self._read(
            "SELECT number, text, depth, novel, film FROM host_questions WHERE club_id = $1"
            " AND work = $2 AND state = $3 AND ($4::text IS NULL OR added_by = $4)"
            " ORDER BY number",
            club_id, work, "added" if staged is None else "staged", staged)
        return tuple(HostQuestion(n, text, Depth(depth), novel, film)
                     for n, text, depth, novel, film in rows)

    async def remove_host_question(self, club_id: int, number: int) -> bool:
        async with self._write() as conn:
            removed = await conn.fetchval(
                "UPDATE host_questions SET state = 'removed' WHERE club_id = $1"
                " AND number = $2 AND state = 'added' RETURNING 1", club_id, number)
        return removed is not None
