"""A club on The Remains of the Day on Slack, end to end: signed requests to the real Bolt app
and the fake Web API, one app for the module over every installed work and a real SQLite
file. Creating the club with `work:`, progress in its sections, a gated card whose Reveal
answers the clicker from Remains cut to their own progress there, a vote with Block Kit
buttons, and the App Home with progress per work."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
import pytest_asyncio
from conftest import MONDAY_NOON, R, W
from fakes.fake_slack import ADMIN, TEAM
from helpers.slack_world import SlackWorld, started

from bot.adapters.slack.render import REVEAL, escape
from bot.core.clubs import Scope
from bot.core.content import CardKind
from bot.core.library import Library
from bot.core.timeline import Progress

pytestmark = pytest.mark.asyncio(loop_scope="module")

SCOPE = Scope("slack", TEAM)
REMAINS = "The Remains of the Day"
NLMG = "Never Let Me Go"
TAGGED = "CREMAINS"


@dataclass
class World(SlackWorld):
    library: Library

    async def run(self, line: str, *, user: str = ADMIN, channel: str = TAGGED
                  ) -> dict[str, Any]:
        """A line as a member types it in Slack; the ack's JSON."""
        return await self.typed(line, user=user, channel=channel)

    def shut(self, name: str, at: Progress) -> list[str]:
        remains = self.library.get(R)
        assert remains is not None
        card = next(c for c in remains.content.cards_of(CardKind.CHARACTER) if c.name == name)
        return [p.text for p in card.parts if not p.reveal.visible_at(at)]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(library: Library, tmp_path_factory: pytest.TempPathFactory
                ) -> AsyncIterator[World]:
    db = tmp_path_factory.mktemp("slack-works") / "club.db"
    async with started(library, db, lambda: MONDAY_NOON) as (fake, bot, core, url):
        world = World(fake, bot, core, url, library)
        made = await world.run("/club create both work:remains")
        assert made["response_type"] == "in_channel"
        await world.run("/club spoilers tag")
        yield world


def everything(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False)


def element(blocks: list[dict[str, Any]], label: str) -> dict[str, Any]:
    return next(e for b in blocks if b["type"] == "actions" for e in b["elements"]
                if e["text"]["text"] == label)


async def test_the_club_reads_remains_and_says_so(world: World) -> None:
    info = await world.run("/club info", user="UREADER")
    assert f"*Work*\\n{REMAINS}" in everything(info)
    context = [b for b in info["blocks"] if b["type"] == "context"][-1]
    assert context["elements"][0]["text"].startswith(f"_{REMAINS}_ · ")
    club = await world.core.store.club(SCOPE, TAGGED)
    assert club is not None and club.work == R
    unknown = await world.run("/club create both work:middlemarch", channel="CNEW")
    assert unknown["response_type"] == "ephemeral"
    assert "I don't have a work called `middlemarch`" in everything(unknown)
    assert await world.core.store.club(SCOPE, "CNEW") is None


async def test_progress_in_remains_sections(world: World) -> None:
    saved = await world.run("/progress book day two afternoon", user="UREADER")
    assert saved["response_type"] == "ephemeral"
    assert "Day Two: Afternoon finished" in everything(saved)
    assert await world.core.store.member_progress(SCOPE, "UREADER", R) == Progress(4, 0)
    assert await world.core.store.member_progress(SCOPE, "UREADER", W) == Progress()
    wrong = await world.run("/progress novel 9", user="UREADER")
    assert "This novel has 8 sections: Prologue" in everything(wrong)
    assert await world.core.store.member_progress(SCOPE, "UREADER", R) == Progress(4, 0)


async def test_reveal_answers_the_clicker_from_remains_cut_to_their_progress_there(
        world: World) -> None:
    ack = await world.run("/character miss kenton", user="UASKER")
    shut = world.shut("Miss Kenton", Progress())
    for text in shut:
        assert text[:40] not in everything(ack) and escape(text)[:40] not in everything(ack)
    reveals = [b["accessory"] for b in ack["blocks"]
               if b.get("accessory", {}).get("action_id", "").startswith(REVEAL)]
    assert len(reveals) == len(shut)
    last = shut[-1]  # at the bus stop, in the film's last stretch: opens at 2:05 into the film
    # A member at the end of Remains sees it, privately.
    await world.run("/progress book done", user="UDONE")
    await world.run("/progress film done", user="UDONE")
    shown = await world.fake.click(world.url, ack["blocks"], reveals[-1], user="UDONE",
                                   channel=TAGGED)
    assert shown[-1]["response_type"] == "ephemeral"
    assert escape(last)[:40] in everything(shown[-1])
    # One who has finished Never Let Me Go, and not Remains, is not shown it.
    await world.run("/progress book done work:nlmg", user="UOTHER")
    await world.run("/progress film done work:nlmg", user="UOTHER")
    kept = await world.fake.click(world.url, ack["blocks"], reveals[-1], user="UOTHER",
                                  channel=TAGGED)
    assert kept[-1]["response_type"] == "ephemeral"
    assert "haven't reached that part" in everything(kept[-1])
    assert escape(last)[:40] not in everything(kept[-1])


