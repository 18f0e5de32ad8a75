"""`/ask`: answers in plain words from the facts and cards, offline, with no model.

A question is put right (typos, against words the audience may see), read for its shape and
the names in it, and split when it asks two things. Each part is answered by a route when its
shape says which facts answer it (a cast credit, a crew credit, who someone is), and otherwise
by ranking every sentence the audience may see (``rank.py``). An answer must speak to what was
asked (its names, and most of its other words), or the bot says it cannot answer: a confident
wrong answer is the worst answer a facts bot can give. Every sentence keeps its passage's
reveal point and sources, so the spoiler engine gates an answer like any reply.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

from bot.core.ask import routes
from bot.core.ask.lexicon import Lexicon, load_english
from bot.core.ask.names import NameTable
from bot.core.ask.question import Question, read
from bot.core.ask.rank import SentenceIndex, touches
from bot.core.ask.select import choose, covered, display, enough, sides
from bot.core.ask.text import stem
from bot.core.content.model import Card, CardKind, Content
from bot.core.passages import Passage
from bot.core.timeline import Reveal
from bot.core.words import STOPWORDS, normalise

MIN_SCORE = 1.6  # below this the best match is a guess, and we say we do not know
# Question words typed in a hurry.
_TYPOS = {"whos": "who is", "whats": "what is", "wheres": "where is", "hows": "how is",
          "wat": "what", "wot": "what", "waht": "what", "hwo": "who", "woh": "who",
          "wich": "which", "wen": "when", "wher": "where", "whn": "when", "u": "you",
          "r": "are", "ur": "your", "wats": "what is"}
_IS = re.compile(r"\b(what|who|where|how|that|there|it|he|she)['’]s\b", re.IGNORECASE)
_ASKS = r"(?:who|whos|what|whats|when|where|which|how|why|is|are|was|were|does|did|do)\b"
_CLAUSE = re.compile(rf"\s+(?:and|&)\s+(?={_ASKS})")
_PRONOUN = re.compile(r"\b(her|his|their|she|he|they|them|him)\b")


@dataclass(frozen=True, slots=True)
class Answer:
    passages: tuple[Passage, ...]
    how: str  # cast, crew, profile, search, or none
    # Why there is no answer: "unknown", "request", "other-work" or "not-known" (a fact that
    # says the answer is not known; it is the one passage then).
    declined: str | None = None
    work: str | None = None  # the other work a declined question named
    missing: str | None = None  # the part of a two-part question nothing answered


class Answerer:
    """Built once at start-up from the content; answering is in memory."""

    def __init__(self, content: Content, docs: tuple[Passage, ...], *, covers: str) -> None:
        self.content = content
        self.covers = covers  # what a decline says the bot does answer about
        self.lexicon = Lexicon(load_english(), content.vocabulary)
        self.timeline = content.work.timeline
        self.index = SentenceIndex(docs, self.timeline)
        # Every word the content uses, with the points where it is used: to put a member's
        # typos right and to tell a word we have from one we do not. A word counts as known
        # only where the reader may see it used, or the answer to "is 'X' a word in this
        # story?" would itself be a spoiler.
        uses: dict[str, set[Reveal]] = {}
        lowercase: set[str] = set()
        for d in docs:
            for w in normalise(f"{d.label} {d.text}").split():
                uses.setdefault(w, set()).add(d.reveal)
                uses.setdefault(f"~{stem(w)}", set()).add(d.reveal)
            lowercase.update(re.findall(r"\b[a-z]+\b", d.text))
        self.names = NameTable(content, lambda w: w in lowercase or w in self.lexicon.known)
        self._uses = {w: tuple(r) for w, r in uses.items()}
        self._always = self.lexicon.known | self.names.words
        self._cards = {f"character:{c.id}": c for c in content.cards_of(CardKind.CHARACTER)}
        self._spellings = sorted(w for w in (*uses, *self._always)
                                 if len(w) >= 4 and not w.startswith("~"))

    # -- words -----------------------------------------------------------------------------
    def known(self, word: str, usable: Callable[[Reveal], bool],
              sees: Callable[[Reveal], bool]) -> bool:
        """Is it a word the bot knows: English, a name, an open link's, or one the content
        uses where ``usable`` lets it be read."""
        return (word in self._always or word[:1].isdigit() or self.lexicon.known_at(word, sees)
                or any(usable(r) for r in self._uses.get(word, ()))
                or any(usable(r) for r in self._uses.get(f"~{stem(word)}", ())))

    def correct(self, question: str, usable: Callable[[Reveal], bool],
                sees: Callable[[Reveal], bool] | None = None) -> str:
        sees = sees or usable
        out: list[str] = []
        for w in " ".join(_TYPOS.get(w, w) for w in normalise(_IS.sub(
                r"\1 is", question.replace("?", " "))).split()).split():
            # "ruths centre": a possessive typed without its apostrophe.
            if w.endswith("s") and w not in self.names.words and w[:-1] in self.names.words:
                w = w[:-1]
            if len(w) >= 4 and w not in STOPWORDS and not self.known(w, usable, sees):
                # Short words need a closer match: "rich" is not a misspelt "Reich".
                cutoff = 90 if len(w) <= 4 else 83 if len(w) <= 6 else 80
                for best, _score, _i in process.extract(w, self._spellings, scorer=fuzz.ratio,
                                                         score_cutoff=cutoff, limit=5):
                    # A correction into a word with no subject ("weather" -> "whether") is
                    # no correction: the word stays, and counts against the answer.
                    if best not in STOPWORDS and self.known(best, usable, sees):
                        w = best
                        break
            out.append(w)
        return " ".join(out)

    # -- answering -------------------------------------------------------------------------
    def answer(self, question: str, sees: Callable[[Reveal], bool],
               rankable: Callable[[Reveal], bool] | None = None) -> Answer:
        """``sees``: what the audience may see (names and vocabulary links open only for
        it); ``rankable``: if given, only such passages may answer at all (hide mode)."""
        usable = rankable or _anything
        text = self.correct(question, usable, sees)
        whole = read(text, self.lexicon, self.names, sees, self.timeline)
        if whole.request:
            return Answer((), "none", "request")
        clauses = self._clauses(whole, sees)
        answers = [self._one(c, sees, usable) for c in clauses]
        # In hide mode nothing the audience may not read is shown, nor counted as held back.
        answers = [replace(a, passages=tuple(p for p in a.passages if usable(p.reveal)))
                   for a in answers]
        found = [a for a in answers if a.passages and a.declined is None]
        if not found:
            first = answers[0]
            return first if first.declined else replace(first, how="none", declined="unknown")
        passages: dict[tuple[str, str], Passage] = {}
        for a in found:
            for p in a.passages:
                passages.setdefault((p.label, p.text), p)
        missing = next((c.text for c, a in zip(clauses, answers, strict=True)
                        if a.declined is not None or not a.passages), None)
        return Answer(tuple(passages.values()), found[0].how, missing=missing)

    def _clauses(self, q: Question, sees: Callable[[Reveal], bool]) -> list[Question]:
        """Two questions in one: "who did the music and who shot it"; "who played X and Y"."""
        pieces = _CLAUSE.split(q.text)
        if len(pieces) == 2 and len(pieces[0].split()) > 1:
            first, second = pieces
            if _PRONOUN.search(second) and not read(second, self.lexicon, self.names,
                                                   sees, self.timeline).entities:
                names = " ".join(e.names[0] for e in read(first, self.lexicon, self.names,
                                                          sees, self.timeline).entities)
                second = f"{second} {names}".strip()
            return [read(first, self.lexicon, self.names, sees, self.timeline),
                    read(second, self.lexicon, self.names, sees, self.timeline)]
        words = list(q.words)
        for a, b in zip(q.mentions, q.mentions[1:], strict=False):
            if a.end + 1 == b.start and words[a.end] in ("and", "or", "&") and \
                    a.entity.kind == b.entity.kind and a.entity.kind != "work":
                one = " ".join(words[:a.end] + words[b.end:])
                two = " ".join(words[:a.start] + words[b.start:])
                return [read(one, self.lexicon, self.names, sees, self.timeline),
                        read(two, self.lexicon, self.names, sees, self.timeline)]
        return [q]

    def _one(self, q: Question, sees: Callable[[Reveal], bool],
             usable: Callable[[Reveal], bool]) -> Answer:
        if q.works:
            return self._other_work(q, usable, sees)
        # A word nobody here knows ("la la land") means the question may be about something
        # else: no route answers it with a credit.
        if all(self.known(w, usable, sees) or w in STOPWORDS for w in q.words):
            for how, route in (("cast", routes.cast), ("crew", routes.crew)):
                found = route(q, self.content, self._describe)
                if found:
                    return Answer(found, how)
        involved = routes.involvement(q)
        if involved:
            return Answer(involved, "crew")
        entity = routes.named(q)
        if entity is not None:
            shown = routes.profile(entity, usable)
            if shown:
                return Answer(shown, "profile")
        ending = routes.fate(q)
        if ending is not None and ending.topic:
            ranked = self.index.rank(q, lambda i: usable(i.passage.reveal), [ending],
                                     restrict=lambda i: i.passage.topic == ending.topic)
            if ranked:
                return Answer(display([i for _s, i in ranked[:2]], self._weigher(q)), "fate")
        if q.chapters and not [u for u in q.units if not u.filler and not set(u.words) & {
                "chapter", "part", "one", "two", "three", "end", *map(str, range(1, 24))}]:
            return self._chapters(q, usable)
        return self._search(q, usable, sees)

    def _chapters(self, q: Question, usable: Callable[[Reveal], bool]) -> Answer:
        """"What happens in chapter 3": the story parts that chapter opens, one per card."""
        assert q.chapters is not None
        first, last = q.chapters
        seen: set[str] = set()
        out = []
        for item in sorted(self.index.items, key=lambda i: (i.passage.reveal.novel or 99,
                                                            i.order)):
            reveal = item.passage.reveal
            topic = item.passage.topic
            if reveal.safe or reveal.novel is None or not first <= reveal.novel <= last or \
                    not usable(reveal) or topic in seen or not topic.startswith(
                        ("character:", "setting:", "term:")):
                continue
            seen.add(topic)
            out.append(item.passage)
            if len(out) == 4:
                break
        return Answer(tuple(out), "chapter") if out else Answer((), "none", "unknown")

    def _describe(self, q: Question) -> list[Card]:
        """The characters a question describes: the best-ranked character cards."""
        ranked = self.index.rank(q, lambda i: i.passage.topic.startswith("character:"), [])
        cards: list[Card] = []
        want = 2 if re.search(r"\b(two|both|couple|pair|students|veterans|ones)\b", q.text) else 1
        for _score, item in ranked:
            card = self._cards.get(item.passage.topic)
            if card and card not in cards:
                cards.append(card)
            if len(cards) == want:
                break
        return cards

    def _search(self, q: Question, usable: Callable[[Reveal], bool],
                sees: Callable[[Reveal], bool]) -> Answer:
        entities = [e for e in q.entities if e.kind != "work"]
        ranked = self.index.rank(q, lambda i: usable(i.passage.reveal), entities)
        if not ranked or ranked[0][0] < MIN_SCORE:
            return Answer((), "none", "unknown")
        chosen = choose(q, ranked)
        if q.named and not any(touches(i, e) for i in chosen for e in q.named):
            return Answer((), "none", "unknown")
        if not enough(covered(q, chosen, lambda w: self.known(w, usable, sees)), q, chosen):
            return Answer((), "none", "unknown")
        if not chosen[0].passage.known:
            return Answer((chosen[0].passage,), "none", "not-known")
        chosen = sides(q, chosen, self.index.items, lambda i: usable(i.passage.reveal))
        return Answer(display(chosen, self._weigher(q)), "search")

    def _weigher(self, q: Question) -> Callable[[Counter[str]], float]:
        weights = self.index.weights(q)

        def weigh(terms: Counter[str]) -> float:
            return sum(w * self.index.idf.get(t, 0.0) for t, w in weights.items() if t in terms)

        return weigh

    def _other_work(self, q: Question, usable: Callable[[Reveal], bool],
                    sees: Callable[[Reveal], bool]) -> Answer:
        """A question naming another work is answered only when a fact speaks of that work
        and of everything else asked ("what year did <another book> win ..."); otherwise it
        is about that work, which this pack does not cover."""
        work = q.works[0]
        ranked = self.index.rank(q, lambda i: usable(i.passage.reveal), [],
                                 restrict=lambda i: touches(i, work))
        asked = [u for n, u in enumerate(q.units)
                 if n not in q.entity_units() and not u.filler]
        if ranked and asked and covered(q, [ranked[0][1]], lambda w: self.known(w, usable, sees),
                                        strict=True) >= 1.0:
            return Answer(display([ranked[0][1]], self._weigher(q)), "search")
        return Answer((), "none", "other-work", work=work.key)


def _anything(_reveal: Reveal) -> bool:
    return True

