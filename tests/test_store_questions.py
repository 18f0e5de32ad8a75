"""The store's part of a club's own questions: migration 8 on a SQLite database from the
release before it (every club, member and prompt the club has had is kept, and the
club starts with no questions of its own); an upload is staged, replaced by the next, added on
confirm only, numbered after the club's; removing one leaves the rest, and its number is never
given again (the club's record of prompts had knows it); questions are kept per club and work
(on both stores: ``open_here``, conftest.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.core.clubs import Scope
from bot.core.content.model import Depth
from bot.core.host_questions import HostQuestion
from bot.core.timeline import Medium
from bot.store.sqlite import MIGRATIONS, SqliteStore

W = "never-let-me-go"
R = "remains-of-the-day"
SLACK = Scope("slack", "T1")
Opener = Callable[..., Awaitable[Any]]


def q(text: str, novel: int | None = 1, film: int | None = None) -> HostQuestion:
    return HostQuestion(0, text, Depth.DEEP, novel, film)


async def test_a_database_from_the_release_before_keeps_everything(tmp_path: Path) -> None:
    db = tmp_path / "club.db"
    async with await SqliteStore.open(db, migrations=MIGRATIONS[:7]) as old:
        made = await old.create_club(SLACK, "chan", medium=Medium.BOTH, tz="UTC",
                                     host="hana", work=W)
        await old.join_club(made.id, "sam")
        await old.take_prompt(made.id, W, lambda used: "p-one")
    async with await SqliteStore.open(db) as store:
        club = await store.club_by_id(made.id)
        assert club is not None and club.member_count == 2
        assert await store.host_questions(made.id, W) == ()
        assert await store.used_prompts(made.id, W) == frozenset({"p-one"})
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == MIGRATIONS[-1][0] >= 8


async def test_staged_then_confirmed_numbered_and_removed(open_here: Opener) -> None:
    async with await open_here() as store:
        club = await store.create_club(SLACK, "chan", medium=Medium.BOTH, tz="UTC",
                                       host="hana", work=W)
        other = await store.create_club(SLACK, "elsewhere", medium=Medium.BOTH, tz="UTC",
                                        host="hana", work=W)
        assert await store.stage_host_questions(club.id, W, "hana", [q("a first one")]) == 1
        await store.stage_host_questions(club.id, W, "hana", [q("one"), q("two", None, 30)])
        staged = await store.host_questions(club.id, W, staged="hana")
        assert [x.text for x in staged] == ["one", "two"]  # the first upload was replaced
        assert await store.host_questions(club.id, W) == ()
        assert await store.confirm_host_questions(club.id, R, "hana") == 0  # another work's
        assert await store.confirm_host_questions(club.id, W, "sam") == 0  # not sam's upload
        assert await store.confirm_host_questions(club.id, W, "hana") == 2
        assert await store.confirm_host_questions(club.id, W, "hana") == 0
        kept = await store.host_questions(club.id, W)
        assert [(x.number, x.text, x.novel, x.film) for x in kept] == [
            (1, "one", 1, None), (2, "two", None, 30)]
        await store.stage_host_questions(club.id, W, "hana", [q("three")])
        await store.confirm_host_questions(club.id, W, "hana")
        assert [x.number for x in await store.host_questions(club.id, W)] == [1, 2, 3]
        assert await store.remove_host_question(club.id, 2)
        assert not await store.remove_host_question(club.id, 2)
        assert not await store.remove_host_question(other.id, 1)  # another club's number
        assert [x.id for x in await store.host_questions(club.id, W)] == ["host-1", "host-3"]
        await store.remove_host_question(club.id, 3)
        await store.stage_host_questions(club.id, W, "hana", [q("four")])
        await store.confirm_host_questions(club.id, W, "hana")
        assert [x.id for x in await store.host_questions(club.id, W)] == ["host-1", "host-4"]
        assert await store.host_questions(other.id, W) == ()
        assert await store.host_questions(club.id, R) == ()


async def test_each_hosts_dry_run_is_their_own(open_here: Opener) -> None:
    """Two hosts staging files at once: each confirm adds that host's rows, never the other's,
    and a new upload replaces only its own host's dry run."""
    async with await open_here() as store:
        club = await store.create_club(SLACK, "chan", medium=Medium.BOTH, tz="UTC",
                                       host="hana", work=W)
        await store.stage_host_questions(club.id, W, "hana", [q("a1"), q("a2"), q("a3")])
        await store.stage_host_questions(club.id, W, "bo", [q("b1")])
        await store.stage_host_questions(club.id, W, "bo", [q("b1"), q("b2")])  # replaces bo's
        assert [x.text for x in await store.host_questions(club.id, W, staged="hana")] == [
            "a1", "a2", "a3"]
        assert [x.text for x in await store.host_questions(club.id, W, staged="bo")] == [
            "b1", "b2"]
        assert await store.confirm_host_questions(club.id, W, "hana") == 3
        assert [x.text for x in await store.host_questions(club.id, W)] == ["a1", "a2", "a3"]
        assert await store.confirm_host_questions(club.id, W, "bo") == 2
        numbers = [x.number for x in await store.host_questions(club.id, W)]
        assert len(set(numbers)) == 5 and numbers == sorted(numbers)
