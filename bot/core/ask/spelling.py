"""Typos put right before a question is read: question words typed in a hurry, contractions
and possessives without their apostrophe, and a misspelt word taken to the nearest word the
content uses, never a word English uses often (that check is the caller's) and never a
word more than a letter or two away."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from bot.core.words import STOPWORDS, normalise

# Question words typed in a hurry.
_TYPOS = {"whos": "who is", "whats": "what is", "wheres": "where is", "hows": "how is",
          "wat": "what", "wot": "what", "waht": "what", "hwo": "who", "woh": "who",
          "wich": "which", "wen": "when", "wher": "where", "whn": "when", "u": "you",
          "r": "are", "ur": "your", "wats": "what is"}
_IS = re.compile(r"\b(what|who|where|how|that|there|it|he|she)['’]s\b", re.IGNORECASE)
# "isn't" is one word, "isnt", as it is typed without the apostrophe.
_CONTRACTION = re.compile(r"(\w)['’](t|re|ll|ve|d|m)\b", re.IGNORECASE)


def typed(question: str) -> list[str]:
    """The question's words as the reader meant them to be read."""
    question = _CONTRACTION.sub(r"\1\2", question)
    words = normalise(_IS.sub(r"\1 is", question.replace("?", " "))).split()
    return " ".join(_TYPOS.get(w, w) for w in words).split()


def closest(word: str, spellings: Sequence[str], known: Callable[[str], bool]) -> str:
    """The word the content uses that ``word`` is a typo of, or ``word`` itself."""
    # Short words need a closer match: "musc" is music.
    cutoff = 85 if len(word) <= 4 else 83 if len(word) <= 6 else 80
    most = 1 if len(word) <= 6 else 2
    found = [b for b, _s, _i in process.extract(word, spellings, scorer=fuzz.ratio,
                                                score_cutoff=cutoff, limit=5)]
    if len(word) >= 5:  # two letters swapped is one slip ("cocao"), however ratio scores it
        found += [b for b, _d, _i in process.extract(word, spellings, scorer=OSA.distance,
                                                     score_cutoff=1, limit=5) if b not in found]
    for best in found:
        # A typo is a letter or two astray, not a shorter word: "related" is not "rated".
        if abs(len(best) - len(word)) > 1 or min(Levenshtein.distance(word, best),
                                                 OSA.distance(word, best)) > most:
            continue
        # A correction into a word with no subject ("weather" -> "whether") is no
        # correction: the word stays, and counts against the answer.
        if best not in STOPWORDS and known(best):
            return best
    return word
