"""Discussion nights as values: the target a night discusses up to, the night, its RSVPs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.core.clubs import SpoilerMode, followed
from bot.core.errors import BadInput
from bot.core.timeline import Medium, Progress, ProgressError
from bot.core.when import Repeat, Wall
from bot.core.work import Timeline


class NightStatus(StrEnum):
    SCHEDULED = "scheduled"
    RUNNING = "running"
    ENDED = "ended"
    CANCELLED = "cancelled"


class Answer(StrEnum):
    GOING = "going"
    MAYBE = "maybe"
    NO = "no"


@dataclass(frozen=True, slots=True)
class Target:
    """How far a night discusses: one point on one timeline."""

    novel: int | None = None
    film: int | None = None

    def __post_init__(self) -> None:
        if (self.novel is None) == (self.film is None):
            raise ValueError("a target is a point on exactly one timeline")

    @property
    def progress(self) -> Progress:
        """The target as progress: only its own timeline, so prompts are cut to it alone."""
        return Progress(self.novel or 0, self.film or 0)


_PART_NUMBERS = {"1": 0, "one": 0, "i": 0, "2": 1, "two": 1, "ii": 1, "3": 2, "three": 2,
                 "iii": 2, "4": 3, "four": 3, "iv": 3, "5": 4, "five": 4, "v": 4}
_COUNTS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_BOOK_WORDS = frozenset({"novel", "book", "chapter", "chapters", "ch", "section", "sections"})


def _hint(timeline: Timeline) -> str:
    book = timeline.book
    said = [f"`{book.noun} 3`"]
    if book.parts:
        said.append("`part 2`")
    if timeline.film is not None:
        said += ["`film 45`", "`film 1:10`"]
        # A name that says what happens is a spoiler before its `named_from`: an example is
        # one named from the start (the second, past an opening, where there is one).
        named = [s for s in timeline.film.stretches if s.named_from == 0]
        if named:
            example = named[min(1, len(named) - 1)].name.lower()
            said.append(f"a stretch of the film by name, such as `{example}`")
    return "Say how far the night goes: " + ", ".join(said) + "."


def parse_target(text: str, timeline: Timeline) -> Target:
    target = _parse_target(text, timeline)
    if target.progress.novel == 0 and target.progress.film == 0:
        minute = " or minute" if timeline.film is not None else ""
        raise BadInput(f"A night needs to cover at least one {timeline.book.unit}{minute}.",
                       hint=_hint(timeline))
    return target


def _parse_target(text: str, timeline: Timeline) -> Target:
    # Signs and decimal points stay, so `chapter -1` and `chapter 9.5` are refused as typed.
    words = re.sub(r"[^\w:\s.+-]", " ", text.lower()).split()
    if not words:
        raise BadInput("Say what the night covers.", hint=_hint(timeline))
    head, rest = words[0], words[1:]
    book_words = _BOOK_WORDS | {timeline.book.unit, timeline.book.noun}
    try:
        if head in book_words and rest:
            return Target(novel=timeline.parse_book(" ".join(rest)))
        if head == "film" and len(rest) == 1 and timeline.film is not None:
            try:
                return Target(film=timeline.parse_film(rest[0]))
            except ProgressError:
                if timeline.stretch_named(rest) is None:  # `film NAME`: a one-word stretch
                    raise
    except ProgressError as err:
        raise BadInput(str(err)) from None
    if head == "part" and len(rest) == 1 and timeline.book.parts:
        parts = timeline.book.parts
        index = _PART_NUMBERS.get(rest[0])
        if index is None or index >= len(parts):
            names = ", ".join(f"`part {n}`" for n in range(1, len(parts) + 1))
            count = _COUNTS[len(parts)] if len(parts) < len(_COUNTS) else str(len(parts))
            raise BadInput(f"The {timeline.book.noun} has {count} parts: {names}, not "
                           f"`part {rest[0][:10]}`.")
        return Target(novel=parts[index].last)
    section = timeline.section_named(" ".join(words))
    if section is not None:
        return Target(novel=section)
    stretch = timeline.stretch_named(words)
    if stretch is not None:
        # Through the stretch's last minute: the next one starts on its end minute, and a
        # progress there would already be described by the next stretch's name.
        return Target(film=stretch.last if stretch.last == timeline.minutes else stretch.last - 1)
    shown = " ".join(words)[:40]
    raise BadInput(f"I don't know the target `{shown}`.", hint=_hint(timeline))


@dataclass(frozen=True, slots=True)
class Night:
    id: int
    club_id: int
    work: str  # the work the night is about
    title: str | None
    target: Target
    wall: Wall
    repeat: Repeat | None
    status: NightStatus
    created_by: str
    going: int = 0
    maybe: int = 0
    declined: int = 0
    thread: str | None = None  # the adapter's reference to the night's thread, once open
    started_at: str | None = None
    ended_at: str | None = None

    @property
    def name(self) -> str:
        """`Night #3 · Part One`: safe everywhere (a thread title, an event name)."""
        return f"Night #{self.id}" + (f" · {self.title}" if self.title else "")

    def counts(self) -> str:
        return f"{self.going} going · {self.maybe} maybe · {self.declined} can't come"


@dataclass(frozen=True, slots=True)
class Rsvp:
    user: str
    answer: Answer | None  # None: not answered (asked only for a reminder, or just came)
    remind: bool
    here: bool  # checked in on the night


@dataclass(frozen=True, slots=True)
class NightPrompt:
    seq: int
    prompt_id: str
    skipped: bool


@dataclass(frozen=True, slots=True)
class Due:
    """A reminder whose time has come, with what sending it needs."""

    id: int
    night: Night
    hours: int
    channel: str
    workspace: str
    # Members who asked to be reminded privately (whatever they answered, unless it was no).
    remind: tuple[str, ...]
    # The club's progress and spoiler mode, which cut the channel's reminder; its progress
    # counts only on the media it follows, as a club's does.
    progress: Progress
    mode: SpoilerMode
    medium: Medium

    def __post_init__(self) -> None:
        object.__setattr__(self, "progress", followed(self.progress, self.medium))


@dataclass(frozen=True, slots=True)
class NightPlan:
    """A night to write: what the core worked out (its wall-clock time, its reminders' UTC due
    times as (hours before, unix seconds)), for the store to keep as one transaction."""

    title: str | None
    target: Target
    wall: Wall
    repeat: Repeat | None
    created_by: str
    reminders: tuple[tuple[int, int], ...]
    work: str


class NightTaken(Exception):
    """Another night is running in this club."""

    def __init__(self, running: int) -> None:
        super().__init__(running)
        self.running = running


class DuplicateNight(Exception):
    """The club has a night coming (or running) on the same target at the same time."""

    def __init__(self, night_id: int) -> None:
        super().__init__(night_id)
        self.night_id = night_id


class StaleNight(Exception):
    """The night is gone or no longer in the state the change needs (another host moved it)."""

    def __init__(self, night_id: int, status: NightStatus | None) -> None:
        super().__init__(night_id, status)
        self.night_id = night_id
        self.status = status

