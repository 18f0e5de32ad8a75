"""The store's part of the reading schedule: migration 10 on a SQLite database from the release
before it keeps every club, night and reminder (and the club starts with no schedule); a dry
run is each host's own and replaces only theirs; a confirm replaces the club's schedule and
does not nudge again for a target already nudged; nudges are claimed as reminders are, so two
workers at once send each once and a dead worker's claim waits out its lease (on both stores:
``open_here``, conftest.py)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.core.clubs import Scope
from bot.core.nights import NightPlan, NightStatus, Target
from bot.core.reading import Point
from bot.core.timeline import Medium
from bot.core.when import Wall
from bot.store.postgres import PostgresStore
from bot.store.postgres.migrate import MIGRATIONS as PG_MIGRATIONS
from bot.store.sqlite import MIGRATIONS, SqliteStore
from tests.helpers.pg_server import PgServer, create_database

W = "never-let-me-go"
SLACK = Scope("slack", "T1")
LONDON = "Europe/London"
Opener = Callable[..., Awaitable[Any]]


def point(number: int, novel: int, day: int, month: int = 3) -> Point:
    return Point(number, Target(novel=novel), Wall(datetime(2027, month, day, 9, 0), LONDON))


async def test_a_database_from_the_release_before_keeps_everything(tmp_path: Path) -> None:
    db = tmp_path / "club.db"
    wall = Wall(datetime(2027, 3, 12, 19, 30), LONDON)
    async with await SqliteStore.open(db, migrations=MIGRATIONS[:9]) as old:
        made = await old.create_club(SLACK, "chan", medium=Medium.BOTH, tz=LONDON,
                                     host="hana", work=W)
        await old.join_club(made.id, "sam")
        night = await old.add_night(made.id, NightPlan(
            "Night", Target(novel=9), wall, None, "hana", ((24, wall.timestamp() - 86400),), W))
    async with await SqliteStore.open(db) as store:
        club = await store.club_by_id(made.id)
        assert club is not None and club.member_count == 2
        assert await store.reading_schedule(made.id, W) == ()
        kept = await store.night(night.id)
        assert kept is not None and kept.status is NightStatus.SCHEDULED and kept.wall == wall
        assert await store.next_due("slack") == wall.timestamp() - 86400
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == MIGRATIONS[-1][0] >= 10


async def _club(store: Any, channel: str = "chan") -> int:
    club = await store.create_club(SLACK, channel, medium=Medium.NOVEL, tz=LONDON,
                                   host="hana", work=W)
    await store.join_club(club.id, "sam")
    await store.follow_schedule(club.id, "sam", True)
    return int(club.id)


async def test_dry_runs_are_each_hosts_own_and_confirm_replaces(open_here: Opener) -> None:
    async with await open_here() as store:
        club = await _club(store)
        await store.stage_schedule(club, W, "hana", [point(1, 9, 12), point(2, 17, 26)])
        await store.stage_schedule(club, W, "mo", [point(1, 5, 10)])
        assert await store.reading_schedule(club, W) == ()
        assert await store.confirm_schedule(club, W, "nobody", 0) == 0
        assert await store.confirm_schedule(club, W, "hana", 0) == 2
        assert [p.number for p in await store.reading_schedule(club, W)] == [1, 2]
        assert len(await store.reading_schedule(club, W, staged="mo")) == 1  # still mo's
        assert await store.clear_schedule(club, W) == 2
        assert await store.reading_schedule(club, W) == ()


async def test_a_target_already_nudged_is_not_nudged_again(open_here: Opener) -> None:
    async with await open_here() as store:
        club = await _club(store)
        await store.stage_schedule(club, W, "hana", [point(1, 9, 12), point(2, 17, 26)])
        await store.confirm_schedule(club, W, "hana", 0)
        due = point(1, 9, 12).nudge_at().timestamp()
        (first,) = await store.claim_nudges("slack", int(due), worker="w")
        assert first.followers == ("sam",) and first.point == point(1, 9, 12)
        await store.finish_nudges([first.id], [])
        # The host rewrites the plan: target 1 as it was, target 2 later.
        await store.stage_schedule(club, W, "hana", [point(1, 9, 12), point(2, 17, 30)])
        await store.confirm_schedule(club, W, "hana", int(due))
        assert await store.claim_nudges("slack", int(due) + 60, worker="w") == ()
        assert await store.next_nudge("slack") == int(point(2, 17, 30).nudge_at().timestamp())


async def test_two_workers_at_once_claim_each_nudge_once(open_here: Opener) -> None:
    async with await open_here() as a, await open_here() as b:
        for n in range(6):
            club = await _club(a, f"chan{n}")
            await a.stage_schedule(club, W, "hana", [point(1, 9, 12)])
            await a.confirm_schedule(club, W, "hana", 0)
        now = int(point(1, 9, 12).nudge_at().timestamp())
        got = await asyncio.gather(*(s.claim_nudges("slack", now, limit=2, worker=w)
                                     for s, w in ((a, "a"), (b, "b"), (a, "a2"), (b, "b2"))))
        ids = [n.id for batch in got for n in batch]
        assert len(ids) == len(set(ids)) == 6


async def test_a_dead_workers_claim_waits_out_its_lease(open_here: Opener) -> None:
    async with await open_here() as store:
        club = await _club(store)
        await store.stage_schedule(club, W, "hana", [point(1, 9, 12)])
        await store.confirm_schedule(club, W, "hana", 0)
        now = int(point(1, 9, 12).nudge_at().timestamp())
        (claim,) = await store.claim_nudges("slack", now, worker="dead", lease=60)
        assert await store.claim_nudges("slack", now + 30, worker="live") == ()
        assert await store.renew_nudges([claim.id], worker="live", until=now + 999) == \
            frozenset()
        (mine,) = await store.claim_nudges("slack", now + 30, worker="dead", mine=True)
        assert mine.id == claim.id
        # Taken back by the restarted worker for another 300 s; then its lease runs out too.
        assert await store.claim_nudges("slack", now + 300, worker="live") == ()
        (taken,) = await store.claim_nudges("slack", now + 331, worker="live", lease=60)
        assert taken.id == claim.id
        await store.retry_nudge(taken.id)
        (again,) = await store.claim_nudges("slack", now + 332, worker="live")
        await store.finish_nudges([again.id], [])
        assert await store.claim_nudges("slack", now + 9999, worker="live") == ()
        assert await store.next_nudge("slack") is None


async def test_a_shift_rearms_the_nudge(open_here: Opener) -> None:
    async with await open_here() as store:
        club = await _club(store)
        await store.stage_schedule(club, W, "hana", [point(1, 9, 12)])
        await store.confirm_schedule(club, W, "hana", 0)
        now = int(point(1, 9, 12).nudge_at().timestamp())
        (sent,) = await store.claim_nudges("slack", now, worker="w")
        await store.finish_nudges([sent.id], [])
        assert await store.shift_schedule(club, W, [point(1, 9, 19)], now) == 1
        assert await store.next_nudge("slack") == int(point(1, 9, 19).nudge_at().timestamp())



async def test_a_postgresql_database_from_the_release_before_keeps_everything(
        pg_server: PgServer) -> None:
    url = await create_database(pg_server, migrated=False)
    async with await PostgresStore.open(url, migrations=PG_MIGRATIONS[:5]) as old:
        made = await old.create_club(SLACK, "chan", medium=Medium.NOVEL, tz=LONDON,
                                     host="hana", work=W)
        await old.join_club(made.id, "sam")
        await old.set_club_progress(made.id, W, novel=4)
    async with await PostgresStore.open(url) as store:
        club = await store.club_by_id(made.id)
        assert club is not None and club.member_count == 2 and club.progress.novel == 4
        assert await store.reading_schedule(made.id, W) == ()
        assert await store.schema_version() == PG_MIGRATIONS[-1][0] >= 6
        await store.stage_schedule(made.id, W, "hana", [point(1, 9, 12)])
        assert await store.confirm_schedule(made.id, W, "hana", 0) == 1
