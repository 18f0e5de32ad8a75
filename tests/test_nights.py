"""Discussion nights through the real core, the real scheduler and SQLite on a file, with a
clock the tests move: scheduling, RSVPs, reminders (across restarts and clock changes), the
night itself and the recap. The console test at the end runs a whole night as a user would."""

from __future__ import annotations

import io
import random
import re
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.console import Console
from bot.app import open_core
from bot.core.clubs import Scope
from bot.core.content import Content
from bot.core.content.model import Depth
from bot.core.effects import Effect, InThread, NightChanged, OpenThread
from bot.core.nights import NightStatus
from bot.core.reply import Kind, Reply
from bot.core.scheduler import Notice, Scheduler
from bot.core.service import Core
from bot.core.timeline import Progress
from tests.conftest import CONSOLE, W, flat, say
from tests.fakes.clock import Clock

LONDON, NEW_YORK = "Europe/London", "America/New_York"


class Recorder:
    """A courier that keeps what it was asked to post."""

    def __init__(self) -> None:
        self.notices: list[Notice] = []
        self.effects: list[Effect] = []
        self.fail = False

    async def ready(self) -> None:
        return None

    async def deliver(self, notice: Notice) -> None:
        if self.fail:
            raise ConnectionError("the platform is down")
        self.notices.append(notice)

    async def apply(self, scope: Scope, effects: Sequence[Effect]) -> None:
        self.effects.extend(effects)

    def take(self) -> list[Notice]:
        out, self.notices = self.notices, []
        return out


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2027, 1, 4, 12, 0, tzinfo=UTC))  # a Monday


@pytest.fixture
async def night_core(pack: Content, store_url: str, clock: Clock) -> AsyncIterator[Core]:
    # On each store (conftest.py): nights, RSVPs and the scheduler through the whole core.
    async with open_core(store_url, content=pack, rng=random.Random(3),
                         clock=clock) as core:
        yield core


async def ok(core: Core, text: str, **kw: object) -> Reply:
    reply = await say(core, text, **kw)  # type: ignore[arg-type]
    assert reply.kind is Kind.OK, (text, flat(reply))
    return reply


async def refused(core: Core, text: str, **kw: object) -> str:
    reply = await say(core, text, **kw)  # type: ignore[arg-type]
    assert reply.kind is Kind.ERROR, (text, flat(reply))
    assert "Traceback" not in flat(reply)
    return flat(reply)


def scheduler(core: Core) -> tuple[Scheduler, Recorder]:
    courier = Recorder()
    return Scheduler(core.deps, "console", courier), courier


async def club(core: Core, tz: str = LONDON, channel: str = "general") -> None:
    await ok(core, f"/club create both {tz}", channel=channel)
    await ok(core, "/club join", user="sam", channel=channel)


def night_id(reply: Reply) -> int:
    found = re.search(r"Night #(\d+)", reply.title or "")
    assert found, reply.title
    return int(found[1])


# -- scheduling ------------------------------------------------------------------------------


async def test_schedule_reads_plain_words_in_the_clubs_zone(night_core: Core) -> None:
    await club(night_core, NEW_YORK)
    reply = await ok(night_core, '/session schedule novel 9 at friday 19:30 "Part One" weekly')
    night = await night_core.store.night(night_id(reply))
    assert night is not None
    assert night.wall.iso() == "2027-01-08T19:30" and night.wall.tz == NEW_YORK
    assert night.wall.instant() == datetime(2027, 1, 9, 0, 30, tzinfo=UTC)
    assert night.title == "Part One" and night.repeat.value == "weekly"  # type: ignore[union-attr]
    assert night.target.novel == 9
    # Shown as a native time token, which each adapter renders for each reader.
    assert f"<t:{night.wall.timestamp()}|Fri 8 Jan 2027, 19:30 EST>" in flat(reply)
    assert any(isinstance(e, NightChanged) for e in reply.effects)
    for words, local in (("2027-02-05 20:00", "2027-02-05T20:00"),
                         ("in 2 hours", "2027-01-04T09:00"),  # 14:00 UTC in New York
                         ("tomorrow 8pm", "2027-01-05T20:00")):
        made = await ok(night_core, f"/session schedule part 2 at {words}")
        got = await night_core.store.night(night_id(made))
        assert got is not None and got.wall.iso() == local, words
        assert got.target.novel == 17


@pytest.mark.parametrize(("target", "novel", "film"), [
    ("novel 9", 9, None), ("chapter 12", 12, None), ("part 1", 9, None), ("part three", 23, None),
    ("film 45", None, 45), ("film 1:10", None, 70), ("the cottages", None, 59),
    ("hailsham", None, 29), ("1994", None, 103),
    # `film` and the stretch's one word: a name, not a minute
    ("film 1994", None, 103), ("film hailsham", None, 29)])
async def test_targets(night_core: Core, target: str, novel: int | None,
                       film: int | None) -> None:
    await club(night_core)
    reply = await ok(night_core, f"/session schedule {target} at friday 19:30")
    night = await night_core.store.night(night_id(reply))
    assert night is not None and (night.target.novel, night.target.film) == (novel, film)


