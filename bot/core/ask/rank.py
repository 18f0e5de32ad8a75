"""BM25 over sentences, with what the question's shape and names say about a good answer.

Each sentence is scored on its own words and, at a lower weight, its entry's (the label
"Film · Release · US release", the card it belongs to), then adjusted: a "when" question
prefers a sentence with a date, "how many" one with a number, a question naming a character
one that speaks of that character, "at the end" a late sentence, "in the film" the film's side.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable

from bot.core.ask.names import Entity
from bot.core.ask.question import Question
from bot.core.ask.sentences import Indexed, indexed
from bot.core.passages import Passage
from bot.core.work import Timeline

K1, B = 1.2, 0.5
CONTEXT = 1.0  # a term in the entry's label counts this much beside the passage's own
_NUMBER_WORDS = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
                 r"thirty|forty|fifty|hundred|thousand|million|single|only")
_DATE = re.compile(r"\b((1[89]\d\d|20\d\d)s?|January|February|March|April|May|June|July|August|"
                   r"September|October|November|December|'\d0s|\d0s)\b")
_NUMBER = re.compile(rf"\d|\b({_NUMBER_WORDS})\b", re.IGNORECASE)
_AGE = re.compile(rf"\b(aged|age|old|older|younger)\b.*\b(\d\d|({_NUMBER_WORDS})(-\w+)?)\b|"
                  rf"\b(\d\d|({_NUMBER_WORDS})(-\w+)?)\b.*\b(aged|years? old|age)\b|"
                  rf"\b(twenty|thirty)-\w+\b", re.IGNORECASE)
_DURATION = re.compile(r"\b\d+\s*(minutes|hours|years|pages|months|weeks)\b|"
                       rf"\b({_NUMBER_WORDS}|few|several|some)\s+(more\s+)?"
                       r"(minutes|hours|years|months|weeks)\b", re.IGNORECASE)
# A count of things ("six nominations", "five in all"), for "how many".
_COUNT = re.compile(rf"\b(\d+|{_NUMBER_WORDS})\s+(\w+\s+)?(nominations|awards|wins|chapters|"
                    r"parts|pages|copies|theatres|cinemas|categories|leavers|students)\b|"
                    r"\b(altogether|in all|total|tally)\b", re.IGNORECASE)
# Home video: its passages answer only a question that asks about it.
_ASKED_FOR = re.compile(r"DVD|Blu-ray|Home video|Where to watch|Streaming", re.IGNORECASE)
_HOME_VIDEO = frozenset({"dvd", "dvds", "bluray", "blu", "disc", "home", "video", "stream",
                         "streaming", "watch", "rent", "netflix", "buy", "sales"})
_CAUSE = re.compile(r"\b(because|so that|so as|to prove|since|reason|in order|why|meant to|"
                    r"was to|so |after the|until|due to|led to|wanted|the truth)", re.IGNORECASE)
_ORDER = re.compile(r"\b(first|second|third|fourth|after|before|later|years|during|while|"
                    r"chapter|at the end|next)\b", re.IGNORECASE)
# A "who" answer names someone first: "Fox Searchlight Pictures handled ...".
_SUBJECT = re.compile(r"^(?!(The|In|It|Its|A|An|At|On|As|After|Before|When|Years|Some|Both|"
                      r"Every|Our|No|This|That)\b)[A-Z][a-z]+,? (and )?[A-Z]")
# Words that say which kind of fact a question wants, and the kinds they point to.
_TOPICS: tuple[tuple[frozenset[str], tuple[str, ...]], ...] = (
    (frozenset({"filmed", "filming", "shot", "shoot", "location", "locations"}),
     ("film.locations",)),
    (frozenset({"budget", "cost", "gross", "grossed", "box", "money", "earn", "earned",
                "takings", "worldwide", "premiere", "premiered", "released", "release",
                "opened", "festival", "runtime", "rated", "rating", "certificate"}),
     ("film.release",)),
    (frozenset({"published", "publisher", "publish", "publication", "edition", "paperback"}),
     ("book.about",)),
    (frozenset({"award", "awards", "win", "won", "nominated", "nomination", "nominations",
                "oscar", "oscars", "bafta", "saturn", "bifa", "bifas", "prize", "beat"}),
     ("film.awards", "book.honours")),
    (frozenset({"review", "reviews", "reviewers", "critics", "reception", "received",
                "metacritic", "rotten", "panned"}), ("film.reception",)),
)
_PLACE = re.compile(r"\b(in|at|to|near|on)\s+(the\s+)?[A-Z][a-z]")


class SentenceIndex:
    def __init__(self, passages: Iterable[Passage], timeline: Timeline) -> None:
        self.timeline = timeline
        self.items = [indexed(p, n) for n, p in enumerate(passages)]
        self.avg = sum(i.length for i in self.items) / max(1, len(self.items))
        df: Counter[str] = Counter()
        self.postings: dict[str, list[int]] = {}
        for n, item in enumerate(self.items):
            for term in set(item.terms) | item.context:
                df[term] += 1
                self.postings.setdefault(term, []).append(n)
        total = len(self.items)
        self.idf = {t: math.log(1 + (total - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.vocabulary = frozenset(self.idf)
        # What each passage's text offers a question's shape, worked out once.
        self.features = [_features(i.passage.text) for i in self.items]

    def weights(self, question: Question) -> dict[str, float]:
        out: dict[str, float] = {}
        for unit in question.units:
            scale = 0.3 if unit.filler else 1.0
            for term, weight in unit.weights.items():
                out[term] = max(out.get(term, 0.0), weight * scale)
        return out

    def rank(self, question: Question, allowed: Callable[[Indexed], bool],
             entities: list[Entity], restrict: Callable[[Indexed], bool] | None = None
             ) -> list[tuple[float, Indexed]]:
        query = self.weights(question)
        base: dict[int, float] = {}
        for term, weight in query.items():
            idf = self.idf.get(term)
            if idf is None:
                continue
            for n in self.postings[term]:
                item = self.items[n]
                tf = item.terms.get(term, 0)
                score = tf * (K1 + 1) / (tf + K1 * (1 - B + B * item.length / self.avg))
                if term in item.context:
                    score += CONTEXT
                base[n] = base.get(n, 0.0) + weight * idf * score
        out = []
        # The adjustments move a score by a bounded factor: only the best by words are weighed.
        for n, score in sorted(base.items(), key=lambda t: -t[1]):
            item = self.items[n]
            if not allowed(item) or (restrict is not None and not restrict(item)):
                continue
            factor = adjust(question, item, entities, self.features[n], self.timeline)
            out.append((score * factor, item))
            if len(out) == _WEIGHED:
                break
        out.sort(key=lambda t: (-t[0], t[1].order))
        return out


def touches(item: Indexed, entity: Entity) -> bool:
    passage = item.passage
    if entity.topic and passage.topic == entity.topic:
        return True
    if entity.person and entity.person.name in passage.label:
        return True
    return any(f" {name} " in item.padded for name in entity.names)


def position(item: Indexed, timeline: Timeline) -> float:
    """Where in the story a sentence opens, 0 (start) to 1 (end); 0.5 for what is safe."""
    reveal = item.passage.reveal
    if reveal.safe:
        return 0.5
    points = []
    if reveal.novel is not None:
        points.append(reveal.novel / max(1, timeline.end.novel))
    if reveal.film is not None:
        points.append(reveal.film / max(1, timeline.end.film))
    return max(points)


_WEIGHED = 60


def _features(text: str) -> frozenset[str]:
    checks = (("date", _DATE), ("number", _NUMBER), ("count", _COUNT), ("age", _AGE),
              ("duration", _DURATION), ("cause", _CAUSE), ("order", _ORDER), ("place", _PLACE))
    found = {name for name, pattern in checks if pattern.search(text)}
    if _SUBJECT.match(text):
        found.add("subject")
    return frozenset(found)


def adjust(question: Question, item: Indexed, entities: list[Entity],
           features: frozenset[str], timeline: Timeline) -> float:
    passage = item.passage
    factor = _shape(question, features, passage)
    named = question.named
    if named:
        hit = sum(touches(item, e) for e in named)
        factor *= 0.35 if hit == 0 else 1 + 0.25 * (hit - 1)
        subject = named[0]
        if subject.topic == passage.topic:
            factor *= 1.15  # the named entry's own card
        elif touches(item, subject):
            factor *= 1.1  # the first name is what the question is about
    elif any(touches(item, e) for e in entities):
        factor *= 1.2  # named through a link ("the art lady"): a hint, not a demand
    words = set(question.words)
    if any(words & keys and passage.topic in topics for keys, topics in _TOPICS):
        factor *= 1.6
    if "where" in question.shapes and "film" in words and passage.topic == "film.locations":
        factor *= 1.6  # "where did they film ..." (the verb)
    if _ASKED_FOR.search(passage.label) and not words & _HOME_VIDEO:
        factor *= 0.5  # home video answers only questions that ask about it
    factor *= _medium(question.medium, passage, passage.text)
    if question.chapters:
        first, last = question.chapters
        novel = passage.reveal.novel
        if passage.reveal.safe:
            factor *= 0.8
        else:
            factor *= 2.0 if novel is not None and first <= novel <= last else 0.6
    if question.bias:
        p = position(item, timeline)
        factor *= 0.6 + 0.8 * p if question.bias > 0 else 1.4 - 0.8 * p
    return factor


def _shape(question: Question, has: frozenset[str], passage: Passage) -> float:
    shapes = question.shapes
    factor = 1.0
    if "when" in shapes and "date" in has:
        factor *= 1.8
    if "how_many" in shapes and "number" in has:
        factor *= 1.5 * (1.6 if "count" in has else 1.0)
    if "how_old" in shapes:
        factor *= 2.2 if "age" in has else 0.7
    if "how_long" in shapes and "duration" in has:
        factor *= 1.8
    if "where" in shapes and (passage.topic in ("film.locations",)
                              or passage.topic.startswith("setting:") or "place" in has):
        factor *= 1.5
    if "who" in shapes and "subject" in has:
        factor *= 1.25
    if "when" in shapes and "date" not in has and "order" in has:
        factor *= 1.3
    if "why" in shapes and "cause" in has:
        factor *= 1.25
    return factor


def _medium(medium: str | None, passage: Passage, text: str) -> float:
    if medium is None:
        return 1.0
    other = "book." if medium == "film" else "film."
    if passage.topic.startswith(other):
        return 0.5
    side = "In the novel" if medium == "film" else "In the film"
    if passage.label.endswith(side) or text.startswith(side):
        return 0.6
    reveal = passage.reveal
    only_other = reveal.film is None if medium == "film" else reveal.novel is None
    return 0.75 if not reveal.safe and only_other else 1.0
