"""Pictures on Slack, end to end: signed requests to the real Bolt app, the fake Web API (one
app for the module, a real SQLite file). `/club chart` on a Remains club is posted as its
picture's message: the PNG uploaded with files_upload_v2 (files.getUploadURLExternal, the
bytes to the upload URL, files.completeUploadExternal into the channel) with the reply's
blocks beside it and its alt text; the Remains sections past the club's point are not named
in the picture's words or the reply; where the bot cannot share into the channel the words
still come; a member trying the host's setting, and a chart in a channel with no club, get a
polite answer and no upload; a recap carries its card where images are on."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import pytest
import pytest_asyncio
from conftest import MONDAY_NOON
from fakes.fake_slack import ADMIN
from helpers.slack_world import SlackWorld, started
from PIL import Image

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
        return await self.typed(line, user=user, channel=channel)


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


def shared_since(world: World, before: int) -> dict[str, Any]:
    """The one upload completed since ``before``: its arguments, with its bytes and alt."""
    done = world.fake.called("files.completeUploadExternal")[before:]
    assert len(done) == 1, done
    (file,) = json.loads(done[0]["files"])
    asked = world.fake.asked[file["id"]]
    return {**done[0], "file": file, "data": world.fake.uploads[file["id"]],
            "alt_txt": asked.get("alt_txt", ""), "filename": asked["filename"],
            "length": int(asked["length"])}


async def chart(world: World, line: str = "/club chart", **kw: Any) -> dict[str, Any]:
    before = len(world.fake.called("files.completeUploadExternal"))
    ack = await world.run(line, **kw)
    assert ack == {}, ack  # the bot posts the chart itself
    await world.fake.until(
        lambda: len(world.fake.called("files.completeUploadExternal")) > before)
    return shared_since(world, before)


async def test_the_chart_is_uploaded_into_the_channel_with_its_words(world: World) -> None:
    shared = await chart(world, user=MEMBER)
    assert shared["channel_id"] == CHANNEL and shared["filename"] == "club-chart.png"
    data = shared["data"]
    assert data is not None and len(data) < 200_000 and shared["length"] == len(data)
    picture = Image.open(io.BytesIO(data))
    assert picture.format == "PNG" and picture.width == 1200 and 250 <= picture.height <= 500
    alt = shared["alt_txt"]
    assert alt.startswith("Chart of The Remains of the Day")
    assert "Day Two: Morning" in alt and UNREACHED in alt.lower()
    words = json.dumps(shared["blocks"], ensure_ascii=False)
    assert "Where the club is: The Remains of the Day" in words
    assert UNREACHED in words.lower()
    said = words + alt + json.dumps(shared["file"])
    assert not [name for name in (*LATER, SECRET_TITLE) if name in said]


async def test_where_the_bot_cannot_share_the_words_still_come(world: World) -> None:
    await world.run("/club create novel work:remains", channel="CSHUT")
    world.fake.closed_channels.add("CSHUT")
    body, n = world.fake.command_body("/club", "chart", channel="CSHUT", user=MEMBER)
    status, _ = await world.fake.post(world.url, urlencode(body))
    assert status == 200
    await world.fake.until(lambda: bool(world.fake.responses[n]))
    (answer,) = world.fake.responses[n]
    assert answer["response_type"] == "in_channel"
    assert "Where the club is" in json.dumps(answer)


async def test_a_member_cannot_show_members_and_no_club_is_polite(world: World) -> None:
    uploads = len(world.fake.called("files.getUploadURLExternal"))
    refused = await world.run("/club chart members on", user=MEMBER)
    assert refused["response_type"] == "ephemeral"
    assert "Only a host" in json.dumps(refused)
    nowhere = await world.run("/club chart", user=MEMBER, channel="CEMPTY")
    assert "no club in this channel" in json.dumps(nowhere)
    await world.bot.delivery.settle()
    assert len(world.fake.called("files.getUploadURLExternal")) == uploads


async def test_members_are_shown_once_the_host_says_so(world: World) -> None:
    await world.run("/club chart members on")
    shared = await chart(world)
    assert "ureader at section 5" in shared["alt_txt"]  # the name Slack sent, as typed


async def test_a_recap_carries_its_card_where_images_are_on(world: World) -> None:
    await world.run("/club images on")
    await world.run('/session schedule section 3 at 2027-01-08 19:00 "Day One"')
    await world.run("/session start")
    await world.fake.until(lambda: bool(world.fake.called("chat.postMessage")))
    shared = await chart(world, "/session end")
    assert shared["filename"] == "night-recap.png"
    assert shared["alt_txt"].startswith("Recap card: Night #2 · Day One")
    assert "Recap: Night #2" in json.dumps(shared["blocks"])
    assert Image.open(io.BytesIO(shared["data"])).size == (1000, 460)


async def test_the_calendar_is_a_file_in_the_channel_and_a_private_copy_by_dm(world: World
                                                                             ) -> None:
    from icalendar import Calendar

    shared = await chart(world, "/club calendar", user=MEMBER)
    assert shared["channel_id"] == CHANNEL and shared["filename"] == "club-nights.ics"
    cal = Calendar.from_ical(shared["data"])
    (event,) = cal.walk("VEVENT")
    assert "slack.com/app_redirect?team=" in str(event["description"])
    # The club (section 3) has not reached section 7: the night is dated, not named.
    assert SECRET_TITLE not in shared["data"].decode() + json.dumps(shared["blocks"])
    # The member (section 5) asks for their own copy: it goes to their messages with the app.
    n_before = len(world.fake.called("files.completeUploadExternal"))
    ack = await world.run("/club calendar mine", user=MEMBER)
    assert ack == {}
    await world.fake.until(
        lambda: len(world.fake.called("files.completeUploadExternal")) > n_before)
    own = shared_since(world, n_before)
    assert own["channel_id"] == "D" + MEMBER.removeprefix("U")
    assert world.fake.called("conversations.open")[-1]["users"] == MEMBER
    assert SECRET_TITLE not in own["data"].decode()
    assert [str(e["uid"]) for e in Calendar.from_ical(own["data"]).walk("VEVENT")] == [
        str(event["uid"])]
