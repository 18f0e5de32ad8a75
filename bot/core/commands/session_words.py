"""The words of `/session schedule` and `/session edit` as typed on Slack and the console
(Discord passes typed options and never reads these)."""

from __future__ import annotations

import re

from bot.core.errors import BadInput, BadWords
from bot.core.registry import Command, quote
from bot.core.when import Repeat

# A title in double quotes of any kind, guillemets, or single quotes around whole words (so
# an apostrophe inside, as in "Mara's night", is not taken for one).
_QUOTED = re.compile(r"[\"“”„](.+?)[\"“”]|«\s*(.+?)\s*»|‘(.+?)’|(?:^|(?<=\s))'(.+?)'(?=\s|$)")
_REPEATS = set(Repeat.typed())
# The hint's example, in the channel's work's own range once the core knows the work.
_EXAMPLE = "/session schedule book {chapter} at friday 19:30"


def schedule_words(command: Command, words: list[str]) -> dict[str, str]:
    """`TARGET at WHEN ["TITLE"] [weekly|fortnightly|monthly]`."""
    line = " ".join(words)
    usage = f"Usage: `{command.usage()}`"
    out: dict[str, str] = {}
    title = _QUOTED.search(line)
    if title:
        out["title"] = next(g for g in title.groups() if g)
        line = (line[:title.start()] + " " + line[title.end():]).strip()
    parts = line.split()
    if parts and parts[-1].lower() in _REPEATS:
        out["repeat"] = parts.pop().lower()
    lowered = [w.lower() for w in parts]
    if "at" not in lowered:
        raise BadWords("Say when with `at`, after what the night covers.", hint=usage,
                       example=_EXAMPLE)
    i = lowered.index("at")
    _check_when_follows(lowered[i + 1:i + 2], usage)
    out["target"], out["when"] = " ".join(parts[:i]), " ".join(parts[i + 1:])
    return {k: v for k, v in out.items() if v}


def _check_when_follows(after: list[str], usage: str) -> None:
    """What comes after `at` is the time: `at at friday` is not one (the parser would drop the
    stray word and quietly take what is left)."""
    if not after:
        raise BadWords("Say when after `at`.", hint=usage, example=_EXAMPLE)
    if after[0] == "at":
        raise BadInput("`at at` is not a time: say `at` once, then when.",
                       hint="For example `at friday 19:30`.")


def edit_words(command: Command, words: list[str]) -> dict[str, str]:
    """`ID [target TARGET] [at WHEN] [title "TITLE"] [repeat weekly|...|never]`."""
    if not words:
        raise BadInput("Say which night to change.", hint=f"Usage: `{command.usage()}`")
    out = {"night": words[0]}
    keys = {"target": "target", "at": "when", "title": "title", "repeat": "repeat"}
    current: str | None = None
    for word in words[1:]:
        key = keys.get(word.lower())
        if current == "when" and not out["when"]:
            _check_when_follows([word.lower()], f"Usage: `{command.usage()}`")
        if key is not None and key not in out:
            current = key
            out[key] = ""
            continue
        if current is None:
            raise BadInput(f"I don't know what {quote(word)} changes.",
                           hint=f"Usage: `{command.usage()}`")
        out[current] = f"{out[current]} {word}".strip()
    if "title" in out:
        out["title"] = out["title"].strip("\"“” ")
    for key, value in out.items():
        if not value:
            typed = "at" if key == "when" else key
            raise BadInput(f"`{typed}` needs a value after it.",
                           hint=f"Usage: `{command.usage()}`")
    return out
