"""`work:` as typed on Slack and the console: one word (`work:orchard`), a quoted title
(`work:"the glass orchard"`), or the most words after it that make up a name a work answers
to (`work:the glass orchard`), so a title of several words needs no quotes."""

from __future__ import annotations

from collections.abc import Collection

from bot.core.words import normalise

_OPEN = "\"“„«‘'"
_CLOSE = "\"”“»’'"


def take_work(words: list[str], at: int, names: Collection[str]) -> tuple[str, list[str]]:
    """The value of the `work:` word at ``at``, and the words without it. ``names`` are the
    folded names of the installed works."""
    first = words[at].split(":", 1)[1]
    end = at + 1
    if first[:1] and first[0] in _OPEN:
        close = next((j for j in range(at, len(words))
                      if words[j][-1:] in _CLOSE and (j > at or len(first) > 1)), None)
        end = len(words) if close is None else close + 1
        value = " ".join([first, *words[at + 1:end]])[1:]
        value = value[:-1] if close is not None else value
    else:
        value = first
        for j in range(len(words), at + 1, -1):  # the longest run that names a work
            candidate = " ".join([first, *words[at + 1:j]])
            if normalise(candidate) in names:
                value, end = candidate, j
                break
    return value.strip(), words[:at] + words[end:]
