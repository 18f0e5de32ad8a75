"""No spoiler leaks in pictures: property tests on what a chart and a recap card are given
(their inputs, built by the core for a viewer), over every installed work, many progress
points, spoiler modes, nights and members. Pure: no store, no drawing, so it runs in seconds.

The rules are written out here again, apart from the code: a part, section or film stretch
is named only to a viewer who has reached its start (a stretch from its ``named_from``); a
night's title only to one who has reached its target; the club's point in words only as far
as the viewer has got; members only where the host shows them and they did not opt out, the
rest a count. `off` lifts the gate, as it does for text."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from datetime import datetime

from conftest import MONDAY_NOON, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import load_library
from bot.core.call import Call, Deps, Invocation
from bot.core.chart import build_chart, mark_label, recap_card
from bot.core.clubs import Club, Context, MemberPoint, Scope, SpoilerMode
from bot.core.commands import build_registry
from bot.core.library import Work
from bot.core.nights import Night, NightStatus, Target
from bot.core.pictures import UNREACHED, Chart
from bot.core.reply import Visibility
from bot.core.timeline import Medium, Progress
from bot.core.when import Wall

LIBRARY = load_library(ROOT)
WORKS = list(LIBRARY)
REGISTRY = build_registry()
SCOPE = Scope("test", "pictures")
SECRET = "SECRET-TITLE-{n}"


def _call(work: Work, club: Club, viewer: Progress, mode: SpoilerMode, private: bool) -> Call:
    deps = Deps(LIBRARY, None, REGISTRY, random.Random(1), lambda: MONDAY_NOON,  # type: ignore[arg-type]
                "test")
    ctx = Context(club, ((work.id, viewer),), is_host=False, is_member=True)
    command = REGISTRY.get("club chart")
    assert command is not None
    return Call(deps, Invocation(SCOPE, "room", "viewer"), ctx, command, work,
                Visibility.PRIVATE if private else Visibility.PUBLIC, viewer, mode,
                "you" if private else "the club")


def _club(work: Work, progress: Progress, medium: Medium, mode: SpoilerMode,
          members_on: bool) -> Club:
    return Club(1, SCOPE, "room", medium, work.id, ((work.id, progress),), mode, "Europe/London",
                ("host",), 5, "host", "2027-01-01T00:00:00", chart_members=members_on)


def _night(n: int, work: Work, target: Target) -> Night:
    wall = Wall(datetime(2027, 2, 1 + n % 27, 19, 30), "Europe/London")
    return Night(n, 1, work.id, SECRET.format(n=n), target, wall, None, NightStatus.SCHEDULED,
                 "host")


@st.composite
def scenes(draw: st.DrawFn) -> tuple[Work, Club, Progress, SpoilerMode, bool, list[MemberPoint],
                                      list[Night]]:
    work = draw(st.sampled_from(WORKS))
    end = work.timeline.end
    has_film = work.timeline.film is not None
    medium = draw(st.sampled_from([Medium.BOTH, Medium.NOVEL, Medium.FILM] if has_film
                                  else [Medium.NOVEL]))
    club_point = Progress(draw(st.integers(0, end.novel)), draw(st.integers(0, end.film)))
    mode = draw(st.sampled_from(list(SpoilerMode)))
    private = draw(st.booleans())
    club = _club(work, club_point, medium, mode, draw(st.booleans()))
    # A public chart is cut to the club's progress (on the media it follows); a private one
    # to the viewer's own, which may be behind or ahead of the club.
    viewer = (Progress(draw(st.integers(0, end.novel)), draw(st.integers(0, end.film)))
              if private else club.progress)
    members = [MemberPoint(f"user{i}", draw(st.sampled_from([None, f"Reader {i}", f"m{i}"])),
                           Progress(draw(st.integers(0, end.novel)),
                                    draw(st.integers(0, end.film))), draw(st.booleans()))
               for i in range(draw(st.integers(0, 12)))]
    nights = []
    for n in range(1, draw(st.integers(0, 6)) + 1):
        on_film = has_film and medium is not Medium.NOVEL and (
            medium is Medium.FILM or draw(st.booleans()))
        target = (Target(film=draw(st.integers(1, end.film))) if on_film
                  else Target(novel=draw(st.integers(1, end.novel))))
        nights.append(_night(n, work, target))
    real_mode = SpoilerMode.HIDE if private and mode is SpoilerMode.OFF else mode
    return work, club, viewer, real_mode, private, members, nights


def _words(chart: Chart) -> str:
    return "\n".join((chart.alt, *chart.lines(), chart.hidden_why,
                      *(lane.club_text for lane in chart.lanes),
                      *(m.label for lane in chart.lanes for m in lane.marks),
                      *(n.label for lane in chart.lanes for n in lane.nights),
                      *(s.name or "" for lane in chart.lanes for s in lane.spans)))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenes())
def test_a_chart_names_nothing_past_its_viewer(scene: tuple) -> None:  # type: ignore[type-arg]
    work, club, viewer, mode, private, members, nights = scene
    chart = build_chart(_call(work, club, viewer, mode, private), club, members, nights)
    off = mode is SpoilerMode.OFF
    words = _words(chart)
    timeline = work.timeline
    for lane in chart.lanes:
        seen = viewer.novel if lane.medium == "novel" else viewer.film
        for span in lane.spans:
            start = span.first - 1 if lane.medium == "novel" else next(
                s.named_from for s in timeline.film.stretches  # type: ignore[union-attr]
                if s.first == span.first)
            assert (span.name is not None) == (off or start <= seen), (lane.medium, span)
        for night in lane.nights:
            assert night.reached == (off or night.point <= seen)
            assert (night.label == UNREACHED) != night.reached
    for night in nights:
        point = night.target.novel if night.target.novel is not None else night.target.film
        seen = viewer.novel if night.target.novel is not None else viewer.film
        pattern = re.compile(rf"\b{re.escape(night.title or '')}\b")
        if not off and point is not None and point > seen:
            assert not pattern.search(words), night
    if not off:
        for section in timeline.book.sections:
            if section.named and section.number - 1 > viewer.novel:
                assert not re.search(rf"\b{re.escape(section.name)}\b", words), section.name
        for stretch in timeline.film.stretches if timeline.film else ():
            if stretch.named_from > viewer.film:
                assert not re.search(rf"\b{re.escape(stretch.name)}\b", words), stretch.name


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenes())
def test_members_are_marks_only_where_shown_and_not_private(scene: tuple) -> None:  # type: ignore[type-arg]
    work, club, viewer, mode, private, members, nights = scene
    chart = build_chart(_call(work, club, viewer, mode, private), club, members, nights)
    shown = [m for m in members if club.chart_members and not m.private]
    assert chart.hidden == len(members) - len(shown)
    labels = {mark_label(m.user, m.name) for m in shown}
    kept_off = {mark_label(m.user, m.name) for m in members} - labels
    for lane in chart.lanes:
        assert {mark.label for mark in lane.marks} <= labels
        assert not {mark.label for mark in lane.marks} & kept_off
    if not club.chart_members:
        assert all(not lane.marks for lane in chart.lanes)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenes(), st.data())
def test_a_recap_card_shows_only_prompts_its_readers_may_see(scene: tuple,  # type: ignore[type-arg]
                                                             data: st.DataObject) -> None:
    work, club, viewer, mode, private, _members, nights = scene
    prompts = data.draw(st.lists(st.sampled_from(work.content.prompts), max_size=8,
                                 unique_by=lambda p: p.id))
    night = nights[0] if nights else _night(1, work, Target(novel=1))
    card = recap_card(_call(work, club, viewer, mode, private), night, work.title, prompts, 3)
    off = mode is SpoilerMode.OFF
    for prompt in prompts:
        if not (off or prompt.reveal.visible_at(viewer)):
            assert prompt.text[:40] not in card.alt
    assert card.more + len(card.prompts) == len(prompts)
    point = night.target.novel if night.target.novel is not None else night.target.film
    seen = viewer.novel if night.target.novel is not None else viewer.film
    if not off and point is not None and point > seen:
        assert card.night == UNREACHED and (night.title or "") not in card.alt


def test_labels_are_short_names_or_initials() -> None:
    assert mark_label("sam", None) == "sam"
    assert mark_label("123456789012345678", None) == "member"  # a Discord id is no name
    assert mark_label("U0123ABCD", None) == "member"  # nor a Slack one
    assert mark_label("123", "Alexandra Marsh") == "AM"
    assert mark_label("123", "alexandra.marsh") == "alexandra…"
    assert mark_label("123", "  Jo  ") == "Jo"


def test_a_night_placed_at_its_date_in_the_club_zone() -> None:
    """A night made in London, shown by a club that has since moved to New York's zone."""
    work = LIBRARY.default
    club = replace(_club(work, Progress(9, 0), Medium.BOTH, SpoilerMode.HIDE, False),
                   tz="America/New_York")
    night = _night(3, work, Target(novel=9))  # Thursday 4 February 2027, 19:30 in London
    chart = build_chart(_call(work, club, club.progress, SpoilerMode.HIDE, False), club, (),
                        (night,))
    (mark,) = chart.lanes[0].nights
    assert mark.when == "Thu 4 Feb 14:30" and chart.tz == "America/New_York"
    assert mark.label == "Night #3 · SECRET-TITLE-3" and mark.reached
    assert "Thu 4 Feb 14:30 (America/New_York)" in chart.alt
