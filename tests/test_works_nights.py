"""Discussion nights in a club on The Remains of the Day, on the console: targets in its own
sections and minutes, cards and reminders that say its title, the night run on its prompts;
and every declared example answering in such a club. Through the real core over every
installed work, the real scheduler, and SQLite on a file."""

from __future__ import annotations

import random
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.console import render_text
from bot.app import open_core
from bot.core.errors import BadInput
from bot.core.library import Library
from bot.core.nights import NightStatus, parse_target
from bot.core.reply import Kind, Reply
from bot.core.scheduler import Scheduler
from bot.core.service import Core
from bot.core.timeline import Progress
from tests.conftest import CONSOLE, R, say
from tests.fakes.clock import Clock
from tests.test_nights import Recorder

REMAINS = "The Remains of the Day"


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2027, 1, 4, 12, 0, tzinfo=UTC))  # a Monday


@pytest.fixture
async def core(library: Library, tmp_path: Path, clock: Clock) -> AsyncIterator[Core]:
    async with open_core(tmp_path / "club.db", library=library, rng=random.Random(5),
                         clock=clock) as core:
        await ok(core, "/club create both UTC work:remains")
        await ok(core, "/club join", user="sam")
        yield core


async def ok(core: Core, text: str, **kw: object) -> Reply:
    reply = await say(core, text, **kw)  # type: ignore[arg-type]
    assert reply.kind is Kind.OK, (text, render_text(reply))
    return reply


async def refused(core: Core, text: str, **kw: object) -> str:
    reply = await say(core, text, **kw)  # type: ignore[arg-type]
    assert reply.kind is Kind.ERROR, (text, render_text(reply))
    assert "Traceback" not in render_text(reply)
    return render_text(reply)


@pytest.mark.parametrize(("line", "novel", "film", "covers"), [
    ("book 3", 3, None, "The novel through Day Two: Morning"),
    ("day three evening", 6, None, "The novel through Day Three: Evening"),
    ("section prologue", 1, None, "The novel through Prologue"),
    ("novel done", 8, None, "The whole novel"),
    ("film 1:00", None, 60, "The film through 1:00"),
    ("film 2:14", None, 134, "The whole film"),
    ("the conference", None, 54, "The film through 0:54"),
    # `film` and a one-word stretch, as the hint invites: a name, not a minute
    ("film clevedon", None, 124, "The film through 2:04"),
])
async def test_a_night_covers_the_works_own_sections_and_minutes(
        core: Core, line: str, novel: int | None, film: int | None, covers: str) -> None:
    card = await ok(core, f"/session schedule {line} at friday 19:30")
    assert card.work == REMAINS and f"Covers: {covers}" in render_text(card)
    club = await core.store.club(CONSOLE, "general")
    assert club is not None
    (night,) = await core.store.club_nights(club.id, (NightStatus.SCHEDULED,))
    assert (night.work, night.target.novel, night.target.film) == (R, novel, film)
    listed = render_text(await ok(core, "/session list"))
    assert f"covers {covers[:1].lower()}{covers[1:]}" in listed


@pytest.mark.parametrize(("line", "said"), [
    ("book 9", "This novel has 8 sections: Prologue, Day One: Evening"),
    ("part 2", "I don't know the target `part 2`."),  # this novel has no parts
    ("film 2:20", "The film runs 134 minutes (2:14)"),
    ("hailsham", "I don't know the target `hailsham`."),  # the other work's stretch
])
async def test_a_target_outside_the_work_schedules_nothing(core: Core, line: str,
                                                           said: str) -> None:
    assert said in await refused(core, f"/session schedule {line} at friday 19:30")
    club = await core.store.club(CONSOLE, "general")
    assert club is not None
    assert await core.store.club_nights(club.id, (NightStatus.SCHEDULED,)) == ()


def test_a_target_hint_names_no_stretch_before_it_may_be_named(library: Library) -> None:
    """A pack may name a stretch by what happens in it (Remains' "Mr Benn", named from 1:22):
    the hint's example is one named from the start, wherever the pack lists it."""
    remains = library.get(R)
    assert remains is not None and remains.timeline.film is not None
    film = remains.timeline.film
    late = [s for s in film.stretches if s.named_from > 0]
    assert late
    first = replace(film, stretches=(*late, *(s for s in film.stretches if s not in late)))
    for timeline in (remains.timeline, replace(remains.timeline, film=first)):
        with pytest.raises(BadInput) as said:
            parse_target("somewhere", timeline)
        assert not any(s.name.lower() in (said.value.hint or "") for s in late)
        assert "a stretch of the film by name, such as `" in (said.value.hint or "")


