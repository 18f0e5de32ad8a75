"""Forgiving name lookup: aliases, case, accents, punctuation and typos.

Only names the reader may see can be found or offered as "did you mean": a card that has not
opened, or an alias that gives something away (a name the story keeps back), finds nothing
until it opens, and the answer is the same as for a name that does not exist, so a lookup never
confirms a guess.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.core.content.model import Card
from bot.core.timeline import Reveal
from bot.core.words import normalise

# A guess is taken as the answer at this WRatio score, if no other card comes close.
ACCEPT = 88
SUGGEST = 60
WHOLE = 75
CLEAR_LEAD = 6




@dataclass(frozen=True, slots=True)
class _Entry:
    key: str
    card: Card
    reveal: Reveal  # when this name may be used to find the card


@dataclass(frozen=True, slots=True)
class Lookup:
    card: Card | None
    suggestions: tuple[str, ...] = ()


class NameIndex:
    """Names and aliases of one kind of card."""

    def __init__(self, cards: Iterable[Card]) -> None:
        self.cards = tuple(cards)
        entries: list[_Entry] = []
        for card in self.cards:
            entries.append(_Entry(normalise(card.name), card, card.reveal))
            for alias in card.aliases:
                entries.append(_Entry(normalise(alias.name), card, card.reveal.later(alias.reveal)))
        self.entries = tuple(e for e in entries if e.key)
        self._exact: dict[str, list[_Entry]] = {}
        for entry in self.entries:
            self._exact.setdefault(entry.key, []).append(entry)

    def find(self, query: str, visible: Callable[[Reveal], bool],
             suggestable: Callable[[Reveal], bool]) -> Lookup:
        """``visible``: may the reply's audience see a name; ``suggestable``: may the caller be
        offered it as a hint (hints reach them privately)."""
        key = normalise(query)
        if not key:
            return Lookup(None, self.suggest("", suggestable, limit=5))
        for entry in self._exact.get(key, ()):
            if visible(entry.reveal):
                return Lookup(entry.card)
        seen = [e for e in self.entries if visible(e.reveal)]
        if not seen:
            return Lookup(None)
        keys = [e.key for e in seen]
        # Whole-word containment first: "/theme human" finds "what makes us human".
        words = set(key.split())
        containing = {e.card.id: e for e in seen if words <= set(e.key.split())}
        if len(containing) == 1:
            return Lookup(next(iter(containing.values())).card)
        scored = process.extract(key, keys, scorer=fuzz.WRatio, limit=8)
        best_by_card: dict[str, tuple[float, _Entry]] = {}
        for _key, score, index in scored:
            entry = seen[index]
            if entry.card.id not in best_by_card or best_by_card[entry.card.id][0] < score:
                best_by_card[entry.card.id] = (score, entry)
        ranked = sorted(best_by_card.values(), key=lambda pair: -pair[0])
        # A guess is taken only when it is close on the whole name too: WRatio alone scores a
        # short alias inside a longer query ("age" in "oskar's rage") as a near match.
        if ranked and ranked[0][0] >= ACCEPT and fuzz.ratio(key, ranked[0][1].key) >= WHOLE and (
            len(ranked) == 1 or ranked[0][0] - ranked[1][0] >= CLEAR_LEAD
        ):
            return Lookup(ranked[0][1].card)
        names = tuple(
            e.card.name for score, e in ranked if score >= SUGGEST and suggestable(e.reveal)
        )[:5]
        return Lookup(None, names)

    def suggest(self, prefix: str, visible: Callable[[Reveal], bool], limit: int = 25
                ) -> tuple[str, ...]:
        """Card names for autocomplete and empty lookups: visible ones only, best first."""
        key = normalise(prefix)
        out: dict[str, None] = {}
        for entry in self.entries:
            if not visible(entry.reveal) or entry.card.name in out:
                continue
            if not key or entry.key.startswith(key) or f" {key}" in f" {entry.key}":
                out[entry.card.name] = None
        if not out and key:
            seen = [e for e in self.entries if visible(e.reveal)]
            for _k, score, index in process.extract(
                key, [e.key for e in seen], scorer=fuzz.WRatio, limit=limit
            ):
                if score >= SUGGEST:
                    out.setdefault(seen[index].card.name, None)
        return tuple(out)[:limit]
