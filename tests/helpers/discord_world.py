"""The Discord test world: the real discord.py client started against the fake Discord, and
what every Discord test module shares about it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fakes.fake_discord import GUILD_ID, FakeDiscord

from bot.adapters.discord.client import ClubBot
from bot.app import adapter_state, open_core
from bot.core.content import Content
from bot.core.library import Library
from bot.core.scheduler import Scheduler
from bot.core.service import Core


@dataclass
class DiscordWorld:
    fake: FakeDiscord
    bot: ClubBot
    core: Core


def scheduler_of(bot: ClubBot) -> Scheduler:
    """The scheduler the composition root would run beside this bot, for a test to tick."""
    return Scheduler(bot.core.deps, "discord", bot.courier)


@asynccontextmanager
async def running(fake: FakeDiscord, core: Core, dev_guild: int | None = GUILD_ID,
                  **options: Any) -> AsyncIterator[ClubBot]:
    """The real client, started against the fake and connected, then closed."""
    bot = ClubBot(core, state=adapter_state(core), dev_guild=dev_guild, **options)
    identified = len(fake.identifies)
    runner = asyncio.create_task(bot.start("fake-token"))
    await asyncio.wait_for(bot.synced.wait(), 15)
    async with asyncio.timeout(15):
        # The gateway's GUILD_CREATE fills the cache; discord.py has no event for "parsed
        # the guild" that a waiter could miss-proof here, so poll briefly.
        while len(fake.identifies) == identified or bot.get_guild(GUILD_ID) is None:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    try:
        yield bot
    finally:
        await bot.close()
        await runner


@asynccontextmanager
async def started(pack: Content | Library, db: Path, clock: Callable[[], datetime]
                  ) -> AsyncIterator[tuple[FakeDiscord, ClubBot, Core]]:
    """A fake Discord and the real client against it, on a core over ``db`` that reads
    ``clock``, serving one work's pack or a library of works: what a module's world stands
    on."""
    works = pack if isinstance(pack, Library) else Library.of([pack])
    fake = FakeDiscord()
    await fake.start()
    try:
        with fake.point_at():
            async with open_core(db, library=works, clock=clock) as core, \
                    running(fake, core) as bot:
                yield fake, bot, core
    finally:
        await fake.stop()