@pytest.mark.parametrize(("line", "says"), [
    ("/session schedule novel 9 at yesterday 19:00", "already passed"),
    ("/session schedule novel 9 at 2027-02-30 19:00", "not a date"),
    ("/session schedule novel 9 at 03/04 19:00", "two ways"),
    ("/session schedule novel 9 at friday", "no time of day"),
    ("/session schedule novel 9 at 2027-03-28 01:30", "clocks go forward"),
    ("/session schedule novel 9 at 2027-10-31 01:30", "happens twice"),
    ("/session schedule novel 9 at blorp 19:30", "can't read"),
    ("/session schedule novel 9 at friday 19:30 \"" + "x" * 90 + "\"", "too long"),
    ("/session schedule novel 9 at 2031-01-01 19:00", "two years"),
    ("/session schedule novel 99 at friday 19:30", "23 chapters"),
    ("/session schedule part 7 at friday 19:30", "three parts"),
    ("/session schedule film 0 at friday 19:30", "at least one"),
    ("/session schedule the kitchen at friday 19:30", "don't know the target"),
    ("/session schedule novel 9 friday 19:30", "with `at`"),
    ("/session show 99", "no night #99"),
    ("/session rsvp sure", "must be one of"),
    ("/session cancel 12345678901234", "from 1 to"),
    ("/session next", "No night is running"),
    ("/session start", "no night scheduled"),
])
async def test_bad_input_is_answered_and_changes_nothing(night_core: Core, line: str,
                                                         says: str) -> None:
    await club(night_core)
    text = await refused(night_core, line)
    assert says.lower() in text.lower()
    club_now = await night_core.store.club(CONSOLE, "general")
    assert club_now is not None
    assert await night_core.store.club_nights(club_now.id, tuple(NightStatus)) == ()


async def test_hostile_titles_are_plain_words(night_core: Core) -> None:
    await club(night_core)
    reply = await ok(night_core, '/session schedule novel 9 at friday 19:30 '
                                 '"@everyone <!channel> <t:1|fake> **loud** ' + "x" * 30 + '"')
    night = await night_core.store.night(night_id(reply))
    assert night is not None and night.title is not None
    assert not set("<>@*|") & set(night.title) and len(night.title) <= 80


async def test_a_night_of_another_club_is_not_found(night_core: Core) -> None:
    await club(night_core, channel="general")
    await club(night_core, channel="other")
    reply = await ok(night_core, "/session schedule novel 9 at friday 19:30", channel="other")
    other = night_id(reply)
    assert "no night" in await refused(night_core, f"/session cancel {other}")
    assert "no night" in await refused(night_core, f"/session rsvp going {other}", user="sam")
    assert (await night_core.store.night(other)).status is NightStatus.SCHEDULED  # type: ignore[union-attr]


async def test_members_cannot_run_host_commands(night_core: Core) -> None:
    await club(night_core)
    night = night_id(await ok(night_core, "/session schedule novel 9 at friday 19:30"))
    for line in ("/session schedule novel 3 at friday 19:30", f"/session start {night}",
                 f"/session cancel {night}", f"/session edit {night} at saturday 19:00",
                 "/club reminders off", "/club archive", "/club timezone UTC"):
        assert "Only a host" in await refused(night_core, line, user="sam"), line
    await ok(night_core, "/session start")
    for line in ("/session next", "/session skip", "/session end"):
        assert "Only a host" in await refused(night_core, line, user="sam"), line
    running = await night_core.store.night(night)
    assert running is not None and running.status is NightStatus.RUNNING
    assert await night_core.store.night_prompts(night) == ()


async def test_rsvp_counts_and_changes(night_core: Core) -> None:
    await club(night_core)
    night = night_id(await ok(night_core, "/session schedule novel 9 at friday 19:30"))
    await ok(night_core, "/session rsvp going", user="sam")
    await ok(night_core, f"/session rsvp maybe {night}", user="kim")
    reply = await ok(night_core, "/session rsvp no", user="lee")
    assert reply.visibility.value == "private"
    assert "1 going · 1 maybe · 1 can't come" in flat(reply)
    reply = await ok(night_core, "/session rsvp going", user="lee")  # changed their mind
    assert "2 going · 1 maybe · 0 can't come" in flat(reply)
    shown = await ok(night_core, f"/session show {night}")
    assert "2 going · 1 maybe · 0 can't come" in flat(shown)
    labels = [a.label for a in shown.actions]
    assert labels == ["Going", "Maybe", "Can't come", "Remind me"]
    assert all(a.private for a in shown.actions)


async def test_edit_moves_the_night_and_its_reminders(night_core: Core, clock: Clock) -> None:
    await club(night_core)
    night = night_id(await ok(night_core, "/session schedule novel 9 at friday 19:30"))
    await ok(night_core, f'/session edit {night} at saturday 18:00 title "Moved" target part 2')
    moved = await night_core.store.night(night)
    assert moved is not None and moved.wall.iso() == "2027-01-09T18:00"
    assert moved.title == "Moved" and moved.target.novel == 17
    ticker, courier = scheduler(night_core)
    clock.local("2027-01-07 19:30", LONDON)  # a day before the old time: nothing
    assert await ticker.tick() == 0
    clock.local("2027-01-08 18:00", LONDON)
    assert await ticker.tick() == 1
    assert "Moved" in flat(courier.take()[0].reply)


