"""The reading schedule (`/club schedule`) through the real core, the real scheduler and each
store (conftest.py), with a clock the tests move: a host's plan in words is shown back as a dry
run and set only on confirm; bad input is answered and changes nothing; members see where the
club should be and, privately, where they are, with targets named only once reached; nudges
go a day before each target, once, to members who asked, across a clock change; a shift
moves what is ahead and its nudges; a night comes from a target in one step; the calendar
carries each target."""

from __future__ import annotations

import io
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from bot.adapters.console import Console
from bot.app import open_core
from bot.core.content import Content
from bot.core.nights import NightStatus, Target
from bot.core.pictures import Feed
from bot.core.reply import Kind, Reply, Visibility
from bot.core.scheduler import Scheduler
from bot.core.service import Core
from bot.pictures import file_bytes
from tests.conftest import CONSOLE, W, flat, say
from tests.fakes.clock import Clock
from tests.test_nights import LONDON, Recorder

PLAN = "/club schedule part one by 12 March, part two by 26 March"


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2027, 1, 4, 12, 0, tzinfo=UTC))  # a Monday


@pytest.fixture
async def core(pack: Content, store_url: str, clock: Clock) -> AsyncIterator[Core]:
    async with open_core(store_url, content=pack, rng=random.Random(3), clock=clock) as core:
        for line, user in (("/club create novel Europe/London", "you"), ("/club join", "sam"),
                           ("/club join", "kim")):
            assert (await say(core, line, user=user)).kind is Kind.OK
        yield core


async def ok(core: Core, text: str, **kw: object) -> Reply:
    reply = await say(core, text, **kw)  # type: ignore[arg-type]
    assert reply.kind is Kind.OK, (text, flat(reply))
    return reply


async def points(core: Core, staged: str | None = None) -> list[tuple[Target, str]]:
    club = await core.store.club(CONSOLE, "general")
    assert club is not None
    return [(p.target, p.wall.iso())
            for p in await core.store.reading_schedule(club.id, W, staged=staged)]


async def test_a_plan_is_a_dry_run_until_the_host_confirms(core: Core) -> None:
    dry = await ok(core, PLAN)
    assert dry.visibility is Visibility.PRIVATE
    assert [a.command for a in dry.actions] == ["/club schedule confirm",
                                               "/club schedule cancel"]
    assert "12 Mar 2027, 09:00" in flat(dry) and "chapter 17" in flat(dry)
    assert await points(core) == []
    assert await points(core, staged="you") == [(Target(novel=9), "2027-03-12T09:00"),
                                                (Target(novel=17), "2027-03-26T09:00")]
    done = await ok(core, "/club schedule confirm")
    assert done.visibility is Visibility.PUBLIC and "Reading schedule set" in (done.title or "")
    assert len(await points(core)) == 2 and await points(core, staged="you") == []
    again = await say(core, "/club schedule confirm")
    assert again.kind is Kind.ERROR and "no schedule waiting" in flat(again)
    # A second plan, cancelled, leaves the club's as it was.
    await ok(core, "/club schedule chapter 9 by thursday")
    assert "dropped" in flat(await ok(core, "/club schedule cancel"))
    assert len(await points(core)) == 2


async def test_a_pace_runs_from_the_first_part_not_reached(core: Core) -> None:
    await ok(core, "/club progress novel 10")
    await ok(core, "/club schedule a part a fortnight from monday")
    await ok(core, "/club schedule confirm")
    assert await points(core) == [(Target(novel=17), "2027-01-18T09:00"),
                                  (Target(novel=23), "2027-02-01T09:00")]


@pytest.mark.parametrize(("line", "says"), [
    ("part four by friday", "three parts"),
    ("chapter 99 by friday", "not 99"),
    ("chapter 9 by yesterday", "already passed"),
    ("chapter 9 by blurgh", "can't read `blurgh`"),
    ("part two by 12 March, part one by 26 March", "out of order"),
    ("chapter 3 by friday, chapter 5 by friday", "Two targets fall on"),
    ("chapter 9", "as a target and a date"),
    ("a page a week from monday", "can't pace"),
    ("film 1:00 by friday", "follows the novel, so its schedule's targets"),
    ("shift", "how far to move"),
    ("shift 3 eons", "how far to move"),
])
async def test_bad_input_is_answered_and_changes_nothing(core: Core, line: str,
                                                         says: str) -> None:
    await ok(core, PLAN)
    await ok(core, "/club schedule confirm")
    before = await points(core)
    reply = await say(core, f"/club schedule {line}")
    assert reply.kind is Kind.ERROR and says in flat(reply), flat(reply)
    assert "Traceback" not in flat(reply)
    assert await points(core) == before and await points(core, staged="you") == []


