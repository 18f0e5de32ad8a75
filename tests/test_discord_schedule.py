"""The reading schedule on Discord, end to end: the real discord.py client against the fake
Discord (one bot for the module, a real SQLite file), a clock the test moves and the scheduler
ticked by hand. `/club schedule` is a native subcommand with one text option; a host's plan
comes back ephemeral with buttons and "Set it" makes it the club's; a member is refused; a
member's nudge goes by DM once, the day before; the calendar attachment carries the targets,
gated; a night comes from a target."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import pytest_asyncio
from fakes.clock import Clock
from fakes.fake_discord import GUILD_ID, MANAGE_GUILD, Exchange, buttons
from helpers.discord_world import DiscordWorld, scheduler_of, started

from bot.core.clubs import Scope
from bot.core.library import Library
from bot.core.nights import NightStatus, Target
from bot.core.scheduler import Scheduler

pytestmark = pytest.mark.asyncio(loop_scope="module")

HOST, MEMBER = 1, 2
SCOPE = Scope("discord", str(GUILD_ID))
PLAN = "part one by 12 March, part two by 26 March"


@dataclass
class World(DiscordWorld):
    clock: Clock
    scheduler: Scheduler

    async def host(self, path: str, **values: Any) -> Exchange:
        values.setdefault("channel", "reading")
        return await self.fake.interact(path, user=HOST, permissions=MANAGE_GUILD, **values)

    async def member(self, path: str, **values: Any) -> Exchange:
        values.setdefault("channel", "reading")
        return await self.fake.interact(path, user=MEMBER, **values)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(library: Library, tmp_path_factory: pytest.TempPathFactory
                ) -> AsyncIterator[World]:
    clock = Clock(datetime(2027, 1, 4, 12, 0, tzinfo=UTC))
    db = tmp_path_factory.mktemp("discord-schedule") / "club.db"
    async with started(library, db, clock) as (fake, bot, core):
        world = World(fake, bot, core, clock, scheduler_of(bot))
        await world.host("club create", medium="novel", timezone="Europe/London")
        await world.member("club join")
        yield world


def text_of(exchange: Exchange) -> str:
    out = []
    for e in exchange.final_message().get("embeds") or []:
        out += [e.get("title") or "", e.get("description") or ""]
        out += [f"{f['name']}: {f['value']}" for f in e.get("fields") or []]
    return "\n".join(out) + exchange.texts()


async def schedule(world: World) -> list[tuple[Target, str]]:
    club = await world.core.store.club(SCOPE, str(world.fake.channel("reading")))
    assert club is not None
    return [(p.target, p.wall.iso())
            for p in await world.core.store.reading_schedule(club.id, club.work)]


async def test_the_command_is_a_native_subcommand_with_one_text_option(world: World) -> None:
    _command, child = world.fake._declared("club schedule")
    assert child is not None
    (option,) = child["options"]
    assert option["name"] == "plan" and option["type"] == 3 and not option.get("required")


async def test_a_plan_is_ephemeral_and_set_by_the_button(world: World) -> None:
    refused = await world.member("club schedule", plan=PLAN)
    assert refused.final_ephemeral() and "Only a host" in text_of(refused)
    shown = await world.host("club schedule", plan=PLAN)
    assert shown.final_ephemeral() and "a dry run of 2 targets" in text_of(shown)
    assert await schedule(world) == []
    assert shown.message_id is not None
    message = world.fake.messages[shown.message_id]
    set_it = next(b["custom_id"] for b in buttons(message) if b["label"] == "Set it")
    done = await world.fake.click(message, set_it, user=HOST, permissions=MANAGE_GUILD,
                                  channel="reading")
    assert "Reading schedule set" in text_of(done)
    assert await schedule(world) == [(Target(novel=9), "2027-03-12T09:00"),
                                     (Target(novel=17), "2027-03-26T09:00")]
    bad = await world.host("club schedule", plan="chapter 9 by 30 February")
    assert bad.final_ephemeral() and len(await schedule(world)) == 2


async def test_members_see_it_gated_and_their_own_place_privately(world: World) -> None:
    shown = await world.member("club schedule")
    assert not shown.final_ephemeral() and "Target 2" in text_of(shown)
    assert "Part Two" not in text_of(shown)
    mine = await world.member("club schedule", plan="mine")
    assert mine.final_ephemeral() and "You:" in text_of(mine)


async def test_a_nudge_goes_by_dm_once_to_who_asked(world: World) -> None:
    on = await world.member("club schedule", plan="remind on")
    assert on.final_ephemeral()
    world.clock.set(datetime(2027, 3, 11, 9, 0, tzinfo=UTC))
    assert await world.scheduler.tick() == 1
    dms = [(c, b) for c, b in world.fake.posts if c in world.fake.dms]
    assert [world.fake.dms[c] for c, _ in dms] == [MEMBER]
    assert "target 1 tomorrow" in str(dms[0][1]).lower()
    assert await world.scheduler.tick() == 0
    assert len([c for c, _ in world.fake.posts if c in world.fake.dms]) == 1


async def test_the_calendar_and_a_night_from_a_target(world: World) -> None:
    from icalendar import Calendar

    shown = await world.member("club calendar")
    ((_name, data),) = next(s for s in shown.sent if s.files).files.values()
    summaries = [str(e["summary"]) for e in Calendar.from_ical(data).walk("VEVENT")]
    assert any("Target 2" in s for s in summaries) and not any("Part Two" in s
                                                                for s in summaries)
    made = await world.host("session schedule", target="point 2", when="thursday 19:30")
    assert not made.final_ephemeral() and "Schedule target 2" in text_of(made)
    club = await world.core.store.club(SCOPE, str(world.fake.channel("reading")))
    assert club is not None
    (night,) = await world.core.store.club_nights(club.id, (NightStatus.SCHEDULED,), limit=5)
    assert night.target == Target(novel=17)
