"""Reveal points and reader progress on the two timelines every work has: the book's sections
(chapters) and the film's minutes. A work's own ranges and names for them are in ``work.py``.

Everything here is a pure value: the spoiler engine, the content loader and the store all
speak in these terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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


SAFE = Reveal(safe=True)


def _later(a: int | None, b: int | None) -> int | None:
    if a is None or b is None:
        return None
    return max(a, b)


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a reader is in one work: book sections finished and film minutes watched (each
    work's timeline says how many there are)."""

    novel: int = 0
    film: int = 0

    def __post_init__(self) -> None:
        if self.novel < 0 or self.film < 0:
            raise ValueError(f"progress ({self.novel}, {self.film}) is below the start")


START = Progress()


def format_minute(minute: int) -> str:
    return f"{minute // 60}:{minute % 60:02d}"