async def test_cancel_keeps_a_series_going_unless_told(night_core: Core) -> None:
    await club(night_core)
    first = night_id(await ok(night_core, "/session schedule novel 9 at friday 19:30 weekly"))
    reply = await ok(night_core, f"/session cancel {first}")
    club_now = await night_core.store.club(CONSOLE, "general")
    assert club_now is not None
    upcoming = await night_core.store.club_nights(club_now.id, (NightStatus.SCHEDULED,))
    assert [n.wall.iso() for n in upcoming] == ["2027-01-15T19:30"]
    assert f"/session cancel {upcoming[0].id} series" in flat(reply)
    await ok(night_core, f"/session cancel {upcoming[0].id} series")
    assert await night_core.store.club_nights(club_now.id, (NightStatus.SCHEDULED,)) == ()
    assert "cancelled now" in await refused(night_core, f"/session cancel {first}")


# -- reminders -------------------------------------------------------------------------------


async def test_reminders_24h_and_1h_in_the_channel_and_privately(
        night_core: Core, clock: Clock) -> None:
    await club(night_core)
    night = night_id(await ok(night_core, "/session schedule novel 9 at friday 19:30"))
    await ok(night_core, "/session rsvp going", user="sam")
    await ok(night_core, "/session remind on", user="sam")
    await ok(night_core, "/session rsvp going", user="kim")  # no private reminder asked for
    ticker, courier = scheduler(night_core)
    clock.local("2027-01-07 19:29", LONDON)
    assert await ticker.tick() == 0 and courier.take() == []
    clock.local("2027-01-07 19:30", LONDON)
    assert await ticker.tick() == 1
    sent = courier.take()
    assert [(n.channel, n.to) for n in sent] == [("general", None), ("general", "sam")]
    assert "tomorrow" in flat(sent[0].reply) and f"Night #{night}" in flat(sent[0].reply)
    assert sent[1].reply.visibility.value == "private"
    assert await ticker.tick() == 0 and courier.take() == []  # never twice
    clock.local("2027-01-08 18:30", LONDON)
    assert await ticker.tick() == 1
    assert "in an hour" in flat(courier.take()[0].reply)
    clock.local("2027-01-08 19:31", LONDON)
    assert await ticker.tick() == 0


async def test_after_an_outage_only_the_latest_reminder_goes(night_core: Core,
                                                             clock: Clock) -> None:
    await club(night_core)
    await ok(night_core, "/session schedule novel 9 at friday 19:30")
    ticker, courier = scheduler(night_core)
    clock.local("2027-01-08 18:45", LONDON)  # both are due: only "an hour before" is useful
    assert await ticker.tick() == 1
    assert "in 45 minutes" in flat(courier.take()[0].reply)
    assert await night_core.store.next_due("console") is None


async def test_no_reminder_for_a_cancelled_or_started_night(night_core: Core,
                                                            clock: Clock) -> None:
    await club(night_core)
    first = night_id(await ok(night_core, "/session schedule novel 9 at friday 19:30"))
    await ok(night_core, "/session schedule novel 12 at saturday 19:30")
    await ok(night_core, f"/session cancel {first}")
    await ok(night_core, "/session start")  # the second, early
    ticker, courier = scheduler(night_core)
    clock.local("2027-01-09 19:00", LONDON)
    assert await ticker.tick() == 0 and courier.take() == []


async def test_a_failed_delivery_is_tried_again(night_core: Core, clock: Clock) -> None:
    await club(night_core)
    await ok(night_core, "/session schedule novel 9 at friday 19:30")
    ticker, courier = scheduler(night_core)
    clock.local("2027-01-07 19:30", LONDON)
    courier.fail = True
    assert await ticker.tick() == 0
    courier.fail = False
    assert await ticker.tick() == 1
    assert len(courier.take()) == 1


async def test_club_reminder_hours_apply_to_scheduled_nights(night_core: Core,
                                                             clock: Clock) -> None:
    await club(night_core)
    await ok(night_core, "/session schedule novel 9 at friday 19:30")
    reply = await ok(night_core, "/club reminders 2")
    assert "1 scheduled night follow" in flat(reply)
    ticker, _courier = scheduler(night_core)
    clock.local("2027-01-07 19:30", LONDON)
    assert await ticker.tick() == 0
    clock.local("2027-01-08 17:30", LONDON)
    assert await ticker.tick() == 1
    await ok(night_core, "/club reminders off")
    await ok(night_core, "/session schedule novel 12 at saturday 19:30")
    clock.local("2027-01-09 19:00", LONDON)
    assert await ticker.tick() == 0


