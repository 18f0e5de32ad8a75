"""`/questions upload` on Discord, end to end: the real discord.py client against the fake
Discord (one bot for the module, a real SQLite file). The file is a native attachment option
(type 11): Discord resolves it, the bot reads it from the fake CDN, answers the host alone
with the dry run, and the "Add them" button confirms it; a file too big is refused on the
size Discord reports, without being downloaded; a member's upload is refused; the club's
questions then come from `/prompt`, and `/questions export` is an ephemeral YAML file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
import yaml
from conftest import MONDAY_NOON
from fakes.fake_discord import MANAGE_GUILD, Exchange, buttons
from helpers.discord_world import DiscordWorld, started

from bot.core.library import Library
from bot.core.question_file import MAX_BYTES

pytestmark = pytest.mark.asyncio(loop_scope="module")

HOST = 1
MEMBER = 2
OURS = "What does the opening tell us about who is speaking to us?"
FILE = f"text,depth,chapter\n{OURS},warm-up,1\n,deep,2\nA question set far too late on?,deep,40\n"


class World(DiscordWorld):
    async def host(self, path: str, **values: Any) -> Exchange:
        return await self.fake.interact(path, user=HOST, permissions=MANAGE_GUILD, **values)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(library: Library, tmp_path_factory: pytest.TempPathFactory
                ) -> AsyncIterator[World]:
    db = tmp_path_factory.mktemp("discord-questions") / "club.db"
    async with started(library, db, lambda: MONDAY_NOON) as (fake, bot, core):
        world = World(fake, bot, core)
        await world.host("club create", medium="novel")
        await world.host("club progress", book="3")
        yield world


async def test_the_option_is_a_native_attachment(world: World) -> None:
    _command, child = world.fake._declared("questions upload")
    assert child is not None
    (option,) = child["options"]
    assert option["name"] == "file" and option["type"] == 11 and option["required"]


async def test_an_attached_file_is_checked_then_added_by_the_button(world: World) -> None:
    shown = await world.host("questions upload", file=("ours.csv", FILE.encode()))
    assert shown.final_ephemeral()
    said = shown.texts()
    assert "1 question ok, 2 rejected" in said and "row 3: has no text" in said
    assert "row 4: chapter 40 is out of range (1-23)" in said
    assert shown.message_id is not None
    message = world.fake.messages[shown.message_id]
    add = next(b["custom_id"] for b in buttons(message) if b["label"] == "Add them")
    added = await world.fake.click(message, add, user=HOST, permissions=MANAGE_GUILD)
    assert "1 question added" in added.texts()
    drawn = [(await world.fake.interact("prompt", user=MEMBER)).texts() for _ in range(31)]
    assert sum(OURS in d for d in drawn) == 1  # 30 of the pack's open at chapter 3, and ours
    exported = await world.host("questions export")
    assert exported.final_ephemeral()
    carrying = [s for s in exported.sent if s.files]
    ((name, data),) = carrying[0].files.values()
    assert name == "club-questions.yaml"
    assert yaml.safe_load(data) == []  # the host has read nothing: nothing past them is in it


async def test_a_file_too_big_is_refused_unread_and_a_member_cannot(world: World) -> None:
    reads = len(world.fake.attachment_reads)
    huge = await world.host("questions upload", file=("big.csv", b"x" * (MAX_BYTES + 1)))
    assert "over 256 KB" in huge.texts() and "Nothing was changed" in huge.texts()
    assert len(world.fake.attachment_reads) == reads  # refused on its size: never fetched
    refused = await world.fake.interact("questions upload", user=MEMBER,
                                        file=("ours.csv", FILE.encode()))
    assert refused.final_ephemeral() and "Only a host" in refused.texts()
    assert len(world.fake.attachment_reads) == reads
