"""Word search over everything a reader can look up: facts, people and every card part.

Each hit keeps its own reveal point, so the spoiler engine gates search results exactly as it
gates any other reply.
"""

from __future__ import annotations

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

    def search(self, query: str) -> list[Hit]:
        terms = [w for w in normalise(query).split() if w not in _STOPWORDS] or normalise(
            query).split()
        if not terms:
            return []
        scored: list[tuple[int, int, Hit]] = []
        for n, hit in enumerate(self.hits):
            score = 0
            for term in terms:
                in_label = _matches(term, hit.label_words)
                if not in_label and not _matches(term, hit.words):
                    break
                score += 3 if in_label else 1
            else:
                scored.append((-score, n, hit))
        scored.sort(key=lambda t: (t[0], t[1]))
        return [hit for _s, _n, hit in scored]


def _words(text: str) -> frozenset[str]:
    return frozenset(normalise(text).split())


def _matches(term: str, words: frozenset[str]) -> bool:
    if term in words:
        return True
    # Prefixes of four letters or more: "donat" finds "donation", "donations".
    return len(term) >= 4 and any(w.startswith(term) for w in words)
