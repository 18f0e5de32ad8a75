"""Pictures on Discord, end to end: the real discord.py client against the fake Discord (one
bot for the module, a real SQLite file). `/club chart` answers with the PNG uploaded as a
multipart file and shown inside the embed through ``attachment://``, its alt text as the
attachment's description; a night past the club's point is never named, in the picture's
words or anywhere in what was sent; members appear only when the host shows them; a member
trying the host's setting, or a chart where there is no club, gets a polite answer; a night's
recap carries its card where the club turned images on."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from conftest import MONDAY_NOON
from fakes.fake_discord import MANAGE_GUILD, Exchange
from helpers.discord_world import DiscordWorld, started
from PIL import Image

from bot.core.library import Library
from bot.core.pictures import UNREACHED

pytestmark = pytest.mark.asyncio(loop_scope="module")

HOST = 1
MEMBER = 2
SECRET_TITLE = "Kathy learns the truth"  # a host's title for a night past the club's point


class World(DiscordWorld):
    async def host(self, path: str, channel: str = "general", **values: Any) -> Exchange:
        return await self.fake.interact(path, user=HOST, channel=channel,
                                        permissions=MANAGE_GUILD, **values)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(library: Library, tmp_path_factory: pytest.TempPathFactory
                ) -> AsyncIterator[World]:
    db = tmp_path_factory.mktemp("discord-pictures") / "club.db"
    async with started(library, db, lambda: MONDAY_NOON) as (fake, bot, core):
        world = World(fake, bot, core)
        await world.host("club create", medium="both")
        await world.host("club progress", book="9")
        await fake.interact("club join", user=MEMBER)
        await fake.interact("progress book", user=MEMBER, chapter="12")
        await world.host("session schedule", target="novel 20", when="2027-02-05 19:00",
                         title=SECRET_TITLE)
        yield world


def upload(exchange: Exchange) -> tuple[dict[str, Any], str, bytes]:
    """The one request that carried a file: its JSON and the file's name and bytes."""
    carrying = [s for s in exchange.sent if s.files]
    assert len(carrying) == 1, [s.path for s in exchange.sent]
    sent = carrying[0]
    ((name, data),) = sent.files.values()
    return sent.body, name, data


async def test_the_chart_is_a_png_inside_the_embed_with_its_words(world: World) -> None:
    shown = await world.fake.interact("club chart", user=MEMBER)
    body, name, data = upload(shown)
    assert name == "club-chart.png"
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.width == 1200 and 300 <= image.height <= 700
    assert len(data) < 200_000
    message = body["data"]  # the interaction callback: {"type": 4, "data": message}
    (embed,) = message["embeds"]
    assert embed["image"]["url"] == "attachment://club-chart.png"
    (attachment,) = message["attachments"]
    assert attachment["filename"] == "club-chart.png"
    alt = attachment["description"]
    assert alt.startswith("Chart of Never Let Me Go") and UNREACHED in alt.lower()
    # The text says the same: the night past the club's point is not named anywhere.
    assert UNREACHED in embed["description"].lower()
    assert SECRET_TITLE not in shown.texts()
    assert not shown.final_ephemeral()


async def test_members_appear_only_once_the_host_shows_them(world: World) -> None:
    before = await world.fake.interact("club chart", user=MEMBER)
    alt = upload(before)[0]["data"]["attachments"][0]["description"]
    assert "member2" not in alt and "1 member not shown" in alt
    refused = await world.fake.interact("club chart", user=MEMBER, members="on")
    assert refused.final_ephemeral()
    assert "Only a host" in refused.texts()
    assert not [s for s in refused.sent if s.files]
    await world.host("club chart", members="on")
    after = await world.fake.interact("club chart", user=MEMBER)
    alt = upload(after)[0]["data"]["attachments"][0]["description"]
    assert "member2 at chapter 12" in alt
    await world.fake.interact("progress private", user=MEMBER, setting="on")
    hidden = await world.fake.interact("club chart", user=MEMBER)
    alt = upload(hidden)[0]["data"]["attachments"][0]["description"]
    assert "member2" not in alt and "keep their progress private" in alt


async def test_a_chart_where_there_is_no_club_is_a_polite_answer(world: World) -> None:
    answer = await world.fake.interact("club chart", user=MEMBER, channel="nowhere")
    assert "no club in this channel" in answer.texts()
    assert not [s for s in answer.sent if s.files]


async def test_a_recap_carries_its_card_where_images_are_on(world: World) -> None:
    await world.host("club images", setting="on")
    await world.host("session schedule", target="novel 9", when="2027-01-08 19:00",
                     title="Part One")
    await world.host("session start")
    await world.host("session next")
    ended = await world.host("session end")
    _body, name, data = upload(ended)
    assert name == "night-recap.png"
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.size == (1000, 460)
    assert SECRET_TITLE not in ended.texts()


async def test_the_calendar_is_an_ics_attachment_cut_to_its_reader(world: World) -> None:
    from datetime import UTC, datetime

    from icalendar import Calendar

    shown = await world.fake.interact("club calendar", user=MEMBER)
    body, name, data = upload(shown)
    assert name == "club-nights.ics"
    (embed,) = body["data"]["embeds"]
    assert "image" not in embed  # attached, not shown as a picture
    cal = Calendar.from_ical(data)
    (event,) = cal.walk("VEVENT")
    # The club keeps UTC, which iCalendar writes as Z: 19:00 is 19:00Z.
    assert event.decoded("dtstart").astimezone(UTC) == datetime(2027, 2, 5, 19, 0, tzinfo=UTC)
    assert "https://discord.com/channels/" in str(event["description"])
    assert UNREACHED in str(event["summary"]).lower()
    assert SECRET_TITLE not in data.decode() and SECRET_TITLE not in shown.texts()
    assert not shown.final_ephemeral()
    # The member's own copy (chapter 12) is theirs alone, and still short of chapter 20.
    mine = await world.fake.interact("club calendar", user=MEMBER, whose="mine")
    _body, _name, own = upload(mine)
    assert mine.final_ephemeral() and SECRET_TITLE not in own.decode()
    uid = str(event["uid"])
    assert [str(e["uid"]) for e in Calendar.from_ical(own).walk("VEVENT")] == [uid]
