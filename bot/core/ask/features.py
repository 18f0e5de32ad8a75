"""What is measured of a passage against a question, as numbers a weighted sum ranks by.

Each feature is general: how well the words match (BM25 on the passage's own words, on the
words a synonym or a pack link adds, on its entry's label), how much of the question the
passage covers, whether it speaks of the names asked about, whether it offers what the
question's shape wants (a date for "when"), which medium it is about. Nothing here knows a
work: the weights (``weights.yaml``) are fitted on question sets of several works.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.ask.names import Entity
from bot.core.ask.question import Question
from bot.core.ask.sentences import Indexed

NAMES = (
    "own", "expanded", "context", "coverage", "missed",
    "named_hit", "named_miss", "own_card", "implied_hit", "frame_lead", "card_lead",
    "when_date", "many_number", "many_count", "old_age", "long_duration", "where_place",
    "who_subject", "why_cause", "money", "shape_unmet", "yes_no_negation",
    "topic", "cast", "credit", "medium_match", "medium_clash", "bias", "chapter_in",
    "chapter_out", "home_video", "not_known", "difference", "compare", "role",
    "unknown", "meaning", "meaning_gap", "alike", "alike_gap",
)
INDEX = {name: n for n, name in enumerate(NAMES)}

# Words that say which kind of fact a question wants, and the topics they point to.
TOPICS: tuple[tuple[frozenset[str], tuple[str, ...]], ...] = (
    (frozenset({"filmed", "filming", "shot", "shoot", "location", "locations", "scene"}),
     ("film.locations",)),
    (frozenset({"budget", "cost", "gross", "grossed", "box", "money", "earn", "earned",
                "takings", "worldwide", "premiere", "premiered", "released", "release",
                "opened", "festival", "runtime", "rated", "rating", "certificate", "dvd"}),
     ("film.release",)),
    (frozenset({"published", "publisher", "publish", "publication", "edition", "paperback",
                "hardback", "copies", "sold"}), ("book.about",)),
    (frozenset({"award", "awards", "win", "won", "nominated", "nomination", "nominations",
                "oscar", "oscars", "bafta", "prize", "beat", "shortlisted", "shortlist"}),
     ("film.awards", "book.honours")),
    (frozenset({"review", "reviews", "reviewers", "critics", "reception", "received",
                "metacritic", "rotten", "panned"}), ("film.reception",)),
    (frozenset({"chapters", "chapter", "parts", "sections", "structure", "told", "narrated",
                "narrator"}), ("book.structure",)),
)
_CAST_WORDS = re.compile(r"\b(play|plays|played|playing|portray\w*|actor|actors|actress\w*|cast|"
                         r"casted|star|starred|stars|starring|role|who is (s?he|it))\b")
_HOME_VIDEO_LABEL = re.compile(r"DVD|Blu-ray|Home video|Where to watch|Streaming", re.I)
_HOME_VIDEO = frozenset({"dvd", "dvds", "bluray", "blu", "disc", "home", "video", "stream",
                         "streaming", "watch", "rent", "netflix", "buy", "sales", "sell"})


@dataclass(frozen=True, slots=True)
class Asked:
    """What is worked out of a question once, before any passage is measured."""

    question: Question
    weights: dict[str, float]  # stem -> weight (own words 1, forms 1, synonyms and links less)
    own: frozenset[str]  # the stems of the member's own words (and their forms)
    units: tuple[tuple[frozenset[str], float], ...]  # each asked unit: its stems, its weight
    unknown: int  # asked words no passage uses: the question may be about something else
    named: tuple[Entity, ...]
    implied: tuple[Entity, ...]
    frame: Entity | None  # the name a bare "who is X" / "what is X" asks about
    topics: frozenset[str]  # topics the question's words point to
    cast: bool  # asks who played whom
    role: str | None  # the film job it names ("music"), if any


def measure(asked: Asked, item: Indexed, offers: frozenset[str], idf: dict[str, float],
            avg: float, lead: bool, position: float, touched: tuple[bool, ...],
            role: str | None, meaning: tuple[float, float] = (0.0, 0.0),
            alike: tuple[float, float] = (0.0, -1.0)) -> list[float]:
    """The features of one passage for one question, in ``NAMES`` order. ``touched``: for each
    of the question's named entities, does the passage speak of it."""
    q = asked.question
    f = [0.0] * len(NAMES)
    _words(f, asked, item, idf, avg)
    topic = item.passage.topic
    if asked.named:
        share = sum(touched) / len(touched)
        f[5] = share
        f[6] = float(share == 0)
        f[7] = float(asked.named[0].topic == topic)
    elif asked.implied:
        f[8] = float(any(e.topic == topic for e in asked.implied))
    f[9] = float(lead and asked.frame is not None and asked.frame.topic == topic)
    f[10] = float(lead)
    _shapes(f, q.shapes, offers)
    f[21] = float(q.yes_no and "negation" in offers)
    f[22] = float(topic in asked.topics)
    f[23] = float(asked.cast and topic == "film.cast")
    f[24] = float(topic in ("film.cast", "film.crew"))
    medium = _medium_of(item)
    if q.medium is not None and medium is not None:
        f[25], f[26] = float(medium == q.medium), float(medium != q.medium)
    f[27] = q.bias * (2 * position - 1)
    if q.chapters:
        first, last = q.chapters
        novel = item.passage.reveal.novel
        inside = novel is not None and first <= novel <= last
        f[28], f[29] = float(inside), float(not inside)
    f[30] = float(bool(_HOME_VIDEO_LABEL.search(item.passage.label))
                  and not set(q.words) & _HOME_VIDEO)
    f[31] = float(not item.passage.known)
    f[32] = float(topic.startswith("difference:"))
    f[33] = float(q.compare and topic.startswith("difference:"))
    f[34] = float(asked.role is not None and asked.role == role)
    f[35] = float(asked.unknown)
    f[36], f[37] = meaning
    f[38], f[39] = alike
    return f


