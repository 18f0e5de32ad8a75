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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from bot.core.ask import routes
from bot.core.ask.clauses import JOINING_SIGN, Clauses
from bot.core.ask.features import INDEX, build
from bot.core.ask.lexicon import Lexicon, common_english, load_english
from bot.core.ask.locate import located, where_asked
from bot.core.ask.meaning import Meaning, text_of
from bot.core.ask.names import NameTable
from bot.core.ask.question import Question
from bot.core.ask.rank import Scored, SentenceIndex, ranked, touches
from bot.core.ask.select import choose, display, sides, vouched_first, with_cause
from bot.core.ask.sentences import Indexed
from bot.core.ask.speaks import Relevance
from bot.core.ask.spelling import closest, typed
from bot.core.ask.text import stem
from bot.core.ask.weights import Weights, load_weights
from bot.core.content.model import Card, CardKind, Content
from bot.core.passages import Passage
from bot.core.timeline import Reveal
from bot.core.words import STOPWORDS, normalise

_POINTS_BACK = re.compile(r"\b(that|it|its|there|this one|that one|then)\b")
_ABOUT_TITLE = re.compile(r"\b(called|named|titled|title|song|track|album|name of)\b")


@dataclass(frozen=True, slots=True)
class Answer:
    passages: tuple[Passage, ...]
    how: str  # cast, crew, profile, search, or none
    # Why there is no answer: "unknown", "request", "other-work" or "not-known" (a fact that
    # says the answer is not known; it is the one passage then).
    declined: str | None = None
    work: str | None = None  # the other work a declined question named
    missing: str | None = None  # the part of a two-part question nothing answered


Measured = list[tuple[list[float], Indexed]]


@dataclass(frozen=True, slots=True)
class Plan:
    """A question's parts, each answered by a route or measured, before any weighing."""

    clauses: tuple[tuple[Question, Answer | Measured], ...]
    usable: Callable[[Reveal], bool]
    locate: str | None = None  # "which chapter ...": "novel" or "film", where it is told


