"""A batch that runs long keeps its claims: the scheduler renews their lease while it sends,
so another worker, ticking all along, never takes them over and sends them a second time.
On both stores, with a one-second lease and a courier that takes longer than that per batch."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.app import open_core
from bot.core.clubs import Scope
from bot.core.content import Content
from bot.core.effects import Effect
from bot.core.nights import NightPlan, Target
from bot.core.scheduler import Notice, Scheduler
from bot.core.timeline import Medium
from bot.core.when import Wall
from tests.conftest import W

REMINDERS = 5
LEASE = 2  # seconds (from a whole second: 1 to 2 s); a batch below takes about 2.5 s


class Courier:
    """A platform that takes ``delay`` seconds a post and records who posted what."""

    def __init__(self, name: str, delay: float, posts: list[tuple[str, str]]) -> None:
        self.name, self.delay, self.posts = name, delay, posts

    async def ready(self) -> None:
        return None

    async def deliver(self, notice: Notice) -> None:
        await asyncio.sleep(self.delay)
        self.posts.append((notice.key, self.name))

    async def apply(self, scope: Scope, effects: tuple[Effect, ...]) -> None:
        return None


async def test_a_slow_batch_is_renewed_and_never_sent_twice(pack: Content,
                                                            store_url: str) -> None:
    posts: list[tuple[str, str]] = []
    async with open_core(store_url, content=pack) as slow_core, \
            open_core(store_url, content=pack) as quick_core:
        store = slow_core.store
        club = await store.create_club(Scope("test", "ws"), "room", medium=Medium.BOTH,
                                       tz="UTC", host="host", work=W)
        start = (datetime.now(UTC) + timedelta(hours=2)).replace(second=0, microsecond=0,
                                                                tzinfo=None)
        due = int(datetime.now(UTC).timestamp()) - 1
        for film in range(1, REMINDERS + 1):
            await store.add_night(club.id, NightPlan(None, Target(film=film), Wall(start, "UTC"),
                                                     None, "host", ((1, due),), W))
        slow = Scheduler(slow_core.deps, "test", Courier("slow", 0.5, posts), worker="slow",
                         lease=LEASE)
        quick = Scheduler(quick_core.deps, "test", Courier("quick", 0.0, posts),
                          worker="quick", lease=LEASE)
        batch = asyncio.create_task(slow.tick())
        await asyncio.sleep(0.05)  # the slow worker has claimed them all
        while not batch.done():  # the other worker ticks all along, past the lease
            await quick.tick()
            await asyncio.sleep(0.1)
        assert await batch == REMINDERS
        assert await quick.tick() == 0
    keys = [key for key, _ in posts]
    assert sorted(keys) == sorted(set(keys)) and len(keys) == REMINDERS  # each sent once
    assert {who for _, who in posts} == {"slow"}