async def test_the_hints_schedule_nights_in_the_works_own_range(core: Core) -> None:
    """A hint's example is a command that works here, not in the first work's chapters."""
    empty = render_text(await ok(core, "/session list"))
    example = re.findall(r"`(/session schedule [^`]+)`", empty)
    assert example and "novel 9" not in example[0]
    await ok(core, example[0])
    await ok(core, "/club create novel UTC work:remains", channel="books")
    hint = await refused(core, "/session schedule film 45 at friday 19:30", channel="books")
    example = re.findall(r"`(/session schedule [^`]+)`", hint)
    assert example and "novel 9" not in example[0]
    await ok(core, example[0], channel="books")


@pytest.mark.parametrize("line", ["/session schedule book 3 friday", "/session schedule book 3 at"])
async def test_a_typed_schedule_without_its_time_gives_an_example_in_the_works_range(
        core: Core, line: str) -> None:
    """The words are read before the command knows its work; the hint still fits it."""
    hint = await refused(core, line)
    example = re.findall(r"`(/session schedule [^`]+)`", hint)
    assert example[-1] == "/session schedule book 4 at friday 19:30"  # Remains has 8 sections
    await ok(core, example[-1])
    other = await refused(core, line, channel="elsewhere")  # no club: the default work's
    assert "`/session schedule book 9 at friday 19:30`" in other


async def test_reminders_say_the_works_title_and_its_own_target(core: Core,
                                                                clock: Clock) -> None:
    await ok(core, "/session schedule book 3 at friday 19:30")
    await ok(core, "/session remind on", user="sam")
    courier = Recorder()
    ticker = Scheduler(core.deps, "console", courier)
    clock.local("2027-01-07 19:30", "UTC")
    assert await ticker.tick() == 1
    channel, private = courier.take()
    for notice in (channel, private):
        assert notice.reply.work == REMAINS
        assert "the novel through Day Two: Morning" in render_text(notice.reply)
    assert "; The Remains of the Day; cut to the club's progress" in render_text(channel.reply)
    assert private.to == "sam"


async def test_a_night_runs_on_the_works_prompts_and_progress(core: Core,
                                                              library: Library) -> None:
    remains = library.get(R)
    assert remains is not None
    await ok(core, "/session schedule day two afternoon at friday 19:30")
    started = await ok(core, "/session start")
    assert "Tonight we discuss the novel through Day Two: Afternoon." in render_text(started)
    club = await core.store.club(CONSOLE, "general")
    assert club is not None and club.progress_in(R) == Progress(4, 0)
    for _ in range(3):
        prompt = await ok(core, "/session next")
        assert prompt.work == REMAINS
        text = prompt.parts[-1].text
        found = next(p for p in remains.content.prompts if p.text == text)
        assert found.reveal.visible_at(Progress(4, 0))
    recap = render_text(await ok(core, "/session end"))
    assert "Night #1 discussed the novel through Day Two: Afternoon" in recap
    assert "3 prompts discussed" in recap
    history = render_text(await ok(core, "/club history"))
    assert "covered the novel through Day Two: Afternoon · 3 prompts" in history


async def test_every_declared_example_answers_in_a_remains_club(core: Core,
                                                                library: Library) -> None:
    """The help's examples are in the club's work's own words and range."""
    remains = library.get(R)
    assert remains is not None
    await ok(core, "/club progress book done film done")
    for command in core.registry:
        for line in command.examples_for(remains.info):
            if line.startswith("/club create"):
                continue
            if line.startswith("/questions"):  # a file goes first: test_commands.py has one
                continue
            if line == "/session deeper":  # for members further along than the night
                await ok(core, "/progress book done")
            if line.startswith("/club work"):  # the example moves the club to this work
                assert line == f"/club work {R}"
            user = "kim" if line in ("/club join", "/club leave") else "you"
            reply = await say(core, line, user=user)
            assert reply.kind is Kind.OK, (line, render_text(reply))


def test_an_empty_target_is_refused_in_the_works_own_words(library: Library) -> None:
    with pytest.raises(BadInput, match="at least one section or minute"):
        parse_target("book 0", library.get(R).timeline)  # type: ignore[union-attr]
