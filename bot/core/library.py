"""Every installed work, with what the core works out of each once: its name and search
indexes at start-up, its ``/ask`` answerer on the first question about it. Caches,
autocomplete, search, ``/ask`` and the spoiler engine all work per work: each reads the
``Work`` a command is about.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz, process

from bot.core.ask import Answerer
from bot.core.ask.meaning import Meaning
from bot.core.content.model import CardKind, Content
from bot.core.names import NameIndex
from bot.core.passages import Passage, passages
from bot.core.search import SearchIndex
from bot.core.words import normalise
from bot.core.work import Timeline, WorkInfo

SUGGEST = 70  # how close a typed work name must be to be offered


@dataclass(frozen=True, slots=True, eq=False)
class Work:
    content: Content
    names: Mapping[CardKind, NameIndex]
    search: SearchIndex
    everything: tuple[Passage, ...]
    meaning: Meaning | None = None  # how /ask measures nearness in meaning, if it can
    # The other installed works' titles: a question naming one is about that work.
    others: tuple[str, ...] = ()
    # /ask's index is most of a work's start-up cost: built on the first question about the
    # work, so start-up does not grow with the works installed, only with those asked about.
    _answerer: list[Answerer] = field(default_factory=list, repr=False)

    @classmethod
    def build(cls, content: Content, meaning: Meaning | None = None) -> Work:
        everything = passages(content)  # built once; search and /ask share it
        names = {kind: NameIndex(content.cards_of(kind)) for kind in CardKind}
        return cls(content, names, SearchIndex(everything), everything, meaning)

    @property
    def answerer(self) -> Answerer:
        if not self._answerer:
            self._answerer.append(Answerer(self.content, self.everything,
                                           covers=covers(self.content.work),
                                           meaning=self.meaning, others=self.others))
        return self._answerer[0]

    @property
    def answering(self) -> bool:
        """Is the /ask index built yet?"""
        return bool(self._answerer)

    @property
    def info(self) -> WorkInfo:
        return self.content.work

    @property
    def id(self) -> str:
        return self.content.work.id

    @property
    def timeline(self) -> Timeline:
        return self.content.work.timeline

    @property
    def title(self) -> str:
        return self.content.work.title


def covers(info: WorkInfo) -> str:
    """What /ask says it answers about when it declines: "The Glass Orchard (A. Writer's
    novel) and its 2010 film"."""
    film = info.timeline.film
    book = f"{info.title} ({info.author}'s {info.timeline.book.noun})"
    return f"{book} and its {film.year} film" if film else book


def _titles_besides(work: Work, works: Sequence[Work]) -> tuple[str, ...]:
    """The other works' names of two words or more (a one-word alias such as "remains" is
    too ordinary a word to mean the other work)."""
    return tuple(dict.fromkeys(n for w in works if w.id != work.id for n in w.info.names
                               if len(normalise(n).split()) >= 2))


class UnknownWork(LookupError):
    pass


class Library:
    """The works installed, by id, and the one a channel with no club reads."""

    def __init__(self, works: Sequence[Work], default: str | None = None) -> None:
        if not works:
            raise ValueError("a library needs at least one work")
        # A fresh answerer list each: one built before would not know the other titles.
        works = [replace(w, others=_titles_besides(w, works), _answerer=[]) for w in works]
        self._works = {w.id: w for w in sorted(works, key=lambda w: w.id)}
        if default is not None and default not in self._works:
            raise UnknownWork(default)
        marked = next((w.id for w in self._works.values() if w.info.default), None)
        self.default = self._works[default or marked or next(iter(self._works))]
        # Every name a work answers to (id, title, film title, aliases), folded, longest first:
        # a question naming "the glass orchard" must not stop at a shorter alias ("orchard").
        self._names = sorted(((normalise(n), w) for w in self._works.values()
                              for n in w.info.names if normalise(n)),
                             key=lambda pair: -len(pair[0]))
        self.names = frozenset(name for name, _ in self._names)

    @classmethod
    def of(cls, contents: Sequence[Content], default: str | None = None,
           meaning: Meaning | None = None) -> Library:
        return cls([Work.build(c, meaning) for c in contents], default)

    def __iter__(self) -> Iterator[Work]:
        return iter(self._works.values())

    def __len__(self) -> int:
        return len(self._works)

    def get(self, work_id: str) -> Work | None:
        return self._works.get(work_id)

    def find(self, text: str) -> Work | None:
        """The work a reader named: its id, title, film title or an alias; or the one work
        whose names hold every word typed (`remains`)."""
        key = normalise(text)
        if not key:
            return None
        exact = next((w for name, w in self._names if name == key), None)
        if exact is not None:
            return exact
        words = set(key.replace("-", " ").split())
        holding = {w.id: w for name, w in self._names if words <= set(name.split())}
        return next(iter(holding.values())) if len(holding) == 1 else None

    def named_in(self, text: str) -> Work | None:
        """A work a question names outright ("who directed the glass orchard")."""
        padded = f" {normalise(text)} "
        return next((w for name, w in self._names if f" {name} " in padded), None)

    def suggest(self, typed: str, limit: int = 25) -> tuple[str, ...]:
        """Work titles for autocomplete and "did you mean": titles carry no story, so none is
        gated."""
        key = normalise(typed)
        works = list(self._works.values())
        if not key:
            return tuple(w.title for w in works[:limit])
        starts = [w.title for w in works
                  if any(f" {key}" in f" {normalise(n)}" for n in w.info.names)]
        if starts:
            return tuple(starts[:limit])
        titles = [w.title for w in works]
        close = process.extract(key, [normalise(t) for t in titles], scorer=fuzz.WRatio,
                                limit=limit)
        return tuple(titles[i] for _t, score, i in close if score >= SUGGEST)
