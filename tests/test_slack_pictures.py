"""Pictures on Slack, end to end: signed requests to the real Bolt app, the fake Web API (one
app for the module, a real SQLite file). `/club chart` on a Remains club uploads its PNG with
files_upload_v2 (files.getUploadURLExternal, the bytes to the upload URL,
files.completeUploadExternal, shared to no channel) and shows it in the reply's blocks as an
image block naming the file, with its alt text; the Remains sections past the club's point
are not named in the picture's words or the reply; a member trying the host's setting, and a
chart in a channel with no club, get a polite answer and no upload; a recap carries its card
where images are on."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from conftest import MONDAY_NOON
from fakes.fake_slack import ADMIN
from helpers.slack_world import SlackWorld, started
from PIL import Image

from bot.adapters.slack.app import slack_command
from bot.core.library import Library
from bot.core.pictures import UNREACHED

pytestmark = pytest.mark.asyncio(loop_scope="module")

CHANNEL = "CCHART"
MEMBER = "UREADER"
# Past section 4, the one a club that finished section 3 is at the start of.
LATER = ("Day Three", "Day Four", "Day Six")
SECRET_TITLE = "Miss Kenton's letter"


class World(SlackWorld):
    async def run(self, line: str, *, user: str = ADMIN, channel: str = CHANNEL
                  ) -> dict[str, Any]:
        group, _, text = line.removeprefix("/").partition(" ")
        ack, _n = await self.fake.command(self.url, slack_command(group), text, user=user,
                                          channel=channel)
        return ack


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(library: Library, tmp_path_factory: pytest.TempPathFactory
                ) -> AsyncIterator[World]:
    db = tmp_path_factory.mktemp("slack-pictures") / "club.db"
    async with started(library, db, lambda: MONDAY_NOON) as (fake, bot, core, url):
        world = World(fake, bot, core, url)
        await world.run("/club create novel work:remains")
        await world.run("/club progress book 3")
        await world.run("/club join", user=MEMBER)
        await world.run("/progress book 5 work:remains", user=MEMBER)
        await world.run(f'/session schedule section 7 at 2027-02-05 19:00 "{SECRET_TITLE}"')
        yield world


def images(ack: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in ack.get("blocks") or [] if b["type"] == "image"]


async def test_the_chart_is_uploaded_and_shown_in_the_reply(world: World) -> None:
    before = len(world.fake.called("files.completeUploadExternal"))
    ack = await world.run("/club chart", user=MEMBER)
    assert ack["response_type"] == "in_channel"
    (image,) = images(ack)
    asked = world.fake.called("files.getUploadURLExternal")[-1]
    assert asked["filename"] == "club-chart.png"
    completed = world.fake.called("files.completeUploadExternal")[before:]
    assert len(completed) == 1
    assert "channel_id" not in completed[0] and "channels" not in completed[0]
    (done,) = json.loads(completed[0]["files"])
    assert image["slack_file"] == {"id": done["id"]}
    data = world.fake.uploads[done["id"]]
    assert data is not None and len(data) < 200_000 and int(asked["length"]) == len(data)
    picture = Image.open(io.BytesIO(data))
    assert picture.format == "PNG" and picture.width == 1200 and 250 <= picture.height <= 500
    alt = image["alt_text"]
    assert alt.startswith("Chart of The Remains of the Day")
    assert "Day Two: Morning" in alt and UNREACHED in alt.lower()
    said = json.dumps(ack, ensure_ascii=False)
    assert not [name for name in (*LATER, SECRET_TITLE) if name in said]
    assert not [name for name in LATER if name in asked.get("alt_txt", "")]


async def test_a_member_cannot_show_members_and_no_club_is_polite(world: World) -> None:
    uploads = len(world.fake.called("files.getUploadURLExternal"))
    refused = await world.run("/club chart members on", user=MEMBER)
    assert refused["response_type"] == "ephemeral"
    assert "Only a host" in json.dumps(refused)
    nowhere = await world.run("/club chart", user=MEMBER, channel="CEMPTY")
    assert "no club in this channel" in json.dumps(nowhere)
    assert not images(refused) and not images(nowhere)
    assert len(world.fake.called("files.getUploadURLExternal")) == uploads


async def test_members_are_shown_once_the_host_says_so(world: World) -> None:
    await world.run("/club chart members on")
    ack = await world.run("/club chart")
    (image,) = images(ack)
    assert "ureader at section 5" in image["alt_text"]  # the name Slack sent, as typed


async def test_a_recap_carries_its_card_where_images_are_on(world: World) -> None:
    await world.run("/club images on")
    await world.run('/session schedule section 3 at 2027-01-08 19:00 "Day One"')
    await world.run("/session start")
    await world.fake.until(lambda: bool(world.fake.called("chat.postMessage")))
    recap = await world.run("/session end")
    (image,) = images(recap)
    assert image["alt_text"].startswith("Recap card: Night #2 · Day One")
    file_id = image["slack_file"]["id"]
    data = world.fake.uploads[file_id]
    assert data is not None and Image.open(io.BytesIO(data)).size == (1000, 460)
