"""The prompts each club has had in each work, on SQLite: a prompt is chosen and marked in one
transaction, so two at once never get the same one. A mixin of ``SqliteStore``."""

from __future__ import annotations

from collections.abc import Callable

from bot.store.sqlite.clubs import ClubsMixin
from bot.store.sqlite.db import _now

# Idempotent: a retried or duplicated command only refreshes used_at.
_MARK_PROMPT_SQL = (
    "INSERT INTO club_prompts (club_id, work, prompt_id, used_at)"
    " VALUES (:club, :work, :prompt, :now)"
    " ON CONFLICT (club_id, work, prompt_id) DO UPDATE SET used_at = excluded.used_at"
)


class PromptsMixin(ClubsMixin):
    async def used_prompts(self, club_id: int, work: str) -> frozenset[str]:
        rows = await self._read(
            "SELECT prompt_id FROM club_prompts WHERE club_id = :club AND work = :work",
            {"club": club_id, "work": work})
        return frozenset(row[0] for row in rows)

    async def take_prompt(
        self, club_id: int, work: str, choose: Callable[[frozenset[str]], str | None]
    ) -> str | None:
        async with self._write() as conn:
            rows = await conn.execute_fetchall(
                "SELECT prompt_id FROM club_prompts WHERE club_id = :club AND work = :work",
                {"club": club_id, "work": work})
            chosen = choose(frozenset(row[0] for row in rows))
            if chosen is not None:
                await self._club_write(conn, club_id, _MARK_PROMPT_SQL,
                                       {"club": club_id, "work": work, "prompt": chosen,
                                        "now": _now()})
        return chosen

    async def mark_prompt_used(self, club_id: int, work: str, prompt_id: str) -> None:
        async with self._write() as conn:
            # Idempotent: a retried or duplicated command only refreshes used_at.
            await self._club_write(
                conn, club_id, _MARK_PROMPT_SQL,
                {"club": club_id, "work": work, "prompt": prompt_id, "now": _now()},
            )

