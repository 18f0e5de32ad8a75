"""What a question asks: its shape (who, when, how many ...), the names in it, its units of
meaning, and whether it is a question of fact at all."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.core.ask.lexicon import Lexicon, Unit
from bot.core.ask.names import Entity, Mention, NameTable, unique
from bot.core.timeline import Reveal
from bot.core.words import normalise
from bot.core.work import Timeline

_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(p)) for name, p in (
    ("how_old", r"\b(how old|what age(?! (rating|certificate|classification))|age of|aged)\b"),
    ("how_many", r"\b(how (many|much)|what number|number of|what percentage|what score|"
                 r"what grade|what rating|what position|how big)\b"),
    ("how_long", r"\b(how long|runtime|run time|running time|length|in hours|in minutes)\b"),
    ("when", r"\b(when|what (year|date|day|month|decade)|which (year|date|day|month))\b"),
    ("where", r"\b(where|what (town|city|place|county|country|borough|street|region|area|"
              r"london borough)|which (town|city|place|county|country|borough|street|region|"
              r"school|building))\b"),
    ("why", r"\b(why|how come|what for|the point of|whats the point|purpose|reason)\b|"
            # "what was the gallery for", not "what was it nominated for"
            r"^(what|whats) (is|was|were|are)? ?(the |a |an )?(?!(\w+ )?(nominated|known|"
            r"famous|looking|waiting|responsible|rated|paid|shortlisted|praised|remembered|"
            r"best|up|out|in)\b)\w+( \w+)? for\b"),
    ("who", r"\b(who|whos|whom|whose|which (actor|actress|person|guy|man|woman|girl|boy))\b"),
))
# "when" after another question's words, not after "and": a conjunction ("what does he do
# when ..."), unless a date is asked in so many words.
_ONLY_WHILE = re.compile(r"^(?!.*\b(?:and|or|but)\s+when\b).*\b(?:why|who|whos|what|whats|where|"
                         r"how|which|did|does|do|is|was|were|are)\b.*?\bwhen\b")
_WHEN_ASKED = re.compile(r"\b(what|which) (year|date|day|month|decade)\b|^when\b")
YES_NO = re.compile(r"^(is|are|was|were|do|does|did|has|have|had|can|could|will|would|"
                     r"should)\b")
_LIST = re.compile(r"\b(what|which|list|name|all)\s+(the\s+)?(?!(is|was|has|does|its|this|"
                   r"thats|whats|us)\b)\w+(s)\b(?! it| its)|"
                   r"\bwho (are|were) the\b|\ball the\b|\beach\b|\bnominated for\b|"
                   r"\bwhat (are|were) (the |its |some )?(main |key |major |big |central )?\w+s\b|"
                   r"^what (did|has) (it|the film|the movie|the book|the novel) win\b|"
                   r"\bwin anything\b|\bwon anything\b|\bany awards\b|"
                   r"^where (was|were|did) (it|they|the film|the movie) (filmed|shot|film|shoot)$")
_FATE = re.compile(r"\b(what|whatever) (happens|happened|becomes|became) (to|of)\b|"
                   r"\bend up\b|\bin the end\b")
_CHAPTER = re.compile(r"\bchapter (\d{1,2})\b")
_PART = re.compile(r"\bpart (one|two|three|1|2|3)\b")
_PART_NUMBER = {"one": 1, "two": 2, "three": 3, "1": 1, "2": 2, "3": 3}
_COMPARE = re.compile(r"\b(differ\w*|change\w*|compare\w*|vs|versus|between|same|"
                      r"unlike|like the (film|book|movie|novel))\b")


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    words: tuple[str, ...]
    units: tuple[Unit, ...]
    mentions: tuple[Mention, ...]
    shapes: frozenset[str]
    yes_no: bool
    listing: bool
    medium: str | None  # "novel" or "film" when the question names only one
    chapters: tuple[int, int] | None  # the chapters it asks about ("in chapter 3", "part two")
    bias: int  # +1: asks about the end ("at the end"); -1: the start; 0: neither
    request: bool  # a joke, a poem, an opinion: not a question of fact
    media: bool  # names another kind of adaptation (a stage play, a TV series)
    compare: bool  # sets the book against the film ("in the book vs the movie")

    @property
    def entities(self) -> list[Entity]:
        return unique(self.mentions)

    @property
    def named(self) -> list[Entity]:
        """The entities named outright (not through a link), other works left out."""
        return unique(m for m in self.mentions if not m.implied and m.entity.kind != "work")

    @property
    def works(self) -> list[Entity]:
        return [e for e in self.entities if e.kind == "work"]

    def entity_units(self) -> set[int]:
        """The units that are (part of) a name."""
        spans = [(m.start, m.end) for m in self.mentions if not m.implied]
        out = set()
        position = 0
        for n, unit in enumerate(self.units):
            at = _find(self.words, unit.words, position)
            if at is None:
                continue
            position = at + len(unit.words)
            if any(s <= at < e for s, e in spans):
                out.add(n)
        return out


def _find(words: tuple[str, ...], part: tuple[str, ...], start: int) -> int | None:
    for i in range(start, len(words) - len(part) + 1):
        if words[i:i + len(part)] == part:
            return i
    return None


def read(text: str, lexicon: Lexicon, names: NameTable,
         sees: Callable[[Reveal], bool], timeline: Timeline) -> Question:
    words = text.split()
    english = lexicon.english
    shapes = frozenset(name for name, pattern in _SHAPES if pattern.search(text))
    if "when" in shapes and _ONLY_WHILE.search(text) and not _WHEN_ASKED.search(text):
        shapes -= {"when"}  # "why didn't she leave when the maids were fired": not a date
    present = set(words)
    film_words, book_words = present & english.film_words, present & lexicon.book_words
    medium = None
    if film_words and not book_words:
        medium = "film"
    elif book_words and not film_words:
        medium = "novel"
    chapters = None
    if match := _CHAPTER.search(text):
        chapters = (int(match[1]), int(match[1]))
    elif (match := _PART.search(text)) and _PART_NUMBER[match[1]] <= len(timeline.book.parts):
        part = timeline.book.parts[_PART_NUMBER[match[1]] - 1]
        first, last = part.first, part.last
        chapters = (first, last)
        if re.search(r"\bend of part\b", text):
            chapters = (last, last)
    both = bool(film_words and book_words)
    # "What happens to X" asks where X ends up: the story read from its end.
    later = lexicon.has(words, english.later) or bool(_FATE.search(text))
    earlier = lexicon.has(words, english.earlier)
    units = [_shape_word(u, shapes) for u in lexicon.units(words, sees)]
    mentions = names.find(words, sees)
    # A link may name an entity (a nickname for a character): the question speaks of it too.
    taken = {(m.entity.kind, m.entity.key) for m in mentions}
    position = 0
    for unit in units:
        at = _find(tuple(words), unit.words, position)
        if at is None:
            continue
        position = at + len(unit.words)
        for phrase in unit.means:
            entity = names.named(phrase, sees)
            if entity and (entity.kind, entity.key) not in taken:
                taken.add((entity.kind, entity.key))
                mentions.append(Mention(entity, at, at + len(unit.words), implied=True))
    mentions.sort(key=lambda m: m.start)
    mentions = _own_relations(mentions, words, english.relations)
    return Question(
        text=text, words=tuple(words), units=tuple(units),
        mentions=tuple(mentions), shapes=shapes,
        yes_no=bool(YES_NO.match(text)), listing=bool(_LIST.search(text)),
        medium=medium, chapters=chapters, bias=int(later) - int(earlier),
        request=lexicon.has(words, english.requests) or lexicon.has(words, english.taste),
        media=lexicon.has(words, english.media),
        compare=both or bool(_COMPARE.search(text) and (film_words or book_words)),
    )


def _own_relations(mentions: list[Mention], words: list[str],
                   relations: frozenset[tuple[str, ...]]) -> list[Mention]:
    """"the neighbour's father" is the neighbour's, not the card "father" alone names."""
    ends = {m.end: m for m in mentions}
    return [m for m in mentions
            if not (tuple(words[m.start:m.end]) in relations and m.start in ends
                    and not _related(ends[m.start].entity, m.entity))]


def _related(owner: Entity, relative: Entity) -> bool:
    """Does the relative's card speak of the owner ("the hero's dad": the father's card names
    the hero; "the neighbour's father": it does not)?"""
    if owner.key == relative.key:
        return True
    card = relative.card
    if card is None:
        return True
    text = f" {normalise(' '.join([card.summary or '', *(p.text for p in card.parts)]))} "
    return any(f" {name} " in text for name in owner.names)


# Words that only say what kind of answer is wanted: "how OLD", "how LONG", "what YEAR".
_SHAPE_WORDS = {"how_old": {"old", "age", "aged"}, "how_long": {"long", "length", "last"},
                "when": {"year", "date", "day", "month"}, "how_many": {"number"},
                "where": {"county", "town", "city", "country", "place", "region", "borough",
                          "street", "area", "building"}}


def _shape_word(unit: Unit, shapes: frozenset[str]) -> Unit:
    if len(unit.words) == 1 and any(unit.words[0] in _SHAPE_WORDS.get(s, ()) for s in shapes):
        return replace(unit, filler=True)
    return unit
