"""Words as `/ask` compares them: folded, stop words out, stemmed with the Snowball stemmer."""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

from bot.core.words import STOPWORDS, normalise

_STEMMER = snowballstemmer.stemmer("english")
_NUMBER = re.compile(r"\d")


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """Snowball's English stem ("directed" -> "direct"); numbers stay as they are."""
    return word if _NUMBER.search(word) else _STEMMER.stemWord(word)


def words(text: str) -> list[str]:
    return normalise(text).split()


def content_stems(text: str) -> list[str]:
    """The stems of a text's words that carry a subject."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


def phrase_at(seq: list[str], start: int, phrase: tuple[str, ...]) -> bool:
    return tuple(seq[start:start + len(phrase)]) == phrase
