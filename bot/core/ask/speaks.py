"""Whether an answer speaks to what was asked: the names a question gives, enough of its other
words, the prize, year or other adaptation it names, and a real person's private life only by
a passage about the same part of it. A wrong answer is worse than "I don't know"."""

from __future__ import annotations

import re

from bot.core.ask import routes
from bot.core.ask.features import INDEX
from bot.core.ask.lexicon import Lexicon
from bot.core.ask.question import Question
from bot.core.ask.rank import touches
from bot.core.ask.select import Features, vouched
from bot.core.ask.sentences import Indexed
from bot.core.ask.signals import AGE
from bot.core.ask.weights import Weights
from bot.core.words import normalise

# "what did X say about ...": only a passage that reports what someone said or thought answers.
_ASKS_WORDS = re.compile(r"\bwhat (?:did|does|do|has|had|would) .+? (?:say|said|think|thought|"
                         r"feel|felt|make of|comment|reply|answer)\b")
_REPORTS = re.compile(r"\b(say|says|said|saying|tell|tells|told|call|calls|called|describ\w+|"
                      r"admit\w*|confess\w*|explain\w*|argu\w+|insist\w*|warn\w*|claim\w*|"
                      r"repl\w+|answer\w*|announc\w+|recall\w*|remark\w*|prais\w+|wrote|"
                      r"writes|review\w*|thought|thinks|think|felt|feels|believ\w+|quot\w+|"
                      r"asks?|asked|spoke|speaks?|speech|interview\w*|words|complain\w*|"
                      r"protest\w*|suggest\w*|pictures?|imagin\w+|decid\w+|concludes?|"
                      r"concluded|theory|guess\w*|convinced|sure that)\b|[\"“:]", re.IGNORECASE)
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_SCREENED = re.compile(r"\b(premiere\w*|screen\w*|shown|show|showed|debut\w*|festival)\b")
_WINNING = re.compile(r"\b(win|wins|won|winning|award\w*|prize\w*|nominat\w*|palme|compet\w*)\b")

# Real people named by their job ("how much were the actors paid", "how old is the director").
_PEOPLE = re.compile(r"\b(the|its|their) (actors?|actress(es)?|cast|director|author|writer|"
                     r"novelist|composer|producers?|screenwriter|stars?)\b")

Prize = frozenset[tuple[str, ...]]
_AGE_ASKED = frozenset({("old",), ("age",)})


class Relevance:
    """Built once per work, from its lexicon."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    def speaks_to(self, q: Question, chosen: list[Indexed], features: Features,
                   weights: Weights) -> bool:
        """An answer must speak to what was asked: of the names the question gives, of
        enough of its other words, and of the other kind of adaptation it names, if any."""
        top = chosen[0]
        if q.named and not any(touches(i, e) for i in chosen for e in q.named):
            return False
        # A real person asked about must be what the best passage speaks of: "does <the
        # author> have kids" is not answered by a passage about the story's children.
        people = [e for e in q.named if e.kind == "person"]
        if people and not any(touches(top, e) for e in people):
            return False
        # ... and so must their private life, or their work outside this one.
        if self.outside(q) and not self.outside(q, normalise(top.passage.text).split()):
            return False
        measured = features[id(top)]
        if measured[INDEX["coverage"]] < weights.min_coverage and not vouched(measured,
                                                                              weights):
            return False
        if _ASKS_WORDS.search(q.text) and not any(_REPORTS.search(i.passage.text)
                                                     for i in chosen):
            return False
        # A year asked about must be the answer's: "who won in 1990" is not answered by 1989.
        years = set(_YEAR.findall(q.text))
        if years and not all(any(y in i.passage.text for i in chosen) for y in years):
            return False
        for prize in self.prizes_asked(q):
            if not any(self.names_prize(i, prize) for i in chosen):
                return False
        if not q.media:
            return True
        # The other kind of adaptation asked about ("a radio play") must be the answer's.
        media = self.lexicon.english.media
        asked = {p for p in media if self.lexicon.has(list(q.words), frozenset({p}))}
        # The longest names what is asked: a "tv series" is not any passage saying "tv".
        asked = {p for p in asked if not any(
            len(o) > len(p) and self.lexicon.has(list(o), frozenset({p})) for o in asked)}
        # "who directed the stage version": a passage naming the play but not its director
        # does not answer.
        job = routes.role_asked(q)
        if job is not None and "who" in q.shapes and not routes.names_job(job, top.passage.text):
            return False
        # "who was in the cast of the tv drama": a passage naming the drama but no actor.
        if routes.asks_who_acted(q) and not routes.names_actor(top.passage.text):
            return False
        synonyms = self.lexicon.english.synonyms
        same = asked | {tuple(m.split()) for p in asked for m in synonyms.get(p, ())}
        return self.lexicon.has(normalise(top.passage.text).split(), frozenset(same))

    def prizes_asked(self, q: Question) -> list[Prize]:
        """The prizes a question asks about; a festival named only as where the film was
        shown ("did it premiere at cannes") is not asked about as a prize, and is answered
        by where it did premiere."""
        named = [p for p in self.lexicon.english.prizes if self.lexicon.has(list(q.words), p)]
        if named and _SCREENED.search(q.text) and not _WINNING.search(q.text):
            return []
        return named

    def names_prize(self, item: Indexed, prize: Prize) -> bool:
        return self.lexicon.has(item.padded.split(), prize)

    def outside(self, q: Question, words: list[str] | None = None) -> bool:
        """Does the question ask of a real person's private life or of their work outside
        this one; with ``words``: do those words (a passage's) speak of the same."""
        named = any(e.kind == "person" for e in q.named)
        if not named and not _PEOPLE.search(q.text):
            return False
        english = self.lexicon.english
        # Named by their job, a relation word is a character's ("the actor playing his dad").
        topics = english.private | english.beyond if named else (
            english.private - english.relations)
        asked = frozenset(p for p in topics if self.lexicon.has(list(q.words), frozenset({p})))
        if words is None:
            return bool(asked)
        # The passage must speak of the same (or a synonym: "old", "age"): "at the age of
        # five" in a life story does not answer "who is his wife".
        same = asked | {tuple(m.split()) for p in asked for m in english.synonyms.get(p, ())}
        # "how old was he when ...": a passage that gives an age ("at five") answers it.
        if asked & _AGE_ASKED and AGE.search(" ".join(words)):
            return True
        return self.lexicon.has(words, frozenset(same))
