"""The names a question may mention: characters, places, terms, people, other works.

A name found in a question says what the question is about: sentences that speak of it rank
higher, and an answer must speak of it. A gated alias (a character's first name that opens
late) names nothing until the audience may see it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.core.content.model import Card, CardKind, Content, Person
from bot.core.timeline import SAFE, Reveal
from bot.core.words import STOPWORDS, fold, normalise

ENTITY_KINDS = (CardKind.CHARACTER, CardKind.SETTING, CardKind.TERM)


@dataclass(frozen=True, slots=True)
class Entity:
    kind: str  # "character", "setting", "term", "person" or "work"
    key: str  # card id, person id, or the work's title
    names: tuple[str, ...]  # normalised, every name it goes by
    card: Card | None = None
    person: Person | None = None

    @property
    def topic(self) -> str | None:
        return f"{self.card.kind.value}:{self.card.id}" if self.card else None


@dataclass(frozen=True, slots=True)
class Mention:
    entity: Entity
    start: int
    end: int  # word span in the question
    implied: bool = False  # named through a link ("the art lady"), not by a name


class NameTable:
    def __init__(self, content: Content, common: Callable[[str], bool],
                 uses: Callable[[str], int] | None = None,
                 others: Iterable[str] = ()) -> None:
        """``common(word)``: is it an ordinary word, too common to stand alone for a person;
        ``uses(name)``: how many passages name them (a shared surname stands alone for the
        one named far more often: a lead, not a bit part who shares it)."""
        self._names: list[tuple[tuple[str, ...], Entity, Reveal]] = []
        for kind in ENTITY_KINDS:
            for card in content.cards_of(kind):
                names = (card.name, *(a.name for a in card.aliases))
                entity = Entity(kind.value, card.id,
                                tuple(dict.fromkeys(normalise(n) for n in names)), card=card)
                self._add(card.name, entity, card.reveal)
                for alias in card.aliases:
                    self._add(alias.name, entity, card.reveal.later(alias.reveal),
                              article=common)
        surnames: dict[str, list[Person]] = {}
        for person in content.people:
            surnames.setdefault(normalise(person.name).split()[-1], []).append(person)
        for person in content.people:
            full = normalise(person.name)
            parts = full.split()
            alone = [" ".join(parts[1:])] if len(parts) > 2 else []
            last = parts[-1]
            if _stands_for(person, surnames[last], uses) and not common(last) and len(last) >= 4:
                alone.append(last)
            entity = Entity("person", person.id, (full, *alone), person=person)
            for name in (full, *alone):
                self._add(name, entity, SAFE)
        for title in (*content.other_works, *others):
            self._add(title, Entity("work", title, (normalise(title),)), SAFE)
        self._names.sort(key=lambda t: -len(t[0]))
        self.words = frozenset(w for key, _e, _r in self._names for w in key)

    def _add(self, name: str, entity: Entity, reveal: Reveal,
             article: Callable[[str], bool] | None = None) -> None:
        key = tuple(normalise(name).split())
        if article is not None and len(key) == 1 and article(key[0]):
            # An alias that is "the" and an ordinary noun ("the house") names the card only
            # with its article: "which house" asks about a house.
            key = tuple(fold(name).split())
        if key and not (len(key) == 1 and key[0] in STOPWORDS):
            self._names.append((key, entity, reveal))

    def find(self, words: list[str], sees: Callable[[Reveal], bool]) -> list[Mention]:
        """Names in the question, longest first, never overlapping."""
        taken = [False] * len(words)
        out: list[Mention] = []
        for key, entity, reveal in self._names:
            n = len(key)
            for i in range(len(words) - n + 1):
                if tuple(words[i:i + n]) == key and not any(taken[i:i + n]) and (
                        reveal.safe or sees(reveal)):
                    taken[i:i + n] = [True] * n
                    out.append(Mention(entity, i, i + n))
        return sorted(out, key=lambda m: m.start)

    def named(self, phrase: str, sees: Callable[[Reveal], bool]) -> Entity | None:
        """The entity a whole phrase names ("the gardener"), if any."""
        key = tuple(phrase.split())
        return next((e for k, e, r in self._names if k == key and (r.safe or sees(r))), None)


# A shared surname names one of them alone when they are named this many times as often as
# the others together.
PROMINENT = 3


def _stands_for(person: Person, sharing: list[Person],
                uses: Callable[[str], int] | None) -> bool:
    if len(sharing) == 1:
        return True
    if uses is None:
        return False
    others = sum(uses(p.name) for p in sharing if p is not person)
    return uses(person.name) >= PROMINENT * max(1, others)


def unique(mentions: Iterable[Mention]) -> list[Entity]:
    seen: dict[tuple[str, str], Entity] = {}
    for m in mentions:
        seen.setdefault((m.entity.kind, m.entity.key), m.entity)
    return list(seen.values())
