"""The Slack test world: the real Bolt app served on 127.0.0.1 against the fake Web API, and
what every Slack test module shares about it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fakes.fake_slack import SECRET, FakeSlack, serving
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.app import SlackBot, slack_command
from bot.app import adapter_state, open_core
from bot.core.content import Content
from bot.core.library import Library
from bot.core.scheduler import Scheduler
from bot.core.service import Core


@dataclass
class SlackWorld:
    fake: FakeSlack
    bot: SlackBot
    core: Core
    url: str

    async def typed(self, line: str, **where: Any) -> dict[str, Any]:
        """A line as a member types it in Slack (`/club info`), signed and sent; the ack's
        JSON. ``where``: the fake's user and channel."""
        group, _, text = line.removeprefix("/").partition(" ")
        ack, _n = await self.fake.command(self.url, slack_command(group), text, **where)
        return ack


def slack_bot(core: Core, fake: FakeSlack) -> SlackBot:
    return SlackBot(core, AsyncWebClient(token="xoxb-test", base_url=fake.api),
                    state=adapter_state(core), signing_secret=SECRET)


def scheduler_of(bot: SlackBot) -> Scheduler:
    """The scheduler the composition root would run beside this bot, for a test to tick."""
    return Scheduler(bot.core.deps, "slack", bot.courier)


@asynccontextmanager
async def served(core: Core, fake: FakeSlack) -> AsyncIterator[tuple[SlackBot, str]]:
    """The bot and the URL its Bolt app answers on, for signed requests."""
    bot = slack_bot(core, fake)
    async with serving(bot.app.web_app(path="/slack/events")) as url:
        yield bot, url


@asynccontextmanager
async def started(pack: Content | Library, db: Path, clock: Callable[[], datetime]
                  ) -> AsyncIterator[tuple[FakeSlack, SlackBot, Core, str]]:
    """The fake Slack and the real Bolt app served against it, on a core over ``db`` that
    reads ``clock``, serving one work's pack or a library of works: what a module's world
    stands on."""
    works = pack if isinstance(pack, Library) else Library.of([pack])
    fake = FakeSlack()
    await fake.start()
    try:
        async with open_core(db, library=works, clock=clock) as core, \
                served(core, fake) as (bot, url):
            yield fake, bot, core, url
    finally:
        await fake.stop()