async def test_restart_at_the_due_time_neither_loses_nor_repeats(
        pack: Content, store_url: str, clock: Clock) -> None:
    db = store_url  # a file, or a database on the test server: the restart is the same
    async with open_core(db, content=pack, clock=clock) as core:
        await club(core)
        await ok(core, "/session schedule novel 9 at friday 19:30")
        await ok(core, "/session schedule novel 12 at saturday 19:30")
    clock.local("2027-01-07 19:30", LONDON)  # the first night's 24 h reminder fell due while down
    async with open_core(db, content=pack, clock=clock) as core:
        ticker, courier = scheduler(core)
        assert await ticker.recover() == 0
        assert await ticker.tick() == 1
    async with open_core(db, content=pack, clock=clock) as core:  # restarted again at once
        ticker, courier = scheduler(core)
        assert await ticker.recover() == 0 and await ticker.tick() == 0
        clock.local("2027-01-08 18:30", LONDON)
        # A crash after claiming the first night's 1 h reminder, before it went out:
        claimed = await core.store.claim_due("console", int(clock().timestamp()),
                                             worker=ticker.worker, lease=ticker.lease)
        assert [d.hours for d in claimed] == [1]
    async with open_core(db, content=pack, clock=clock) as core:
        # Another worker leaves the claim alone while its lease lasts...
        other = Scheduler(core.deps, "console", Recorder(), worker="another-worker")
        assert await other.recover() == 0 and await other.tick() == 0
        # ...and the same worker, restarted, takes it back at once.
        ticker, courier = scheduler(core)
        assert await ticker.recover() == 1
        assert [n.key for n in courier.take()] == [f"r{claimed[0].id}"]
        assert await ticker.tick() == 0 and await ticker.recover() == 0


async def test_a_dead_workers_claim_is_taken_over_once_its_lease_runs_out(
        night_core: Core, clock: Clock) -> None:
    await club(night_core)
    await ok(night_core, "/session schedule novel 9 at friday 19:30")
    clock.local("2027-01-08 18:30", LONDON)
    now = int(clock().timestamp())
    dues = await night_core.store.claim_due("console", now, worker="dead", lease=60)
    assert sorted(d.hours for d in dues) == [1, 24]  # the 24 h one fell due unsent too
    survivor, courier = scheduler(night_core)
    survivor.worker = "survivor"
    assert await survivor.tick() == 0 and await survivor.recover() == 0  # the lease lasts
    clock.local("2027-01-08 18:31", LONDON)  # 60 s later: run out
    assert await survivor.tick() == 1
    assert [n.key for n in courier.take()] == [f"r{d.id}" for d in dues if d.hours == 1]
    assert await survivor.tick() == 0


