"""The Slack test world: the real Bolt app served on 127.0.0.1 against the fake Web API, and
what every Slack test module shares about it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fakes.fake_slack import SECRET, FakeSlack, serving
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.app import SlackBot
from bot.app import adapter_state
from bot.core.scheduler import Scheduler
from bot.core.service import Core


@dataclass
class SlackWorld:
    fake: FakeSlack
    bot: SlackBot
    core: Core
    url: str


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
