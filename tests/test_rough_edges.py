"""Replies a careless or hostile afternoon found wanting, each from its reproduction, on the
console (through the Console adapter, the real core and SQLite on a file): time-zone names,
clock changes, twin nights, `at at`, prompts that would go shallower, reminders without an
RSVP, the console's UTC, and help as each platform types commands."""

from __future__ import annotations

import random
import re
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters import console as console_adapter
from bot.adapters.console import Console
from bot.app import open_core
from bot.core.clubs import Club, Scope
from bot.core.commands.discuss import fits
from bot.core.content import CardKind, Content
from bot.core.effects import Effect
from bot.core.nights import NightStatus
from bot.core.registry import Form
from bot.core.scheduler import Notice, Scheduler
from bot.core.service import Core, Invocation
from bot.core.timeline import Medium, Progress
from tests.conftest import CONSOLE, flat, say
from tests.fakes.clock import Clock


async def _club(core: Core, channel: str = "general") -> Club:
    club = await core.store.club(CONSOLE, channel)
    assert club is not None
    return club


# -- time zones ----------------------------------------------------------------------------------

async def test_a_zone_typed_in_any_case_is_the_zone(core: Core) -> None:
    console = Console(core)
    made = await console.handle("#uk /club create both europe/london") or ""
    assert "Time zone: Europe/London" in made
    await console.handle("/club create both")
    moved = await console.handle("/club timezone america/new_york") or ""
    assert moved.startswith("== Time zone ==\nNew nights are scheduled in America/New_York.")
    assert (await _club(core)).tz == "America/New_York"


async def test_a_zone_misspelt_gets_the_nearest_and_changes_nothing(core: Core) -> None:
    console = Console(core)
    await console.handle("/club create both UTC")
    said = await console.handle("/club timezone Europe/Londn")
    assert said == ("`Europe/Londn` is not a time zone I know.\n"
                    "Did you mean `Europe/London`?")
    assert (await _club(core)).tz == "UTC"
    assert "Did you mean `Europe/London`?" in (
        await console.handle("#x /club create both london") or "")
    assert await core.store.club(CONSOLE, "x") is None


async def test_a_machine_set_to_utc_makes_clubs_in_utc(
        core: Core, monkeypatch: pytest.MonkeyPatch) -> None:
    import tzlocal

    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: "Etc/UTC")
    assert console_adapter.local_zone() == "UTC"
    made = await Console(core, tz=console_adapter.local_zone()).handle("/club create") or ""
    assert "Time zone: UTC" in made and "Etc/UTC" not in made
    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: "Europe/Paris")
    assert console_adapter.local_zone() == "Europe/Paris"  # any other zone keeps its name
    # Even a console handed the machine's own name for UTC shows the one people know.
    made = await Console(core, tz="Etc/UTC").handle("#other /club create") or ""
    assert "Time zone: UTC" in made


# -- clock changes -------------------------------------------------------------------------------

async def test_a_half_hour_jump_gives_the_first_real_time(core: Core) -> None:
    console = Console(core)
    await console.handle("/club create both Australia/Lord_Howe")
    said = await console.handle("/session schedule novel 9 at 2027-10-03 02:10")
    assert said == ("`2027-10-03 02:10` does not happen in Australia/Lord_Howe: the clocks go "
                    "forward from 02:00 to 02:30 that night.\nPick 02:30 or later.")
    made = await console.handle("/session schedule novel 9 at 2027-10-03 02:30") or ""
    assert "When: Sun 3 Oct 2027, 02:30 +11" in made


async def test_a_past_time_in_a_gap_is_said_as_typed(core: Core) -> None:
    console = Console(core)
    await console.handle("/club create both Australia/Lord_Howe")
    said = await console.handle("/session schedule novel 9 at 2026-10-04 02:10") or ""
    assert said.startswith("`2026-10-04 02:10` is Sun 4 Oct 2026, 02:10 (Australia/Lord_Howe), "
                           "which has already passed.")
    assert "02:40" not in said


# -- twin nights, and `at at` --------------------------------------------------------------------

