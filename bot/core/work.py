"""A work's own timeline, as its pack declares it (``work.yaml``): the book's ordered sections
(numbered chapters, or named sections such as a prologue and days), the parts that group them,
and the film, if there is one, with its running time and named stretches.

Everything a reader types about how far they have got is read here, and everything the bot says
about a point in the story ("chapter 7 finished (Part One)", "0:45 watched (past ...)") is
worded here, so that the rest of the code speaks only in numbers: chapters finished and minutes
watched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.timeline import Progress, ProgressError, Reveal, format_minute
from bot.core.words import normalise

DONE_WORDS = frozenset({"done", "finished", "end", "all"})
_CARDINALS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
              "fourteen fifteen sixteen seventeen eighteen nineteen twenty")
_NUMBER_WORDS = {w: n for n, w in enumerate(_CARDINALS.split())} | {
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60}
_ORDINAL_WORDS = ("zeroth first second third fourth fifth sixth seventh eighth ninth tenth "
                  "eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth "
                  "eighteenth nineteenth twentieth")
_ORDINALS = {w: n for n, w in enumerate(_ORDINAL_WORDS.split())}
_H_MM = re.compile(r"^(\d{1,2}):(\d{1,2})$")
_INT = re.compile(r"^[+-]?\d{1,6}$")
_UNIT_WORDS = frozenset({"chapter", "chapters", "ch", "section", "sections", "sec", "part"})
_POINTS = ("chapter", "later_chapter")  # the example names that are points of the book


@dataclass(frozen=True, slots=True)
class Section:
    """One step of a reader's progress through the book: chapter 7, or "Day Two: Morning"."""

    number: int  # 1-based position
    name: str  # what the bot calls it: "chapter 7" or "Day Two: Morning"
    aliases: tuple[str, ...] = ()  # what readers may type for it, beyond its number and name
    named: bool = False  # a named section (the book names it), not just a number


@dataclass(frozen=True, slots=True)
class Part:
    """Sections grouped under a name ("Part One": chapters 1-9)."""

    name: str
    first: int
    last: int


@dataclass(frozen=True, slots=True)
class Stretch:
    """A named stretch of the film, minutes [first, last); its name says where the story is,
    so it is used only from ``named_from`` (the latest plausible minute a viewer knows it)."""

    name: str
    first: int
    last: int
    named_from: int = 0


@dataclass(frozen=True, slots=True)
class Book:
    noun: str  # "novel": what readers call the book ("the novel", "/progress novel")
    unit: str  # "chapter" or "section": one step of progress
    sections: tuple[Section, ...]
    parts: tuple[Part, ...] = ()

    @property
    def count(self) -> int:
        return len(self.sections)


@dataclass(frozen=True, slots=True)
class Film:
    title: str
    year: int
    minutes: int
    stretches: tuple[Stretch, ...] = ()


