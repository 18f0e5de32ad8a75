"""The two timelines (novel chapters, film minutes), reveal points and reader progress.

Everything here is a pure value: the spoiler engine, the content loader and the store all
speak in these terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

NOVEL_CHAPTERS = 23
FILM_MINUTES = 103

# Part One = 1-9, Part Two = 10-17, Part Three = 18-23 (PRODUCT.md).
NOVEL_PARTS: tuple[tuple[str, int, int], ...] = (
    ("Part One", 1, 9),
    ("Part Two", 10, 17),
    ("Part Three", 18, 23),
)
# Approximate spans (reference/spoiler-timeline.md); minutes are estimates.
FILM_SECTIONS: tuple[tuple[str, int, int], ...] = (
    ("Prologue", 0, 4),
    ("Hailsham 1978", 4, 30),
    ("The Cottages 1985", 30, 60),
    ("1994", 60, FILM_MINUTES),
)


# A section's on-screen name gives its setting away; where the move there is uncertain, the
# name is used only from the latest plausible minute of it (spoiler-timeline.md: the move to
# the Cottages ~0:32-0:42), and before that the viewer is "past" the section before.
SECTION_NAMED_FROM = {"The Cottages 1985": 42}


class Medium(StrEnum):
    """What a club follows, and what a prompt is about."""

    NOVEL = "novel"
    FILM = "film"
    BOTH = "both"


class ProgressError(ValueError):
    """A progress value a person typed that is not a valid point on a timeline."""


@dataclass(frozen=True, slots=True)
class Reveal:
    """Where a piece of content first becomes known.

    ``safe`` content carries no story knowledge and is always visible. Otherwise ``novel`` is the
    chapter that first reveals it and ``film`` the minute that first shows it; ``None`` on a
    timeline means that medium never reveals it.
    """

    novel: int | None = None
    film: int | None = None
    safe: bool = False

    def __post_init__(self) -> None:
        if not self.safe and self.novel is None and self.film is None:
            raise ValueError("story content needs a reveal point on at least one timeline")

    def visible_at(self, progress: Progress) -> bool:
        if self.safe:
            return True
        if self.novel is not None and self.novel <= progress.novel:
            return True
        return self.film is not None and self.film <= progress.film

    def later(self, other: Reveal) -> Reveal:
        """The reveal of something that needs both ``self`` and ``other`` to be known.

        Taking the later point on each timeline is stricter than needing both, which is the
        safe direction: a reveal held back costs little, one given early is what we must avoid.
        """
        if self.safe:
            return other
        if other.safe:
            return self
        return Reveal(novel=_later(self.novel, other.novel), film=_later(self.film, other.film))

    def describe(self) -> str:
        if self.safe:
            return "no spoilers"
        return " or ".join(
            p
            for p in (
                f"chapter {self.novel} of the novel" if self.novel is not None else "",
                f"{format_minute(self.film)} into the film" if self.film is not None else "",
            )
            if p
        )


SAFE = Reveal(safe=True)


def _later(a: int | None, b: int | None) -> int | None:
    if a is None or b is None:
        return None
    return max(a, b)


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a reader is: novel chapters finished (0-23) and film minutes watched (0-103)."""

    novel: int = 0
    film: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.novel <= NOVEL_CHAPTERS:
            raise ValueError(f"novel progress {self.novel} is outside 0-{NOVEL_CHAPTERS}")
        if not 0 <= self.film <= FILM_MINUTES:
            raise ValueError(f"film progress {self.film} is outside 0-{FILM_MINUTES}")

    def describe(self) -> str:
        return f"{describe_novel(self.novel)}; {describe_film(self.film)}"


START = Progress()


def format_minute(minute: int) -> str:
    return f"{minute // 60}:{minute % 60:02d}"


def novel_part(chapter: int) -> str | None:
    for name, first, last in NOVEL_PARTS:
        if first <= chapter <= last:
            return name
    return None


def film_section(minute: int) -> str:
    for name, first, last in FILM_SECTIONS:
        if first <= minute < last:
            return name
    return FILM_SECTIONS[-1][0]


def describe_novel(chapter: int) -> str:
    if chapter == 0:
        return "novel: not started"
    if chapter == NOVEL_CHAPTERS:
        return "novel: finished"
    return f"novel: chapter {chapter} finished ({novel_part(chapter)})"


def describe_film(minute: int) -> str:
    if minute == 0:
        return "film: not started"
    if minute == FILM_MINUTES:
        return "film: finished"
    section = film_section(minute)
    if minute < SECTION_NAMED_FROM.get(section, 0):
        before = next(n for n, _lo, hi in FILM_SECTIONS if hi == next(
            lo for name, lo, _hi in FILM_SECTIONS if name == section))
        return f"film: {format_minute(minute)} watched (past {before})"
    return f"film: {format_minute(minute)} watched ({section})"


_H_MM = re.compile(r"^(\d{1,2}):(\d{1,2})$")
_INT = re.compile(r"^[+-]?\d{1,6}$")


def parse_chapter(text: str) -> int:
    """A novel chapter finished: ``0``-``23``, or ``done``/``finished``."""
    word = text.strip().lower()
    if word in {"done", "finished", "end", "all"}:
        return NOVEL_CHAPTERS
    if not _INT.match(word):
        raise ProgressError(
            f"I need a chapter number from 0 to {NOVEL_CHAPTERS} (or `done`), not `{text.strip()}`."
        )
    chapter = int(word)
    if not 0 <= chapter <= NOVEL_CHAPTERS:
        raise ProgressError(
            f"The novel has {NOVEL_CHAPTERS} chapters: give a number from 0 to {NOVEL_CHAPTERS}, "
            f"not {chapter}."
        )
    return chapter


def parse_minute(text: str) -> int:
    """Film minutes watched: ``MINUTES``, ``H:MM`` or ``done``/``finished``."""
    word = text.strip().lower()
    if word in {"done", "finished", "end", "all"}:
        return FILM_MINUTES
    match = _H_MM.match(word)
    if match:
        hours, minutes = int(match[1]), int(match[2])
        if minutes >= 60:
            raise ProgressError(
                f"`{word}` is not a time: the minutes after the colon go from 00 to 59."
            )
        total = hours * 60 + minutes
    elif _INT.match(word):
        total = int(word)
    else:
        raise ProgressError(
            f"I need the minutes watched as `MINUTES`, `H:MM` or `done` (for example `45` or "
            f"`1:10`), not `{text.strip()}`."
        )
    if not 0 <= total <= FILM_MINUTES:
        raise ProgressError(
            f"The film runs {FILM_MINUTES} minutes ({format_minute(FILM_MINUTES)}): give a time "
            f"from 0 to {FILM_MINUTES}, not {word}."
        )
    return total
