"""Typed, immutable content values. Built only by ``loader``; read everywhere else."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.core.timeline import SAFE, Medium, Reveal
from bot.core.work import WorkInfo

CREW_ROLES: dict[str, str] = {
    "director": "Director",
    "screenplay": "Screenplay",
    "producer": "Producer",
    "executive-producer": "Executive producer",
    "music": "Music",
    "cinematography": "Cinematography",
    "editing": "Editing",
    "production-design": "Production design",
    "art-direction": "Art direction",
    "set-decoration": "Set decoration",
    "costume": "Costume design",
    "casting": "Casting",
}
ROLES: frozenset[str] = frozenset({"cast", "author", *CREW_ROLES})

TOPICS: dict[str, tuple[str, ...]] = {
    "film": ("cast", "crew", "release", "reception", "awards", "locations", "watch"),
    "book": ("about", "structure", "honours"),
}


class CardKind(StrEnum):
    CHARACTER = "character"
    SETTING = "setting"
    TERM = "term"
    THEME = "theme"
    DIFFERENCE = "difference"

    @property
    def noun(self) -> str:
        return {
            CardKind.CHARACTER: "character",
            CardKind.SETTING: "place",
            CardKind.TERM: "glossary term",
            CardKind.THEME: "theme",
            CardKind.DIFFERENCE: "book-and-film difference",
        }[self]


class Depth(StrEnum):
    WARM_UP = "warm-up"
    DEEP = "deep"
    DEBATE = "debate"


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    url: str
    # A title can give something away ("... chapter 22 summary"): it is cited only from here.
    reveal: Reveal = SAFE


@dataclass(frozen=True, slots=True)
class Credit:
    role: str
    as_: str | None = None
    character: str | None = None
    note: str | None = None
    sources: tuple[str, ...] = ()
    known: bool = True  # False: in the cast, but the part played is not confirmed

    @property
    def role_name(self) -> str:
        return CREW_ROLES.get(self.role, self.role.capitalize())


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    credits: tuple[Credit, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Fact:
    id: str
    topic: str  # "film.release", "book.honours", ...
    text: str
    sources: tuple[str, ...]
    reveal: Reveal = SAFE
    label: str | None = None
    # False for a fact that records what is *not* known ("no source says where ... was
    # filmed"): /ask gives it as the reason it cannot answer, never as an answer.
    known: bool = True
    asks: tuple[str, ...] = ()  # questions it answers, as members type them (/ask)


@dataclass(frozen=True, slots=True)
class Link:
    """A member's words and the words the content uses for the same thing (``/ask``).

    A link that itself tells story knowledge ("complete" means to die) carries the point where
    that opens; before it the member's word is just a word.
    """

    words: tuple[str, ...]
    means: tuple[str, ...]
    reveal: Reveal = SAFE


@dataclass(frozen=True, slots=True)
class Alias:
    name: str
    reveal: Reveal = SAFE


@dataclass(frozen=True, slots=True)
class CardPart:
    text: str
    reveal: Reveal  # already the later of the card's point and the part's own
    sources: tuple[str, ...]
    label: str | None = None
    asks: tuple[str, ...] = ()  # questions it answers, as members type them (/ask)


@dataclass(frozen=True, slots=True)
class Card:
    """A character, setting, term, theme or book-film difference: parts that open in turn."""

    kind: CardKind
    id: str
    name: str
    aliases: tuple[Alias, ...]
    reveal: Reveal  # when the card itself opens
    sources: tuple[str, ...]
    parts: tuple[CardPart, ...]
    summary: str | None = None  # themes: a spoiler-free summary
    prompts: tuple[str, ...] = ()  # themes: ids of the prompts that name them
    asks: tuple[str, ...] = ()  # questions its summary answers (/ask)


@dataclass(frozen=True, slots=True)
class Prompt:
    id: str
    text: str
    themes: tuple[str, ...]
    depth: Depth
    medium: Medium
    reveal: Reveal


@dataclass(frozen=True, slots=True)
class Content:
    """One work's pack: its declaration (``work``: titles, timeline) and everything in it."""

    work: WorkInfo
    sources: dict[str, Source]
    people: tuple[Person, ...]
    facts: tuple[Fact, ...]
    cards: dict[CardKind, tuple[Card, ...]]
    prompts: tuple[Prompt, ...]
    # The pack's own words for /ask (facts/vocabulary.yaml), and the titles of other works its
    # facts mention or members may ask about, so that a question about one is declined.
    vocabulary: tuple[Link, ...] = ()
    other_works: tuple[str, ...] = ()
    _card_index: dict[tuple[CardKind, str], Card] = field(default_factory=dict, repr=False)
    _by_topic: dict[str, tuple[Fact, ...]] = field(default_factory=dict, repr=False)
    _prompt_index: dict[str, Prompt] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._prompt_index.update((p.id, p) for p in self.prompts)
        for kind, cards in self.cards.items():
            for card in cards:
                self._card_index[(kind, card.id)] = card
        for fact in self.facts:
            self._by_topic[fact.topic] = (*self._by_topic.get(fact.topic, ()), fact)

    def card(self, kind: CardKind, card_id: str) -> Card:
        return self._card_index[(kind, card_id)]

    def prompt(self, prompt_id: str) -> Prompt | None:
        return self._prompt_index.get(prompt_id)

    def cards_of(self, kind: CardKind) -> tuple[Card, ...]:
        return self.cards.get(kind, ())

    def facts_for(self, topic: str) -> tuple[Fact, ...]:
        return self._by_topic.get(topic, ())
