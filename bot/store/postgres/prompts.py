"""The prompts each club has had in each work, on PostgreSQL: the club's row is locked while a
prompt is chosen and marked, so two workers at once never get the same one."""

from __future__ import annotations

from collections.abc import Callable

from bot.store.postgres.clubs import ClubsMixin, lock_club
from bot.store.postgres.db import _now

# Idempotent: a retried or duplicated command only refreshes used_at.
MARK_PROMPT_SQL = (
    "INSERT INTO club_prompts (club_id, work, prompt_id, used_at) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (club_id, work, prompt_id) DO UPDATE SET used_at = excluded.used_at"
)


class PromptsMixin(ClubsMixin):
    async def used_prompts(self, club_id: int, work: str) -> frozenset[str]:
        rows = await self._read(
            "SELECT prompt_id FROM club_prompts WHERE club_id = $1 AND work = $2", club_id, work)
        return frozenset(row[0] for row in rows)

    async def take_prompt(
        self, club_id: int, work: str, choose: Callable[[frozenset[str]], str | None]
    ) -> str | None:
        async with self._write() as conn:
            await lock_club(conn, club_id)
            rows = await conn.fetch(
                "SELECT prompt_id FROM club_prompts WHERE club_id = $1 AND work = $2",
                club_id, work)
            chosen = choose(frozenset(row[0] for row in rows))
            if chosen is not None:
                await conn.execute(MARK_PROMPT_SQL, club_id, work, chosen, _now())
        return chosen

    async def mark_prompt_used(self, club_id: int, work: str, prompt_id: str) -> None:
        async with self._write() as conn:
            await lock_club(conn, club_id)
            await conn.execute(MARK_PROMPT_SQL, club_id, work, prompt_id, _now())
