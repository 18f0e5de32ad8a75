"""A club's reading schedule as values: target points with deadlines, read from a host's words.

A host writes the plan in plain words: a list of `TARGET by WHEN` ("part one by 12 March,
part two by 26 March", "chapter 9 by thursday", "film 1:00 by friday"), or a pace ("a part a
fortnight from monday": the first part is due a fortnight after Monday, the next a fortnight
later, and so on to the end). Targets are read as a night's are (``parse_target``), dates
as a night's time is (``parse_when``, in the club's zone). A deadline without a time of day
is that day at ``DEADLINE_TIME``. Each deadline is kept as a wall-clock time with its zone
name, as nights are, so "a day before" stays a day on the wall clock across a clock change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from bot.core.errors import BadInput
from bot.core.nights import Target, parse_target
from bot.core.timeline import Progress
from bot.core.when import Wall, has_time, parse_when
from bot.core.work import Timeline
from bot.core.zones import zone

DEADLINE_TIME = time(9, 0)  # a deadline given as a day: that morning
NUDGE_HOURS = 24  # a nudge goes out a day (on the wall clock) before each deadline
MOST_POINTS = 40
_EXAMPLE = "part one by 12 March, part two by 26 March"
_PACE = re.compile(
    r"^(?:a|one|each)\s+(?P<unit>\w+(?:\s+(?:section|stretch))?)\s+(?:a|an|every|each|per)\s+"
    r"(?:(?P<count>\d{1,2})\s+)?(?P<period>days?|weeks?|fortnights?)\s+(?:from|starting)\s+"
    r"(?P<start>.+)$", re.I)
_DAYS = {"day": 1, "days": 1, "week": 7, "weeks": 7, "fortnight": 14, "fortnights": 14}


@dataclass(frozen=True, slots=True)
class Point:
    """One target of the schedule: how far the club should be (``target``) by ``wall``."""

    number: int  # 1-based, in date order
    target: Target
    wall: Wall

    def nudge_at(self) -> datetime:
        """When its nudge is due (UTC): a day before on the wall clock."""
        return self.wall.before(NUDGE_HOURS)


@dataclass(frozen=True, slots=True)
class Nudge:
    """A schedule point whose nudge is due, with what sending it needs."""

    id: int
    club_id: int
    channel: str
    workspace: str
    work: str
    point: Point
    followers: tuple[str, ...]  # members who turned schedule reminders on


def parse_plan(text: str, timeline: Timeline, tz: str, now: datetime,
               reached: Progress) -> tuple[Point, ...]:
    """The points a host's words name, in date order, checked; ``reached`` is the club's
    progress (a pace starts from the first part not yet reached)."""
    words = " ".join(text.split())
    if not words:
        raise BadInput("Say what to read by when.", hint=f"For example `{_EXAMPLE}`.")
    pace = _PACE.match(words)
    if pace:
        pairs = _paced(pace, timeline, tz, now, reached)
    else:
        pairs = [_item(item, timeline, tz, now) for item in _items(words)]
    if len(pairs) > MOST_POINTS:
        raise BadInput(f"That is {len(pairs)} targets; a schedule has at most {MOST_POINTS}.",
                       hint="Pace it by parts, or give fewer targets.")
    _check_order(pairs, timeline)
    ordered = sorted(pairs, key=lambda p: p[1].local)
    return tuple(Point(i, target, wall) for i, (target, wall) in enumerate(ordered, 1))


def _items(words: str) -> list[str]:
    items = [i.strip() for i in re.split(r"\s*[,;]\s*|\s+(?:and|then)\s+", words) if i.strip()]
    return items


def deadline(text: str, tz: str, now: datetime) -> Wall:
    """A deadline in words: a day (that morning) or a day and a time."""
    words = text.strip()
    if not has_time(words):
        words = f"{words} {DEADLINE_TIME:%H:%M}"
    return parse_when(words, tz, now)


def _item(item: str, timeline: Timeline, tz: str, now: datetime) -> tuple[Target, Wall]:
    found = re.match(r"^(?P<target>.+?)\s+by\s+(?P<when>.+)$", item, re.I)
    if found is None:
        raise BadInput(f"I can't read `{item[:60]}` as a target and a date.",
                       hint=f"Say each as `TARGET by DATE`, for example `{_EXAMPLE}`.")
    return parse_target(found["target"], timeline), deadline(found["when"], tz, now)


def _paced(pace: re.Match[str], timeline: Timeline, tz: str, now: datetime,
           reached: Progress) -> list[tuple[Target, Wall]]:
    targets = _steps(pace["unit"].lower(), timeline, reached)
    every = timedelta(days=_DAYS[pace["period"].lower()] * int(pace["count"] or 1))
    if not every:
        raise BadInput("A pace needs at least a day between targets.",
                       hint="For example `a part a fortnight from monday`.")
    start = deadline(pace["start"], tz, now - timedelta(days=1))
    # The start may be today; each target is due one step after the one before.
    return [(t, Wall(start.local + every * i, tz)) for i, t in enumerate(targets, 1)]


def _steps(unit: str, timeline: Timeline, reached: Progress) -> list[Target]:
    """The targets a pace walks through, from the first one not yet reached to the end."""
    book = timeline.book
    if unit == "part" and book.parts:
        steps = [Target(novel=p.last) for p in book.parts if p.last > reached.novel]
    elif unit in {book.unit, "chapter", "section"}:
        steps = [Target(novel=n) for n in range(reached.novel + 1, book.count + 1)]
    elif unit in {"film section", "film stretch"} and timeline.film and timeline.film.stretches:
        top = timeline.minutes
        ends = [s.last if s.last == top else s.last - 1 for s in timeline.film.stretches]
        steps = [Target(film=m) for m in ends if m > reached.film]
    else:
        units = ["part"] if book.parts else []
        units.append(book.unit)
        if timeline.film is not None and timeline.film.stretches:
            units.append("film section")
        raise BadInput(f"I can't pace the schedule by `{unit[:30]}`.",
                       hint="Pace it by " + " or ".join(f"`{u}`" for u in units)
                            + f", for example `a {units[0]} a fortnight from monday`.")
    if not steps:
        raise BadInput("The club is already past every target that pace would set.",
                       hint="Set targets by date instead, such as `chapter 9 by friday`.")
    return steps


def _check_order(pairs: list[tuple[Target, Wall]], timeline: Timeline) -> None:
    """On each timeline a later deadline must be further on, and no two targets share a
    day, so the schedule reads one way."""
    for novel in (True, False):
        mine = sorted(((t, w) for t, w in pairs if (t.novel is not None) is novel),
                      key=lambda p: p[1].local)
        for (a, wa), (b, wb) in pairwise(mine):
            if wa.local.date() == wb.local.date():
                raise BadInput(f"Two targets fall on {wa.local:%A} {wa.local.day} "
                               f"{wa.local:%B}.", hint="Give each target its own day.")
            if (a.novel or a.film or 0) >= (b.novel or b.film or 0):
                raise BadInput(f"The targets are out of order: by {wb.local.day} "
                               f"{wb.local:%B} the club would be no further than by "
                               f"{wa.local.day} {wa.local:%B}.",
                               hint="Each deadline's target must be further on than the one "
                                    "before it.")


# -- where the club should be -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a schedule says the club should be on ``today``."""

    done: Point | None  # the last point whose day has come
    next: Point | None  # the first still ahead
    pace: Progress | None  # about how far to be today to reach ``next`` on time


