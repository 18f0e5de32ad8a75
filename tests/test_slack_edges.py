"""The hardening reproductions on Slack, end to end: signed slash commands to the real Bolt
app and the fake Web API, the words typed as Slack members type them. One app for the
module: a club's medium, time-zone names, clock changes, twin nights, `at at`, prompts that
would go shallower, a reminder without an RSVP, and /help in the words Slack takes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import pytest_asyncio
from conftest import night_thread
from fakes.clock import Clock
from fakes.fake_slack import ADMIN, TEAM
from helpers.slack_world import SlackWorld, started

from bot.core.clubs import Scope
from bot.core.content import CardKind, Content
from bot.core.timeline import Progress

pytestmark = pytest.mark.asyncio(loop_scope="module")

MEMBER = "U2MEMBER"
SCOPE = Scope("slack", TEAM)


@dataclass
class World(SlackWorld):
    async def run(self, line: str, channel: str, user: str = ADMIN) -> dict[str, Any]:
        return await self.typed(line, user=user, channel=channel)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(pack: Content, tmp_path_factory: pytest.TempPathFactory
                ) -> AsyncIterator[World]:
    clock = Clock(datetime(2027, 1, 4, 12, 0, tzinfo=UTC))  # a Monday
    async with started(pack, tmp_path_factory.mktemp("slack-edges") / "club.db",
                       clock) as (fake, bot, core, url):
        yield World(fake, bot, core, url)


def text_of(ack: dict[str, Any]) -> str:
    return json.dumps(ack.get("blocks") or [], ensure_ascii=False) + ack.get("text", "")


def refusal(ack: dict[str, Any]) -> str:
    assert ack["response_type"] == "ephemeral", ack
    return text_of(ack)


async def test_a_film_club_refuses_novel_progress(world: World, pack: Content) -> None:
    await world.run("/club create film", "CFILMS")
    said = refusal(await world.run("/club progress novel 19", "CFILMS"))
    assert "This club follows the film, so it has no novel progress to set." in said
    assert "A host can add the novel with `/club medium both`." in said
    club = await world.core.store.club(SCOPE, "CFILMS")
    assert club is not None and club.progress == Progress(0, 0)
    await world.run("/club progress film 5", "CFILMS")
    ruth = next(c for c in pack.cards_of(CardKind.CHARACTER) if c.name == "Ruth")
    shown = text_of(await world.run("/character ruth", "CFILMS", user=MEMBER))
    assert all(p.text not in shown for p in ruth.parts if not p.reveal.visible_at(Progress(0, 5)))
    night = refusal(await world.run("/session schedule novel 9 at friday 19:30", "CFILMS"))
    assert "follows the film, so its nights cover film time" in night


async def test_a_zone_in_any_case_and_a_misspelt_one(world: World) -> None:
    made = text_of(await world.run("/club create both europe/london", "CUK"))
    assert "Europe/London" in made
    said = refusal(await world.run("/club timezone Europe/Londn", "CUK"))
    assert "is not a time zone I know." in said and "Did you mean `Europe/London`?" in said


async def test_a_member_whose_slack_zone_is_etc_utc_makes_a_club_in_utc(world: World) -> None:
    world.fake.zones["U9UTC"] = "Etc/UTC"
    made = text_of(await world.run("/club create", "CUTC", user="U9UTC"))
    assert "Etc/UTC" not in made
    club = await world.core.store.club(SCOPE, "CUTC")
    assert club is not None and club.tz == "UTC"


async def test_clock_changes_on_lord_howe_island(world: World) -> None:
    await world.run("/club create both Australia/Lord_Howe", "CLH")
    gap = refusal(await world.run("/session schedule novel 9 at 2027-10-03 02:10", "CLH"))
    assert "the clocks go forward from 02:00 to 02:30 that night" in gap
    assert "Pick 02:30 or later." in gap
    past = refusal(await world.run("/session schedule novel 9 at 2026-10-04 02:10", "CLH"))
    assert "is Sun 4 Oct 2026, 02:10 (Australia/Lord_Howe), which has already passed" in past


async def test_twin_nights_and_at_at(world: World) -> None:
    await world.run("/club create both UTC", "CTWINS")
    made = await world.run("/session schedule film 10 at friday 19:30", "CTWINS")
    assert made["response_type"] == "in_channel"
    twin = refusal(await world.run('/session schedule film 10 at friday 19:30 "Again"',
                                   "CTWINS"))
    assert "already covers the film through 0:10" in twin and "`/session show" in twin
    stray = refusal(await world.run("/session schedule film 10 at at friday 20:00", "CTWINS"))
    assert "`at at` is not a time" in stray


async def test_a_theme_with_nothing_deep_enough_offers_another(world: World) -> None:
    await world.run("/club create novel UTC", "CDEEP")
    await world.run("/session schedule novel 9 at friday 19:30", "CDEEP")
    await world.run("/session start", "CDEEP")
    thread = await night_thread(world.core, SCOPE, "CDEEP")
    posted = len([c for c in world.fake.called("chat.postMessage")
                  if c.get("thread_ts") == thread])
    for _ in range(5):  # warm-up, three deep, then debate: each posted in the thread
        await world.run("/session next", "CDEEP")
    await world.fake.until(lambda: len([c for c in world.fake.called("chat.postMessage")
                                        if c.get("thread_ts") == thread]) == posted + 5)
    said = refusal(await world.run("/session next memory", "CDEEP"))
    assert "No prompt on Memory open at tonight's target is as deep as the last one " \
           "discussed (debate)" in said
    assert "These themes still have one: `/session next " in said


async def test_remind_on_without_an_rsvp_says_it_is_not_one(world: World) -> None:
    await world.run("/club create both UTC", "CREMIND")
    await world.run("/session schedule novel 9 at friday 19:30", "CREMIND")
    said = text_of(await world.run("/session remind on", "CREMIND", user=MEMBER))
    assert "That is not an RSVP: to say you're coming, `/session rsvp going" in said


async def test_help_shows_the_words_slack_takes(world: World) -> None:
    shown = text_of(await world.run("/help club", "CGENERAL"))
    assert "`/club progress book 9`, `/club progress film 1:00`" in shown
    assert "book:" not in shown
    listing = text_of(await world.run("/help", "CGENERAL"))
    assert "`/club progress [book N|NAME] [film MINUTES|H:MM]`" in listing
    assert "separate from your RSVP" in listing
