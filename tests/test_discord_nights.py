"""Discussion nights on Discord, end to end: the real discord.py client against the fake
Discord, with a clock the test moves and the scheduler ticked by hand.

One bot for the module (and one more, started on the same database, for the restart). The
night is run the way a club would: schedule, buttons, reminders, the thread, prompts, recap.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from conftest import night_thread
from fakes.clock import Clock
from fakes.fake_discord import GUILD_ID, MANAGE_GUILD, Exchange, buttons
from helpers.crashed_worker import LEASE, crash_after_sending, taker
from helpers.discord_world import DiscordWorld, running, scheduler_of, started

from bot.app import open_core
from bot.core.clubs import Scope
from bot.core.content import Content
from bot.core.scheduler import Notice, Scheduler

pytestmark = pytest.mark.asyncio(loop_scope="module")

HOST, MEMBER, OTHER = 1, 2, 3
LONDON = "Europe/London"
SCOPE = Scope("discord", str(GUILD_ID))


@dataclass
class World(DiscordWorld):
    clock: Clock
    db: Path
    scheduler: Scheduler

    async def host(self, path: str, **values: Any) -> Exchange:
        values.setdefault("channel", "nightly")
        return await self.fake.interact(path, user=HOST, permissions=MANAGE_GUILD, **values)

    async def member(self, path: str, user: int = MEMBER, **values: Any) -> Exchange:
        values.setdefault("channel", "nightly")
        return await self.fake.interact(path, user=user, **values)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(pack: Content, tmp_path_factory: pytest.TempPathFactory
                ) -> AsyncIterator[World]:
    clock = Clock(datetime(2027, 1, 4, 12, 0, tzinfo=UTC))  # a Monday
    db = tmp_path_factory.mktemp("discord-nights") / "club.db"
    async with started(pack, db, clock) as (fake, bot, core):
        world = World(fake, bot, core, clock, db, scheduler_of(bot))
        await world.host("club create", timezone=LONDON)
        await world.member("club join")
        yield world




def embed(exchange: Exchange) -> dict[str, Any]:
    return exchange.final_message()["embeds"][0]


def text_of(body: dict[str, Any]) -> str:
    out = []
    for e in body.get("embeds") or []:
        out += [e.get("title") or "", e.get("description") or ""]
        out += [f"{f['name']}: {f['value']}" for f in e.get("fields") or []]
    return "\n".join(out)


def night_of(exchange: Exchange) -> int:
    found = re.search(r"Night #(\d+)", embed(exchange)["title"])
    assert found
    return int(found[1])


def button(message: dict[str, Any], label: str) -> str:
    return next(b["custom_id"] for b in buttons(message) if b["label"] == label)


async def test_a_whole_night_on_discord(world: World) -> None:
    fake, bot = world.fake, world.bot
    nightly = fake.channel("nightly")

    # Scheduled: native timestamps, RSVP buttons, and a scheduled event.
    made = await world.host("session schedule", target="novel 9", when="friday 19:30",
                            title="Part One", repeat="weekly")
    assert not made.final_ephemeral()
    night = night_of(made)
    start = datetime(2027, 1, 8, 19, 30, tzinfo=UTC)  # GMT in January
    stamp = int(start.timestamp())
    card = text_of(made.final_message())
    assert f"<t:{stamp}:F> (<t:{stamp}:R>)" in card and "<t:" not in embed(made)["title"]
    assert [b["label"] for b in buttons(made.final_message())] == [
        "Going", "Maybe", "Can't come", "Remind me"]
    await bot.nights.settle()
    [event] = fake.events.values()
    assert event["name"] == f"Night #{night} · Part One"
    assert event["entity_type"] == 3 and event["privacy_level"] == 2
    assert event["entity_metadata"]["location"] == "#nightly"
    assert datetime.fromisoformat(event["scheduled_start_time"]) == start
    assert "novel through chapter 9" in event["description"]

    # RSVP by button (private answer) and by command; counts follow.
    card_message = fake.messages[made.message_id]  # type: ignore[index]
    going = await fake.click(card_message, button(card_message, "Going"),
                             user=MEMBER, channel="nightly")
    assert going.final_ephemeral() and "You're going" in text_of(going.final_message())
    remind = await fake.click(card_message, button(card_message, "Remind me"),
                              user=MEMBER, channel="nightly")
    assert remind.final_ephemeral() and "remind you privately" in text_of(
        remind.final_message())
    maybe = await world.member("session rsvp", user=OTHER, answer="maybe")
    assert maybe.final_ephemeral()
    assert "1 going · 1 maybe · 0 can't come" in text_of(maybe.final_message())

    # Edited: the event follows.
    await world.host("session edit", night=night, when="friday 20:00")
    await bot.nights.settle()
    moved = datetime(2027, 1, 8, 20, 0, tzinfo=UTC)
    assert datetime.fromisoformat(event["scheduled_start_time"]) == moved

    # Reminders: in the channel with a nonce Discord enforces, and by DM to who asked.
    world.clock.set(moved.replace(day=7))
    assert await world.scheduler.tick() == 1
    posted = [(c, b) for c, b in fake.posts if c == nightly]
    assert len(posted) == 1
    body = posted[0][1]
    assert "Reminder: Night" in text_of(body) and body["enforce_nonce"] is True
    assert body["allowed_mentions"] == {"parse": []}
    dms = [(c, b) for c, b in fake.posts if c in fake.dms]
    assert [fake.dms[c] for c, _ in dms] == [MEMBER]
    assert "components" not in dms[0][1] or not dms[0][1]["components"]
    assert await world.scheduler.tick() == 0

    # A member may not open the night.
    refused = await world.member("session start")
    assert refused.final_ephemeral() and "Only a host" in text_of(refused.final_message())
    assert fake.threads == {}

    # Opened: the agenda is posted, the thread is started from it, the event is active.
    world.clock.set(moved)
    opened = await world.host("session start")
    assert not opened.final_ephemeral()
    await fake.until(lambda: bool(fake.threads))  # started from the answer, once it is sent
    [(thread_id, thread)] = fake.threads.items()
    assert thread["message"] == opened.message_id and thread["parent"] == nightly
    assert thread["name"] == f"Night #{night} · Part One"
    await bot.nights.settle()
    assert event["status"] == 2

    # A prompt asked for in the channel goes to the thread; the host is told privately.
    await night_thread(world.core, SCOPE, str(nightly))  # and kept with the night
    first = await world.host("session next")
    assert first.final_ephemeral() and f"<#{thread_id}>" in text_of(first.final_message())
    await fake.until(lambda: any(c == thread_id for c, _b in fake.posts))  # after the note
    [prompt] = [b for c, b in fake.posts if c == thread_id]
    assert "Prompt 1 · warm-up" in text_of(prompt)
    # The Next button, pressed in the thread, answers there.
    message = next(m for m in fake.messages.values()
                   if m["channel_id"] == str(thread_id) and "Prompt 1" in text_of(m))
    second = await fake.click(message, button(message, "Next prompt"), user=HOST,
                              permissions=MANAGE_GUILD, channel="nightly", thread=thread_id)
    assert not second.final_ephemeral() and "Prompt 2" in text_of(second.final_message())
    refused = await fake.click(message, button(message, "Next prompt"), user=MEMBER,
                               channel="nightly", thread=thread_id)
    assert refused.final_ephemeral() and "Only a host" in text_of(refused.final_message())
    here = await world.member("session here", thread=thread_id)
    assert here.final_ephemeral()

    # Ended: the recap in the channel, the thread told and archived, the event completed.
    recap = await world.host("session end")
    assert not recap.final_ephemeral()
    text = text_of(recap.final_message())
    assert "2 prompts discussed" in text and f"<@{MEMBER}>" in text and f"<@{HOST}>" in text
    await fake.until(lambda: thread["archived"] is True)
    assert "recap is in the channel" in text_of(fake.posts[-1][1])
    await bot.nights.settle()
    assert event["status"] == 3
    history = await world.member("club history")
    assert f"Night #{night} · Part One" in text_of(history.final_message())


async def test_a_cancelled_night_cancels_its_event(world: World) -> None:
    made = await world.host("session schedule", target="part 2", when="2027-02-05 19:00")
    night = night_of(made)
    await world.bot.nights.settle()
    event_id = await world.core.store.get_state(f"discord:event:{night}")
    assert event_id is not None
    # The id is kept a week past the night's start, then expires (no row is kept forever).
    scheduled = await world.core.store.night(night)
    assert scheduled is not None
    with closing(sqlite3.connect(world.db)) as conn:
        [(expires,)] = conn.execute("SELECT expires_at FROM adapter_state WHERE key = ?",
                                    (f"discord:event:{night}",)).fetchall()
    # (The store's expiry runs on the wall clock, the night's time on the world's clock.)
    left = scheduled.wall.instant() + timedelta(days=7) - world.clock()
    assert abs(expires - (time.time() + left.total_seconds())) < 60
    await world.host("session cancel", night=night)
    await world.bot.nights.settle()
    assert world.fake.events[int(event_id)]["status"] == 4


async def test_a_repeated_reminder_is_dropped_by_its_nonce(world: World) -> None:
    before = len(world.fake.posts)
    reply = world.core.error_reply  # any reply will do; the key is what counts
    from bot.core.errors import UserError

    notice = Notice(Scope("discord", str(GUILD_ID)), str(world.fake.channel("nightly")),
                    reply(UserError("A reminder.")), key="r-test")
    await world.bot.nights.deliver(notice)
    await world.bot.nights.deliver(notice)  # the scheduler's retry after a crash
    assert len(world.fake.posts) == before + 1


async def test_a_failed_post_is_tried_again_on_the_next_tick(world: World) -> None:
    await world.host("session schedule", target="novel 12", when="2027-03-05 19:00")
    world.clock.set(datetime(2027, 3, 4, 19, 0, tzinfo=UTC))
    world.fake.fail_posts = True
    try:
        assert await world.scheduler.tick() == 0
    finally:
        world.fake.fail_posts = False
    assert await world.scheduler.tick() == 1


async def test_archiving_a_club_cancels_its_events(world: World) -> None:
    await world.host("club create", channel="archive", timezone="UTC")
    made = await world.host("session schedule", channel="archive", target="novel 3",
                            when="2027-05-07 19:00")
    await world.bot.nights.settle()
    event_id = await world.core.store.get_state(f"discord:event:{night_of(made)}")
    assert event_id is not None
    assert world.fake.events[int(event_id)]["entity_metadata"]["location"] == (
        "the club's channel")  # a channel the bot's cache does not know
    archived = await world.host("club archive", channel="archive")
    assert "1 scheduled night was cancelled" in text_of(archived.final_message())
    await world.bot.nights.settle()
    assert world.fake.events[int(event_id)]["status"] == 4


async def test_a_deleted_thread_does_not_lose_the_prompt(world: World) -> None:
    await world.host("club create", channel="slow", timezone="UTC")
    await world.host("session schedule", channel="slow", target="novel 4",
                     when="2027-06-04 19:00")
    await world.host("session start", channel="slow")
    await world.fake.until(lambda: any(t["parent"] == world.fake.channel("slow")
                                       for t in world.fake.threads.values()))
    thread = next(i for i, t in world.fake.threads.items()
                  if t["parent"] == world.fake.channel("slow"))
    await night_thread(world.core, SCOPE, str(world.fake.channel("slow")))
    world.fake.deleted.add(thread)
    prompt = await world.host("session next", channel="slow")
    await world.fake.until(lambda: len(prompt.shown) == 2)  # the note, then the prompt here
    assert not prompt.final_ephemeral() and "Prompt 1" in text_of(prompt.final_message())


async def test_a_slow_thread_cannot_make_the_answer_late(world: World) -> None:
    await world.host("club create", channel="tagged", timezone="UTC")
    await world.host("session schedule", channel="tagged", target="novel 4",
                     when="2027-06-11 19:00")
    await world.host("session start", channel="tagged")
    await night_thread(world.core, SCOPE, str(world.fake.channel("tagged")))
    thread = next(i for i, t in world.fake.threads.items()
                  if t["parent"] == world.fake.channel("tagged"))
    world.fake.post_delay = 3.2  # longer than Discord's whole deadline
    try:
        asked = await world.host("session next", channel="tagged")
        assert asked.final_ephemeral()  # answered at once (the autouse check: not late)
        await world.fake.until(lambda: any(c == thread for c, _b in world.fake.posts))
    finally:
        world.fake.post_delay = 0.0


async def test_time_zones_are_offered_while_typed(world: World) -> None:
    offered = await world.fake.autocomplete("club timezone", "zone_name", "lond",
                                            user=HOST, channel="nightly")
    assert [c["name"] for c in offered] == ["Europe/London"]
    offered = await world.fake.autocomplete("club create", "timezone", "new_y",
                                            user=HOST, channel="general")
    assert "America/New_York" in [c["value"] for c in offered]
    assert await world.fake.autocomplete("club timezone", "zone_name", "localtime",
                                         user=HOST, channel="nightly") == []


# Last: the fake's gateway then talks to the restarted bot.
async def test_a_restart_at_the_due_time_sends_once(world: World, pack: Content) -> None:
    await world.host("session schedule", target="novel 14", when="2027-04-02 19:00")
    await world.bot.nights.settle()
    world.clock.set(datetime(2027, 4, 2, 17, 0, tzinfo=UTC))  # 1 h before, BST
    before = len(world.fake.posts)
    # A second process on the same database, as after a restart (the first one stays idle).
    async with open_core(world.db, content=pack, clock=world.clock) as core, \
            running(world.fake, core) as again:
        assert await scheduler_of(again).recover() == 0
        assert await scheduler_of(again).tick() == 1
        assert await scheduler_of(again).tick() == 0
    assert await world.scheduler.tick() == 0
    assert len(world.fake.posts) == before + 1


def _message_posts(world: World) -> int:
    return sum(1 for s in world.fake.requests
               if s.method == "POST" and s.path.endswith("/messages"))


async def test_a_retry_after_a_crash_finds_the_posted_reminder_and_posts_nothing(
        world: World) -> None:
    """A worker posts a reminder and dies before marking it; past its lease another worker
    sends it again: the courier finds the message by its stored id and marks it sent, even
    when Discord has forgotten the nonce. A message since deleted is posted again."""
    for day in (7, 14):
        await world.host("session schedule", target="novel 2",
                         when=f"2028-01-{day:02d} 19:00")
    world.clock.set(datetime(2028, 1, 1, 19, 0, tzinfo=UTC))
    await world.scheduler.tick()  # anything else due is out of the way
    world.clock.set(datetime(2028, 1, 6, 19, 0, tzinfo=UTC))  # the first's day before
    await crash_after_sending(world.core.deps, "discord", world.bot.courier)
    posts, sent = len(world.fake.posts), _message_posts(world)
    world.clock.advance(seconds=LEASE + 1)
    world.fake.forget_nonces()
    asked = len(world.fake.requests)
    assert await taker(world.core.deps, "discord", world.bot.courier).tick() == 1
    assert (len(world.fake.posts), _message_posts(world)) == (posts, sent)
    looked = [s for s in world.fake.requests[asked:] if s.method == "GET"]
    assert len(looked) == 1 and "/messages/" in looked[0].path  # by the stored id
    assert await world.scheduler.tick() == 0  # marked sent: nothing is left

    world.clock.set(datetime(2028, 1, 13, 19, 0, tzinfo=UTC))  # the second's day before
    await crash_after_sending(world.core.deps, "discord", world.bot.courier)
    posted = world.fake.posts[-1][1]
    gone = next(m for m in world.fake.messages.values()
                if m.get("embeds") == posted.get("embeds"))
    del world.fake.messages[int(gone["id"])]  # a moderator deleted it
    world.clock.advance(seconds=LEASE + 1)
    world.fake.forget_nonces()
    assert await taker(world.core.deps, "discord", world.bot.courier).tick() == 1
    assert _message_posts(world) == sent + 2
