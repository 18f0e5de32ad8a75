"""Series are continued by one worker each, as reminders are sent: a begun series night is
claimed with a lease (SKIP LOCKED on PostgreSQL, the write lock on SQLite) before its next
night is made, so two workers make and announce each next night once, and a dead worker's
claim is taken over only when its lease has run out. On both stores."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta

import pytest
from fakes.clock import Clock

from bot.app import open_core
from bot.core.clubs import Scope
from bot.core.content import Content
from bot.core.effects import Effect, NightChanged
from bot.core.nights import NightPlan, NightStatus, Target
from bot.core.planning import successor
from bot.core.scheduler import Notice, Scheduler
from bot.core.service import Core
from bot.core.timeline import Medium
from bot.core.when import Repeat, Wall
from tests.conftest import MONDAY_NOON, W

SERIES = 12
LEASE = 60


class Announcer:
    """A platform that records every night it is told about, slowly enough that two workers
    are at their series at the same time."""

    def __init__(self, made: list[int]) -> None:
        self.made = made

    async def ready(self) -> None:
        return None

    async def deliver(self, notice: Notice) -> None:
        return None

    async def apply(self, scope: Scope, effects: Sequence[Effect]) -> None:
        await asyncio.sleep(0.01)
        self.made.extend(e.night.id for e in effects if isinstance(e, NightChanged))


@pytest.fixture
async def two(pack: Content, store_url: str) -> AsyncIterator[tuple[Clock, Core, Core]]:
    """Two workers' cores on one database with SERIES weekly nights begun an hour ago."""
    clock = Clock(MONDAY_NOON)
    async with open_core(store_url, content=pack, clock=clock) as first, \
            open_core(store_url, content=pack, clock=clock) as second:
        club = await first.store.create_club(Scope("test", "ws"), "room", medium=Medium.BOTH,
                                             tz="UTC", host="host", work=W)
        start = (MONDAY_NOON + timedelta(hours=1)).replace(tzinfo=None)
        for film in range(1, SERIES + 1):
            await first.store.add_night(club.id, NightPlan(
                None, Target(film=film), Wall(start, "UTC"), Repeat.WEEKLY, "host", (), W))
        clock.set(datetime(2027, 1, 4, 14, 0, tzinfo=UTC))
        yield clock, first, second


async def nights(core: Core) -> int:
    club = await core.store.club(Scope("test", "ws"), "room")
    assert club is not None
    return len(await core.store.club_nights(club.id, tuple(NightStatus), limit=1000))


async def test_two_workers_make_each_next_night_once(
        two: tuple[Clock, Core, Core]) -> None:
    _clock, first, second = two
    made: list[int] = []
    workers = [Scheduler(core.deps, "test", Announcer(made), worker=name, lease=LEASE)
               for core, name in ((first, "a"), (second, "b"))]
    await asyncio.gather(*(w.tick() for w in workers), *(w.tick() for w in workers))
    assert len(made) == len(set(made)) == SERIES  # each next night announced once
    assert await nights(first) == 2 * SERIES
    await asyncio.gather(*(w.tick() for w in workers))
    assert len(made) == SERIES and await nights(second) == 2 * SERIES


async def test_a_dead_workers_series_wait_for_its_lease_then_go_on_once(
        two: tuple[Clock, Core, Core]) -> None:
    clock, first, second = two
    now = int(clock().timestamp())
    held = await first.store.claim_series("test", now, worker="dead", lease=LEASE)
    assert len(held) == SERIES  # then the worker dies before making any next night
    made: list[int] = []
    live = Scheduler(second.deps, "test", Announcer(made), worker="live", lease=LEASE)
    await live.tick()
    assert made == [] and await nights(second) == SERIES  # its lease still runs
    clock.advance(seconds=LEASE + 1)
    await live.tick()
    assert len(made) == len(set(made)) == SERIES and await nights(second) == 2 * SERIES
    club = await first.store.club_by_id(held[0].club_id)
    assert club is not None
    late = successor(club, held[0], clock())
    assert late is not None
    # Were the dead worker only slow, its claim is gone: it makes nothing twice.
    assert await first.store.continue_series(held[0].id, late, worker="dead") is None