async def test_members_are_refused_host_changes_but_see_it(core: Core) -> None:
    await ok(core, PLAN)
    await ok(core, "/club schedule confirm")
    for line in (PLAN, "/club schedule confirm", "/club schedule shift 1 week",
                 "/club schedule clear"):
        reply = await say(core, line, user="sam")
        assert reply.kind is Kind.ERROR and "Only a host" in flat(reply), line
    assert len(await points(core)) == 2
    assert "Target 2" in flat(await ok(core, "/club schedule", user="sam"))
    assert (await ok(core, "/club schedule mine", user="sam")).visibility is Visibility.PRIVATE


async def test_names_are_given_only_to_readers_who_reached_them(core: Core,
                                                                clock: Clock) -> None:
    await ok(core, PLAN)
    await ok(core, "/club schedule confirm")
    await ok(core, "/club progress novel 9")
    await ok(core, "/progress novel 17", user="sam")
    shown = flat(await ok(core, "/club schedule", user="kim"))
    assert "(Part One)" in shown and "Part Two" not in shown and "chapter 17" in shown
    mine = flat(await ok(core, "/club schedule mine", user="sam"))
    assert "(Part Two)" in mine  # sam has read that far: named to sam alone
    clock.local("2027-03-19 12:00", LONDON)  # halfway from part one's day to part two's
    today = flat(await ok(core, "/club schedule"))
    assert "Next target 2" in today and "about chapter 13 today" in today
    assert "That target is reached already" in flat(await ok(core, "/club schedule mine",
                                                              user="sam"))


async def test_nudges_go_once_a_day_before_to_those_who_asked(core: Core,
                                                              clock: Clock) -> None:
    await ok(core, "/club schedule chapter 9 by 2027-03-29, part two by 2027-04-12 19:00")
    await ok(core, "/club schedule confirm")
    await ok(core, "/club schedule remind on", user="sam")
    await ok(core, "/club schedule remind on", user="kim")
    await ok(core, "/club leave", user="kim")  # no longer a member: no nudge
    await ok(core, "/progress novel 9", user="sam")
    courier = Recorder()
    first = Scheduler(core.deps, "console", courier, worker="one")
    second = Scheduler(core.deps, "console", courier, worker="two")
    # 29 March, after the clocks go forward on the 28th: a day before on the wall clock is
    # 09:00 BST on the 28th, 08:00 UTC.
    clock.set(datetime(2027, 3, 28, 7, 59, tzinfo=UTC))
    assert await first.tick() == 0
    clock.set(datetime(2027, 3, 28, 8, 0, tzinfo=UTC))
    assert await first.tick() + await second.tick() == 1
    (notice,) = courier.take()
    assert notice.to == "sam" and notice.reply.visibility is Visibility.PRIVATE
    text = flat(notice.reply)
    assert "target 1" in text and "chapter 9" in text and "there already" in text
    assert await first.tick() == 0 and await second.recover() == 0 and courier.take() == []
    await ok(core, "/club schedule remind off", user="sam")
    clock.set(datetime(2027, 4, 11, 18, 0, tzinfo=UTC))  # 19:00 BST the day before
    assert await first.tick() == 1 and courier.take() == []  # nobody asked any more


async def test_remind_on_is_for_members(core: Core) -> None:
    reply = await say(core, "/club schedule remind on", user="lee")
    assert reply.kind is Kind.ERROR and "/club join" in flat(reply)
    club = await core.store.club(CONSOLE, "general")
    assert club is not None and await core.store.schedule_followers(club.id) == ()


