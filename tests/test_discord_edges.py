"""The hardening reproductions on Discord, end to end: the real discord.py client against the
fake Discord, with typed options as Discord sends them. One bot for the module: a club's
medium, time-zone names, clock changes, twin nights, `at at`, prompts that would go
shallower, a reminder without an RSVP, and /help in Discord's own syntax."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import pytest_asyncio
from conftest import night_thread
from fakes.clock import Clock
from fakes.fake_discord import GUILD_ID, MANAGE_GUILD, Exchange
from helpers.discord_world import DiscordWorld, started

from bot.core.clubs import Scope
from bot.core.content import CardKind, Content
from bot.core.timeline import Progress

pytestmark = pytest.mark.asyncio(loop_scope="module")

HOST, MEMBER = 1, 2
SCOPE = Scope("discord", str(GUILD_ID))


@dataclass
class World(DiscordWorld):
    async def host(self, path: str, channel: str, **values: Any) -> Exchange:
        return await self.fake.interact(path, user=HOST, permissions=MANAGE_GUILD,
                                        channel=channel, **values)

    async def member(self, path: str, channel: str, **values: Any) -> Exchange:
        return await self.fake.interact(path, user=MEMBER, channel=channel, **values)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(pack: Content, tmp_path_factory: pytest.TempPathFactory
                ) -> AsyncIterator[World]:
    clock = Clock(datetime(2027, 1, 4, 12, 0, tzinfo=UTC))  # a Monday
    async with started(pack, tmp_path_factory.mktemp("discord-edges") / "club.db",
                       clock) as (fake, bot, core):
        yield World(fake, bot, core)


def text_of(exchange: Exchange) -> str:
    out = []
    for e in exchange.final_message().get("embeds") or []:
        out += [e.get("title") or "", e.get("description") or ""]
        out += [f"{f['name']}: {f['value']}" for f in e.get("fields") or []]
    return "\n".join(out)


def refusal(exchange: Exchange) -> str:
    assert exchange.final_ephemeral(), exchange.sent
    return text_of(exchange)


async def test_a_film_club_refuses_novel_progress(world: World, pack: Content) -> None:
    await world.host("club create", "films", medium="film")
    said = refusal(await world.host("club progress", "films", book="19"))
    assert "This club follows the film, so it has no novel progress to set." in said
    assert "A host can add the novel with `/club medium both`." in said
    club = await world.core.store.club(SCOPE, str(world.fake.channel("films")))
    assert club is not None and club.progress == Progress(0, 0)
    await world.host("club progress", "films", film=5)
    ruth = next(c for c in pack.cards_of(CardKind.CHARACTER) if c.name == "Ruth")
    shown = text_of(await world.member("character", "films", character="ruth"))
    assert all(p.text not in shown for p in ruth.parts if not p.reveal.visible_at(Progress(0, 5)))
    info = text_of(await world.member("club info", "films"))
    assert "Film: 0:05 watched" in info and "Novel:" not in info
    added = await world.host("club medium", "films", medium="both")
    assert "It starts the novel at the beginning" in text_of(added)


async def test_a_zone_in_any_case_and_a_misspelt_one(world: World) -> None:
    made = text_of(await world.host("club create", "uk", timezone="europe/london"))
    assert "Time zone: Europe/London" in made
    said = refusal(await world.host("club timezone", "uk", zone_name="Europe/Londn"))
    assert "`Europe/Londn` is not a time zone I know." in said
    assert "Did you mean `Europe/London`?" in said


async def test_clock_changes_on_lord_howe_island(world: World) -> None:
    await world.host("club create", "lordhowe", timezone="Australia/Lord_Howe")
    gap = refusal(await world.host("session schedule", "lordhowe", target="novel 9",
                                   when="2027-10-03 02:10"))
    assert "the clocks go forward from 02:00 to 02:30 that night" in gap
    assert "Pick 02:30 or later." in gap
    past = refusal(await world.host("session schedule", "lordhowe", target="novel 9",
                                    when="2026-10-04 02:10"))
    assert "is Sun 4 Oct 2026, 02:10 (Australia/Lord_Howe), which has already passed" in past


async def test_twin_nights_and_at_at(world: World) -> None:
    await world.host("club create", "twins")
    made = await world.host("session schedule", "twins", target="film 10", when="friday 19:30")
    assert not made.final_ephemeral()
    twin = refusal(await world.host("session schedule", "twins", target="film 10",
                                    when="friday 19:30", title="Again"))
    assert "already covers the film through 0:10" in twin and "`/session show" in twin
    stray = refusal(await world.host("session schedule", "twins", target="film 10",
                                     when="at at friday 20:00"))
    assert "`at at` is not a time" in stray


async def test_a_theme_with_nothing_deep_enough_offers_another(world: World) -> None:
    await world.host("club create", "deep", medium="novel")
    await world.host("session schedule", "deep", target="novel 9", when="friday 19:30")
    await world.host("session start", "deep")
    await night_thread(world.core, SCOPE, str(world.fake.channel("deep")))
    for _ in range(5):  # warm-up, three deep, then debate: each posted in the thread
        assert "Posting it in the night's thread" in text_of(
            await world.host("session next", "deep"))
    said = refusal(await world.host("session next", "deep", theme="memory"))
    assert "No prompt on Memory open at tonight's target is as deep as the last one " \
           "discussed (debate)" in said
    assert "These themes still have one: `/session next " in said


async def test_remind_on_without_an_rsvp_says_it_is_not_one(world: World) -> None:
    await world.host("club create", "remind")
    await world.host("session schedule", "remind", target="novel 9", when="friday 19:30")
    said = text_of(await world.member("session remind", "remind", setting="on"))
    assert "I'll remind you privately before Night #" in said
    assert "That is not an RSVP: to say you're coming, `/session rsvp going" in said


async def test_help_shows_the_slash_commands_options(world: World) -> None:
    shown = text_of(await world.member("help", "general", command="club"))
    assert "`/club progress [book:<chapter or section>] [film:<minutes>]`" in shown
    assert "`/club progress book:9`, `/club progress film:1:00`" in shown
    assert "/club progress book 9" not in shown and "MINUTES|H:MM" not in shown
    listing = text_of(await world.member("help", "general"))  # its first page
    assert "`/progress book chapter:<chapter or section> [work:<work>]`" in listing
    remind = text_of(await world.member("help", "general", command="session remind"))
    assert "A private reminder before a night, separate from your RSVP." in remind
    assert "`/session remind setting:<on|off> [night:<number>]`" in remind
