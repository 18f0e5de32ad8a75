"""A club on The Remains of the Day on Discord, end to end: the real discord.py client against
the fake Discord, one bot for the module over every installed work and a real SQLite file.
Creating the club with the `work` option, autocomplete of works, names and sections, its
gated cards in hide and tag mode under the work's title, and a vote from its buttons to the
move."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
import pytest_asyncio
from conftest import MONDAY_NOON, R, W
from fakes.fake_discord import GUILD_ID, MANAGE_GUILD, Exchange, buttons
from helpers.discord_world import DiscordWorld, started

from bot.core.clubs import Scope
from bot.core.content import CardKind
from bot.core.library import Library
from bot.core.timeline import Progress

pytestmark = pytest.mark.asyncio(loop_scope="module")

HOST = 1  # has Manage Server
SCOPE = Scope("discord", str(GUILD_ID))
REMAINS = "The Remains of the Day"
NLMG = "Never Let Me Go"
SPOILER = re.compile(r"(?<!\\)\|\|(.+?)(?<!\\)\|\|", flags=re.DOTALL)


@dataclass
class World(DiscordWorld):
    library: Library

    async def host(self, path: str, channel: str = "remains", **values: Any) -> Exchange:
        return await self.fake.interact(path, user=HOST, channel=channel,
                                        permissions=MANAGE_GUILD, **values)

    def shut(self, name: str, at: Progress) -> list[str]:
        """Texts of a Remains character's parts not yet open at ``at``."""
        remains = self.library.get(R)
        assert remains is not None
        card = next(c for c in remains.content.cards_of(CardKind.CHARACTER) if c.name == name)
        return [p.text for p in card.parts if not p.reveal.visible_at(at)]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(library: Library, tmp_path_factory: pytest.TempPathFactory
                ) -> AsyncIterator[World]:
    db = tmp_path_factory.mktemp("discord-works") / "club.db"
    async with started(library, db, lambda: MONDAY_NOON) as (fake, bot, core):
        world = World(fake, bot, core, library)
        # Clubs used below: "remains" in hide mode, "tagged" in tag mode, both on Remains.
        for channel in ("remains", "tagged"):
            made = await world.host("club create", channel=channel, work="remains-of-the-day")
            assert embed(made)["title"] == "Club created"
        await world.host("club spoilers", channel="tagged", mode="tag")
        yield world


def embed(exchange: Exchange) -> dict[str, Any]:
    embeds = exchange.final_message().get("embeds") or []
    assert len(embeds) == 1, exchange.sent
    return embeds[0]


def fields(exchange: Exchange) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed(exchange).get("fields") or []}


def names(choices: list[dict[str, Any]]) -> list[str]:
    return [c["name"] for c in choices]


async def test_a_club_is_created_on_the_work_autocomplete_offers(world: World) -> None:
    offered = await world.fake.autocomplete("club create", "work", "", channel="picked")
    assert names(offered) == [NLMG, REMAINS]
    typed = await world.fake.autocomplete("club create", "work", "rem", channel="picked")
    assert names(typed) == [REMAINS]
    made = await world.host("club create", channel="picked", medium="novel",
                            work=typed[0]["value"])
    assert embed(made)["author"]["name"] == REMAINS
    assert fields(made)["Work"] == REMAINS and fields(made)["Following"] == "novel"
    club = await world.core.store.club(SCOPE, str(world.fake.channel("picked")))
    assert club is not None and club.work == R
    # A work nobody installed is refused, privately, and makes no club.
    refused = await world.host("club create", channel="unknown", work="Middlemarch")
    assert refused.final_ephemeral()
    assert "I don't have a work called `Middlemarch`" in embed(refused)["description"]
    assert await world.core.store.club(SCOPE, str(world.fake.channel("unknown"))) is None


async def test_autocomplete_of_names_offers_the_clubs_work_only_what_both_may_see(
        world: World) -> None:
    remains = world.library.get(R)
    assert remains is not None
    characters = remains.content.cards_of(CardKind.CHARACTER)

    async def offered(user: int, typed: str = "") -> set[str]:
        return set(names(await world.fake.autocomplete("character", "character", typed,
                                                       user=user, channel="remains")))

    at_start = {c.name for c in characters if c.reveal.visible_at(Progress())}
    assert await offered(20) == at_start and "Mr Benn" not in at_start
    assert not await offered(20, "kathy")  # the other work's people are not this club's
    await world.host("club progress", book="3")
    await world.fake.interact("progress book", user=21, channel="remains", chapter="3")
    assert "Mr Benn" in await offered(21)
    assert "Mr Benn" not in await offered(20)  # the club has read it; this member has not
    # `work` names another work, whose names come from the club's progress there (none).
    other = set(names(await world.fake.autocomplete("character", "character", "", user=21,
                                                    channel="remains", work=W)))
    assert "Kathy H." in other and "Stevens" not in other
    await world.host("club progress", book="0")


