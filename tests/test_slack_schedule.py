"""The reading schedule on Slack, end to end: signed requests to the real Bolt app, the fake Web
API, a clock the test moves and the scheduler ticked by hand (one app for the module, a real
SQLite file). A host's plan comes back to them alone as a dry run with Block Kit buttons; "Set
it" makes it the club's; a member is refused; a member's nudge goes to their DM once, the day
before; `/club calendar` uploads a file with the targets; a night comes from a target."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import pytest_asyncio
from fakes.clock import Clock
from fakes.fake_slack import ADMIN, TEAM
from helpers.slack_world import SlackWorld, scheduler_of, started

from bot.core.clubs import Scope
from bot.core.library import Library
from bot.core.nights import NightStatus, Target
from bot.core.scheduler import Scheduler

pytestmark = pytest.mark.asyncio(loop_scope="module")

CHANNEL = "CSCHED"
MEMBER = "UREADER"
SCOPE = Scope("slack", TEAM)


@dataclass
class World(SlackWorld):
    clock: Clock
    scheduler: Scheduler

    async def run(self, line: str, *, user: str = ADMIN) -> dict[str, Any]:
        return await self.typed(line, user=user, channel=CHANNEL)

    def posts(self, channel: str) -> list[dict[str, Any]]:
        return [c for c in self.fake.called("chat.postMessage") if c["channel"] == channel]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(library: Library, tmp_path_factory: pytest.TempPathFactory
                ) -> AsyncIterator[World]:
    clock = Clock(datetime(2027, 1, 4, 12, 0, tzinfo=UTC))
    db = tmp_path_factory.mktemp("slack-schedule") / "club.db"
    async with started(library, db, clock) as (fake, bot, core, url):
        world = World(fake, bot, core, url, clock, scheduler_of(bot))
        await world.run("/club create novel Europe/London")
        await world.run("/club join", user=MEMBER)
        yield world


def text_of(message: dict[str, Any]) -> str:
    return json.dumps(message.get("blocks") or [], ensure_ascii=False) + message.get("text", "")


def button(blocks: list[dict[str, Any]], label: str) -> dict[str, Any]:
    return next(e for b in blocks if b["type"] == "actions" for e in b["elements"]
                if e["text"]["text"] == label)


async def schedule(world: World) -> list[tuple[Target, str]]:
    club = await world.core.store.club(SCOPE, CHANNEL)
    assert club is not None
    return [(p.target, p.wall.iso())
            for p in await world.core.store.reading_schedule(club.id, club.work)]


async def test_a_plan_is_shown_to_the_host_and_set_by_the_button(world: World) -> None:
    refused = await world.run("/club schedule part one by 12 March", user=MEMBER)
    assert refused["response_type"] == "ephemeral" and "Only a host" in text_of(refused)
    ack = await world.run("/club schedule part one by 12 March, part two by 26 March")
    assert ack["response_type"] == "ephemeral" and "a dry run of 2 targets" in text_of(ack)
    assert await schedule(world) == []
    done = await world.fake.click(world.url, ack["blocks"], button(ack["blocks"], "Set it"),
                                  user=ADMIN, channel=CHANNEL)
    assert "Reading schedule set" in text_of(done[-1])
    assert await schedule(world) == [(Target(novel=9), "2027-03-12T09:00"),
                                     (Target(novel=17), "2027-03-26T09:00")]
    bad = await world.run("/club schedule chapter 99 by friday")
    assert bad["response_type"] == "ephemeral" and "not 99" in text_of(bad)
    assert len(await schedule(world)) == 2


async def test_members_see_it_and_where_they_are(world: World) -> None:
    shown = await world.run("/club schedule", user=MEMBER)
    assert shown["response_type"] == "in_channel" and "Target 2" in text_of(shown)
    assert "Part Two" not in text_of(shown)  # the club has not reached it
    mine = await world.fake.click(world.url, shown["blocks"],
                                  button(shown["blocks"], "Where am I?"), user=MEMBER,
                                  channel=CHANNEL)
    assert mine[-1]["response_type"] == "ephemeral" and "You:" in text_of(mine[-1])


async def test_a_nudge_goes_to_the_members_dm_once_the_day_before(world: World) -> None:
    on = await world.run("/club schedule remind on", user=MEMBER)
    assert on["response_type"] == "ephemeral" and "nudge you privately" in text_of(on)
    world.clock.set(datetime(2027, 3, 11, 9, 0, tzinfo=UTC))  # 09:00 GMT the day before
    assert await world.scheduler.tick() == 1
    [dm] = world.posts(MEMBER)
    assert "target 1 tomorrow" in text_of(dm) and "chapter 9" in text_of(dm)
    assert world.posts(ADMIN) == [] and world.posts(CHANNEL) == []  # nobody else
    assert await world.scheduler.tick() == 0 and len(world.posts(MEMBER)) == 1


async def test_the_calendar_file_carries_the_targets(world: World) -> None:
    from icalendar import Calendar

    before = len(world.fake.called("files.completeUploadExternal"))
    assert await world.run("/club calendar") == {}
    await world.fake.until(
        lambda: len(world.fake.called("files.completeUploadExternal")) > before)
    done = world.fake.called("files.completeUploadExternal")[before:]
    (file,) = json.loads(done[0]["files"])
    cal = Calendar.from_ical(world.fake.uploads[file["id"]])
    summaries = [str(e["summary"]) for e in cal.walk("VEVENT")]
    assert any("Target 2" in s for s in summaries)
    assert not any("Part Two" in s for s in summaries)


async def test_a_night_from_a_target_and_a_shift(world: World) -> None:
    ack = await world.run("/session schedule point 2 at thursday 19:30")
    assert ack["response_type"] == "in_channel" and "Schedule target 2" in text_of(ack)
    club = await world.core.store.club(SCOPE, CHANNEL)
    assert club is not None
    (night,) = await world.core.store.club_nights(club.id, (NightStatus.SCHEDULED,), limit=5)
    assert night.target == Target(novel=17)
    moved = await world.run("/club schedule shift 1 week")
    assert "moved 7 days later" in text_of(moved)
    assert (await schedule(world))[1] == (Target(novel=17), "2027-04-02T09:00")