async def test_a_shift_moves_what_is_ahead_and_its_nudges(core: Core, clock: Clock) -> None:
    await ok(core, "/club schedule chapter 5 by 2027-01-11, part one by 2027-01-25")
    await ok(core, "/club schedule confirm")
    await ok(core, "/club schedule remind on", user="sam")
    clock.local("2027-01-12 12:00", LONDON)  # the first target's day has come
    moved = await ok(core, "/club schedule push everything a week")
    assert "1 target still ahead moved" in flat(moved)
    assert await points(core) == [(Target(novel=5), "2027-01-11T09:00"),
                                  (Target(novel=9), "2027-02-01T09:00")]
    courier = Recorder()
    ticker = Scheduler(core.deps, "console", courier)
    clock.local("2027-01-24 09:00", LONDON)  # where the nudge was before the shift
    assert await ticker.tick() == 0
    clock.local("2027-01-31 09:00", LONDON)
    assert await ticker.tick() == 1 and [n.to for n in courier.take()] == ["sam"]
    clock.local("2027-02-02 09:00", LONDON)
    reply = await say(core, "/club schedule shift 1 week")
    assert reply.kind is Kind.ERROR and "nothing to move" in flat(reply)


async def test_a_night_from_a_target_in_one_step(core: Core) -> None:
    await ok(core, PLAN)
    await ok(core, "/club schedule confirm")
    await ok(core, "/session schedule point 2 at thursday 19:30")
    club = await core.store.club(CONSOLE, "general")
    assert club is not None
    (night,) = await core.store.club_nights(club.id, (NightStatus.SCHEDULED,), limit=5)
    assert night.target == Target(novel=17) and night.title == "Schedule target 2"
    missing = await say(core, "/session schedule point 7 at thursday 19:30")
    assert missing.kind is Kind.ERROR and "no target 7" in flat(missing)


async def test_the_calendar_carries_each_target_gated(core: Core) -> None:
    await ok(core, PLAN)
    await ok(core, "/club schedule confirm")
    await ok(core, "/club progress novel 9")

    async def feed() -> dict[str, str]:
        reply = await ok(core, "/club calendar")
        assert isinstance(reply.picture, Feed)
        cal = Calendar.from_ical(file_bytes(reply.picture))
        return {str(e["uid"]): str(e["summary"]) for e in cal.walk("VEVENT")}

    first, again = await feed(), await feed()
    assert first == again and len(first) == 2  # stable UIDs: a re-import replaces
    summaries = sorted(first.values())
    assert "Target 1" in summaries[0] and "(Part One)" in summaries[0]
    assert "Target 2" in summaries[1] and "Part Two" not in summaries[1]
    assert all(uid.startswith("schedule-") for uid in first)


async def test_a_whole_schedule_on_the_console(pack: Content, tmp_path: Path,
                                               clock: Clock) -> None:
    out = io.StringIO()
    async with open_core(tmp_path / "console.db", content=pack, rng=random.Random(1),
                         clock=clock) as core:
        console = Console(core, out=out, tz=LONDON)

        async def line(text: str) -> str:
            rendered = await console.handle(text)
            assert rendered is not None
            return rendered

        await line("/club create novel")
        await line("@sam /club join")
        dry = await line("/club schedule chapter 9 by 2027-01-11, part two by 2027-01-25")
        assert "dry run of 2 targets" in dry and "/club schedule confirm" in dry
        assert "Only a host" in await line("@sam /club schedule confirm")
        assert "Reading schedule set" in await line("/club schedule confirm")
        assert "nudge you privately" in await line("@sam /club schedule remind on")
        assert "You: novel: not started" in await line("@sam /club schedule mine")
        clock.local("2027-01-10 09:00", LONDON)
        assert await Scheduler(core.deps, "console", console.courier).tick() == 1
        posted = out.getvalue()
        assert "[privately to @sam]" in posted and "target 1 tomorrow" in posted
        assert "[posted in #general]" not in posted  # a nudge is for who asked, alone


async def test_a_plan_whose_day_came_while_it_waited_is_not_set(core: Core,
                                                                clock: Clock) -> None:
    await ok(core, "/club schedule chapter 9 by thursday")
    clock.local("2027-01-08 12:00", LONDON)  # Friday: Thursday's target came and went
    reply = await say(core, "/club schedule confirm")
    assert reply.kind is Kind.ERROR and "had its day" in flat(reply)
    assert await points(core) == []