async def test_progress_takes_a_sections_name(world: World) -> None:
    offered = await world.fake.autocomplete("progress book", "chapter", "day three",
                                            user=22, channel="remains")
    assert names(offered) == ["Day Three: Morning", "Day Three: Evening"]
    saved = await world.fake.interact("progress book", user=22, channel="remains",
                                      chapter=offered[1]["value"])
    assert saved.final_ephemeral()
    assert fields(saved)["Novel"] == "Day Three: Evening finished"
    assert embed(saved)["author"]["name"] == REMAINS
    assert (await world.core.store.member_progress(SCOPE, "22", R)).novel == 6
    assert (await world.core.store.member_progress(SCOPE, "22", W)).novel == 0
    wrong = await world.fake.interact("progress book", user=22, channel="remains",
                                      chapter="chapter 12")
    assert wrong.final_ephemeral()
    assert "This novel has 8 sections: Prologue" in embed(wrong)["description"]
    assert (await world.core.store.member_progress(SCOPE, "22", R)).novel == 6
    club = await world.host("club progress", channel="picked", book="day two afternoon")
    assert fields(club)["Novel"] == "Day Two: Afternoon finished"


async def test_a_gated_card_in_hide_mode_under_the_works_title(world: World) -> None:
    shown = await world.fake.interact("character", user=23, channel="remains",
                                      character="Miss Kenton")
    card = embed(shown)
    assert card["title"] == "Miss Kenton" and card["author"]["name"] == REMAINS
    sent = shown.texts()
    shut = world.shut("Miss Kenton", Progress())
    assert shut
    for text in shut:
        assert text[:40] not in sent
    assert "held back" in card["description"] and "||" not in sent
    assert "open from Prologue (section 1) of the novel or 0:07" in card["description"]


async def test_a_gated_card_in_tag_mode_behind_spoiler_marks(world: World) -> None:
    shown = await world.fake.interact("character", user=24, channel="tagged",
                                      character="Miss Kenton")
    card = embed(shown)
    assert card["author"]["name"] == REMAINS
    hidden = SPOILER.findall(card["description"])
    outside = SPOILER.sub("", card["description"])
    for text in world.shut("Miss Kenton", Progress()):
        assert any(text[:40].replace("`", "\\`") in h for h in hidden), text[:40]
        assert text[:40] not in outside
    for plain in (card["title"], card["author"]["name"], card.get("footer", {}).get("text", ""),
                  *(f["name"] for f in card.get("fields", []))):
        assert "||" not in plain


async def test_ask_names_the_work_it_answers_from(world: World) -> None:
    own = await world.fake.interact("ask", user=25, channel="remains",
                                    question="who directed the film?")
    assert embed(own)["author"]["name"] == REMAINS and "James Ivory" in embed(own)["description"]
    other = await world.fake.interact("ask", user=25, channel="remains",
                                      question="who directed never let me go?")
    assert embed(other)["author"]["name"] == NLMG
    assert "Mark Romanek" in embed(other)["description"]


async def test_a_vote_with_its_buttons_moves_the_club_on(world: World) -> None:
    await world.host("club create", channel="voting")
    opened = await world.host("club vote", channel="voting", choice="open")
    assert embed(opened)["author"]["name"] == NLMG
    message = world.fake.messages[opened.message_id]
    by_label = {b["label"]: b["custom_id"] for b in buttons(message)}
    assert set(by_label) == {f"Vote: {NLMG}", f"Vote: {REMAINS}", "Close the vote"}

    async def click(label: str, user: int, permissions: int = 0) -> Exchange:
        return await world.fake.click(message, by_label[label], user=user, channel="voting",
                                      permissions=permissions)

    outsider = await click(f"Vote: {REMAINS}", 30)  # members choose: 30 has not joined
    assert outsider.final_ephemeral() and "Only members" in embed(outsider)["description"]
    for member in (30, 31, 32):
        await world.fake.interact("club join", user=member, channel="voting")
    voted = await click(f"Vote: {REMAINS}", 30)
    assert voted.final_ephemeral() and "You voted for The Remains" in embed(voted)["description"]
    changed = await click(f"Vote: {NLMG}", 30)
    assert f"You changed your vote from {REMAINS} to {NLMG}." in embed(changed)["description"]
    await click(f"Vote: {REMAINS}", 30)  # and back
    await click(f"Vote: {REMAINS}", 31)
    await click(f"Vote: {NLMG}", 32)
    refused = await click("Close the vote", 31)
    assert refused.final_ephemeral() and "Only a host" in embed(refused)["description"]

    closed = await click("Close the vote", HOST, MANAGE_GUILD)
    assert not closed.final_ephemeral()
    assert f"The club chose {REMAINS}." in embed(closed)["description"]
    result = world.fake.messages[closed.message_id]
    (confirm,) = [b for b in buttons(result) if b["label"].startswith("Move the club")]
    club_id = str(world.fake.channel("voting"))
    member = await world.fake.click(result, confirm["custom_id"], user=31, channel="voting")
    assert member.final_ephemeral() and "Only a host" in embed(member)["description"]
    club = await world.core.store.club(SCOPE, club_id)
    assert club is not None and club.work == W
    moved = await world.fake.click(result, confirm["custom_id"], user=HOST, channel="voting",
                                   permissions=MANAGE_GUILD)
    assert embed(moved)["author"]["name"] == REMAINS
    club = await world.core.store.club(SCOPE, club_id)
    assert club is not None and club.work == R
