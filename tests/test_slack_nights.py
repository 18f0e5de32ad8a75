"""Discussion nights on Slack, end to end: signed requests to the real Bolt app, the fake Slack
Web API, a clock the test moves and the scheduler ticked by hand. One app for the module."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from conftest import night_thread
from fakes.clock import Clock
from fakes.fake_slack import ADMIN, TEAM
from fakes.slow_store import slowed
from helpers.crashed_worker import LEASE, crash_after_sending, taker
from helpers.slack_world import SlackWorld, scheduler_of, slack_bot, started

from bot.adapters.slack import answer as slack_answer
from bot.adapters.slack.nights import CANNOT_POST
from bot.app import open_core
from bot.core.clubs import Scope
from bot.core.content import Content
from bot.core.scheduler import Scheduler

pytestmark = pytest.mark.asyncio(loop_scope="module")

MEMBER = "U2MEMBER"
CHANNEL = "CNIGHT"
SCOPE = Scope("slack", TEAM)


@dataclass
class World(SlackWorld):
    clock: Clock
    db: Path
    scheduler: Scheduler

    async def run(self, line: str, *, user: str = ADMIN, channel: str = CHANNEL
                  ) -> tuple[dict[str, Any], str]:
        group, _, text = line.removeprefix("/").partition(" ")
        return await self.fake.command(self.url, f"/{group}", text, user=user, channel=channel)

    def posts(self, channel: str | None = None) -> list[dict[str, Any]]:
        return [c for c in self.fake.called("chat.postMessage")
                if channel is None or c["channel"] == channel]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(pack: Content, tmp_path_factory: pytest.TempPathFactory
                ) -> AsyncIterator[World]:
    clock = Clock(datetime(2027, 1, 4, 12, 0, tzinfo=UTC))
    db = tmp_path_factory.mktemp("slack-nights") / "club.db"
    async with started(pack, db, clock) as (fake, bot, core, url):
        fake.zones[ADMIN] = "America/New_York"
        yield World(fake, bot, core, url, clock, db, scheduler_of(bot))




def text_of(message: dict[str, Any]) -> str:
    return json.dumps(message.get("blocks") or [], ensure_ascii=False) + message.get("text", "")


def button(blocks: list[dict[str, Any]], label: str) -> dict[str, Any]:
    return next(e for b in blocks if b["type"] == "actions" for e in b["elements"]
                if e["text"]["text"] == label)


async def test_a_whole_night_on_slack(world: World) -> None:
    fake = world.fake
    made, _ = await world.run("/club create")
    assert "America/New_York" in text_of(made)  # the host's own zone, from users.info

    ack, _ = await world.run('/session schedule novel 9 at friday 19:30 "Part One" weekly')
    assert ack["response_type"] == "in_channel"
    stamp = int(datetime(2027, 1, 9, 0, 30, tzinfo=UTC).timestamp())  # 19:30 EST
    assert f"<!date^{stamp}^{{date_short_pretty}} at {{time}}|Fri 8 Jan 2027, 19:30 EST>" in (
        text_of(ack))
    labels = [e["text"]["text"] for b in ack["blocks"] if b["type"] == "actions"
              for e in b["elements"]]
    assert labels == ["Going", "Maybe", "Can't come", "Remind me"]

    going = await fake.click(world.url, ack["blocks"], button(ack["blocks"], "Going"),
                             user=MEMBER, channel=CHANNEL)
    assert going[-1]["response_type"] == "ephemeral" and "You're going" in text_of(going[-1])
    reminded = await fake.click(world.url, ack["blocks"], button(ack["blocks"], "Remind me"),
                                user=MEMBER, channel=CHANNEL)
    assert "remind you privately" in text_of(reminded[-1])

    # The day before, at the same local time: in the channel and to the member's DM.
    world.clock.set(datetime(2027, 1, 8, 0, 30, tzinfo=UTC))
    assert await world.scheduler.tick() == 1
    [channel_post] = world.posts(CHANNEL)
    assert "Reminder: Night" in text_of(channel_post) and "tomorrow" in text_of(channel_post)
    [dm] = world.posts(MEMBER)
    assert "tomorrow" in text_of(dm) and f"Part One in <#{CHANNEL}> starts" in text_of(dm)

    # A member cannot open it; a host can: the agenda is the bot's post, the thread its ts.
    before = len(world.posts())
    refused, _ = await world.run("/session start", user=MEMBER)
    assert refused["response_type"] == "ephemeral" and "Only a host" in text_of(refused)
    assert len(world.posts()) == before
    world.clock.set(datetime(2027, 1, 9, 0, 30, tzinfo=UTC))
    opened, _ = await world.run("/session start")
    assert opened == {}  # nothing in the ack: the agenda is posted by the bot
    await fake.until(lambda: len(world.posts(CHANNEL)) == 2)
    agenda = world.posts(CHANNEL)[-1]
    assert "begins" in text_of(agenda) and "thread_ts" not in agenda
    thread = await night_thread(world.core, SCOPE, CHANNEL)  # the agenda's ts, kept

    # A prompt by command goes into the thread; the host is told so privately.
    asked, n = await world.run("/session next")
    assert asked == {}
    await fake.until(lambda: any(p.get("thread_ts") == thread for p in world.posts(CHANNEL)))
    first = next(p for p in world.posts(CHANNEL) if p.get("thread_ts") == thread)
    assert "Prompt 1" in text_of(first)
    await fake.until(lambda: bool(fake.responses[n]))
    assert fake.responses[n][-1]["text"] == "Posted in the night's thread."
    assert fake.responses[n][-1]["response_type"] == "ephemeral"
    # The Next button under it, pressed by the host, posts the next one there too.
    await fake.click(world.url, first["blocks"], button(first["blocks"], "Next prompt"),
                     user=ADMIN, channel=CHANNEL)
    second = [p for p in world.posts(CHANNEL) if p.get("thread_ts") == thread]
    assert len(second) == 2 and "Prompt 2" in text_of(second[-1])
    refused_click = await fake.click(world.url, first["blocks"],
                                     button(first["blocks"], "Next prompt"), user=MEMBER,
                                     channel=CHANNEL)
    assert "Only a host" in text_of(refused_click[-1])

    # The end: the recap in the channel, the thread told where it went.
    recap, _ = await world.run("/session end")
    assert recap["response_type"] == "in_channel"
    assert "2 prompts discussed" in text_of(recap) and f"<@{ADMIN}>" in text_of(recap)
    await fake.until(lambda: "recap is in the channel" in text_of(world.posts(CHANNEL)[-1]))
    assert world.posts(CHANNEL)[-1]["thread_ts"] == thread
    history, _ = await world.run("/club history", user=MEMBER)
    assert "Night #" in text_of(history) and "2 prompts" in text_of(history)


async def test_a_channel_the_bot_cannot_post_in_still_gets_its_night(world: World) -> None:
    world.fake.closed_channels.add("CPRIVATE")
    await world.run("/club create", channel="CPRIVATE")
    await world.run("/session schedule novel 9 at 2027-02-05 19:00", channel="CPRIVATE")
    world.clock.set(datetime(2027, 2, 6, 0, 0, tzinfo=UTC))
    ack, n = await world.run("/session start", channel="CPRIVATE")
    assert ack == {}
    await world.fake.until(lambda: len(world.fake.responses[n]) >= 2)
    shown, note = world.fake.responses[n][-2:]
    assert shown["response_type"] == "in_channel" and "begins" in text_of(shown)
    assert note["text"] == CANNOT_POST and note["response_type"] == "ephemeral"


async def test_a_lost_thread_does_not_lose_the_prompt(world: World) -> None:
    await world.run("/club create", channel="CLOST")
    await world.run("/session schedule novel 4 at 2027-02-12 19:00", channel="CLOST")
    world.clock.set(datetime(2027, 2, 13, 0, 0, tzinfo=UTC))
    await world.run("/session start", channel="CLOST")
    world.fake.lost_threads.add(await night_thread(world.core, SCOPE, "CLOST"))
    _ack, n = await world.run("/session next", channel="CLOST")
    await world.fake.until(lambda: bool(world.fake.responses[n]))
    shown = world.fake.responses[n][0]
    assert shown["response_type"] == "in_channel" and "Prompt 1" in text_of(shown)


async def test_a_slow_end_keeps_its_recap_when_the_thread_fails(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    await world.run("/club create", channel="CSLOWEND")
    await world.run("/session schedule novel 5 at 2027-02-19 19:00", channel="CSLOWEND")
    world.clock.set(datetime(2027, 2, 20, 0, 0, tzinfo=UTC))
    await world.run("/session start", channel="CSLOWEND")
    world.fake.lost_threads.add(await night_thread(world.core, SCOPE, "CSLOWEND"))
    monkeypatch.setattr(slack_answer, "ANSWER_WITHIN", 0.05)
    slowed(monkeypatch, world.core, 0.3)
    ack, n = await world.run("/session end", channel="CSLOWEND")
    assert ack == {}  # acknowledged at once, answered through response_url
    await world.fake.until(lambda: bool(world.fake.responses[n]))
    recap = world.fake.responses[n][0]
    assert recap["response_type"] == "in_channel" and "Recap" in text_of(recap)


async def test_a_restart_at_the_due_time_sends_once(world: World, pack: Content) -> None:
    await world.run("/session schedule novel 12 at 2027-03-05 19:00", channel=CHANNEL)
    world.clock.set(datetime(2027, 3, 5, 23, 0, tzinfo=UTC))  # 18:00 EST: 1 h before
    before = len(world.posts(CHANNEL))
    async with open_core(world.db, content=pack, clock=world.clock) as core:
        again = scheduler_of(slack_bot(core, world.fake))
        assert await again.recover() == 0
        assert await again.tick() == 1
        assert await again.tick() == 0
    assert await world.scheduler.tick() == 0
    assert len(world.posts(CHANNEL)) == before + 1


async def test_a_retry_after_a_crash_finds_the_posted_reminder_by_its_ts(world: World) -> None:
    """A worker posts a reminder and dies before marking it; past its lease another worker
    sends it again: the courier asks Slack for the message by its stored ts and, finding it,
    marks it sent without posting. A message since deleted is posted again."""
    await world.run("/club create", channel="CRETRY")
    for day in (7, 14):
        await world.run(f"/session schedule novel 2 at 2028-01-{day:02d} 19:00",
                        channel="CRETRY")
    world.clock.set(datetime(2028, 1, 1, 19, 0, tzinfo=UTC))
    await world.scheduler.tick()  # anything else due is out of the way
    courier = world.bot.nights
    world.clock.set(datetime(2028, 1, 7, 0, 0, tzinfo=UTC))  # the first's day before
    await crash_after_sending(world.core.deps, "slack", courier)
    posts = len(world.posts())
    asked = len(world.fake.called("chat.getPermalink"))
    world.clock.advance(seconds=LEASE + 1)
    assert await taker(world.core.deps, "slack", courier).tick() == 1
    assert len(world.posts()) == posts
    assert len(world.fake.called("chat.getPermalink")) == asked + 1
    assert await world.scheduler.tick() == 0  # marked sent: nothing is left

    world.clock.set(datetime(2028, 1, 14, 0, 0, tzinfo=UTC))  # the second's day before
    await crash_after_sending(world.core.deps, "slack", courier)
    world.fake.messages.clear()  # a member deleted it
    world.clock.advance(seconds=LEASE + 1)
    assert await taker(world.core.deps, "slack", courier).tick() == 1
    assert len(world.posts()) == posts + 2