def _words(f: list[float], asked: Asked, item: Indexed, idf: dict[str, float],
           avg: float) -> None:
    """Features 0-4: BM25 on the passage's own words and on expansions, the entry's words,
    and how much of what is asked the passage covers."""
    own = expanded = context = 0.0
    norm = 1.2 * (0.5 + 0.5 * item.length / avg)
    for term, weight in asked.weights.items():
        tf = item.terms.get(term, 0)
        if tf:
            saturated = idf.get(term, 0.0) * tf * 2.2 / (tf + norm)
            if term in asked.own:
                own += saturated
            else:
                expanded += weight * saturated
        if term in item.context:
            context += weight * idf.get(term, 0.0)
    f[0], f[1], f[2] = own, expanded, context
    total = hit = 0.0
    for stems, weight in asked.units:
        total += weight
        if any(s in item.terms or s in item.context for s in stems):
            hit += weight
    f[3] = hit / total if total else 1.0
    f[4] = total - hit


_OFFERED = (("when", "date"), ("how_many", "number"), ("how_many", "count"), ("how_old", "age"),
            ("how_long", "duration"), ("where", "place"), ("who", "subject"), ("why", "cause"))
_DEMANDED = {"how_old": "age", "how_long": "duration", "how_many": "number", "when": "date"}


def _shapes(f: list[float], shapes: frozenset[str], offers: frozenset[str]) -> None:
    """Features 11-20: what the passage's text offers the question's shape, and whether it
    lacks what the shape demands."""
    for n, (shape, offer) in enumerate(_OFFERED, start=11):
        f[n] = float(shape in shapes and offer in offers)
    f[19] = float("how_many" in shapes and "money" in offers)
    f[20] = float(any(s in shapes and _DEMANDED[s] not in offers for s in _DEMANDED))


def _medium_of(item: Indexed) -> str | None:
    """The medium a passage is about: the film's facts and credits, the book's facts, a
    difference's side; None for what belongs to both."""
    passage = item.passage
    if passage.topic.startswith("film."):
        return "film"
    if passage.topic.startswith("book."):
        return "novel"
    if passage.label.endswith("In the film"):
        return "film"
    if passage.label.endswith("In the novel"):
        return "novel"
    reveal = passage.reveal
    if reveal.safe:
        return None
    if reveal.film is None:
        return "novel"
    if reveal.novel is None:
        return "film"
    return None


def topics_of(words: set[str]) -> frozenset[str]:
    return frozenset(t for keys, topics in TOPICS if words & keys for t in topics)


def asks_cast(text: str) -> bool:
    return bool(_CAST_WORDS.search(text)) or bool(
        re.search(r"\b(who|whos)\b.*\bin the (film|movie)\b", text))


_MEDIUM_WORDS = frozenset({"book", "books", "novel", "novels", "film", "films", "movie", "movies"})


def named_only(q: Question, names: set[int]) -> bool:
    """Does the question name someone and ask nothing else but a medium?"""
    rest = [u for n, u in enumerate(q.units) if not u.filler and n not in names]
    return bool(names) and bool(rest) and all(set(u.words) <= _MEDIUM_WORDS for u in rest)


def build(q: Question, idf: dict[str, float], frame: Entity | None,
          role: str | None = None) -> Asked:
    """The question as the features read it. A filler ("the plot", "please") weighs little;
    a unit that is a name is left to the name features, so coverage counts what is asked
    about the name."""
    weights: dict[str, float] = {}
    own: set[str] = set()
    names = q.entity_units()
    rare = max(idf.values(), default=1.0) + 1.0
    units = []
    unknown = 0
    for n, unit in enumerate(q.units):
        scale = 0.3 if unit.filler else 1.0
        for term, weight in unit.weights.items():
            # A filler's own word in a passage is chance ("this happens" for "what happened
            # to X"); only what it may mean (dies, is lost) speaks to the question.
            if unit.filler and term in unit.own:
                continue
            weights[term] = max(weights.get(term, 0.0), weight * scale)
        if not unit.filler:
            own |= unit.own
            if n not in names:
                stems = frozenset(unit.weights)
                # A word no passage uses is rarer than any that one does: a question that
                # turns on it ("who directed <a film we know nothing of>") is not covered.
                units.append((stems, max((idf.get(s, rare) for s in unit.own), default=rare)))
                unknown += not any(s in idf for s in stems)
    # "is X in the book": nothing asked but the name and a medium, which its own features
    # weigh; there is nothing else to cover.
    if named_only(q, names):
        units = []
    named = q.named
    implied = [e for e in q.entities if e.kind != "work" and e not in named]
    return Asked(q, weights, frozenset(own), tuple(units), unknown, tuple(named),
                 tuple(implied), frame, topics_of(set(q.words)), asks_cast(q.text), role)
