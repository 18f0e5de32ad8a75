""""Which chapter does X happen in": the answer's passage, and where the story first tells it,
read off that passage's own reveal point. Nothing new is told: the place carries the same
reveal point as the passage it comes from, so the gate cuts both together."""

from __future__ import annotations

import re

from bot.core.passages import Passage
from bot.core.timeline import Reveal, format_minute
from bot.core.work import Timeline

_WHERE = re.compile(
    r"\b(?:in |on |at )?(?:which|what) (?:chapter|section)s?(?: of the (?:book|novel))?\b"
    r"|\b(?:where|when|at what point|how far) (?:in|into) the (book|novel|film|movie)\b"
    r"|\b(?:which|what) part of the (book|novel|film|movie)\b")
# "what chapter does part three start": the book's own structure, answered by its facts.
_STRUCTURE = re.compile(r"\b(part (one|two|three|four|\d)|chapter \d+|chapters|start|starts|"
                        r"begin|begins|end|ends|how many)\b")


_OTHER = {"film": re.compile(r"\b(book|novel)\b"), "novel": re.compile(r"\b(film|movie)\b")}


def where_asked(text: str) -> tuple[str, str | None]:
    """The question without its "which chapter" words, and which timeline it asks of."""
    found = _WHERE.search(text)
    if found is None or _STRUCTURE.search(text):
        return text, None
    medium = "film" if (found.group(1) or found.group(2)) in ("film", "movie") else "novel"
    rest = " ".join(_WHERE.sub(" ", text).split())
    # "where does she live in the book and where in the film": the other medium asked too
    # makes it a comparison, not a search for where one medium tells it.
    if _OTHER[medium].search(rest):
        return text, None
    return (rest or text), medium


def located(passages: tuple[Passage, ...], medium: str, timeline: Timeline
            ) -> tuple[Passage, ...]:
    """The passages, and after the first that has a point on the timeline asked, where it
    falls ("first told in chapter 7, Part One")."""
    for passage in passages:
        where = _place(passage, medium, timeline)
        if where is not None:
            # The note tells a place on one timeline, so it opens only on that one: a reader
            # who knows the event from the book has not seen where the film shows it.
            reveal = (Reveal(film=passage.reveal.film) if where.startswith("In the film")
                      else Reveal(novel=passage.reveal.novel))
            note = Passage(f"{passage.label} · Where it comes", where, reveal,
                           passage.sources, passage.topic, passage.command, passage.known)
            return (passage, note, *[p for p in passages if p is not passage])
    return passages


def _place(passage: Passage, medium: str, timeline: Timeline) -> str | None:
    reveal = passage.reveal
    if reveal.safe:
        return None
    if medium == "film" and reveal.film is not None and timeline.film is not None:
        stretch = timeline.named_stretch(reveal.film)
        return (f"In the film this is first shown by about {format_minute(reveal.film)}"
                + (f" ({stretch})." if stretch else "."))
    if reveal.novel is None:
        return None
    book = timeline.book
    part = timeline.part_of(reveal.novel)
    return (f"In the {book.noun} this is first told in {timeline.section_name(reveal.novel)}"
            + (f" ({part})." if part else "."))
