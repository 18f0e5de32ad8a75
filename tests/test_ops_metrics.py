"""The metrics a host scrapes: /metrics on the ops side server, after commands on the console,
on the real discord.py client against the fake Discord and on the real Bolt app with signed
requests, and a scheduler tick. Every count must move by exactly what was done, and no label
carries a user, a channel or typed text."""

from __future__ import annotations

import math
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import aiohttp
import pytest
import pytest_asyncio
from conftest import CONSOLE, MONDAY_NOON, say
from fakes.clock import Clock
from fakes.fake_discord import FakeDiscord
from fakes.fake_slack import FakeSlack
from fakes.slow_store import slowed
from helpers.discord_world import running
from helpers.slack_world import served
from prometheus_client.parser import text_string_to_metric_families

from bot.app import open_core
from bot.core.call import Invocation
from bot.core.library import Library
from bot.core.service import Core
from bot.ops.health import Checks, ops_app, serving_ops
from bot.ops.metrics import STORE_SAMPLE, Metrics
from bot.ops.platforms import time_slack_acks
from bot.ops.service import MeteredScheduler
from bot.ops.timed_store import _REMINDERS as _EVERY_CALL

pytestmark = pytest.mark.asyncio(loop_scope="module")
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@dataclass
class World:
    core: Core
    metrics: Metrics
    url: str
    discord: FakeDiscord
    slack: FakeSlack
    slack_url: str
    clock: Clock
    session: aiohttp.ClientSession

    async def scrape(self) -> Samples:
        async with self.session.get(f"{self.url}/metrics") as response:
            assert response.status == 200
            text = await response.text()
        return {(s.name, tuple(sorted(s.labels.items()))): s.value
                for family in text_string_to_metric_families(text) for s in family.samples}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(library: Library, tmp_path_factory: pytest.TempPathFactory
                ) -> AsyncIterator[World]:
    db = tmp_path_factory.mktemp("ops-metrics") / "club.db"
    metrics = Metrics()
    clock = Clock(MONDAY_NOON)
    discord, slack = FakeDiscord(), FakeSlack()
    await discord.start()
    await slack.start()
    try:
        async with open_core(db, library=library, metrics=metrics, rng=random.Random(3),
                             clock=clock) as core, \
                serving_ops(ops_app(Checks(core), metrics), 0, "127.0.0.1") as port, \
                aiohttp.ClientSession() as session:
            with discord.point_at():
                async with running(discord, core), served(core, slack) as (bot, slack_url):
                    time_slack_acks(bot.app, metrics)  # as the Slack launcher does
                    yield World(core, metrics, f"http://127.0.0.1:{port}", discord, slack,
                                slack_url, clock, session)
    finally:
        await slack.stop()
        await discord.stop()


def moved(before: Samples, after: Samples) -> dict[tuple[str, tuple[tuple[str, str], ...]],
                                                     float]:
    return {k: v - before.get(k, 0.0) for k, v in after.items()
            if v != before.get(k, 0.0) and not k[0].endswith(("_created", "_bucket"))}


def commands(delta: dict, platform: str) -> dict[tuple[str, str], float]:
    return {(dict(labels)["command"], dict(labels)["outcome"]): v
            for (name, labels), v in delta.items()
            if name == "bot_commands_total" and dict(labels)["platform"] == platform}


async def test_console_commands_count_exactly(world: World) -> None:
    before = await world.scrape()
    await say(world.core, "/about")
    await say(world.core, "/about")
    await say(world.core, "/nonsense words")  # names no command: refused, as 'unknown'
    await say(world.core, "/club progress novel 3", user="stranger")  # no club: refused
    await say(world.core, "/ask what is the weather in london")  # declined
    await say(world.core, "/club create")
    await say(world.core, "/character ruth")  # a channel at the start: parts held back
    delta = moved(before, await world.scrape())
    assert commands(delta, "console") == {
        ("about", "ok"): 2, ("unknown", "refused"): 1, ("club progress", "refused"): 1,
        ("ask", "ok"): 1, ("club create", "ok"): 1, ("character", "ok"): 1}
    family = {dict(labels)["family"]: v for (name, labels), v in delta.items()
              if name == "bot_command_seconds_count"}
    assert family == {"about": 2, "unknown": 1, "club": 2, "ask": 1, "character": 1}
    assert delta[("bot_ask_declined_total", (("platform", "console"),))] == 1
    assert delta[("bot_replies_gated_total", (("platform", "console"),))] == 1
    assert delta[("bot_parts_withheld_total", (("how", "hidden"), ("platform", "console")))
                 ] >= 1
    # The store answered each of them, timed per method, context() first of all.
    assert delta[("bot_store_calls_total", (("method", "context"),))] >= 7
    await _store_time_moved(world, before)


