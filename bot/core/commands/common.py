"""Helpers shared by the command handlers: card lookup and card replies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.content.model import Card, CardKind
from bot.core.errors import NotFound
from bot.core.registry import quote
from bot.core.reply import Draft, Part
from bot.core.timeline import SAFE

if TYPE_CHECKING:
    from bot.core.service import Call


def find_card(call: Call, kind: CardKind, query: str) -> Card:
    lookup = call.core.names[kind].find(query, call.sees, call.may_name)
    if lookup.card:
        return lookup.card
    hint = None
    if lookup.suggestions:
        hint = "Did you mean " + _or_list([f"**{name}**" for name in lookup.suggestions]) + "?"
    else:
        listing = call.core.names[kind].suggest("", call.may_name, limit=8)
        if listing:
            hint = "You can ask about: " + ", ".join(listing) + "."
    # The same words whether the name does not exist or has not come up yet: a lookup must not
    # confirm a guess.
    raise NotFound(f"I can't find a {kind.noun} called {quote(query)}, or it hasn't come up yet "
                   "at this point in the story.", hint=hint)


def _or_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def card_draft(call: Call, card: Card) -> Draft:
    """A card as a draft reply (the card itself is open to the audience; its parts are gated)."""
    parts: list[Part] = []
    if card.summary:
        parts.append(Part(card.summary, reveal=SAFE, sources=card.sources))
    parts.extend(Part(p.text, label=p.label, reveal=p.reveal, sources=p.sources)
                 for p in card.parts)
    fields: list[Part] = []
    footer = None
    if card.kind is CardKind.CHARACTER:
        credited = [
            (person, credit)
            for person in call.content.people
            for credit in person.credits
            if credit.character == card.id
        ]
        if credited:
            # Who played whom carries no story knowledge (PRODUCT.md): always safe.
            fields.append(Part(
                "; ".join(f"{p.name} as {c.as_}" for p, c in credited),
                label="In the film",
                sources=tuple(dict.fromkeys(s for p, c in credited for s in p.sources + c.sources)),
            ))
    if card.kind is CardKind.THEME and card.prompts:
        footer = f"For a discussion prompt on this theme: /prompt {card.name}"
    return Draft(title=card.name, parts=tuple(parts), fields=tuple(fields), footer=footer)
