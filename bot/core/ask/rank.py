"""Passages ranked for a question by a weighted sum of their features (``features.py``).

The index keeps each passage's stems, its entry's words, what its text offers a question's
shape and where in the story it opens, worked out once at start-up. A question's candidates
are the passages that share a word with it or speak of a name it asks about.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from bot.core.ask.features import Asked, measure
from bot.core.ask.meaning import NONE
from bot.core.ask.names import Entity
from bot.core.ask.sentences import Indexed, indexed
from bot.core.ask.signals import offers
from bot.core.ask.weights import Weights
from bot.core.content.model import CREW_ROLES
from bot.core.passages import Passage
from bot.core.work import Timeline

# A credit's job, from its label ("Film · Crew · Music"), for a question that names the job.
_ROLE_OF = {**{f"Film · Crew · {name}": role for role, name in CREW_ROLES.items()},
            "Book · About · Author": "author"}
NEAREST = 12  # passages nearest in meaning, measured even when they share no word
CANDIDATES = 80  # passages measured in full for one question, the best by words first

Scored = tuple[float, Indexed]


class SentenceIndex:
    def __init__(self, passages: Iterable[Passage], timeline: Timeline,
                 meaning: Callable[[str], Sequence[float]] | None = None,
                 asked: Callable[[str], Sequence[float]] | None = None) -> None:
        """``meaning``: a question's cosine with each passage; ``asked``: with the nearest
        of each passage's example questions."""
        self.timeline = timeline
        self.meaning = meaning
        self.asked = asked
        self.items = [indexed(p, n) for n, p in enumerate(passages)]
        self.avg = sum(i.length for i in self.items) / max(1, len(self.items))
        df: Counter[str] = Counter()
        self.postings: dict[str, list[int]] = {}
        for n, item in enumerate(self.items):
            for term in set(item.terms) | item.context:
                df[term] += 1
                self.postings.setdefault(term, []).append(n)
        total = len(self.items)
        self.idf = {t: math.log(1 + (total - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.vocabulary = frozenset(self.idf)
        self.offers = [offers(i.passage.text) for i in self.items]
        seen: set[str] = set()
        self.lead = []
        for item in self.items:
            topic = item.passage.topic
            self.lead.append(":" in topic and topic not in seen)
            seen.add(topic)
        self.position = [position(i, timeline) for i in self.items]
        self.role = [_ROLE_OF.get(i.passage.label) for i in self.items]
        self._touching: dict[tuple[str, str], frozenset[int]] = {}

    def touching(self, entity: Entity) -> frozenset[int]:
        key = (entity.kind, entity.key)
        if key not in self._touching:
            self._touching[key] = frozenset(n for n, i in enumerate(self.items)
                                            if touches(i, entity))
        return self._touching[key]

    def candidates(self, asked: Asked, allowed: Callable[[Indexed], bool],
                   restrict: Callable[[Indexed], bool] | None = None
                   ) -> list[tuple[list[float], Indexed]]:
        """The passages worth measuring, each with its features."""
        rough: Counter[int] = Counter()
        for term, weight in asked.weights.items():
            idf = self.idf.get(term)
            if idf is not None:
                for n in self.postings[term]:
                    rough[n] += weight * idf
        touched = [self.touching(e) for e in asked.named]
        for entity in (*asked.named, *asked.implied):
            for n in self.touching(entity):
                rough[n] += 1.0
        sims: Sequence[float] = ()
        best = 0.0
        alike: Sequence[float] = ()
        best_alike = 0.0
        if self.meaning is not None:
            top = max(rough.values(), default=0.0)
            sims = self.meaning(asked.question.text)
            best = _nearest(sims, rough, top)
            if self.asked is not None:
                alike = self.asked(asked.question.text)
                best_alike = _nearest(alike, rough, top)
        out = []
        for n, _ in rough.most_common():
            item = self.items[n]
            if not allowed(item) or (restrict is not None and not restrict(item)):
                continue
            hits = tuple(n in t for t in touched)
            # A passage with no example question, among passages that have them, is far from
            # the question; with none anywhere (meaning off) nothing is.
            near_ask = (alike[n], alike[n] - best_alike) if alike and alike[n] > NONE else (
                0.0, -1.0 if alike else 0.0)
            out.append((measure(asked, item, self.offers[n], self.idf, self.avg, self.lead[n],
                                self.position[n], hits, self.role[n],
                                (sims[n], sims[n] - best) if sims else (0.0, 0.0),
                                near_ask), item))
            if len(out) == CANDIDATES:
                break
        return out


def _nearest(cosines: Sequence[float], rough: Counter[int], top: float) -> float:
    """The passages nearest in meaning are measured whatever words they share: each gets the
    best word score; returns the nearest cosine."""
    near = heapq.nlargest(NEAREST, range(len(cosines)), key=cosines.__getitem__)
    for n in near:
        rough[n] += top
    return cosines[near[0]] if near else 0.0


def ranked(measured: Sequence[tuple[list[float], Indexed]], weights: Weights) -> list[Scored]:
    out = [(weights.score(f), item) for f, item in measured]
    out.sort(key=lambda t: (-t[0], t[1].order))
    return out


def touches(item: Indexed, entity: Entity) -> bool:
    passage = item.passage
    if entity.topic and passage.topic == entity.topic:
        return True
    if entity.person and entity.person.name in passage.label:
        return True
    return any(f" {name} " in item.padded for name in entity.names)


def position(item: Indexed, timeline: Timeline) -> float:
    """Where in the story a passage opens, 0 (start) to 1 (end); 0.5 for what is safe."""
    reveal = item.passage.reveal
    if reveal.safe:
        return 0.5
    end = timeline.end
    points = []
    if reveal.novel is not None:
        points.append(reveal.novel / max(1, end.novel))
    if reveal.film is not None:
        points.append(reveal.film / max(1, end.film))
    return max(points)
