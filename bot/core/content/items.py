"""The checking vocabulary of the pack's loaders: an ``Issue`` names the file, the item and the
field of each problem, and an ``Item`` wraps one YAML mapping with the checks every kind of
entry shares (known keys, text, ids, choices, sources, reveal points in the work's ranges)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import yaml

from bot.core.timeline import SAFE, Reveal
from bot.core.words import normalise

# libyaml's loader is about 8x faster than the pure-Python one (reference/testing-notes.md).
YAML_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MIN_TEXT = 12  # shorter "story text" is almost certainly a mistake
MOST_ASKS = 6  # example questions an item may carry for /ask
ASK_LENGTH = (8, 200)


class Checker(Protocol):
    """What an Item reports to: the issues found, the sources known, the work's ranges."""

    issues: list[Issue]
    sources: dict[str, Any]
    limits: tuple[int, int]  # the last chapter and the last film minute a point may name


@dataclass(frozen=True, slots=True)
class Issue:
    file: str
    item: str
    field: str
    message: str

    def __str__(self) -> str:
        where = ": ".join(p for p in (self.file, self.item, self.field) if p)
        return f"{where}: {self.message}"


class ContentInvalid(Exception):
    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        lines = "\n".join(f"  - {issue}" for issue in issues[:50])
        more = f"\n  ... and {len(issues) - 50} more" if len(issues) > 50 else ""
        super().__init__(f"{len(issues)} problem(s) in the content:\n{lines}{more}")


class Item:
    """One mapping in a file; records issues against it by field path."""

    def __init__(self, loader: Checker, file: str, label: str, data: Any, path: str = "") -> None:
        self.loader = loader
        self.file = file
        self.label = label
        self.data = data if isinstance(data, dict) else {}
        self.path = path
        if not isinstance(data, dict):
            self.issue("", f"expected a mapping, found {type(data).__name__}")

    def field_name(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def issue(self, key: str, message: str) -> None:
        self.loader.issues.append(Issue(self.file, self.label, self.field_name(key), message))

    def keys(self, allowed: Iterable[str], required: Iterable[str] = ()) -> None:
        allowed = set(allowed)
        for key in self.data:
            if key not in allowed:
                self.issue(str(key), f"unknown key (allowed: {', '.join(sorted(allowed))})")
        for key in required:
            if key not in self.data:
                self.issue(key, "missing")

    def text(self, key: str, *, required: bool = True, minimum: int = 1) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required and key in self.data:
                self.issue(key, "is empty")
            return None
        if not isinstance(value, str) or not value.strip():
            self.issue(key, "must be non-empty text")
            return None
        value = " ".join(value.split())
        if len(value) < minimum:
            self.issue(key, f"is too short ({len(value)} characters; at least {minimum})")
        return value

    def asks(self, key: str = "asks") -> tuple[str, ...]:
        """Example questions this item answers, as members would type them (``/ask`` matches
        a question against them): a list of a few short questions."""
        value = self.data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not value or not all(isinstance(v, str)
                                                               for v in value):
            self.issue(key, "must be a list of questions")
            return ()
        if len(value) > MOST_ASKS:
            self.issue(key, f"has {len(value)} questions; at most {MOST_ASKS}")
        out = []
        low, high = ASK_LENGTH
        for v in value:
            text = " ".join(v.split())
            if not low <= len(text) <= high:
                self.issue(key, f"{text[:40]!r} must be {low}-{high} characters")
                continue
            out.append(text)
        return tuple(dict.fromkeys(out))

    def ident(self, key: str = "id") -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value or value != value.strip():
            self.issue(key, "must be a non-empty id")
            return None
        return value

    def choice(self, key: str, options: Iterable[str]) -> str | None:
        value = self.data.get(key)
        options = tuple(options)
        if value is None:
            return None
        if value not in options:
            self.issue(key, f"{value!r} is not one of: {', '.join(options)}")
            return None
        return value

    def id_list(self, key: str, known: Callable[[str], bool], what: str) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.issue(key, f"must be a list of {what} ids")
            return ()
        for v in value:
            if not known(v):
                self.issue(key, f"unknown {what} {v!r}")
        return tuple(dict.fromkeys(value))

    def sources(self, *, required: bool) -> tuple[str, ...]:
        if "sources" not in self.data:
            if required:
                self.issue("sources", "missing: every fact names at least one source")
            return ()
        found = self.id_list("sources", self.loader.sources.__contains__, "source")
        if required and not self.data["sources"]:
            self.issue("sources", "is empty: every fact names at least one source")
        return found

    def reveal(self, *, what: str = "story text") -> Reveal:
        """``reveal: {novel, film}`` or ``safe: true``: exactly one of them."""
        has_reveal, has_safe = "reveal" in self.data, "safe" in self.data
        if has_reveal and has_safe:
            self.issue("reveal", "give either `reveal` or `safe: true`, not both")
            return SAFE
        if has_safe:
            if self.data["safe"] is not True:
                self.issue("safe", "must be `true`; story content needs `reveal` instead")
                return UNKNOWN
            return SAFE
        if not has_reveal:
            self.issue("reveal", f"{what} with no reveal point (add `reveal` or `safe: true`)")
            return UNKNOWN
        raw = self.data["reveal"]
        sub = Item(self.loader, self.file, self.label, raw, self.field_name("reveal"))
        if not isinstance(raw, dict):
            return UNKNOWN
        sub.keys(("novel", "film"))
        chapters, minutes = self.loader.limits
        novel = sub.point("novel", chapters, "chapter")
        film = sub.point("film", minutes, "minute")
        if novel is None and film is None:
            if "novel" not in raw and "film" not in raw:
                self.issue("reveal", f"{what} with no reveal point on either timeline")
            return UNKNOWN
        return Reveal(novel=novel, film=film)

    def word_list(self, key: str) -> tuple[str, ...]:
        """A non-empty list of words or phrases, each with at least one letter or digit."""
        value = self.data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not value:
            self.issue(key, "must be a non-empty list of words")
            return ()
        out = []
        for word in value:
            if not isinstance(word, str | int) or not normalise(str(word)):
                self.issue(key, f"{word!r} is not a word")
                continue
            out.append(normalise(str(word)))
        return tuple(dict.fromkeys(out))

    def point(self, key: str, top: int, unit: str) -> int | None:
        if key not in self.data:
            return None
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.issue(key, f"must be a whole {unit} number")
            return None
        if top == 0:
            self.issue(key, f"this work has no {key}, so nothing opens in it")
            return None
        if not 1 <= value <= top:
            self.issue(key, f"{unit} {value} is out of range (1-{top})")
            return None
        return value


def later_or_issue(item: Item, key: str, card: Reveal, own: Reveal) -> Reveal:
    """The later of a card's point and a part's; a pair that can never open is an issue
    (a card only in the novel with a part only in the film, say)."""
    try:
        return card.later(own)
    except ValueError:
        item.issue(key, f"can never open: the card opens at {_points(card)} but this at "
                        f"{_points(own)}, and no one timeline has both")
        return UNKNOWN


# Stands in for a reveal that failed to parse, so loading can go on and report everything;
# ``load_content`` never returns content built with it because the issue list is not empty.
UNKNOWN = Reveal(novel=1, film=1)


def _points(reveal: Reveal) -> str:
    return ", ".join(f"{k} {v}" for k, v in (("novel", reveal.novel), ("film", reveal.film))
                     if v is not None)