@dataclass(frozen=True, slots=True)
class Timeline:
    """A work's two timelines. ``film`` is None for a work with no adaptation."""

    book: Book
    film: Film | None

    @property
    def minutes(self) -> int:
        return self.film.minutes if self.film else 0

    @property
    def end(self) -> Progress:
        return Progress(self.book.count, self.minutes)

    def check(self, progress: Progress) -> None:
        if progress.novel > self.book.count or progress.film > self.minutes:
            raise ProgressError(f"{progress} is past the end of this work")

    # -- saying where a point is --------------------------------------------------------
    def part_of(self, number: int) -> str | None:
        return next((p.name for p in self.book.parts if p.first <= number <= p.last), None)

    def section_name(self, number: int) -> str:
        return self.book.sections[number - 1].name

    def describe_book(self, number: int) -> str:
        """`novel: chapter 7 finished (Part One)`: a reader's place in the book."""
        noun = self.book.noun
        if number == 0:
            return f"{noun}: not started"
        if number >= self.book.count:
            return f"{noun}: finished"
        part = self.part_of(number)
        return f"{noun}: {self.section_name(number)} finished" + (f" ({part})" if part else "")

    def stretch_at(self, minute: int) -> Stretch | None:
        if self.film is None or not self.film.stretches:
            return None
        for stretch in self.film.stretches:
            if stretch.first <= minute < stretch.last:
                return stretch
        return self.film.stretches[-1]

    def named_stretch(self, minute: int) -> str | None:
        """The name of the stretch a viewer at ``minute`` is in, or, before that name may be
        said, "past" the last one they may know; None when the film names none."""
        stretch = self.stretch_at(minute)
        if stretch is None:
            return None
        if minute >= stretch.named_from:
            return stretch.name
        assert self.film is not None
        known = [s for s in self.film.stretches if s.last <= stretch.first
                 and minute >= s.named_from]
        return f"past {known[-1].name}" if known else None

    def describe_film(self, minute: int) -> str:
        if self.film is None:
            return "film: none"
        if minute == 0:
            return "film: not started"
        if minute >= self.film.minutes:
            return "film: finished"
        where = self.named_stretch(minute)
        return f"film: {format_minute(minute)} watched" + (f" ({where})" if where else "")

    def describe(self, progress: Progress) -> str:
        parts = [self.describe_book(progress.novel)]
        if self.film is not None:
            parts.append(self.describe_film(progress.film))
        return ", ".join(parts)

    def describe_point(self, number: int) -> str:
        """Where something opens in the book: "chapter 7" or "Day Two: Morning (section 3)"."""
        section = self.book.sections[number - 1]
        if section.named:
            return f"{section.name} ({self.book.unit} {number})"
        return section.name

    def describe_reveal(self, reveal: Reveal) -> str:
        """`chapter 7 of the novel or 0:25 into the film`."""
        if reveal.safe:
            return "no spoilers"
        said = []
        if reveal.novel is not None:
            said.append(f"{self.describe_point(reveal.novel)} of the {self.book.noun}")
        if reveal.film is not None:
            said.append(f"{format_minute(reveal.film)} into the film")
        return " or ".join(said)

    def describe_target(self, target_novel: int | None, target_film: int | None) -> str:
        """What a night covers: `the novel through chapter 9 (Part One)`, `the whole film`."""
        noun = self.book.noun
        if target_novel is not None:
            if target_novel >= self.book.count:
                return f"the whole {noun}"
            part = self.part_of(target_novel)
            return (f"the {noun} through {self.section_name(target_novel)}"
                    + (f" ({part})" if part else ""))
        assert target_film is not None
        if target_film >= self.minutes:
            return "the whole film"
        # No stretch's name: it can itself be a spoiler for a club not there yet.
        return f"the film through {format_minute(target_film)}"

    # -- reading what a reader types -----------------------------------------------------
    def ranges(self) -> str:
        """The book's range, in its own words, for an error that must name it."""
        book = self.book
        if any(s.named for s in book.sections):
            names = ", ".join(s.name for s in book.sections[:4])
            more = ", …" if book.count > 4 else ""
            return f"this {book.noun} has {book.count} {book.unit}s: {names}{more}"
        return f"the {book.noun} has {book.count} {book.unit}s"

    def parse_book(self, text: str) -> int:
        """Sections finished: `7`, `chapter 7`, `ch. twelve`, `the seventh`, a section's
        name or alias (`day three evening`, `prologue`), `0` or `done`."""
        raw = " ".join(text.split())
        low = raw.lower()
        if not raw:
            raise ProgressError(f"Say how far you have read: {self._example()}.")
        if low in DONE_WORDS:
            return self.book.count
        named = self._section_named(normalise(raw))
        if named is not None:
            return named
        words = low.split()
        if words[0].rstrip(".") in _UNIT_WORDS and len(words) > 1:
            words = words[1:]
        if words[0] == "the" and len(words) > 1:
            words = words[1:]
        number = int(words[0]) if len(words) == 1 and _INT.match(words[0]) else _spelled(words)
        if number is None:
            raise ProgressError(f"I need {self._example()}, not `{raw[:40]}`.")
        if not 0 <= number <= self.book.count:
            said = self.ranges()
            raise ProgressError(f"{said[:1].upper()}{said[1:]}: give a number from 0 to "
                                f"{self.book.count}, not {number}.")
        return number

    def section_named(self, text: str) -> int | None:
        """A section by its name or one of its aliases (`day three evening`), or None."""
        return self._section_named(normalise(text))

    def _section_named(self, key: str) -> int | None:
        for section in self.book.sections:
            names = (section.name, *section.aliases) if section.named else section.aliases
            if any(normalise(n) == key for n in names):
                return section.number
        return None

    def _example(self) -> str:
        book = self.book
        named = next((sec for sec in book.sections if sec.named), None)
        if named is None:
            return f"a {book.unit} number from 0 to {book.count} (or `done`)"
        return (f"a {book.unit} of the {book.noun}, by name such as `{named.name.lower()}` or "
                f"by number from 0 to {book.count} (or `done`)")

    def parse_film(self, text: str) -> int:
        """Minutes watched: `45`, `1:10`, or `done`."""
        if self.film is None:
            raise ProgressError("This work has no film to watch.")
        word = text.strip().lower()
        top = self.film.minutes
        if word in DONE_WORDS:
            return top
        match = _H_MM.match(word)
        if match:
            hours, minutes = int(match[1]), int(match[2])
            if minutes >= 60:
                raise ProgressError(
                    f"`{word}` is not a time: the minutes after the colon go from 00 to 59.")
            total = hours * 60 + minutes
        elif _INT.match(word):
            total = int(word)
        else:
            raise ProgressError(
                f"I need the minutes watched as `MINUTES`, `H:MM` or `done` (for example `45` "
                f"or `1:10`), not `{text.strip()[:40]}`.")
        if not 0 <= total <= top:
            raise ProgressError(
                f"The film runs {top} minutes ({format_minute(top)}): give a time from 0 to "
                f"{top}, not {word}.")
        return total

    def section_choices(self, typed: str, limit: int = 25) -> tuple[str, ...]:
        """What to offer while a reader types how far they have read (the table of contents
        carries no story): sections whose name or number starts as typed."""
        key = normalise(typed)
        out: list[str] = []
        for section in self.book.sections:
            names = (section.name, str(section.number), *section.aliases)
            if not key or any(normalise(n).startswith(key) or f" {key}" in f" {normalise(n)}"
                              for n in names):
                out.append(section.name)
        if not key or "done".startswith(key):
            out.append("done")
        return tuple(out[:limit])

    def stretch_named(self, words: list[str]) -> Stretch | None:
        """A film stretch by its name (`the mill`, `the wedding`), the small words
        aside: the one named exactly, else the one with fewest other words holding all those
        typed. Only whole words: a guess here would set a night's target."""
        if self.film is None:
            return None
        small = {"the", "film", "section", "through", "to", "of", "past"}
        wanted = [w for w in words if w not in small]
        if not wanted:
            return None
        holding = []
        for stretch in self.film.stretches:
            names = [w for w in normalise(stretch.name).split() if w not in small]
            if all(w in names for w in wanted):
                holding.append((len(names) - len(wanted), stretch))
        return min(holding, key=lambda pair: pair[0])[1] if holding else None


