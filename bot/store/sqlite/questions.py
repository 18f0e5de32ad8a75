"""A club's own discussion questions on SQLite (``host_questions``): an upload staged as a dry
run, confirmed into the club's pool, listed and removed. A removed question keeps its row, so
its number (its prompt id, ``host-N``, in the club's record of prompts had) is never reused.
A mixin of ``SqliteStore`` over ``Db``; every write is one ``_write`` transaction."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.content.model import Depth
from bot.core.host_questions import HostQuestion
from bot.store.sqlite.db import Db, _now

_COLUMNS = "number, text, depth, novel, film"


class QuestionsMixin(Db):
    async def stage_host_questions(self, club_id: int, work: str, user: str,
                                   questions: Sequence[HostQuestion]) -> int:
        async with self._write() as conn:
            await conn.execute("DELETE FROM host_questions WHERE club_id = :club"
                               " AND state = 'staged' AND added_by = :user",
                               {"club": club_id, "user": user})
            rows = list(await conn.execute_fetchall(
                "SELECT coalesce(max(number), 0) FROM host_questions WHERE club_id = :club",
                {"club": club_id}))
            first = int(rows[0][0]) + 1
            now = _now()
            await conn.executemany(
                "INSERT INTO host_questions (club_id, number, work, text, depth, novel, film,"
                " state, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'staged', ?, ?)",
                [(club_id, first + i, work, q.text, q.depth.value, q.novel, q.film, user, now)
                 for i, q in enumerate(questions)])
        return len(questions)

    async def confirm_host_questions(self, club_id: int, work: str, user: str) -> int:
        async with self._write() as conn:
            rows = list(await conn.execute_fetchall(
                "UPDATE host_questions SET state = 'added' WHERE club_id = :club"
                " AND work = :work AND state = 'staged' AND added_by = :user RETURNING 1",
                {"club": club_id, "work": work, "user": user}))
        return len(rows)

    async def host_questions(self, club_id: int, work: str, *, staged: str | None = None
                             ) -> tuple[HostQuestion, ...]:
        rows = await self._read(
            f"SELECT {_COLUMNS} FROM host_questions WHERE club_id = :club AND work = :work"
            " AND state = :state AND (:user IS NULL OR added_by = :user) ORDER BY number",
            {"club": club_id, "work": work, "state": "added" if staged is None else "staged",
             "user": staged})
        return tuple(HostQuestion(n, text, Depth(depth), novel, film)
                     for n, text, depth, novel, film in rows)

    async def remove_host_question(self, club_id: int, number: int) -> bool:
        async with self._write() as conn:
            rows = list(await conn.execute_fetchall(
                "UPDATE host_questions SET state = 'removed' WHERE club_id = :club"
                " AND number = :number AND state = 'added' RETURNING 1",
                {"club": club_id, "number": number}))
        return bool(rows)
