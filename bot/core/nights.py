"""Discussion nights as values: the target a night discusses up to, the night, its RSVPs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.core.clubs import SpoilerMode, followed
from bot.core.errors import BadInput
from bot.core.timeline import (
    FILM_MINUTES,
    FILM_SECTIONS,
    NOVEL_CHAPTERS,
    NOVEL_PARTS,
    Medium,
    Progress,
    ProgressError,
    format_minute,
    novel_part,
    parse_chapter,
    parse_minute,
)
from bot.core.when import Repeat, Wall


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

    def describe(self) -> str:
        if self.novel is not None:
            if self.novel == NOVEL_CHAPTERS:
                return "the whole novel"
            return f"the novel through chapter {self.novel} ({novel_part(self.novel)})"
        assert self.film is not None
        if self.film == FILM_MINUTES:
            return "the whole film"
        # No section name: "The Cottages" is itself a spoiler for a club not yet there.
        return f"the film through {format_minute(self.film)}"


_PART_NUMBERS = {"1": 0, "one": 0, "i": 0, "2": 1, "two": 1, "ii": 1, "3": 2, "three": 2,
                 "iii": 2}
_TARGET_HINT = ("Say how far the night goes: `novel 9`, `part 2`, `film 45`, `film 1:10` or "
                "a film section by name, such as `hailsham`.")


def parse_target(text: str) -> Target:
    target = _parse_target(text)
    if target.progress.novel == 0 and target.progress.film == 0:
        raise BadInput("A night needs to cover at least one chapter or minute.",
                       hint=_TARGET_HINT)
    return target


def _parse_target(text: str) -> Target:
    # Signs and decimal points stay, so `chapter -1` and `chapter 9.5` are refused as typed.
    words = re.sub(r"[^\w:\s.+-]", " ", text.lower()).split()
    if not words:
        raise BadInput("Say what the night covers.", hint=_TARGET_HINT)
    head, rest = words[0], words[1:]
    try:
        if head in {"novel", "book", "chapter", "chapters", "ch"} and len(rest) == 1:
            return Target(novel=parse_chapter(rest[0]))
        if head == "film" and len(rest) == 1:
            return Target(film=parse_minute(rest[0]))
    except ProgressError as err:
        raise BadInput(str(err)) from None
    if head == "part" and len(rest) == 1:
        index = _PART_NUMBERS.get(rest[0])
        if index is None:
            raise BadInput(f"The novel has three parts: `part 1`, `part 2` or `part 3`, not "
                           f"`part {rest[0][:10]}`.")
        return Target(novel=NOVEL_PARTS[index][2])
    wanted = [w for w in words if w not in {"the", "film", "section", "through", "to"}]
    for name, _first, last in FILM_SECTIONS:
        names = name.lower().split()
        if wanted and all(w in names for w in wanted):
            # Through the section's last minute: the next one starts on its end minute, and
            # a progress there would already be described by the next section's name.
            return Target(film=last if last == FILM_MINUTES else last - 1)
    shown = " ".join(words)[:40]
    raise BadInput(f"I don't know the target `{shown}`.", hint=_TARGET_HINT)



@dataclass(frozen=True, slots=True)
class Night:
    id: int
    club_id: int
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

