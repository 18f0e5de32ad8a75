"""Helpers shared by the command handlers: a card as a reply, the channel's club, a mention."""

from __future__ import annotations

from bot.core.call import Call
from bot.core.clubs import Club, follows
from bot.core.content.model import Card, CardKind
from bot.core.errors import NotFound
from bot.core.reply import Draft, Part
from bot.core.timeline import SAFE, Medium


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


def mention(user: str) -> str:
    """A member reference in the neutral markup adapters turn into their own mention."""
    return f"<@{user}>"


def require_club(call: Call) -> Club:
    if call.ctx.club is None:
        raise NotFound("There is no club in this channel yet.",
                       hint="Start one with `/club create` (you become its host).")
    return call.ctx.club


FOLLOWS = {Medium.NOVEL: "the novel", Medium.FILM: "the film",
           Medium.BOTH: "the novel and the film"}
TIMELINES = (Medium.NOVEL, Medium.FILM)


def unfollowed(club: Club, *, novel: bool, film: bool) -> Medium | None:
    """The timeline named (novel, film) that the club does not follow, if one is."""
    return next((t for t, named in zip(TIMELINES, (novel, film), strict=True)
                 if named and not follows(club.medium, t)), None)


def add_hint(medium: Medium) -> str:
    return f"A host can add {FOLLOWS[medium]} with `/club medium both`."
