"""Passages cut into sentences: what `/ask` ranks. Each keeps its passage (label, reveal point,
sources), so an answer can name its entry and the gate can cut it."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from bot.core.ask.text import content_stems
from bot.core.passages import Passage
from bot.core.words import normalise

# A sentence ends at . ! or ? before a capital, but not after an initial ("Jane H. tells").
_END = re.compile(r"(?<=[.!?])(?<!\b[A-Z]\.)\s+(?=[A-Z0-9'\"(‘“])")
# A sentence that leans on the one before it ("It was entered as ...").
_LEANS = re.compile(r"^(It|Its|This|That|These|Those|They|Their|She|He|Her|His|Every|Both|"
                    r"But|However|Also|Only|Then)\b")


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    passage: Passage
    index: int  # its place in the passage
    count: int  # sentences in the passage

    @property
    def leans_back(self) -> bool:
        return self.index > 0 and bool(_LEANS.match(self.text))


@dataclass(frozen=True, slots=True)
class Indexed:
    """A passage (a fact, a credit, a card part) with its words counted: its own, its
    entry's (label, topic), and each of its sentences'."""

    passage: Passage
    terms: Counter[str]
    context: frozenset[str]
    length: int
    padded: str  # its normalised words and its entry's label, space-padded, to find names in
    order: int  # its place among all passages (a card's parts keep story order)
    sentences: tuple[tuple[Sentence, Counter[str]], ...]


def split(text: str) -> list[str]:
    return [s.strip() for s in _END.split(text) if s.strip()]


def sentences_of(passage: Passage) -> list[Sentence]:
    pieces = split(passage.text)
    return [Sentence(p, passage, i, len(pieces)) for i, p in enumerate(pieces)]


def context_of(passage: Passage) -> frozenset[str]:
    topic = passage.topic.replace(".", " ").split(":")[0].replace("-", " ")
    return frozenset(content_stems(f"{passage.label} {topic}"))


def indexed(passage: Passage, order: int) -> Indexed:
    terms = Counter(content_stems(passage.text))
    pieces = tuple((s, Counter(content_stems(s.text))) for s in sentences_of(passage))
    return Indexed(passage, terms, context_of(passage), sum(terms.values()) or 1,
                   f" {normalise(passage.text)} \n {normalise(passage.label)} ", order, pieces)
