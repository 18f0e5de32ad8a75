"""`/ask`: answers to questions in plain words, drawn from the facts and cards, offline.

No model and no network: a question is routed by what it asks for (who played someone, who did a
job on the film, what a word means, who someone is), and anything else goes to a BM25 ranking over
every fact and card part, with synonyms for the ways members phrase things ("movie", "score",
"came out"). Every answer part keeps its own reveal point, so the spoiler engine gates an answer
like any reply, and the sources it used are named.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.core.content.model import Card, CardKind, Content
from bot.core.names import NameIndex
from bot.core.passages import Passage, card_passages, credit_passage
from bot.core.timeline import Reveal
from bot.core.words import STOPWORDS, normalise

# Words members use, mapped onto the words the content uses.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "movie": ("film",), "films": ("film",), "flick": ("film",),
    "book": ("novel",), "books": ("novel",),
    "score": ("music", "composer"), "soundtrack": ("music",), "composed": ("music",),
    "composer": ("music",), "compose": ("music",),
    "director": ("directed", "direct"), "directed": ("director",),
    "script": ("screenplay",), "screenwriter": ("screenplay",),
    "came": ("release", "released", "opened"), "come": ("release", "released"),
    "open": ("opened", "release"), "opened": ("release",), "premiere": ("premiered",),
    "premiered": ("premiere",), "out": ("release",), "cinemas": ("release", "theatres"),
    "theaters": ("theatres",), "uk": ("british", "britain"), "britain": ("uk",),
    "england": ("uk",), "us": ("american", "united", "states"), "usa": ("us",),
    "america": ("us",), "american": ("us",),
    "win": ("won", "award"), "won": ("win", "award"), "awards": ("award",),
    "prize": ("award",), "prizes": ("award",), "nominated": ("nomination",),
    "nominations": ("nomination",), "oscar": ("academy", "oscars"),
    "oscars": ("academy",), "bafta": ("bafta",),
    "money": ("gross", "box", "office"), "dollars": ("gross", "budget"),
    "earn": ("gross",), "earned": ("gross",),
    "make": ("gross",), "made": ("gross",), "gross": ("box", "office"),
    "cost": ("budget",), "expensive": ("budget",),
    "long": ("runtime", "minutes"), "length": ("runtime",), "runtime": ("minutes",),
    "filmed": ("filming", "location", "shot"), "shot": ("filming", "location"),
    "where": ("location",), "locations": ("location",),
    "stream": ("watch", "streaming"), "streaming": ("watch",), "dvd": ("watch", "dvd"),
    "bluray": ("watch",), "rated": ("rating",), "rating": ("rated",), "age": ("rating",),
    "reviews": ("review", "critics"), "critics": ("review",), "rotten": ("rotten", "tomatoes"),
    "published": ("publisher", "publication"), "publisher": ("published",),
    "chapters": ("chapter",), "parts": ("part",), "long_book": ("chapter",),
    "wrote": ("author", "written"), "writer": ("author",), "written": ("author",),
    "booker": ("booker", "prize"), "narrator": ("narrates", "narrator"), "narrates": ("narrator",),
    "when": ("date", "release"), "year": ("date",),
    "dies": ("completes", "completion"), "die": ("completes", "completion"),
    "died": ("completes", "completion"), "death": ("completion",), "dead": ("completion",),
    "organ": ("donation", "organs"), "organs": ("donation",), "clones": ("clone", "copied"),
    "clone": ("copied",), "kids": ("students", "children"), "children": ("students",),
    "teachers": ("guardians",), "teacher": ("guardians",), "school": ("hailsham",),
    "song": ("tape", "song"), "tape": ("cassette",), "cassette": ("tape",),
    "distributed": ("distributor",), "distribute": ("distributor",),
    "postpone": ("deferral",), "delay": ("deferral",), "original": ("possible",),
    "lookalike": ("possible",), "saw": ("seen",), "see": ("seen",),
}
_CAST_WORDS = frozenset({"play", "plays", "played", "playing", "actor", "actress", "portray",
                         "portrays", "portrayed", "star", "starred", "stars", "cast", "casted"})
_CREW_WORDS: dict[str, tuple[str, ...]] = {
    "music": ("score", "music", "composer", "composed", "compose", "soundtrack"),
    "director": ("direct", "directed", "director", "directs"),
    "screenplay": ("screenplay", "script", "screenwriter", "adapted", "adapt"),
    "cinematography": ("cinematographer", "cinematography", "photography"),
    "editing": ("editor", "edited", "editing"),
    "producer": ("produce", "produced", "producer", "producers"),
    "casting": ("casting",),
    "costume": ("costume", "costumes"),
    "production-design": ("designer", "design"),
}
_MEANING = re.compile(r"^(what|whats)\s+(is|are|was|were|s)\s+(a|an|the)?\s*(?P<term>.+)$|"
                      r"^(what\s+does|what\s+do)\s+(?P<term2>.+?)\s+mean$|"
                      r"^(define|meaning\s+of)\s+(?P<term3>.+)$")
_WHO_IS = re.compile(r"^(who\s+(is|was|are)|whos|what\s+happens\s+to|what\s+happened\s+to|"
                     r"tell\s+me\s+about|what\s+becomes\s+of)\s+(?P<name>.+)$")
# Question words typed in a hurry.
_TYPOS = {"whos": "who", "whats": "what", "wheres": "where", "hows": "how", "wat": "what",
          "wot": "what", "waht": "what", "hwo": "who", "woh": "who",
          "wich": "which", "wen": "when", "wher": "where", "whn": "when", "u": "you"}
MIN_SCORE = 2.2  # below this the best match is a guess, and we say we do not know
MIN_COVERAGE = 0.5  # the share of the question's words an answer must speak to
# Words that say which facts a question is about; those facts rank higher.
_TOPIC_HINTS: tuple[tuple[frozenset[str], tuple[str, ...]], ...] = (
    (frozenset({"filmed", "shot", "filming", "location", "locations"}), ("film.locations",)),
    (frozenset({"budget", "cost", "gross", "box", "money", "earn", "earned", "worldwide",
                "rated", "rating", "mpaa", "bbfc", "runtime", "long", "length",
                "premiere", "premiered", "release", "released", "opened", "open", "came",
                "come", "festival"}), ("film.release",)),
    (frozenset({"published", "publisher", "publish", "publication"}), ("book.about",)),
    (frozenset({"award", "awards", "win", "won", "nominated", "nomination", "nominations",
                "oscar", "oscars", "bafta", "saturn", "bifa", "prize"}),
     ("film.awards", "book.honours")),
    (frozenset({"review", "reviews", "critics", "rotten", "metacritic", "reception", "like"}),
     ("film.reception",)),
    (frozenset({"stream", "streaming", "dvd", "watch", "bluray", "netflix"}), ("film.watch",)),
    (frozenset({"chapters", "parts", "structure", "sections"}), ("book.structure",)),
)
_DATE = re.compile(r"\b(1[89]\d\d|20\d\d|january|february|march|april|may|june|july|august|"
                   r"september|october|november|december)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Answer:
    passages: tuple[Passage, ...]
    how: str  # which route answered: cast, crew, glossary, card, character, search or none


@dataclass(frozen=True, slots=True)
class _Doc:
    passage: Passage
    terms: Counter[str]
    length: int


def stem(word: str) -> str:
    for suffix in ("ings", "ing", "ies", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def terms_of(text: str) -> list[str]:
    return [stem(w) for w in normalise(text).split() if w not in STOPWORDS]


def query_terms(text: str) -> dict[str, float]:
    """The question's own words weigh 1; the synonyms they bring in weigh half."""
    weights: dict[str, float] = {}
    for w in normalise(text).split():
        if w in STOPWORDS:
            continue
        weights[stem(w)] = 1.0
        for s in _SYNONYMS.get(w, ()):
            weights.setdefault(stem(s), 0.5)
    return weights


