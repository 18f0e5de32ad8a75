"""`/club wrapup` on Slack, end to end: signed requests to the real Bolt app and the fake Web
API (one app for the module, a real SQLite file). Reaching the end posts the card in the
channel with a button; a click opens a modal (views.open, with the click's trigger_id) and its
view_submission is answered to the member alone (chat.postEphemeral in that channel); typed
answers work as on the console; a bad rating, a stranger and a member closing are refused and
change nothing; the host's close posts the aggregate in the channel, with `<!channel>` typed in
a line escaped so it pings nobody; `/club history` keeps the rating."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from conftest import MONDAY_NOON
from fakes.fake_slack import ADMIN
from helpers.slack_world import SlackWorld, started

from bot.core.clubs import Scope
from bot.core.library import Library
from bot.core.wrapups import Wrapup

pytestmark = pytest.mark.asyncio(loop_scope="module")

CHANNEL = "CWRAP"
SAM, ANN, STRANGER = "USAM", "UANN", "USTRANGE"


class World(SlackWorld):
    card: list[dict[str, Any]]

    async def run(self, line: str, *, user: str = ADMIN) -> dict[str, Any]:
        return await self.typed(line, user=user, channel=CHANNEL)

    async def form(self, user: str) -> dict[str, Any]:
        """Click the card's button as ``user``: the modal the bot opens."""
        button = next(e for b in self.card if b["type"] == "actions" for e in b["elements"]
                      if e["text"]["text"] == "Answer privately")
        opened = len(self.fake.views)
        await self.fake.click(self.url, self.card, button, user=user, channel=CHANNEL)
        await self.fake.until(lambda: len(self.fake.views) > opened)
        return self.fake.views[-1]

    async def submit(self, user: str, **values: str) -> dict[str, Any]:
        """Fill in the modal as ``user``; the ephemeral message the bot posts them."""
        view = await self.form(user)
        posted = len(self.fake.called("chat.postEphemeral"))
        status, body = await self.fake.submit_view(self.url, view, values, user=user)
        assert status == 200 and body in ("", "{}"), (status, body)  # the ack closes it
        await self.fake.until(lambda: len(self.fake.called("chat.postEphemeral")) > posted)
        return self.fake.called("chat.postEphemeral")[-1]

    async def wrapup(self) -> Wrapup | None:
        club = await self.core.store.club(Scope("slack", "T0CLUB"), CHANNEL)
        assert club is not None
        return (await self.core.store.club_wrapups(club.id) or (None,))[-1]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(library: Library, tmp_path_factory: pytest.TempPathFactory
                ) -> AsyncIterator[World]:
    db = tmp_path_factory.mktemp("slack-wrapup") / "club.db"
    async with started(library, db, lambda: MONDAY_NOON) as (fake, bot, core, url):
        world = World(fake, bot, core, url)
        await world.run("/club create novel")
        for member in (SAM, ANN):
            await world.run("/club join", user=member)
        yield world


async def test_reaching_the_end_posts_the_card_in_the_channel(world: World) -> None:
    ack = await world.run("/club progress book 23")
    assert ack["response_type"] == "in_channel"
    assert "The club has reached the end" in json.dumps(ack)
    world.card = ack["blocks"]


async def test_the_button_opens_a_modal_and_the_answer_is_ephemeral(world: World) -> None:
    view = await world.form(SAM)
    assert view["type"] == "modal" and len(view["title"]["text"]) <= 24
    blocks = [b for b in view["blocks"] if b["type"] == "input"]
    assert [b["block_id"] for b in blocks] == ["finished", "rating", "line", "named"]
    assert [b["optional"] for b in blocks] == [False, False, True, True]
    posted = await world.submit(SAM, finished="finished", rating="5",
                                line="Haunting <!channel>", named="named")
    assert posted["channel"] == CHANNEL and posted["user"] == SAM
    assert "Finished, 5 of 5" in json.dumps(posted) and ", named" in json.dumps(posted)
    wrapup = await world.wrapup()
    assert wrapup is not None and wrapup.answer_of(SAM) is not None
    # The same submission delivered again (a Slack retry) is carried out once.
    posted_before = len(world.fake.called("chat.postEphemeral"))
    status, _ = await world.fake.submit_view(world.url, world.fake.views[-1],
                                             {"finished": "didnt", "rating": "1"}, user=SAM)
    await world.bot.delivery.settle()
    assert status == 200 and len(world.fake.called("chat.postEphemeral")) == posted_before
    again = await world.wrapup()
    assert again is not None and again.answer_of(SAM) == wrapup.answer_of(SAM)


async def test_bad_answers_strangers_and_members_closing_change_nothing(world: World) -> None:
    nine = await world.submit(ANN, finished="finished", rating="9")
    assert "RATING must be from 1 to 5, not 9" in json.dumps(nine) and nine["user"] == ANN
    stranger = await world.submit(STRANGER, finished="partly", rating="3")
    assert "Only members of this club" in json.dumps(stranger)
    closing = await world.run("/club wrapup close", user=SAM)
    assert closing["response_type"] == "ephemeral" and "Only a host" in json.dumps(closing)
    wrapup = await world.wrapup()
    assert wrapup is not None and wrapup.open and len(wrapup.answers) == 1


async def test_a_typed_answer_then_the_close_and_history(world: World) -> None:
    typed = await world.run("/club wrapup answer partly 3 slow in the middle", user=ANN)
    assert typed["response_type"] == "ephemeral" and "Partly read, 3 of 5" in json.dumps(typed)
    closed = await world.run("/club wrapup close")
    assert closed["response_type"] == "in_channel"
    said = json.dumps(closed)
    assert "4.0 of 5 from 2" in said and "slow in the middle" in said
    assert "<@USAM>" in said  # sam chose to be named; ann did not
    assert "UANN" not in said
    assert "<!channel>" not in said  # the typed mention is gone from the line
    history = await world.run("/club history", user=SAM)
    assert "rated 4.0 of 5 by 2 (1 finished, 1 partly read)" in json.dumps(history)