class Answerer:
    """Built once at start-up from the content; answering is in memory."""

    def __init__(self, content: Content, docs: tuple[Passage, ...], *, covers: str,
                 meaning: Meaning | None = None, others: Sequence[str] = ()) -> None:
        """``others``: the titles of the other works installed beside this one."""
        self.content = content
        self.covers = covers  # what a decline says the bot does answer about
        self.lexicon = Lexicon(load_english(), content.vocabulary, content.work.author)
        self.relevance = Relevance(self.lexicon)
        self.timeline = content.work.timeline
        near = asked = None
        if meaning is not None:
            near = meaning.index(content.work.id, [text_of(d) for d in docs])
            if any(d.asks for d in docs):
                asked = meaning.nearest_of(content.work.id, [d.asks for d in docs])
        self.index = SentenceIndex(docs, self.timeline, near, asked)
        self.weights = load_weights()
        # The work's own names, longest first ("the glass orchard" before "orchard").
        self._titles = sorted({normalise(n) for n in content.work.names if normalise(n)},
                              key=len, reverse=True)
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
        texts = [f" {normalise(d.text)} " for d in docs]

        def named_in(name: str) -> int:
            key = f" {normalise(name)} "
            return sum(key in t for t in texts)

        self.names = NameTable(content, lambda w: w in lowercase or w in self.lexicon.known,
                               named_in, others)
        self.clauses = Clauses(self.lexicon, self.names, self.timeline, self.relevance)
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
        for w in typed(question):
            # "ruths centre": a possessive typed without its apostrophe.
            if w.endswith("s") and w not in self.names.words and w[:-1] in self.names.words:
                w = w[:-1]
            if len(w) >= 4 and w not in STOPWORDS and not self.known(w, usable, sees) \
                    and w not in common_english():
                w = closest(w, self._spellings, lambda b: self.known(b, usable, sees))
            out.append(w)
        return " ".join(out)

    # -- answering -------------------------------------------------------------------------
    def answer(self, question: str, sees: Callable[[Reveal], bool],
               rankable: Callable[[Reveal], bool] | None = None) -> Answer:
        """``sees``: what the audience may see (names and vocabulary links open only for
        it); ``rankable``: if given, only such passages may answer at all (hide mode)."""
        plan = self.plan(question, sees, rankable)
        if isinstance(plan, Answer):
            return plan
        return self.combine(plan, [c if isinstance(c, Answer) else
                                   self.decide(q, c, usable=plan.usable)
                                   for q, c in plan.clauses])

    def plan(self, question: str, sees: Callable[[Reveal], bool],
             rankable: Callable[[Reveal], bool] | None = None) -> Answer | Plan:
        """The question read and split, each part either answered by a route or measured
        against its candidates; an Answer when it is declined outright."""
        usable = rankable or _anything
        # "who wrote it + who scored it": a sign joins two questions as "and" does.
        question = self.clauses.without_remarks(JOINING_SIGN.sub(" and ", question))
        text = self._without_title(self.correct(question, usable, sees))
        text, locate = where_asked(text)
        whole = self.clauses.read(text, sees)
        if whole.request:
            return Answer((), "none", "request")
        clauses = []
        # A question naming another adaptation ("a radio play ... and who voiced X") is about
        # it in every part: it is not split, so each answer must speak of that adaptation.
        for c in [whole] if whole.media else self.clauses.split(whole, sees):
            routed = self._routed(c, sees, usable)
            clauses.append((c, routed if routed is not None else self.measure(c, usable)))
        # "X was in moonraker right? what was that character called": a part that points
        # back ("that", "it") at another work asks of that work too.
        other = next((a for _c, a in clauses if isinstance(a, Answer)
                      and a.declined == "other-work"), None)
        if other is not None:
            clauses = [(c, other if not c.named and _POINTS_BACK.search(c.text) else a)
                       for c, a in clauses]
        return Plan(tuple(clauses), usable, locate)

    def _without_title(self, text: str) -> str:
        """"what happens to X in <this work's title>": the title says which work (the
        library has already chosen it), not what is asked."""
        padded = f" {text} "
        if _ABOUT_TITLE.search(text):
            return text  # "why is it called <title>": the title is what is asked about
        for name in self._titles:
            # "<title> 2" names a sequel, another work, not this one.
            padded = re.sub(rf" {re.escape(name)} (2|3|ii|iii|two) ", " the sequel ", padded)
            # "whats <title> about": the title is what the question is of, so "it" stands
            # for it; "the <title> movie" keeps its own noun.
            padded = padded.replace(f" in {name} ", " ").replace(f" the {name} ", " the ")
            padded = padded.replace(f" {name} ", " it ")
        rest = " ".join(padded.split())
        return rest or text

    def combine(self, plan: Plan, answers: list[Answer]) -> Answer:
        """One answer from each part's: both parts, or the one found and what was not."""
        usable = plan.usable
        # In hide mode nothing the audience may not read is shown, nor counted as held back.
        answers = [replace(a, passages=tuple(p for p in a.passages if usable(p.reveal)))
                   for a in answers]
        # A credit or a card route may land on a fact that records what is not known.
        answers = [replace(a, how="none", declined="not-known", passages=a.passages[:1])
                   if a.declined is None and a.passages and not any(p.known for p in a.passages)
                   else a for a in answers]
        found = [a for a in answers if a.passages and a.declined is None]
        if not found:
            first = answers[0]
            return first if first.declined else replace(first, how="none", declined="unknown")
        passages: dict[tuple[str, str], Passage] = {}
        for a in found:
            for p in a.passages:
                passages.setdefault((p.label, p.text), p)
        missing = next((c.text for (c, _m), a in zip(plan.clauses, answers, strict=True)
                        if a.declined is not None or not a.passages), None)
        shown = tuple(passages.values())
        if plan.locate:
            shown = located(shown, plan.locate, self.timeline)
        return Answer(shown, found[0].how, missing=missing)

    def _routed(self, q: Question, sees: Callable[[Reveal], bool],
                usable: Callable[[Reveal], bool]) -> Answer | None:
        """The questions whose shape says which facts answer them: credits, a bare "who is
        X", what a chapter opens. None: the question is ranked."""
        if q.works:
            return self._other_work(q, usable)
        if routes.other_title(q, lambda w: self.known(w, usable, sees), self._in_pack):
            return Answer((), "none", "unknown")
        if self.relevance.outside(q):
            return None  # a real person's life or other work: only a passage about it answers
        # A word nobody here knows ("la la land") means the question may be about something
        # else: no route answers it with a credit.
        if all(self.known(w, usable, sees) or w in STOPWORDS for w in q.words):
            for how, route in (("cast", routes.cast), ("crew", routes.crew)):
                found = route(q, self.content, self._describe)
                if found:
                    return Answer(found, how)
        elif routes.done_to_other(q, lambda w: self.known(w, usable, sees)):
            return Answer((), "none", "unknown")
        involved = routes.involvement(q)
        if involved:
            return Answer(involved, "crew")
        entity = routes.named(q)
        if entity is not None:
            shown = routes.profile(entity, usable)
            if shown:
                return Answer(shown, "profile")
        if q.chapters and not [u for u in q.units if not u.filler and not set(u.words) & {
                "chapter", "part", "one", "two", "three", "end", *map(str, range(1, 24))}]:
            found = routes.chapters(q, self.index.items, usable)
            return Answer(found, "chapter") if found else Answer((), "none", "unknown")
        return None

    def measure(self, q: Question, usable: Callable[[Reveal], bool],
                restrict: Callable[[Indexed], bool] | None = None
                ) -> list[tuple[list[float], Indexed]]:
        """Every candidate passage with its features (what ``decide`` weighs, and what the
        fitting in ``bot/ask_fit.py`` reads)."""
        asked = build(q, self.index.idf, routes.named(q), routes.role_asked(q))
        return self.index.candidates(asked, lambda i: usable(i.passage.reveal), restrict)

    def decide(self, q: Question, measured: list[tuple[list[float], Indexed]],
               weights: Weights | None = None,
               usable: Callable[[Reveal], bool] | None = None,
               scored: list[Scored] | None = None) -> Answer:
        """The answer the weighed candidates give, or "I don't know" below the line.
        ``scored``: the candidates already weighed and sorted (the fitting keeps them)."""
        weights = weights or self.weights
        scored = scored if scored is not None else ranked(measured, weights)
        # A prize named ("any oscars") and another prize's passage on top: that prize's
        # passages answer, where any rank.
        prizes = self.relevance.prizes_asked(q)
        for prize in prizes:
            if scored and not self.relevance.names_prize(scored[0][1], prize):
                scored = [t for t in scored if self.relevance.names_prize(t[1], prize)] or scored
        # ... and of those, the ones about the person asked of ("did <the actor> win the oscar").
        people = [e for e in q.named if e.kind == "person"]
        if prizes and people and scored and not any(touches(scored[0][1], e) for e in people):
            scored = sorted(scored, key=lambda t: not (
                any(touches(t[1], e) for e in people) and
                all(self.relevance.names_prize(t[1], p) for p in prizes)))
        if not scored or scored[0][0] < weights.threshold:
            return Answer((), "none", "unknown")
        features = {id(i): f for f, i in measured}
        scored = vouched_first(scored, features, weights)
        chosen = choose(q, scored, weights)
        if not self.relevance.speaks_to(q, chosen, features, weights):
            return Answer((), "none", "unknown")
        if not chosen[0].passage.known:
            return Answer((chosen[0].passage,), "none", "not-known")
        usable = usable or _anything
        chosen = with_cause(q, chosen, scored, features)
        chosen = sides(q, chosen, self.index.items, lambda i: usable(i.passage.reveal))
        return Answer(display(chosen, self._weigher(q)), "search")

    def _in_pack(self, phrase: str) -> bool:
        """Does any passage use this phrase (normalised words)?"""
        padded = f" {phrase} "
        return any(padded in item.padded for item in self.index.items)

    def _describe(self, q: Question) -> list[Card]:
        """The characters a question describes: the best-ranked character cards."""
        best = ranked(self.measure(q, _anything,
                                   restrict=lambda i: i.passage.topic.startswith("character:")),
                      self.weights)
        cards: list[Card] = []
        want = 2 if re.search(r"\b(two|both|couple|pair|students|veterans|ones)\b", q.text) else 1
        for _score, item in best:
            card = self._cards.get(item.passage.topic)
            if card and card not in cards:
                cards.append(card)
            if len(cards) == want:
                break
        return cards

    def _weigher(self, q: Question) -> Callable[[Counter[str]], float]:
        weights = build(q, self.index.idf, None).weights
        idf = self.index.idf

        def weigh(terms: Counter[str]) -> float:
            return sum(w * idf.get(t, 0.0) for t, w in weights.items() if t in terms)

        return weigh

    def _other_work(self, q: Question, usable: Callable[[Reveal], bool]) -> Answer:
        """A question naming another work is answered only when a fact speaks of that work
        and of everything else asked ("what year did <another book> win ..."); otherwise it
        is about that work, which this pack does not cover."""
        work = q.works[0]
        asked = build(q, self.index.idf, None)
        measured = self.index.candidates(asked, lambda i: usable(i.passage.reveal),
                                         restrict=lambda i: touches(i, work))
        best = ranked(measured, self.weights)
        coverage = INDEX["coverage"]
        # Something must be asked besides the title ("what is <another book> about" asks
        # nothing a fact about this work could answer), and all of it answered.
        if asked.units and best and best[0][0] >= self.weights.threshold and next(
                f for f, i in measured if i is best[0][1])[coverage] >= 1.0:
            return Answer(display([best[0][1]], self._weigher(q)), "search")
        return Answer((), "none", "other-work", work=work.key)


def _anything(_reveal: Reveal) -> bool:
    return True