def _offset(at: datetime, tz: str) -> int:
    delta = at.astimezone(ZoneInfo(tz)).utcoffset()
    assert delta is not None
    return int(delta.total_seconds() // 3600)


@pytest.mark.parametrize(("tz", "before", "after", "offsets"), [
    # Spring forward: 19:30 is 19:30 UTC in winter and 18:30 UTC in summer.
    (LONDON, "2027-03-26 19:30", "2027-04-02 19:30", (0, 1)),
    # Fall back.
    (LONDON, "2027-10-29 19:30", "2027-11-05 19:30", (1, 0)),
    (NEW_YORK, "2027-03-12 19:30", "2027-03-19 19:30", (-5, -4)),
    (NEW_YORK, "2027-11-05 19:30", "2027-11-12 19:30", (-4, -5)),
])
async def test_a_weekly_night_keeps_its_local_time_across_the_clock_change(
        night_core: Core, clock: Clock, tz: str, before: str, after: str,
        offsets: tuple[int, int]) -> None:
    clock.local(before, tz)
    clock.advance(days=-6)
    await club(night_core, tz)
    day = datetime.fromisoformat(before)
    first_id = night_id(await ok(night_core, f"/session schedule novel 9 at "
                                             f"{day:%Y-%m-%d %H:%M} weekly"))
    ticker, courier = scheduler(night_core)
    clock.local(before, tz)
    clock.advance(minutes=1)  # the first night has begun: the series makes the next one
    await ticker.tick()
    club_now = await night_core.store.club(CONSOLE, "general")
    assert club_now is not None
    nights = await night_core.store.club_nights(club_now.id, (NightStatus.SCHEDULED,))
    second = next(n for n in nights if n.id != first_id)
    assert second.wall.iso() == datetime.fromisoformat(after).isoformat(timespec="minutes")
    first = await night_core.store.night(first_id)
    assert first is not None
    assert (_offset(first.wall.instant(), tz), _offset(second.wall.instant(), tz)) == offsets
    assert any(isinstance(e, NightChanged) and e.night.id == second.id for e in courier.effects)
    # Its reminders come at the new local times: 24 h before on the wall clock, 1 h before.
    courier.take()
    clock.local(after, tz)
    clock.advance(days=-1, minutes=-1)
    assert await ticker.tick() == 0
    clock.advance(minutes=1)
    assert await ticker.tick() == 1
    clock.local(after, tz)
    clock.advance(hours=-1, minutes=-1)
    assert await ticker.tick() == 0
    clock.advance(minutes=1)
    assert await ticker.tick() == 1
    assert [n.reply.title for n in courier.take()] == [f"Reminder: Night #{second.id}"] * 2


async def test_a_monthly_night_keeps_its_weekday_of_the_month(night_core: Core,
                                                              clock: Clock) -> None:
    await club(night_core)
    first = night_id(await ok(night_core, "/session schedule novel 9 at 2027-01-07 19:00 "
                                          "monthly"))  # the first Thursday
    await ok(night_core, f"/session cancel {first}")
    club_now = await night_core.store.club(CONSOLE, "general")
    assert club_now is not None
    nights = await night_core.store.club_nights(club_now.id, (NightStatus.SCHEDULED,))
    assert [n.wall.iso() for n in nights] == ["2027-02-04T19:00"]


# -- the night -------------------------------------------------------------------------------


async def _run_night(core: Core, target: str, prompts: int) -> tuple[int, list[str]]:
    night = night_id(await ok(core, f"/session schedule {target} at friday 19:30"))
    started = await ok(core, f"/session start {night}")
    assert any(isinstance(e, OpenThread) for e in started.effects)
    ids: list[str] = []
    for _ in range(prompts):
        reply = await ok(core, "/session next")
        assert any(isinstance(e, InThread) for e in reply.effects)
    for item in await core.store.night_prompts(night):
        ids.append(item.prompt_id)
    await ok(core, "/session end")
    return night, ids


async def test_no_prompt_is_repeated_over_three_nights(night_core: Core, pack: Content) -> None:
    await club(night_core)
    seen: list[str] = []
    for target in ("novel 9", "novel 12", "part 2"):
        _night, ids = await _run_night(night_core, target, 6)
        depths = [pack.prompt(i).depth for i in ids]  # type: ignore[union-attr]
        order = [(Depth.WARM_UP, Depth.DEEP, Depth.DEBATE).index(d) for d in depths]
        assert order == sorted(order), depths  # warm-up, then deep, then debate
        assert order[0] == 0
        seen += ids
    assert len(seen) == len(set(seen)) == 18


async def test_prompts_are_cut_to_the_target_and_skips_go_back(night_core: Core,
                                                               pack: Content) -> None:
    await club(night_core)
    await ok(night_core, "/club progress novel done")  # the club is further on than tonight
    night = night_id(await ok(night_core, "/session schedule novel 5 at friday 19:30"))
    reply = await ok(night_core, "/session start")
    assert "through chapter 5" in flat(reply)
    club_now = await night_core.store.club(CONSOLE, "general")
    assert club_now is not None and club_now.progress.novel == 5  # moved to the target
    for _ in range(5):
        await ok(night_core, "/session next")
        await ok(night_core, "/session skip")
    shown = await night_core.store.night_prompts(night)
    for item in shown:
        prompt = pack.prompt(item.prompt_id)
        assert prompt is not None and prompt.reveal.novel is not None
        assert prompt.reveal.novel <= 5
    used = await night_core.store.used_prompts(club_now.id, W)
    assert {p.prompt_id for p in shown if p.skipped}.isdisjoint(used)
    assert len(shown) == len({p.prompt_id for p in shown})


async def test_a_host_picks_a_theme(night_core: Core, pack: Content) -> None:
    await club(night_core)
    await ok(night_core, "/session schedule novel 23 at friday 19:30")
    await ok(night_core, "/session start")
    for _ in range(3):
        await ok(night_core, "/session next memory")
    club_now = await night_core.store.club(CONSOLE, "general")
    assert club_now is not None
    night = (await night_core.store.club_nights(club_now.id, (NightStatus.RUNNING,)))[0]
    for item in await night_core.store.night_prompts(night.id):
        assert "memory" in pack.prompt(item.prompt_id).themes  # type: ignore[union-attr]


async def test_one_night_at_a_time(night_core: Core) -> None:
    await club(night_core)
    await ok(night_core, "/session schedule novel 9 at friday 19:30")
    second = night_id(await ok(night_core, "/session schedule novel 14 at saturday 19:30"))
    await ok(night_core, "/session start")
    assert "running already" in await refused(night_core, f"/session start {second}")
    club_now = await night_core.store.club(CONSOLE, "general")
    assert club_now is not None and club_now.progress.novel == 9  # the refused start moved nothing
    assert (await night_core.store.night(second)).status is NightStatus.SCHEDULED  # type: ignore[union-attr]


async def test_a_member_further_along_gets_a_deeper_prompt_privately(
        night_core: Core, pack: Content) -> None:
    await club(night_core)
    await ok(night_core, "/session schedule novel 9 at friday 19:30")
    await ok(night_core, "/session start")
    assert "deepest for you" in await refused(night_core, "/session deeper", user="sam")
    await ok(night_core, "/progress novel 20", user="sam")
    reply = await ok(night_core, "/session deeper", user="sam")
    assert reply.visibility.value == "private"
    found = [p for p in pack.prompts if p.text == reply.parts[0].text]
    assert found and not found[0].reveal.visible_at(Progress(9, 0))
    assert found[0].reveal.visible_at(Progress(20, 0))


async def test_recap_and_history(night_core: Core) -> None:
    await club(night_core)
    night, _ids = await _run_night(night_core, "novel 9", 3)
    await ok(night_core, "/session schedule novel 12 at saturday 19:30")
    await ok(night_core, "/session start")
    await ok(night_core, "/session here", user="sam")
    assert "already down" in flat(await ok(night_core, "/session here", user="sam"))
    await ok(night_core, "/session next")
    recap = await ok(night_core, "/session end")
    assert "1 prompt discussed" in flat(recap)
    assert "<@sam>" in flat(recap) and "<@you>" in flat(recap)
    history = await ok(night_core, "/club history")
    text = flat(history)
    assert text.index("covered the novel through chapter 12") < text.index(
        "covered the novel through chapter 9")
    assert "3 prompts · 1 came" in text and "1 prompt · 2 came" in text
    again = await ok(night_core, f"/session show {night}")
    assert again.title == f"Recap: Night #{night}" and "3 prompts discussed" in flat(again)


async def test_archive_cancels_what_is_scheduled_and_keeps_history(night_core: Core,
                                                                   clock: Clock) -> None:
    await club(night_core)
    await _run_night(night_core, "novel 9", 1)
    await ok(night_core, "/session schedule novel 12 at saturday 19:30 weekly")
    reply = await ok(night_core, "/club archive")
    assert "1 scheduled night was cancelled" in flat(reply)
    assert "archived" in await refused(night_core, "/session schedule novel 14 at friday 19:30")
    assert "Night #1" in flat(await ok(night_core, "/club history"))
    ticker, courier = scheduler(night_core)
    clock.local("2027-02-01 12:00", LONDON)
    assert await ticker.tick() == 0 and courier.effects == []  # the series stopped too
    await ok(night_core, "/club reopen")
    await ok(night_core, "/session schedule novel 14 at friday 19:30")


async def test_timezone_setting(night_core: Core) -> None:
    await club(night_core)
    await ok(night_core, "/club timezone America/New_York")
    reply = await ok(night_core, "/session schedule novel 9 at friday 19:30")
    assert "EST" in flat(reply)
    assert "not a time zone" in await refused(night_core, "/club timezone Mars/Olympus")


# -- the console -----------------------------------------------------------------------------


async def test_a_whole_night_on_the_console(pack: Content, tmp_path: Path,
                                            clock: Clock) -> None:
    out = io.StringIO()
    async with open_core(tmp_path / "console.db", content=pack, rng=random.Random(1),
                         clock=clock) as core:
        console = Console(core, out=out, tz=LONDON)

        async def line(text: str) -> str:
            rendered = await console.handle(text)
            assert rendered is not None
            return rendered

        assert "Time zone: Europe/London" in await line("/club create both")  # the host's zone
        await line("@sam /club join")
        scheduled = await line('/session schedule novel 9 at friday 19:30 "Part One"')
        assert "When: Fri 8 Jan 2027, 19:30 GMT" in scheduled
        assert "<t:" not in scheduled
        await line("@sam /session rsvp going")
        await line("@sam /session remind on")
        clock.local("2027-01-07 19:30", LONDON)
        assert await Scheduler(core.deps, "console", console.courier).tick() == 1
        posted = out.getvalue()
        assert "[posted in #general]" in posted and "[privately to @sam]" in posted
        assert "Reminder: Night #1 · Part One" in posted
        clock.local("2027-01-08 19:30", LONDON)
        opened = await line("/session start")
        assert "-- thread opened: #general › Night #1 · Part One --" in opened
        assert "Going: @sam" in opened
        first = await line("/session next")
        assert first.startswith("[in #general › Night #1 · Part One]")
        assert "Prompt 1 · warm-up" in first
        assert "Only a host" in await line("@sam /session end")
        assert "down as here" in await line("@sam /session here")
        await line("/session next")
        recap = await line("/session end")
        assert "Recap: Night #1 · Part One" in recap and "2 prompts discussed" in recap
        assert "Who came (2): @sam, @you" in recap
        assert "-- thread closed: #general › Night #1 · Part One --" in recap
        assert "Night #1 · Part One" in await line("/club history")


# -- found in review -------------------------------------------------------------------------


async def test_a_missed_night_is_passed_over(night_core: Core, clock: Clock) -> None:
    await club(night_core)
    old = night_id(await ok(night_core, '/session schedule novel 3 at friday 19:30 "Old"'))
    new = night_id(await ok(night_core, '/session schedule novel 6 at 2027-01-15 19:30 "New"'))
    clock.local("2027-01-15 12:00", LONDON)  # a week after the first, which nobody started
    listed = flat(await ok(night_core, "/session list"))
    assert f"Night #{new}" in listed and f"Night #{old}" not in listed
    assert f"Night #{new}" in flat(await ok(night_core, "/session rsvp going", user="sam"))
    assert f"Night #{new}" in (await ok(night_core, "/session start")).title  # type: ignore[operator]
    # It can still be named: a host who wants last week's night can have it.
    assert "running already" in await refused(night_core, f"/session start {old}")


async def _series_gone_on(core: Core, clock: Clock) -> tuple[int, Scheduler]:
    """A weekly night nobody started: its time passed and the series made the next one."""
    await club(core)
    first = night_id(await ok(core, "/session schedule novel 9 at friday 19:30 weekly"))
    ticker, _courier = scheduler(core)
    clock.local("2027-01-08 20:00", LONDON)
    await ticker.tick()
    return first, ticker


async def test_cancelling_a_night_whose_series_went_on_makes_no_second(
        night_core: Core, clock: Clock) -> None:
    first, _ticker = await _series_gone_on(night_core, clock)
    await ok(night_core, f"/session cancel {first}")
    club_now = await night_core.store.club(CONSOLE, "general")
    assert club_now is not None
    upcoming = await night_core.store.club_nights(club_now.id, (NightStatus.SCHEDULED,))
    assert [n.wall.iso() for n in upcoming] == ["2027-01-15T19:30"]


async def test_a_night_on_earlier_chapters_gives_the_club_its_progress_back(
        night_core: Core) -> None:
    await club(night_core)
    await ok(night_core, "/club progress novel 15 film 50")
    await ok(night_core, "/session schedule novel 3 at friday 19:30")
    await ok(night_core, "/session start")
    during = await night_core.store.club(CONSOLE, "general")
    assert during is not None and during.progress == Progress(3, 50)
    await ok(night_core, "/session end")
    after = await night_core.store.club(CONSOLE, "general")
    assert after is not None and after.progress == Progress(15, 50)
    # A night further on than the club leaves it there.
    await ok(night_core, "/session schedule novel 18 at saturday 19:30")
    await ok(night_core, "/session start")
    await ok(night_core, "/session end")
    assert (await night_core.store.club(CONSOLE, "general")).progress == Progress(18, 50)  # type: ignore[union-attr]


DEPTH_ORDER = (Depth.WARM_UP, Depth.DEEP, Depth.DEBATE)


async def test_prompts_never_come_back_to_back_or_shallower_when_the_pool_runs_out(
        night_core: Core, pack: Content) -> None:
    # Through chapter 1 there are 17 warm-ups, one deep prompt and one debate.
    await club(night_core, channel="tiny")
    await ok(night_core, "/club create novel", channel="small")
    night = night_id(await ok(night_core, "/session schedule novel 1 at friday 19:30",
                              channel="small"))
    await ok(night_core, "/session start", channel="small")
    depths = []
    for _ in range(3):
        reply = await ok(night_core, "/session next", channel="small")
        depths.append(DEPTH_ORDER.index(Depth(reply.title.rsplit(" · ", 1)[1])))  # type: ignore[union-attr]
    assert depths == [0, 1, 2]
    before = await night_core.store.night_prompts(night)
    for _ in range(2):
        said = await refused(night_core, "/session next", channel="small")
        # Said, not dropped back to a warm-up, and nothing kept.
        assert "as deep as the last one discussed (debate)" in said
        assert await night_core.store.night_prompts(night) == before
    # Skipping the debate leaves the deep prompt the last one discussed: it may come back.
    swapped = await ok(night_core, "/session skip", channel="small")
    assert swapped.title == "Prompt 3 · deep" and "Skipped" in flat(swapped)
    # A skip right at the start has nothing to skip and says so by saying nothing of it.
    await ok(night_core, "/session end", channel="small")
    await ok(night_core, "/session schedule novel 1 at saturday 19:30", channel="small")
    await ok(night_core, "/session start", channel="small")
    first = await ok(night_core, "/session skip", channel="small")
    assert "Skipped" not in flat(first)


async def test_a_theme_does_not_take_the_night_back_to_warm_up(night_core: Core,
                                                               pack: Content) -> None:
    await club(night_core)
    await ok(night_core, "/session schedule novel 23 at friday 19:30")
    await ok(night_core, "/session start")
    for _ in range(5):
        await ok(night_core, "/session next")
    themed = await ok(night_core, "/session next memory")
    assert "warm-up" not in (themed.title or "")


async def test_remind_off_answers_nothing_and_remind_on_needs_going(night_core: Core,
                                                                   clock: Clock) -> None:
    await club(night_core)
    night = night_id(await ok(night_core, "/session schedule novel 9 at friday 19:30"))
    await ok(night_core, "/session remind off", user="sam")
    assert await night_core.store.rsvps(night) == ()
    await ok(night_core, "/session rsvp no", user="kim")
    assert "going" in await refused(night_core, "/session remind on", user="kim")
    clock.local("2027-01-08 19:00", LONDON)  # half an hour before: no reminder is left
    assert "too close" in await refused(night_core, "/session remind on", user="sam")


async def test_an_edit_with_a_time_alone_keeps_the_day(night_core: Core) -> None:
    await club(night_core)
    night = night_id(await ok(night_core, "/session schedule novel 9 at friday 19:30"))
    await ok(night_core, f"/session edit {night} at 20:00")
    moved = await night_core.store.night(night)
    assert moved is not None and moved.wall.iso() == "2027-01-08T20:00"


@pytest.mark.parametrize(("line", "says"), [
    ("/session schedule chapter -1 at friday 19:30", "not -1"),
    ("/session schedule film -5 at friday 19:30", "not -5"),
    ("/session schedule chapter 9.5 at friday 19:30", "9.5"),
    ("/session schedule novel 9 at friday 19:30 EST", "time zone"),
    ("/session schedule novel 9 at friday 19:30 +05:00", "offset"),
    ("/session schedule novel 9 at monday 2027-01-08 19:30", "not a Monday"),
    ("/session schedule novel 9 at 2027-01-08 19:30 next week", "`week`"),
    ("/session schedule novel 9 at 1/13 19:00", "day/month"),
    ("/session schedule novel 9 at in -2 hours", "time from now"),
    ("/club timezone localtime", "not a time zone"),
    ("/club timezone posixrules", "not a time zone"),
    ("/club timezone a`@everyone", "not a time zone"),
])
async def test_more_bad_input(night_core: Core, line: str, says: str) -> None:
    await club(night_core)
    text = await refused(night_core, line)
    assert says in text
    assert "`a`@" not in text  # what is echoed cannot break out of its code span


async def test_titles_in_other_quotes(night_core: Core) -> None:
    await club(night_core)
    for typed, title, at in (("«Part One»", "Part One", "19:30"),
                             ("'Kathy night'", "Kathy night", "20:00"),
                             ("‘Film night’", "Film night", "20:30")):
        night = night_id(await ok(night_core, f"/session schedule novel 9 at friday {at} "
                                              f"{typed}"))
        assert (await night_core.store.night(night)).title == title  # type: ignore[union-attr]


async def test_a_monthly_night_on_a_fifth_week_keeps_to_the_last(night_core: Core) -> None:
    await club(night_core)
    first = night_id(await ok(night_core, "/session schedule novel 9 at 2027-01-29 19:00 "
                                          "monthly"))  # the fifth Friday
    shown = flat(await ok(night_core, f"/session show {first}"))
    assert "monthly, on the last Friday" in shown
    walls = []
    night = await night_core.store.night(first)
    assert night is not None
    wall = night.wall
    for _ in range(4):
        wall = wall.shifted(night.repeat)  # type: ignore[arg-type]
        walls.append(wall.iso()[:10])
    assert walls == ["2027-02-26", "2027-03-26", "2027-04-30", "2027-05-28"]


async def test_a_tick_with_many_failures_ends(night_core: Core, clock: Clock) -> None:
    await club(night_core)
    for minute in range(60):  # more than a claim's batch, all due together
        await ok(night_core, f"/session schedule novel 9 at 2027-02-20 19:{minute:02d}")
    ticker, courier = scheduler(night_core)
    clock.local("2027-02-19 20:00", LONDON)
    courier.fail = True
    assert await ticker.tick() == 0  # it returns, having tried one batch
    courier.fail = False
    assert await ticker.tick() == 60  # and the next tick sends them all, once
    assert await ticker.tick() == 0


async def test_a_failing_private_reminder_does_not_repost_the_channels(
        night_core: Core, clock: Clock) -> None:
    await club(night_core)
    await ok(night_core, "/session schedule novel 9 at friday 19:30")
    await ok(night_core, "/session remind on", user="sam")
    ticker, courier = scheduler(night_core)
    real = night_core.store.member_progress

    async def broken(*args: object) -> Progress:
        raise ConnectionError("the store hiccuped")

    night_core.store.member_progress = broken  # type: ignore[method-assign]
    try:
        clock.local("2027-01-07 19:30", LONDON)
        assert await ticker.tick() == 1
        assert await ticker.tick() == 0
    finally:
        night_core.store.member_progress = real  # type: ignore[method-assign]
    assert [n.to for n in courier.take()] == [None]


async def test_an_edit_while_a_reminder_is_sent_keeps_the_new_one(
        night_core: Core, clock: Clock) -> None:
    await club(night_core)
    night = night_id(await ok(night_core, "/session schedule novel 9 at friday 19:30"))
    clock.local("2027-01-07 19:30", LONDON)
    claimed = await night_core.store.claim_due("console", int(clock().timestamp()))
    await ok(night_core, f"/session edit {night} at saturday 19:30")  # meanwhile
    await night_core.store.finish_reminders([d.id for d in claimed], [])
    ticker, courier = scheduler(night_core)
    clock.local("2027-01-08 19:30", LONDON)
    assert await ticker.tick() == 1
    assert "tomorrow" in flat(courier.take()[0].reply)


async def test_stopping_a_series_after_it_went_on_stops_its_next_night_too(
        night_core: Core, clock: Clock) -> None:
    first, ticker = await _series_gone_on(night_core, clock)
    reply = await ok(night_core, f"/session cancel {first} series")
    assert "stays, once, without repeating" in flat(reply)
    club_now = await night_core.store.club(CONSOLE, "general")
    assert club_now is not None
    [kept] = await night_core.store.club_nights(club_now.id, (NightStatus.SCHEDULED,))
    assert kept.repeat is None
    clock.local("2027-01-15 20:00", LONDON)
    await ticker.tick()  # its time passes too: no third night
    assert [n.id for n in await night_core.store.club_nights(
        club_now.id, (NightStatus.SCHEDULED,))] == [kept.id]