async def test_a_twin_night_is_refused(core: Core) -> None:
    console = Console(core)
    await console.handle("/club create both Europe/London")
    await console.handle("/session schedule film 10 at friday 19:30")
    said = await console.handle('/session schedule film 10 at friday 19:30 "Again" weekly')
    assert said == ("Night #1 already covers the film through 0:10 at Fri 8 Jan 2027, 19:30 GMT."
                    "\nSee it with `/session show 1`, or change it with `/session edit 1`.")
    await console.handle("/session schedule film 11 at friday 19:30")  # another target
    await console.handle("/session schedule film 10 at friday 20:00")  # another time
    assert "Night #1 already covers" in (await console.handle("/session edit 2 target film 10")
                                         or "")
    assert "Night #1 already covers" in (await console.handle("/session edit 3 at 19:30") or "")
    nights = await core.store.club_nights((await _club(core)).id, (NightStatus.SCHEDULED,))
    assert [(n.target.film, n.wall.iso()) for n in nights] == [
        (10, "2027-01-08T19:30"), (11, "2027-01-08T19:30"), (10, "2027-01-08T20:00")]
    # Cancelled, it is no twin: the night may be scheduled again.
    await console.handle("/session cancel 1")
    assert "Night scheduled" in (await console.handle("/session schedule film 10 at friday 19:30")
                                 or "")


@pytest.mark.parametrize("line", ["/session schedule novel 9 at at friday 19:30",
                                  "/session schedule novel 9 at friday at at 19:30",
                                  "/session schedule novel 9 at at"])
async def test_at_at_is_not_a_time(core: Core, line: str) -> None:
    console = Console(core)
    await console.handle("/club create both")
    said = await console.handle(line) or ""
    assert "`at at` is not a time" in said
    assert await core.store.club_nights((await _club(core)).id, (NightStatus.SCHEDULED,)) == ()


async def test_at_with_nothing_after_it_asks_when(core: Core) -> None:
    console = Console(core)
    await console.handle("/club create both")
    assert (await console.handle("/session schedule novel 9 at") or "").startswith(
        "Say when after `at`.")
    await console.handle("/session schedule novel 9 at friday 19:30")
    assert "`at at` is not a time" in (await console.handle("/session edit 1 at at 20:00") or "")
    assert (await console.handle("/session edit 1 at") or "").startswith(
        "`at` needs a value after it.")


# -- a night never goes shallower ----------------------------------------------------------------