class Answerer:
    """Built once at start-up from the content; answering is in memory."""

    def __init__(self, content: Content, names: dict[CardKind, NameIndex],
                 docs: tuple[Passage, ...]) -> None:
        self.content = content
        self.names = names
        self.docs = [self._index(s) for s in docs]
        self.avg_len = sum(d.length for d in self.docs) / max(1, len(self.docs))
        df: Counter[str] = Counter()
        for doc in self.docs:
            df.update(set(doc.terms))
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        # Character names and aliases (safe ones, and gated ones with their points) for routing.
        self.character_names: list[tuple[str, Card, Reveal]] = []
        for card in content.cards_of(CardKind.CHARACTER):
            self.character_names.append((normalise(card.name), card, card.reveal))
            for alias in card.aliases:
                self.character_names.append((normalise(alias.name), card,
                                             card.reveal.later(alias.reveal)))
        self.character_names.sort(key=lambda t: -len(t[0]))
        # Every word the content uses, with the points where it is used: to put a member's
        # typos right ("musc", "posible") and to tell a word we have from one we do not. A word
        # counts as known only where the reader may see it used, or the answer to "is
        # 'Kingsfield' a word in this story?" would itself be a spoiler.
        uses: dict[str, set[Reveal]] = {}
        for d in docs:
            for w in normalise(f"{d.label} {d.text}").split():
                uses.setdefault(w, set()).add(d.reveal)
        self._uses = {w: tuple(r) for w, r in uses.items()}
        self._always = frozenset(set(_SYNONYMS) | _CAST_WORDS | {"define", "meaning", "mean",
                                                                  "explain"}
                                 | {w for keys in _CREW_WORDS.values() for w in keys})
        self._spellings = sorted(w for w in (*uses, *self._always) if len(w) >= 4)

    def known(self, word: str, usable: Callable[[Reveal], bool]) -> bool:
        return word in self._always or any(usable(r) for r in self._uses.get(word, ()))

    def correct(self, question: str, usable: Callable[[Reveal], bool]) -> str:
        words = []
        for w in normalise(question.replace("?", " ")).split():
            w = _TYPOS.get(w, w)
            if len(w) >= 4 and w not in STOPWORDS and not self.known(w, usable):
                for best, _score, _i in process.extract(w, self._spellings, scorer=fuzz.ratio,
                                                         score_cutoff=80, limit=5):
                    # A correction into a word with no subject ("weather" -> "whether") is no
                    # correction: the word stays, and counts against the answer's coverage.
                    if best not in STOPWORDS and self.known(best, usable):
                        w = best
                        break
            words.append(w)
        return " ".join(words)

    def _index(self, passage: Passage) -> _Doc:
        # The label counts twice: "Film · Budget" says what a fact is about; so does its topic.
        topic = passage.topic.replace(".", " ") if "." in passage.topic else ""
        words = terms_of(passage.label) * 2 + terms_of(passage.text) + terms_of(topic)
        return _Doc(passage, Counter(words), len(words))

    # -- answering ---------------------------------------------------------------------------
    def answer(self, question: str, sees: Callable[[Reveal], bool],
               rankable: Callable[[Reveal], bool] | None = None) -> Answer:
        """``sees``: what the audience may see (routes find only such names); ``rankable``: if
        given, only such passages may answer at all."""
        usable = rankable or _anything
        text = self.correct(question, usable)
        words = set(text.split())
        for route in (self._cast, self._crew, self._meaning, self._who_is):
            found = route(text, words, sees)
            if found:
                return found
        return self._search(text, usable)

    def _character_in(self, text: str, sees: Callable[[Reveal], bool]) -> Card | None:
        padded = f" {text} "
        for key, card, reveal in self.character_names:
            if key and f" {key} " in padded and (reveal.safe or sees(reveal)):
                return card
        return None

    def _cast(self, text: str, words: set[str], sees) -> Answer | None:
        # "who played Ruth", "who is Ruth in the film": not "who gives Kathy the tape".
        in_film = _WHO_IS.match(text) and words & {"film", "movie"}
        if not words & _CAST_WORDS and not in_film:
            return None
        card = self._character_in(text, sees)
        if card is None:
            return None
        young = bool(words & {"young", "younger", "child", "kid", "girl", "boy"})
        adult = bool(words & {"adult", "older", "grown"})
        passages = []
        for person in self.content.people:
            for credit in person.credits:
                if credit.character != card.id:
                    continue
                is_young = "young" in (credit.as_ or "").lower()
                if (young and not is_young) or (adult and is_young):
                    continue
                passages.append(credit_passage(person, credit))
        return Answer(tuple(passages), "cast") if passages else None

    def _crew(self, text: str, words: set[str], sees) -> Answer | None:
        if "who" not in words and "whose" not in words:
            return None
        # The job named wins ("who wrote the score" is the composer); then "wrote" alone.
        role = next((name for name, keys in _CREW_WORDS.items() if words & set(keys)), None)
        if role is None and words & {"wrote", "write", "writer", "written", "author"}:
            film = words & {"film", "movie", "adaptation"}
            role = "screenplay" if film else "author"
        if role == "production-design" and "costume" in words:
            role = "costume"
        if role is None:
            return None
        passages = tuple(
            credit_passage(person, credit)
            for person in self.content.people
            for credit in person.credits
            if credit.role == role or (role == "producer" and credit.role == "executive-producer")
        )
        return Answer(passages, "crew") if passages else None

    def _meaning(self, text: str, words: set[str], sees) -> Answer | None:
        match = _MEANING.match(text)
        if not match:
            return None
        term = match["term"] or match["term2"] or match["term3"]
        card = self._named_card(term, (CardKind.TERM, CardKind.SETTING, CardKind.THEME), sees)
        return Answer(card_passages(card), "glossary") if card else None

    def _who_is(self, text: str, words: set[str], sees) -> Answer | None:
        match = _WHO_IS.match(text)
        if not match:
            return None
        name = match["name"]
        card = self._character_in(name, sees)
        if card is None:
            # "What happened to Hailsham?": a place or a term by its exact name.
            place = self._named_card(name, (CardKind.SETTING, CardKind.TERM), sees)
            return Answer(card_passages(place), "card") if place else None
        if len(normalise(name).split()) > len(normalise(card.name).split()) + 2:
            return None
        return Answer(card_passages(card), "character")

    def _named_card(self, name: str, kinds: tuple[CardKind, ...],
                    sees: Callable[[Reveal], bool]) -> Card | None:
        """A card the question names outright. A fuzzy guess here would answer a question
        nobody asked ("what is the title" is not "the tape")."""
        for kind in kinds:
            card = self.names[kind].find(name, sees, sees).card
            if card and _stems(name) in {_stems(k) for k in _card_keys(card)}:
                return card
        return None

    def _coverage(self, question: str, doc: _Doc, usable: Callable[[Reveal], bool]) -> float:
        """The share of the question's own words that the answer speaks to (or a synonym of
        them). A word the content never uses at all ("weather") counts twice against it: the
        question is about something we do not have."""
        words = [w for w in normalise(question).split() if w not in STOPWORDS]
        if not words:
            return 0.0
        hit = sum(
            1 for w in words
            if any(t in doc.terms for t in (stem(w), *(stem(s) for s in _SYNONYMS.get(w, ()))))
        )
        # Numbers are often a member's wrong figure ("64 million"): those we can answer.
        unknown = sum(1 for w in words if not w[0].isdigit() and not self.known(w, usable))
        return hit / (len(words) + unknown)

    def _search(self, question: str, usable: Callable[[Reveal], bool]) -> Answer:
        query = query_terms(question)
        if not query:
            return Answer((), "none")
        words = set(normalise(question).split())
        hinted = {t for keys, topics in _TOPIC_HINTS if words & keys for t in topics}
        when = "when" in words
        # "Did the film win anything?" is about the film, not the novel's prizes.
        medium = None
        if words & {"film", "movie", "films", "movies"} and not words & {"book", "novel"}:
            medium = "film."
        elif words & {"book", "novel", "books"} and not words & {"film", "movie"}:
            medium = "book."
        k1, b = 1.4, 0.6
        scored: list[tuple[float, int]] = []
        for i, doc in enumerate(self.docs):
            if not usable(doc.passage.reveal):
                continue
            other = {"film.", "book."} - {medium}
            if medium and doc.passage.topic.startswith(tuple(other)):
                continue
            score = 0.0
            for term, weight in query.items():
                tf = doc.terms.get(term, 0)
                if tf:
                    idf = self.idf.get(term, 0.0) * weight
                    score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * doc.length /
                                                               self.avg_len))
            if score:
                if doc.passage.topic in hinted:
                    score *= 2.0
                if when and _DATE.search(doc.passage.text):
                    score *= 2.5  # "when" wants a date
                scored.append((score, i))
        if not scored:
            return Answer((), "none")
        scored.sort(key=lambda t: (-t[0], t[1]))
        best, top = scored[0]
        if best < MIN_SCORE or self._coverage(question, self.docs[top], usable) < MIN_COVERAGE:
            return Answer((), "none")
        chosen = [self.docs[i].passage for s, i in scored[:4] if s >= 0.8 * best]
        # "Saturn, Best ..." facts answer together: a question about one body's awards wants all.
        family = chosen[0].label.split(",")[0] if "," in chosen[0].label else None
        if family:
            chosen = [self.docs[i].passage for s, i in scored
                      if self.docs[i].passage.label.split(",")[0] == family][:6]
        # A book-and-film difference answers with both of its sides.
        lead = chosen[0].topic
        if lead.startswith("difference:"):
            chosen = [d.passage for d in self.docs if d.passage.topic == lead]
        return Answer(tuple(chosen), "search")


def _anything(_reveal: Reveal) -> bool:
    return True


def _stems(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in normalise(text).split())


def _card_keys(card: Card) -> set[str]:
    return {normalise(card.name), *(normalise(a.name) for a in card.aliases)}
