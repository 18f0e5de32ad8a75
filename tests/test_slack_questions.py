"""`/questions upload` on Slack, end to end: signed requests to the real Bolt app and the fake
Web API (one app for the module, a real SQLite file). A slash command carries no file, so the
host uploads it to Slack and gives its link: the bot asks files.info, downloads it with the
bot token (and only from Slack's host), answers the host alone with the dry run, and the "Add
them" button adds the questions; a link to a file Slack does not know, or to another host,
is a polite answer and nothing is fetched; a file too big is refused on the size files.info
gives, without a download; a member's upload is refused by the core, nothing downloaded."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from conftest import MONDAY_NOON, W
from fakes.fake_slack import ADMIN
from helpers.slack_world import SlackWorld, started

from bot.core.clubs import Scope
from bot.core.library import Library
from bot.core.question_file import MAX_BYTES

pytestmark = pytest.mark.asyncio(loop_scope="module")

CHANNEL = "CQUEST"
MEMBER = "UREADER"
OURS = "What does the opening tell us about who is speaking to us?"
FILE = f"text,depth,chapter\n{OURS},warm-up,1\nToo short?,deep,2\n"


class World(SlackWorld):
    async def run(self, line: str, *, user: str = ADMIN) -> dict[str, Any]:
        return await self.typed(line, user=user, channel=CHANNEL)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(library: Library, tmp_path_factory: pytest.TempPathFactory
                ) -> AsyncIterator[World]:
    db = tmp_path_factory.mktemp("slack-questions") / "club.db"
    async with started(library, db, lambda: MONDAY_NOON) as (fake, bot, core, url):
        world = World(fake, bot, core, url)
        await world.run("/club create novel")
        await world.run("/club progress book 3")
        fake.shared_files["F0QUEST01"] = ("ours.csv", FILE.encode())
        fake.shared_files["F0HUGE001"] = ("big.csv", b"x" * (MAX_BYTES + 1))
        yield world


async def pool(world: World) -> tuple[str, ...]:
    ctx = await world.core.store.context(Scope("slack", "T0CLUB"), CHANNEL, ADMIN)
    assert ctx.club is not None
    return tuple(q.text for q in await world.core.store.host_questions(ctx.club.id, W))


async def test_a_linked_file_is_read_checked_and_added_by_the_button(world: World) -> None:
    link = "<https://club.slack.com/files/UADMIN/F0QUEST01/ours.csv>"
    ack = await world.run(f"/questions upload {link}")
    assert ack["response_type"] == "ephemeral"
    said = json.dumps(ack)
    assert "1 question ok, 1 rejected" in said and "row 3: text is too short" in said
    ((file_id, auth),) = world.fake.downloads
    assert file_id == "F0QUEST01" and auth == "Bearer xoxb-test"
    assert await pool(world) == ()
    add = next(e for b in ack["blocks"] if b["type"] == "actions" for e in b["elements"]
               if e["text"]["text"] == "Add them")
    answered = await world.fake.click(world.url, ack["blocks"], add, user=ADMIN,
                                      channel=CHANNEL)
    assert "1 question added" in json.dumps(answered)
    assert await pool(world) == (OURS,)


async def test_unknown_foreign_huge_and_not_a_host_fetch_nothing(world: World) -> None:
    before = len(world.fake.downloads)
    unknown = await world.run("/questions upload F0NOSUCH1")
    assert "Give the file with the command" in json.dumps(unknown)
    foreign = await world.run("/questions upload https://example.com/questions.csv")
    assert "Give the file with the command" in json.dumps(foreign)
    huge = await world.run("/questions upload F0HUGE001")
    assert "over 256 KB" in json.dumps(huge) and "Nothing was changed" in json.dumps(huge)
    infos = len(world.fake.called("files.info"))
    refused = await world.run("/questions upload F0QUEST01", user=MEMBER)
    assert "Only a host" in json.dumps(refused)
    assert len(world.fake.downloads) == before  # not one of these was downloaded
    assert len(world.fake.called("files.info")) == infos + 1  # asked, then refused by the core
    assert await pool(world) == (OURS,)
