"""Words as the lookups compare them: folded case and accents, no punctuation, no leading
article; and the words that carry no subject in a question."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")
_MARKUP = re.compile(r"[<>|*_~`\\]")  # what Discord or Slack would read as markup or a mention
_LEADING = ("the ", "a ", "an ")

# Words that carry no subject in a question or a search ("who", "the", "tell me about").
STOPWORDS = frozenset({
    "a", "an", "and", "much", "many", "are", "as", "at", "be", "been", "by", "can", "could",
    "did", "do", "does", "for", "from", "had", "has", "have", "how", "i", "in", "is", "it", "its",
    "me", "my", "of", "on", "or", "so", "than", "that", "the", "their", "them", "then", "there",
    "these", "they", "this", "to", "was", "were", "what", "when", "where", "whether", "which",
    "who", "whom", "whose", "why", "will", "with", "would", "you", "your", "about", "any",
    "anything", "tell", "know",
})


def fold(text: str) -> str:
    """Case and accents folded, punctuation gone, every word kept ("the play")."""
    if text.isascii():  # most text: nothing to decompose (start-up folds every passage)
        plain = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = plain.replace("'s ", " ").replace("’s ", " ")
    return _NON_WORD.sub(" ", plain).strip()


def normalise(text: str) -> str:
    """``fold``, and no leading article: "The Mill" is looked up as "mill"."""
    words = fold(text)
    for lead in _LEADING:
        if words.startswith(lead) and len(words) > len(lead):
            words = words[len(lead):]
            break
    return words


def unmarked(text: str) -> str:
    """A member's or host's words as plain words on one line: no markup, no mention (an
    ``@everyone``, a ``<!channel>``), spaces collapsed. Callers bound the length their way."""
    return " ".join(_MARKUP.sub(" ", text).replace("@", "").split())