def standing(points: tuple[Point, ...], now: datetime) -> Standing:
    if not points:
        return Standing(None, None, None)
    local_now = now.astimezone(zone(points[0].wall.tz)).replace(tzinfo=None)
    done = [p for p in points if p.wall.local.date() <= local_now.date()]
    ahead = [p for p in points if p.wall.local.date() > local_now.date()]
    last = done[-1] if done else None
    nxt = ahead[0] if ahead else None
    return Standing(last, nxt, _pace(last, nxt, local_now.date()))


def _pace(last: Point | None, nxt: Point | None, today: date) -> Progress | None:
    """Between two deadlines on one timeline, the point to be at today to keep up."""
    if last is None or nxt is None:
        return None
    a, b = last.target, nxt.target
    if (a.novel is None) != (b.novel is None):
        return None
    start, end = last.wall.local.date(), nxt.wall.local.date()
    share = (today - start).days / max(1, (end - start).days)
    if a.novel is not None and b.novel is not None:
        return Progress(novel=a.novel + int((b.novel - a.novel) * share))
    assert a.film is not None and b.film is not None
    return Progress(film=a.film + int((b.film - a.film) * share))


def shifted(points: tuple[Point, ...], by: timedelta, now: datetime) -> tuple[Point, ...]:
    """The points still ahead, each moved ``by`` on the wall clock (19:00 stays 19:00)."""
    return tuple(Point(p.number, p.target, Wall(p.wall.local + by, p.wall.tz))
                 for p in points if p.wall.instant() > now)