async def test_a_vote_with_block_kit_buttons(world: World) -> None:
    channel = "CVOTE"
    await world.run("/club create both", channel=channel)
    opened = await world.run("/club vote open", channel=channel)
    assert opened["response_type"] == "in_channel"
    blocks = opened["blocks"]
    labels = [e["text"]["text"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert labels == [f"Vote: {NLMG}", f"Vote: {REMAINS}", "Close the vote"]

    async def click(label: str, user: str) -> dict[str, Any]:
        posted = await world.fake.click(world.url, blocks, element(blocks, label), user=user,
                                        channel=channel)
        return posted[-1]

    outsider = await click(f"Vote: {REMAINS}", "UV1")  # members choose: UV1 has not joined
    assert outsider["response_type"] == "ephemeral" and "Only members" in everything(outsider)
    for member in ("UV1", "UV2"):
        await world.run("/club join", user=member, channel=channel)
    voted = await click(f"Vote: {REMAINS}", "UV1")
    assert voted["response_type"] == "ephemeral" and "You voted for" in everything(voted)
    changed = await click(f"Vote: {NLMG}", "UV1")
    assert f"You changed your vote from {REMAINS} to {NLMG}." in everything(changed)
    await click(f"Vote: {REMAINS}", "UV1")
    await click(f"Vote: {REMAINS}", "UV2")
    refused = await click("Close the vote", "UV2")
    assert refused["response_type"] == "ephemeral" and "Only a host" in everything(refused)
    closed = await click("Close the vote", ADMIN)
    assert closed["response_type"] == "in_channel"
    assert f"The club chose {REMAINS}." in everything(closed)
    move = element(closed["blocks"], f"Move the club to {REMAINS}")
    member = await world.fake.click(world.url, closed["blocks"], move, user="UV2",
                                    channel=channel)
    assert "Only a host" in everything(member[-1])
    club = await world.core.store.club(SCOPE, channel)
    assert club is not None and club.work == W
    await world.fake.click(world.url, closed["blocks"], move, user=ADMIN, channel=channel)
    club = await world.core.store.club(SCOPE, channel)
    assert club is not None and club.work == R


async def _home(world: World, user: str) -> dict[str, Any]:
    await world.bot.publish_home(TEAM, user)
    view = world.fake.called("views.publish")[-1]["view"]
    return json.loads(view) if isinstance(view, str) else view


async def test_app_home_shows_progress_per_work(world: World) -> None:
    # A member of the Remains club, at the start everywhere: Remains is on their Home.
    await world.run("/club join", user="UHOME")
    view = await _home(world, "UHOME")
    ids = [e["action_id"] for b in view["blocks"] if b["type"] == "actions"
           for e in b["elements"]]
    assert f"club_home_novel:{W}" in ids and f"club_home_novel:{R}" in ids
    body = everything(view)
    assert f"<#{TAGGED}>: {REMAINS} (both)" in body
    select = next(e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["action_id"] == f"club_home_novel:{R}")
    options = {o["text"]["text"]: o for o in select["options"]}
    assert "Day Three: Evening" in options and "Day Six: Evening (the end)" in options
    published = len(world.fake.called("views.publish"))
    # Sent as from a Home tab drawn by the release whose prefix was `nlmg_`: it still works.
    payload, _n = world.fake.action_body(
        [], {"type": "static_select", "action_id": f"nlmg_home_novel:{R}",
             "selected_option": options["Day Three: Evening"]}, user="UHOME")
    await world.fake.post(world.url, urlencode({"payload": json.dumps(payload)}))
    for _ in range(200):  # the menu is acknowledged first; the change follows
        if len(world.fake.called("views.publish")) > published:
            break
        await asyncio.sleep(0.005)
    assert await world.core.store.member_progress(SCOPE, "UHOME", R) == Progress(6, 0)
    assert await world.core.store.member_progress(SCOPE, "UHOME", W) == Progress()
    again = everything(await _home(world, "UHOME"))
    assert "Day Three: Evening finished" in again and "not started" in again
