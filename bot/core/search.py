"""Word search over everything a reader can look up: facts, people and every card part.

Each hit keeps its own reveal point, so the spoiler engine gates search results exactly as it
gates any other reply.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from bot.core.content.model import Content
from bot.core.names import normalise
from bot.core.timeline import SAFE, Reveal

_STOPWORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "did", "do", "does", "for", "from",
        "how", "in", "is", "it", "of", "on", "or", "the", "to", "was", "were", "what", "when",
        "where", "which", "who", "whom", "why", "with",
    }
)
_TOPIC_NAMES = {
    "film.cast": "Film · Cast", "film.crew": "Film · Crew", "film.release": "Film · Release",
    "film.reception": "Film · Reception", "film.awards": "Film · Awards",
    "film.locations": "Film · Locations", "film.watch": "Film · Where to watch",
    "book.about": "Book · About", "book.structure": "Book · Structure",
    "book.honours": "Book · Honours",
}


@dataclass(frozen=True, slots=True)
class Hit:
    label: str
    text: str
    reveal: Reveal
    sources: tuple[str, ...]
    label_words: frozenset[str]
    words: frozenset[str]
    command: str  # where to read more, e.g. "/character ruth"


class SearchIndex:
    def __init__(self, content: Content) -> None:
        hits: list[Hit] = []

        def add(label: str, text: str, reveal: Reveal, sources: tuple[str, ...], command: str
                ) -> None:
            hits.append(Hit(label, text, reveal, sources, _words(label), _words(text), command))

        for fact in content.facts:
            group, topic = fact.topic.split(".")
            label = _TOPIC_NAMES[fact.topic] + (f" · {fact.label}" if fact.label else "")
            add(label, fact.text, fact.reveal, fact.sources, f"/{group} {topic}")
        for person in content.people:
            for credit in person.credits:
                if credit.role == "author":
                    continue
                what = credit.as_ if credit.role == "cast" else credit.role_name
                note = f" ({credit.note})" if credit.note else ""
                topic = "cast" if credit.role == "cast" else "crew"
                add(f"Film · {topic.capitalize()} · {person.name}", f"{what}{note}", SAFE,
                    person.sources + credit.sources, f"/film {topic}")
        commands = {"character": "character", "setting": "setting", "term": "glossary",
                    "theme": "theme", "difference": "compare"}
        for kind, cards in content.cards.items():
            for card in cards:
                command = f"/{commands[kind.value]} {card.name}"
                label = f"{kind.noun.capitalize()} · {card.name}"
                if card.summary:
                    add(label, card.summary, card.reveal, card.sources, command)
                for part in card.parts:
                    sub = f"{label} · {part.label}" if part.label else label
                    add(sub, part.text, part.reveal, part.sources, command)
        self.hits = tuple(hits)
        # Inverted indexes (word -> hits), and the sorted words for prefix look-ups.
        self._in_label: dict[str, set[int]] = {}
        self._in_any: dict[str, set[int]] = {}
        for n, hit in enumerate(self.hits):
            for word in hit.label_words:
                self._in_label.setdefault(word, set()).add(n)
                self._in_any.setdefault(word, set()).add(n)
            for word in hit.words:
                self._in_any.setdefault(word, set()).add(n)
        self._words = sorted(self._in_any)

    def _postings(self, term: str, index: dict[str, set[int]]) -> set[int]:
        if len(term) < 4:  # short words must match whole
            return index.get(term, set())
        found: set[int] = set()
        start = bisect_left(self._words, term)
        for word in self._words[start:]:
            if not word.startswith(term):
                break
            found |= index.get(word, set())
        return found

    def search(self, query: str) -> list[Hit]:
        terms = [w for w in normalise(query).split() if w not in _STOPWORDS] or normalise(
            query).split()
        if not terms:
            return []
        scores: dict[int, int] | None = None
        for term in terms:
            anywhere = self._postings(term, self._in_any)
            in_label = self._postings(term, self._in_label)
            step = {n: 3 if n in in_label else 1 for n in anywhere}
            if scores is None:
                scores = step
            else:  # every term must match
                scores = {n: s + step[n] for n, s in scores.items() if n in step}
            if not scores:
                return []
        ranked = sorted((scores or {}).items(), key=lambda t: (-t[1], t[0]))
        return [self.hits[n] for n, _s in ranked]


def _words(text: str) -> frozenset[str]:
    return frozenset(normalise(text).split())


