"""`/club wrapup` on Discord, end to end: the real discord.py client against the fake Discord
(one bot for the module, a real SQLite file). Reaching the end posts the wrap-up's card in the
channel with a button; a click answers with a modal (type 9) whose submission (type 5) the bot
answers privately; bad answers and non-members are refused privately and change nothing; the
host's close posts the aggregate with no mention able to ping; a member cannot close it; and
`/club history` keeps the rating."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from conftest import MONDAY_NOON
from fakes.fake_discord import MANAGE_GUILD, Exchange, buttons, modal_of
from helpers.discord_world import DiscordWorld, started

from bot.core.library import Library

pytestmark = pytest.mark.asyncio(loop_scope="module")

HOST, SAM, ANN, STRANGER = 1, 2, 3, 9


class World(DiscordWorld):
    card: dict[str, Any]

    async def host(self, path: str, **values: Any) -> Exchange:
        return await self.fake.interact(path, user=HOST, permissions=MANAGE_GUILD, **values)

    async def answer(self, user: int, **values: str) -> tuple[dict[str, Any], Exchange]:
        """Click the card's button as ``user`` and submit its modal with ``values``."""
        button = next(b["custom_id"] for b in buttons(self.card)
                      if b["label"] == "Answer privately")
        modal = modal_of(await self.fake.click(self.card, button, user=user))
        return modal, await self.fake.submit(modal, values, user=user)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(library: Library, tmp_path_factory: pytest.TempPathFactory
                ) -> AsyncIterator[World]:
    db = tmp_path_factory.mktemp("discord-wrapup") / "club.db"
    async with started(library, db, lambda: MONDAY_NOON) as (fake, bot, core):
        world = World(fake, bot, core)
        await world.host("club create", medium="novel")
        for member in (SAM, ANN):
            await fake.interact("club join", user=member)
        yield world


async def test_reaching_the_end_posts_the_card_with_its_button(world: World) -> None:
    shown = await world.host("club progress", book="23")
    assert not shown.final_ephemeral()
    assert "The club has reached the end" in shown.texts()
    assert shown.message_id is not None
    world.card = world.fake.messages[shown.message_id]
    assert [b["label"] for b in buttons(world.card)] == ["Answer privately"]


async def test_the_button_opens_a_modal_and_its_answer_is_private(world: World) -> None:
    modal, sent = await world.answer(SAM, finished="finished", rating="4",
                                     line="Loved it @everyone <@3>")
    fields = [c for row in modal["components"] for c in row["components"]]
    assert [f["custom_id"] for f in fields] == ["finished", "rating", "line", "named"]
    assert all(len(f["label"]) <= 45 for f in fields) and len(modal["title"]) <= 45
    assert [f["required"] for f in fields] == [True, True, False, False]
    assert sent.final_ephemeral()
    assert "Finished, 4 of 5" in sent.texts() and "not named" in sent.texts()
    # discord.py keeps no copy of the modal: its submission is understood by its id alone.
    assert not world.bot._connection._view_store._modals
    _modal, again = await world.answer(SAM, finished="partly", rating="3",
                                       line="Sad but right", named="yes")
    assert again.final_ephemeral() and "(changed)" in again.texts()


async def test_bad_answers_and_strangers_are_refused_and_change_nothing(world: World) -> None:
    _m, nine = await world.answer(ANN, finished="finished", rating="9")
    assert nine.final_ephemeral() and "RATING must be from 1 to 5, not 9" in nine.texts()
    _m, odd = await world.answer(ANN, finished="sort of", rating="3")
    assert odd.final_ephemeral() and "`finished`, `partly` or `didnt`" in odd.texts()
    _m, stranger = await world.answer(STRANGER, finished="finished", rating="5")
    assert stranger.final_ephemeral() and "Only members of this club" in stranger.texts()
    closing = await world.fake.interact("club wrapup", user=SAM, action="close")
    assert closing.final_ephemeral() and "Only a host" in closing.texts()
    listed = await world.fake.interact("club wrapup", user=ANN, action="results")
    assert listed.final_ephemeral() and "1 of 3" in listed.texts()
    assert "Sad but right" not in listed.texts()  # no aggregate until it closes


async def test_the_close_posts_the_aggregate_and_history_keeps_it(world: World) -> None:
    _m, ann = await world.answer(ANN, finished="didn't", rating="2")
    assert ann.final_ephemeral()
    closed = await world.host("club wrapup", action="close")
    assert not closed.final_ephemeral()
    said = closed.texts()
    assert "Wrap-up closed: Never Let Me Go" in said and "2.5 of 5 from 2" in said
    assert "“Sad but right” — <@2>" in said  # sam chose to be named
    assert "Loved it" not in said  # replaced by sam's later answer
    response = next(s.body for s in closed.sent if s.path.endswith("/callback"))
    assert response["data"]["allowed_mentions"] == {"parse": []}  # nobody is pinged
    history = await world.fake.interact("club history", user=SAM)
    assert "rated 2.5 of 5 by 2 (1 partly read, 1 didn't read)" in history.texts()
    late = await world.answer(SAM, finished="finished", rating="5")
    assert "no wrap-up open" in late[1].texts()
