"""A question's words before it is ranked: what is only said beside it taken out (a remark,
an aside about why it is asked), and two questions in one split into their parts, each part
given what it leaves to the other (a pronoun's name, the medium, an elided verb)."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.core.ask.lexicon import Lexicon
from bot.core.ask.names import Entity, NameTable
from bot.core.ask.question import YES_NO, Question, read
from bot.core.ask.speaks import Relevance
from bot.core.timeline import Reveal
from bot.core.words import STOPWORDS, normalise
from bot.core.work import Timeline

_ASKS = r"(?:who|whos|what|whats|when|where|which|how|why|is|are|was|were|does|did|do)\b"
# "who wrote it and who scored it", "... also who ...", "... plus when ...".
_CLAUSE = re.compile(rf"\s+and also\s+|\s+(?:and|&|also|plus)\s+(?={_ASKS})")
JOINING_SIGN = re.compile(r"\s+[+&]\s+")
_WH = re.compile(r"who|what|when|where|which|why|how")
_ASKING = re.compile(rf"\b(?:{_WH.pattern}|whos|whats|wheres|hows)\b")
_PRONOUN = re.compile(r"\b(her|his|their|she|he|they|them|him)\b")
_IT = re.compile(r"\b(it|its)\b")
_AFTER_QUESTION = re.compile(r"(?<=\?)\s+(?=\w)")
_FOLLOW_UP = re.compile(r"(and|or|also|plus|what about|how about|in the|vs|versus|"
                        r"(the )?(book|novel|film|movie)s? (vs|versus|or|and|compared)|"
                        r"(book|novel|film|movie)s?$)\b")
_STATEMENT_WORDS = 4
# "is christopher reeve in this? like superman reeve?": who is meant, said again.
_BY_THE_WAY = re.compile(r"(like|as in|you know|i mean)\b(?!.*\b(who|what|when|where|why|how)\b)")
_MEDIUM_WORD = {"novel": "book", "film": "film"}


def _who(head: Question) -> list[Entity]:
    """Whom "he" or "she" in a second part means: the first part's people, not its places,
    and of "X" and "X's father" ("X's dad"), the one the first part is about."""
    people = [e for e in head.entities if e.kind in ("character", "person")] or list(
        head.entities)
    return [e for e in people if not any(
        o is not e and set(e.names[0].split()) < set(o.names[0].split()) for o in people)]


def _statement(sentence: str) -> bool:
    """A sentence after a question that only says something ("She seems to hover at the
    edges"), not a short follow-up that asks more ("and Y?", "book vs movie")."""
    words = sentence.split()
    return len(words) >= _STATEMENT_WORDS and not (
        _ASKING.search(sentence) or YES_NO.match(sentence) or _FOLLOW_UP.match(sentence))


class Clauses:
    def __init__(self, lexicon: Lexicon, names: NameTable, timeline: Timeline,
                 relevance: Relevance) -> None:
        self.lexicon, self.names, self.timeline = lexicon, names, timeline
        self.relevance = relevance
        english = lexicon.english
        # Built once, one pattern for all: each aside's words with anything but letters
        # between them, longest first.
        self._asides = re.compile(r"\b(?:" + "|".join(
            r"\W+".join(map(re.escape, p)) for p in english.asides) + r")\b", re.I)

    def read(self, text: str, sees: Callable[[Reveal], bool]) -> Question:
        return read(text, self.lexicon, self.names, sees, self.timeline)

    # -- what is said beside the question ------------------------------------------------------
    def without_remarks(self, question: str) -> str:
        """"whos the cinematographer, the film looks gorgeous": a remark beside the question
        (an opinion, with no question word of its own) is not what is asked; nor is an aside
        on why it is asked ("for discussion night: what are the themes")."""
        question = self._asides.sub(" ", question).strip(" :;,-")
        # "Who is X? She seems to hover at the edges": a statement after the question.
        sentences = _AFTER_QUESTION.split(question)
        if len(sentences) > 1:
            asks = _ASKING.search(normalise(sentences[0]))
            kept = [sentences[0], *(t for t in sentences[1:]
                                    if not (asks and _statement(normalise(t)))
                                    and not _BY_THE_WAY.match(normalise(t)))]
            # "metacritic score? rotten tomatoes?": two questions, each asked on its own;
            # "who played X? and Y?" goes on with the first.
            question = kept[0] + "".join(
                (" " if _FOLLOW_UP.match(normalise(t)) else " and also ") + t for t in kept[1:])
        pieces = [(p, normalise(p)) for p in question.split(",") if p.strip()]
        if len(pieces) < 2 or not any(_ASKING.search(n) for _p, n in pieces):
            return question
        english = self.lexicon.english
        kept = [p for p, n in pieces if _ASKING.search(n) or not (
            self.lexicon.has(n.split(), english.taste)
            or self.lexicon.has(n.split(), english.requests)
            or self.lexicon.has(n.split(), english.feelings))]
        return ",".join(kept)

    # -- two questions in one ------------------------------------------------------------------
    def split(self, q: Question, sees: Callable[[Reveal], bool]) -> list[Question]:
        """Two questions in one: "who did the music and who shot it"; "who played X and Y"."""
        pieces = _CLAUSE.split(q.text)
        if len(pieces) == 2 and len(pieces[0].split()) > 1:
            first, second = pieces
            head, tail = self.read(first, sees), self.read(second, sees)
            if self._one_difference(head, tail):
                return [q]
            if _PRONOUN.search(second) and not tail.named:
                names = " ".join(e.names[0] for e in _who(head))
                # "who is he married to and what does she do": the second asks of the same
                # private life, so it keeps the first's private words.
                private = " ".join(" ".join(p) for p in self.lexicon.english.private
                                   if self.lexicon.has(list(head.words), frozenset({p}))
                                   ) if self.relevance.outside(head) else ""
                second = f"{second} {names} {private}".strip()
            elif head.medium and not tail.medium and not tail.named and _IT.search(second):
                # "when did the book come out and did it win anything": "it" is the book.
                second = f"{second} {_MEDIUM_WORD[head.medium]}"
            second = self._elided(head, second, sees)
            return [head, self.read(second, sees)]
        words = list(q.words)
        for a, b in zip(q.mentions, q.mentions[1:], strict=False):
            if a.end + 1 == b.start and words[a.end] in ("and", "or", "&") and \
                    a.entity.kind == b.entity.kind and a.entity.kind != "work":
                one = " ".join(words[:a.end] + words[b.end:])
                two = " ".join(words[:a.start] + words[b.start:])
                return [self.read(one, sees), self.read(two, sees)]
        return [q]

    def _one_difference(self, head: Question, tail: Question) -> bool:
        """"where does she live in the book and where in the film": the same thing asked of
        each medium is one question, a difference, answered by both its sides."""
        if not (head.medium and tail.medium and head.medium != tail.medium):
            return False
        media = self.lexicon.book_words | self.lexicon.english.film_words
        rest = {w for w in tail.words if w not in STOPWORDS and w not in media}
        return rest <= set(head.words)

    def _elided(self, head: Question, second: str, sees: Callable[[Reveal], bool]) -> str:
        """"who starred as X and who as Y": a second part that is only a question
        word and a name asks the first part again, of that name."""
        tail = self.read(second, sees)
        said = {i for m in tail.mentions for i in range(m.start, m.end)}
        rest = [w for i, w in enumerate(tail.words) if i not in said and w not in STOPWORDS]
        if rest:
            return second
        asks = [w for w in tail.words if _WH.fullmatch(w)]
        if not tail.mentions and len(asks) == len(tail.words) == 1:
            # "which book won the prize and when": the first part asked again, by "when".
            words = list(head.words)
            at = next((i for i, w in enumerate(words) if _WH.fullmatch(w)), None)
            return " ".join(asks + words[at + 1:] if at == 0 else asks + words)
        if not tail.mentions or not head.mentions:
            return second
        m, n = head.mentions[0], tail.mentions[0]
        return " ".join((*head.words[:m.start], *tail.words[n.start:n.end], *head.words[m.end:]))
