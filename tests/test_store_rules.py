"""Rules each store keeps inside its own transactions (the port's docstrings name them): a twin
night is refused, even to two stores racing on one database; a timeline a club takes up or
drops goes back to 0; asking for a reminder answers no RSVP. Every test runs on both stores
(``open_here``, conftest.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.core.clubs import Scope
from bot.core.nights import Answer, DuplicateNight, NightPlan, Target
from bot.core.timeline import Medium, Progress
from bot.core.when import Wall

SCOPE = Scope("discord", "guild-rules")
W = "never-let-me-go"
Opener = Callable[..., Awaitable[Any]]


def plan(film: int = 10, at: str = "2027-01-08T19:30", title: str | None = None) -> NightPlan:
    return NightPlan(title, Target(film=film), Wall(datetime.fromisoformat(at), "UTC"), None,
                     "host", ((1, int(datetime(2027, 1, 8, 18, 30, tzinfo=UTC).timestamp())),), W)


async def test_a_twin_night_is_refused_and_nothing_is_written(open_here: Opener) -> None:
    async with await open_here() as store:
        club = await store.create_club(SCOPE, "c", medium=Medium.BOTH, tz="UTC", host="host",
                                       work=W)
        first = await store.add_night(club.id, plan())
        with pytest.raises(DuplicateNight) as twin:
            await store.add_night(club.id, plan(title="Another name"))
        assert twin.value.night_id == first.id
        other = await store.add_night(club.id, plan(film=11))
        with pytest.raises(DuplicateNight):
            await store.edit_night(other.id, plan(film=10))
        assert (await store.night(other.id)).target == Target(film=11)  # type: ignore[union-attr]
        elsewhere = await store.create_club(SCOPE, "d", medium=Medium.BOTH, tz="UTC",
                                            host="host", work=W)
        await store.add_night(elsewhere.id, plan())  # another club's night is no twin


async def test_two_stores_racing_on_one_file_make_one_night(open_here: Opener) -> None:
    async with await open_here() as first, await open_here() as second:
        club = await first.create_club(SCOPE, "c", medium=Medium.BOTH, tz="UTC", host="host",
                                       work=W)
        results = await asyncio.gather(*(store.add_night(club.id, plan())
                                         for store in (first, second) * 3),
                                       return_exceptions=True)
        made = [r for r in results if not isinstance(r, BaseException)]
        assert len(made) == 1
        assert all(isinstance(r, DuplicateNight) for r in results if r not in made)


@pytest.mark.parametrize(("start", "to", "after"), [
    (Medium.BOTH, Medium.FILM, Progress(0, 30)),  # the novel is dropped
    (Medium.BOTH, Medium.NOVEL, Progress(9, 0)),
    (Medium.FILM, Medium.BOTH, Progress(0, 30)),  # the novel is taken up: from the start
    (Medium.NOVEL, Medium.FILM, Progress(0, 0)),
])
async def test_a_medium_change_resets_the_timelines_it_takes_up_or_drops(
        open_here: Opener, start: Medium, to: Medium, after: Progress) -> None:
    async with await open_here() as store:
        club = await store.create_club(SCOPE, "c", medium=start, tz="UTC", host="host", work=W)
        # Progress on both timelines, as a row written before the rule could have it.
        await store.set_club_progress(club.id, W, novel=9, film=30)
        assert await store.set_club_medium(club.id, to) == after
        changed = await store.club(SCOPE, "c")
        assert changed is not None and changed.medium is to and changed.progress == after


async def test_asking_for_a_reminder_answers_no_rsvp(open_here: Opener) -> None:
    async with await open_here() as store:
        club = await store.create_club(SCOPE, "c", medium=Medium.BOTH, tz="UTC", host="host",
                                       work=W)
        night = await store.add_night(club.id, plan())
        await store.set_remind(night.id, "sam", True)
        await store.rsvp(night.id, "lee", Answer.NO)
        await store.set_remind(night.id, "lee", True)  # said no: not reminded
        rsvps = {r.user: r for r in await store.rsvps(night.id)}
        assert rsvps["sam"].answer is None and rsvps["sam"].remind
        assert rsvps["lee"].answer is Answer.NO and not rsvps["lee"].remind
        assert (await store.night(night.id)).going == 0  # type: ignore[union-attr]
        [due] = await store.claim_due("discord", 2**40)
        assert due.remind == ("sam",)