async def _store_time_moved(world: World, before: Samples) -> None:
    """One call in STORE_SAMPLE per method is timed, the first of all among them: after n
    calls of a method, exactly ceil(n / STORE_SAMPLE) are in its histogram (its reminder
    methods, whose results are read, time every call)."""
    after = await world.scrape()
    calls = {dict(labels)["method"]: v for (name, labels), v in after.items()
             if name == "bot_store_calls_total"}
    timed = {dict(labels)["method"]: v for (name, labels), v in after.items()
             if name == "bot_store_query_seconds_count"}
    assert calls["context"] >= 7
    expected = {m: (n if m in _EVERY_CALL else math.ceil(n / STORE_SAMPLE))
                for m, n in calls.items()}
    assert timed == expected
    # This test's own calls moved the histogram: its count and its time spent both grew.
    key = ("bot_store_query_seconds_count", (("method", "context"),))
    assert timed["context"] > before.get(key, 0.0)
    spent = ("bot_store_query_seconds_sum", (("method", "context"),))
    assert after[spent] > before.get(spent, 0.0)


async def test_discord_and_slack_commands_count_exactly(world: World) -> None:
    before = await world.scrape()
    await world.discord.interact("about")
    await world.discord.interact("film cast")
    await world.discord.interact("club spoilers", mode="tag")  # no club, no host: refused
    ack, _ = await world.slack.command(world.slack_url, "/about", "")
    assert ack["response_type"]
    await world.slack.command(world.slack_url, "/help", "club")
    await world.slack.command(world.slack_url, "/club", "spoilers tag", user="UNOBODY")
    delta = moved(before, await world.scrape())
    assert commands(delta, "discord") == {("about", "ok"): 1, ("film cast", "ok"): 1,
                                          ("club spoilers", "refused"): 1}
    assert commands(delta, "slack") == {("about", "ok"): 1, ("help", "ok"): 1,
                                        ("club spoilers", "refused"): 1}
    assert commands(delta, "console") == {}
    # Bounded labels: only platforms, command paths, outcomes, families, methods, shards.
    allowed = {"platform", "command", "outcome", "family", "method", "how", "shard", "result",
               "le"}
    for _name, labels in (await world.scrape()):
        assert {k for k, _v in labels} <= allowed


async def test_reminders_and_ticks_count(world: World) -> None:
    host = Invocation(CONSOLE, "nights", "you", is_admin=True, tz="UTC")
    await world.core.run_text(host, "/club create")
    when = MONDAY_NOON + timedelta(days=2)
    made = await world.core.run_text(host, f"/session schedule novel 9 at {when:%Y-%m-%d %H:%M}")
    assert made.kind == "ok", made.texts()
    scheduler = MeteredScheduler(world.core.deps, "console", _Posts())
    scheduler.metrics = world.metrics
    before = await world.scrape()
    # 30 minutes past the 1-hour reminder's time: sent, and on time (not late).
    world.clock.set(when - timedelta(minutes=30))
    assert await scheduler.tick() == 1
    delta = moved(before, await world.scrape())
    reminders = {dict(labels)["result"]: v for (name, labels), v in delta.items()
                 if name == "bot_reminders_total"}
    # Both reminders were due; the earlier one (24 h) is dropped, the later one sent.
    assert reminders == {"due": 2, "sent": 1, "dropped": 1, "late": 1}
    assert delta[("bot_reminder_lateness_seconds_count", (("platform", "console"),))] == 1
    assert delta[("bot_reminder_lateness_seconds_sum", (("platform", "console"),))] == 1800
    assert delta[("bot_scheduler_tick_seconds_count", (("platform", "console"),))] == 1
    world.clock.set(MONDAY_NOON)


class _Posts:
    """A courier that takes every post (the console's own prints to a terminal)."""

    def __init__(self) -> None:
        self.sent: list[object] = []

    async def ready(self) -> None:
        return None

    async def deliver(self, notice: object) -> None:
        self.sent.append(notice)

    async def apply(self, scope: object, effects: object) -> None:
        return None



async def test_a_slack_ack_past_two_seconds_is_counted(world: World,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    before = await world.scrape()
    await world.slack.command(world.slack_url, "/about", "")  # quick: not counted
    slowed(monkeypatch, world.core, 2.3)  # a busy disk: the answer follows the ack at 2 s
    ack, n = await world.slack.command(world.slack_url, "/help", "club")
    assert ack == {}  # acknowledged empty; the answer goes by response_url
    await world.slack.until(lambda: bool(world.slack.responses[n]))
    delta = moved(before, await world.scrape())
    assert delta[("bot_slack_acks_late_total", ())] == 1