def _themes_at(pack: Content, chapter: int, depth: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for p in pack.prompts:
        if p.reveal.visible_at(Progress(chapter, 0)) and fits(p, Medium.NOVEL):
            for theme in p.themes:
                counts[theme] = counts.get(theme, 0) + (p.depth.value == depth)
    return counts


async def test_a_theme_with_nothing_deep_enough_offers_one_that_has(core: Core,
                                                                    pack: Content) -> None:
    debates = _themes_at(pack, 9, "debate")
    shallow = next(t for t, n in debates.items() if n == 0)  # memory, through chapter 9
    console = Console(core)
    await console.handle("/club create novel")
    await console.handle("/session schedule novel 9 at friday 19:30")
    await console.handle("/session start")
    titles = [(await core.run_text(Invocation(CONSOLE, "general", "you", is_admin=True),
                                   "/session next")).title for _ in range(5)]
    assert titles[-1] == "Prompt 5 · debate"
    said = await console.handle(f"/session next {shallow}") or ""
    name = pack.card(CardKind.THEME, shallow).name
    assert said.startswith(f"No prompt on {name} open at tonight's target is as deep as the "
                           "last one discussed (debate), and prompts don't go back to shallower "
                           "ones.\nThese themes still have one: `/session next ")
    offered = re.findall(r"`/session next ([^`]+)`", said)
    assert offered and shallow not in offered
    for theme in offered:
        card = next(c for c in pack.cards_of(CardKind.THEME) if c.name.lower() == theme)
        assert debates[card.id] > 0
    brought = await console.handle(f"/session next {offered[0]}") or ""
    assert "Prompt 6 · debate" in brought


# -- reminders are not RSVPs ---------------------------------------------------------------------

class _Posts:
    def __init__(self) -> None:
        self.notices: list[Notice] = []

    async def ready(self) -> None:
        return None

    async def deliver(self, notice: Notice) -> None:
        self.notices.append(notice)

    async def apply(self, scope: Scope, effects: Sequence[Effect]) -> None:
        return None


@pytest.fixture
async def ticking(pack: Content, tmp_path: Path) -> AsyncIterator[tuple[Core, Clock]]:
    clock = Clock(datetime(2027, 1, 4, 12, 0, tzinfo=UTC))
    async with open_core(tmp_path / "club.db", content=pack, rng=random.Random(2),
                         clock=clock) as core:
        yield core, clock


async def test_remind_on_without_an_rsvp_answers_nothing_and_says_so(
        ticking: tuple[Core, Clock]) -> None:
    core, clock = ticking
    console = Console(core)
    await console.handle("/club create both UTC")
    await console.handle("/session schedule novel 9 at friday 19:30")
    said = await console.handle("@sam /session remind on") or ""
    assert said.startswith("== Reminders ==\nI'll remind you privately before Night #1 (24 h, "
                           "1 h before). That is not an RSVP: to say you're coming, "
                           "`/session rsvp going 1`.")
    assert "RSVPs: 0 going · 0 maybe · 0 can't come" in (await console.handle("/session show")
                                                         or "")
    await console.handle("@kim /session rsvp maybe")
    assert "You're down as maybe" in (await console.handle("@kim /session remind on") or "")
    await console.handle("@lee /session rsvp no")
    refused = await console.handle("@lee /session remind on") or ""
    assert refused.startswith("You said you can't come to Night #1, so there is nothing to "
                              "remind you of.")
    posts = _Posts()
    clock.set(datetime(2027, 1, 7, 19, 30, tzinfo=UTC))
    assert await Scheduler(core.deps, "console", posts).tick() == 1
    assert [n.to for n in posts.notices] == [None, "kim", "sam"]
    assert "You're going" not in flat(posts.notices[2].reply)
    helped = flat(await say(core, "/help session"))
    assert "A private reminder before a night, separate from your RSVP." in helped


# -- help, as each platform types commands -------------------------------------------------------

async def test_help_is_written_as_each_platform_types_commands(core: Core) -> None:
    console = flat(await say(core, "/help club"))
    assert "`/club progress book 9`, `/club progress film 1:00`" in console
    assert "book:" not in console
    discord = Invocation(Scope("discord", "g1"), "c1", "u1")
    shown = flat(await core.run_text(discord, "/help club"))
    assert "`/club progress [book:<chapter or section>] [film:<minutes>]`" in shown
    assert "For example: `/club progress book:9`, `/club progress film:1:00`, " \
           "`/club progress book:9 film:45`" in shown
    assert "`/club hosts action:add member:@sam`" in shown
    assert "/club progress book 9" not in shown
    listing = flat(await core.run(discord, "help", {}))
    assert "`/progress book chapter:<chapter or section> [work:<work>]`" in listing
    assert "`/session schedule target:<target> when:<when> [title:<title>]" in listing
    assert "for example `/help command:club`" in listing
    # The reply kept for one platform is not handed to the other.
    assert "book:" not in flat(await say(core, "/help club"))


def test_examples_in_discords_form_are_the_options_they_bind_to(core: Core) -> None:
    registry = core.registry
    assert registry.example("/progress film done", Form.OPTIONS) == "/progress film time:done"
    assert registry.example("/progress", Form.OPTIONS) == "/progress show"  # no bare group there
    assert registry.example("/club hosts add @sam", Form.OPTIONS) == (
        "/club hosts action:add member:@sam")
    assert registry.example("/progress film 1:10", Form.WORDS) == "/progress film 1:10"
    # Words that are no one command's are shown as written, never an error in /help.
    assert registry.example("/film", Form.OPTIONS) == "/film"
    assert registry.example("/nonsense x", Form.OPTIONS) == "/nonsense x"
