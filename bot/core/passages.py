"""Every piece of text a reader can look up, as labelled passages with their reveal points.

Search and `/ask` both work over these, so a fact, a credit or a card part reads the same in
both, and each keeps the reveal point the spoiler engine needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.content.model import Card, CardKind, Content, Credit, Person
from bot.core.timeline import SAFE, Reveal

TOPIC_NAMES = {
    "film.cast": "Film · Cast", "film.crew": "Film · Crew", "film.release": "Film · Release",
    "film.reception": "Film · Reception", "film.awards": "Film · Awards",
    "film.locations": "Film · Locations", "film.watch": "Film · Where to watch",
    "book.about": "Book · About", "book.structure": "Book · Structure",
    "book.honours": "Book · Honours",
}
# The slash command that shows each kind of card.
CARD_COMMAND: dict[CardKind, str] = {
    CardKind.CHARACTER: "character",
    CardKind.SETTING: "setting",
    CardKind.TERM: "glossary",
    CardKind.THEME: "theme",
    CardKind.DIFFERENCE: "compare",
}
_ROLE_SENTENCES = {
    "director": "directed the film", "screenplay": "wrote the screenplay",
    "producer": "produced the film", "executive-producer": "was an executive producer",
    "music": "composed the score", "cinematography": "was the cinematographer",
    "editing": "edited the film", "production-design": "was the production designer",
    "art-direction": "did the art direction", "set-decoration": "did the set decoration",
    "costume": "designed the costumes", "casting": "did the casting",
}


@dataclass(frozen=True, slots=True)
class Passage:
    label: str
    text: str
    reveal: Reveal
    sources: tuple[str, ...]
    topic: str  # a fact's topic ("film.release"), or the card it belongs to ("character:mara")
    command: str  # where to read more, e.g. "/character Mara"
    known: bool = True  # False: a fact recording that something is not known
    # Questions it answers, as members type them: /ask matches a question against these as
    # well as against the text. Never shown (the text is the answer).
    asks: tuple[str, ...] = ()


def credit_passage(person: Person, credit: Credit) -> Passage:
    """Who played whom or did which job: always safe (PRODUCT.md)."""
    note = f" ({credit.note})" if credit.note else ""
    sources = person.sources + credit.sources
    if credit.role == "cast" and not credit.known:
        return Passage(f"Film · Cast · {person.name}",
                       f"{person.name} plays {credit.as_} in the film{note}; our sources do not "
                       f"confirm which part.", SAFE, sources, "film.cast", "/film cast",
                       known=False, asks=(f"who is {person.name} in the film",
                                          f"which part does {person.name} play"))
    if credit.role == "cast":
        return Passage(f"Film · Cast · {person.name}",
                       f"{person.name} plays {credit.as_} in the film{note}.", SAFE, sources,
                       "film.cast", "/film cast",
                       asks=(f"who plays {credit.as_}", f"who is {person.name} in the film"))
    if credit.role == "author":
        return Passage("Book · About · Author", f"{person.name} wrote the novel{note}.", SAFE,
                       sources, "book.about", "/book about",
                       asks=("who wrote the book", f"what did {person.name} write"))
    job = _ROLE_SENTENCES[credit.role]
    return Passage(f"Film · Crew · {credit.role_name}", f"{person.name} {job}{note}.", SAFE,
                   sources, "film.crew", "/film crew",
                   asks=(f"who {job}", f"what did {person.name} do on the film"))


def card_passages(card: Card) -> tuple[Passage, ...]:
    label = f"{card.kind.noun.capitalize()} · {card.name}"
    topic = f"{card.kind.value}:{card.id}"
    command = f"/{CARD_COMMAND[card.kind]} {card.name}"
    out = []
    if card.summary:
        out.append(Passage(label, card.summary, card.reveal, card.sources, topic, command,
                           asks=card.asks))
    out.extend(Passage(f"{label} · {p.label}" if p.label else label, p.text, p.reveal,
                       p.sources, topic, command, asks=p.asks) for p in card.parts)
    return tuple(out)


def passages(content: Content) -> tuple[Passage, ...]:
    out: list[Passage] = []
    for fact in content.facts:
        group, topic = fact.topic.split(".")
        label = TOPIC_NAMES[fact.topic] + (f" · {fact.label}" if fact.label else "")
        out.append(Passage(label, fact.text, fact.reveal, fact.sources, fact.topic,
                           f"/{group} {topic}", fact.known, fact.asks))
    for person in content.people:
        out.extend(credit_passage(person, credit) for credit in person.credits)
    for cards in content.cards.values():
        for card in cards:
            out.extend(card_passages(card))
    return tuple(out)
