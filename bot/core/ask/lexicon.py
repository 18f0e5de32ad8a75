"""The words `/ask` reads a question with: general English shipped beside this module
(``english.yaml``) and the pack's own words (``facts/vocabulary.yaml``).

A question becomes *units*: a word, or a phrase the word lists know ("box office", "looked
after"), each with the stems it may match and their weights. The member's own words weigh 1;
other forms of a word ("wrote" for "write") weigh the same; synonyms weigh less. A pack link
that itself tells story knowledge applies only for an audience past its reveal point: before
that the member's word is just a word (issue 19).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

from bot.core.ask.text import stem
from bot.core.content.model import Link
from bot.core.timeline import SAFE, Reveal
from bot.core.words import STOPWORDS, fold, normalise

FORM = 1.0
SYNONYM = 0.6
PACK = 0.7
_LONGEST = 4  # words in the longest phrase looked up


def _phrase(text: str) -> tuple[str, ...]:
    # Articles kept: "the play" is a stage play, "play" alone is what an actor does.
    return tuple(fold(str(text)).split())


def _phrases(items: Iterable[str]) -> frozenset[tuple[str, ...]]:
    return frozenset(p for p in (_phrase(i) for i in items) if p)


@dataclass(frozen=True, slots=True)
class English:
    forms: dict[str, tuple[str, ...]]
    synonyms: dict[tuple[str, ...], tuple[str, ...]]
    fillers: frozenset[str]
    requests: frozenset[tuple[str, ...]]
    taste: frozenset[tuple[str, ...]]
    media: frozenset[tuple[str, ...]]
    private: frozenset[tuple[str, ...]]
    beyond: frozenset[tuple[str, ...]]
    later: frozenset[tuple[str, ...]]
    earlier: frozenset[tuple[str, ...]]
    relations: frozenset[tuple[str, ...]]  # "X's father": a word that names someone by X
    feelings: frozenset[tuple[str, ...]]  # how a member feels: a remark beside the question
    known: frozenset[str]  # every word the lists name: English the bot understands
    # Prizes by the names people give them: an answer about one never answers another.
    prizes: tuple[frozenset[tuple[str, ...]], ...] = ()
    # Words that say a question is about the book, or about the film (its medium).
    book_words: frozenset[str] = frozenset()
    film_words: frozenset[str] = frozenset()
    asides: tuple[tuple[str, ...], ...] = ()  # longest first


# A word English uses this often (pyspellchecker's counts, from subtitles and books) is a
# word, not a typo: "related" stays "related" even where no passage says it.
_COMMON_COUNT = 1000


@lru_cache(maxsize=1)
def common_english() -> frozenset[str]:
    """English words common enough never to be read as typos. Loaded on first need (a
    question with a word no passage uses): reading the counts costs ~0.15 s, once."""
    from spellchecker import SpellChecker

    counts = SpellChecker(distance=1).word_frequency.dictionary
    return frozenset(w for w, n in counts.items() if n >= _COMMON_COUNT)


@lru_cache(maxsize=1)
def load_english() -> English:
    """Read once, at start-up (never at import)."""
    raw = yaml.load(resources.files("bot.core.ask").joinpath("english.yaml").read_text(
        encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    forms: dict[str, tuple[str, ...]] = {}
    for group in raw["forms"]:
        words = tuple(normalise(str(w)) for w in group)
        for w in words:
            forms[w] = tuple(dict.fromkeys((*forms.get(w, ()), *words)))
    synonyms: dict[tuple[str, ...], tuple[str, ...]] = {}
    for entry in raw["synonyms"]:
        means = tuple(normalise(str(m)) for m in entry["means"])
        for w in entry["words"]:
            key = _phrase(w)
            synonyms[key] = tuple(dict.fromkeys((*synonyms.get(key, ()), *means)))
    lists = {k: _phrases(raw[k])
             for k in ("requests", "taste", "media", "private", "beyond", "later", "earlier",
                       "relations", "feelings")}
    known = {w for key in synonyms for w in key} | set(forms)
    known |= {w for means in synonyms.values() for m in means for w in m.split()}
    known |= {w for k in lists.values() for p in k for w in p}
    fillers = frozenset(normalise(str(w)) for w in raw["fillers"])
    prizes = tuple(_phrases(group) for group in raw["prizes"])
    known |= {w for group in prizes for p in group for w in p}
    book_words, film_words = (frozenset(normalise(str(w)) for w in raw[k])
                              for k in ("book_words", "film_words"))
    known |= book_words | film_words
    asides = tuple(sorted(_phrases(raw["asides"]), key=len, reverse=True))
    return English(forms, synonyms, fillers, known=frozenset(known | fillers), prizes=prizes,
                   book_words=book_words, film_words=film_words, asides=asides, **lists)


@dataclass(frozen=True, slots=True)
class Unit:
    """One word or phrase of a question, and what it may match."""

    words: tuple[str, ...]
    weights: dict[str, float] = field(default_factory=dict)  # stem -> weight
    filler: bool = False
    means: tuple[str, ...] = ()  # what the pack's open links say it means ("old man": gardener)

    @property
    def own(self) -> frozenset[str]:
        return frozenset(s for s, w in self.weights.items() if w >= FORM)


@dataclass(frozen=True, slots=True)
class _Meaning:
    means: tuple[str, ...]
    weight: float
    reveal: Reveal


class Lexicon:
    """General English and the pack's links, looked up by word or phrase."""

    def __init__(self, english: English, links: Iterable[Link], author: str = "") -> None:
        self.english = english
        self.links = tuple(links)
        # "what did ishiguro mean by ...": the work's author named speaks of the book.
        self.book_words = english.book_words | {
            w for w in normalise(author).split() if len(w) > 2}
        self._table: dict[tuple[str, ...], list[_Meaning]] = {}
        for key, means in english.synonyms.items():
            self._table.setdefault(key, []).append(_Meaning(means, SYNONYM, SAFE))
        for link in self.links:
            for word in link.words:
                self._table.setdefault(_phrase(word), []).append(
                    _Meaning(link.means, PACK, link.reveal))
        # Words the bot understands whatever the audience; a gated link's own words are known
        # only where it is open (``known_at``), or knowing them would confirm the link.
        self.known = english.known | {w for link in self.links if link.reveal.safe
                                      for p in link.words for w in _phrase(p)}
        self._gated_words: dict[str, tuple[Reveal, ...]] = {}
        for link in self.links:
            if not link.reveal.safe:
                for p in link.words:
                    for w in _phrase(p):
                        self._gated_words[w] = (*self._gated_words.get(w, ()), link.reveal)

    def known_at(self, word: str, sees: Callable[[Reveal], bool]) -> bool:
        return word in self.known or any(sees(r) for r in self._gated_words.get(word, ()))

    def units(self, words: list[str], sees: Callable[[Reveal], bool]) -> list[Unit]:
        out: list[Unit] = []
        i = 0
        while i < len(words):
            # Only a phrase whose link is open groups words: before its point "organ
            # donation" is two words, as if the link were not there.
            size = next((n for n in range(min(_LONGEST, len(words) - i), 1, -1)
                         if self._open(tuple(words[i:i + n]), sees)), 1)
            key = tuple(words[i:i + size])
            i += size
            if size == 1 and key[0] in STOPWORDS and not self._open(key, sees):
                continue
            out.append(self._unit(key, sees))
        return out

    def _open(self, key: tuple[str, ...], sees: Callable[[Reveal], bool]) -> bool:
        return any(m.reveal.safe or sees(m.reveal) for m in self._table.get(key, ()))

    def _unit(self, key: tuple[str, ...], sees: Callable[[Reveal], bool]) -> Unit:
        weights: dict[str, float] = {}

        def add(text: str, weight: float) -> None:
            for w in text.split():
                if w not in STOPWORDS:
                    s = stem(w)
                    weights[s] = max(weights.get(s, 0.0), weight)

        for w in key:
            add(w, FORM)
            for form in self.english.forms.get(w, ()):
                add(form, FORM)
        means: list[str] = []
        for meaning in self._table.get(key, ()):
            if meaning.reveal.safe or sees(meaning.reveal):
                for m in meaning.means:
                    add(m, meaning.weight)
                if meaning.weight == PACK:
                    means.extend(meaning.means)
        filler = all(w in self.english.fillers or w in STOPWORDS for w in key)
        return Unit(key, weights, filler, tuple(means))

    def has(self, words: list[str], phrases: frozenset[tuple[str, ...]]) -> bool:
        return any(tuple(words[i:i + len(p)]) == p for p in phrases for i in range(len(words)))