def _spelled(words: list[str]) -> int | None:
    """`seven`, `twenty three`, `twenty-third`: a whole number spelled out, or None."""
    parts = " ".join(words).replace("-", " ").split()
    if not parts or not all(w in _NUMBER_WORDS or w in _ORDINALS for w in parts):
        return None
    return sum(_NUMBER_WORDS.get(w, _ORDINALS.get(w, 0)) for w in parts)


@dataclass(frozen=True, slots=True)
class WorkInfo:
    """What ``work.yaml`` declares: the work's names, its timeline, and the example names the
    help shows (`/character {character}`), so that no code names any work's people."""

    id: str
    title: str
    author: str
    year: int
    timeline: Timeline
    sources: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # other names readers use for the work
    examples: tuple[tuple[str, str], ...] = ()  # (kind, name): ("character", "Mara")
    default: bool = False  # the work a channel with no club, and a new club, reads

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the work answers to: its id, title, film title and aliases."""
        film = (self.timeline.film.title,) if self.timeline.film else ()
        return tuple(dict.fromkeys((self.id, self.title, *film, *self.aliases)))

    def example(self, kind: str) -> str | None:
        """A name for the help's examples: a card's (`character`), or a point of the book
        (`chapter`, `later_chapter`), so that every example is in the work's own range."""
        if kind in _POINTS:
            return str(self.example_point(later=kind == "later_chapter"))
        return next((name for k, name in self.examples if k == kind), None)

    def example_point(self, *, later: bool = False) -> int:
        """Where the first part ends (the middle of a book with none), or a few sections on:
        chapters 9 and 12 of a book in three parts of 23 chapters."""
        book = self.timeline.book
        first = book.parts[0].last if book.parts else max(1, book.count // 2)
        return min(book.count, first + 3) if later else first

    def heading(self, medium: str) -> str:
        """`The Glass Orchard (2010 film)`: the title a reply about one medium carries."""
        film = self.timeline.film
        if medium == "film" and film is not None:
            return f"{film.title} ({film.year} film)"
        return f"{self.title} ({self.year} {self.timeline.book.noun})"
