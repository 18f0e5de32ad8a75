"""Word search over everything a reader can look up: facts, people and every card part.

Each hit keeps its own reveal point, so the spoiler engine gates search results exactly as it
gates any other reply.
"""

from __future__ import annotations

from bisect import bisect_left

from bot.core.passages import Passage
from bot.core.words import STOPWORDS, normalise


class SearchIndex:
    def __init__(self, hits: tuple[Passage, ...]) -> None:
        self.hits = hits
        # Inverted indexes (word -> passages), and the sorted words for prefix look-ups.
        self._in_label: dict[str, set[int]] = {}
        self._in_any: dict[str, set[int]] = {}
        for n, hit in enumerate(self.hits):
            for word in normalise(hit.label).split():
                self._in_label.setdefault(word, set()).add(n)
                self._in_any.setdefault(word, set()).add(n)
            for word in normalise(hit.text).split():
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

    def search(self, query: str) -> list[Passage]:
        terms = [w for w in normalise(query).split() if w not in STOPWORDS] or normalise(
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
