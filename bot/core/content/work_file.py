"""``work.yaml``: a work's title, author and year, its book's sections (numbered chapters, or
named ones) and their parts, its film if it has one (running time, named stretches), other
names readers use for it, and the names the help gives as examples. Read first, because every
reveal point in the pack is checked against the ranges it declares."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from bot.core.content.items import YAML_LOADER, Checker, Issue, Item
from bot.core.work import Book, Film, Part, Section, Stretch, Timeline, WorkInfo

FILE = "work.yaml"
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,48}[a-z0-9]$")
EXAMPLE_KINDS = ("character", "setting", "term", "theme", "topic")
MOST_SECTIONS = 500
MOST_MINUTES = 1000


def valid_id(ident: str) -> bool:
    """A work id: lower-case letters, digits and hyphens (it names the work's folders)."""
    return bool(_ID.match(ident))


def read_work(checker: Checker, facts_dir: Path) -> WorkInfo | None:
    """The work declared in ``facts_dir/work.yaml``; issues go to ``checker``."""
    name = f"{facts_dir.parent.name}/{facts_dir.name}/{FILE}"
    path = facts_dir / FILE
    if not path.is_file():
        checker.issues.append(Issue(name, "", "", "missing: every work folder declares its work"))
        return None
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        checker.issues.append(Issue(name, "", "", f"not valid YAML: {err}"))
        return None
    item = Item(checker, name, "work", data)
    item.keys(("id", "title", "author", "year", "sources", "aliases", "examples", "default",
               "book", "film"), ("id", "title", "author", "year", "book"))
    ident = item.ident()
    if ident is not None and (not valid_id(ident) or ident != facts_dir.name):
        item.issue("id", f"must be lower-case letters, digits and hyphens, and the name of its "
                         f"folder ({facts_dir.name!r})")
    title, author = item.text("title"), item.text("author")
    year = _whole(item, "year", 1, 3000)
    book = _book(Item(checker, name, "work", item.data.get("book"), "book"))
    film = _film(Item(checker, name, "work", item.data["film"], "film")) if item.data.get(
        "film") is not None else None
    aliases = _names(item, "aliases")
    examples = _examples(item)
    default = item.data.get("default", False)
    if not isinstance(default, bool):
        item.issue("default", "must be true or false")
    if not (ident and title and author and year and book):
        return None
    # The sources are checked once the pack's sources.yaml is read.
    sources = item.data.get("sources") or []
    return WorkInfo(ident, title, author, year, Timeline(book, film),
                    tuple(s for s in sources if isinstance(s, str)), aliases, examples,
                    default is True)


def _whole(item: Item, key: str, low: int, high: int) -> int | None:
    value = item.data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        item.issue(key, f"must be a whole number from {low} to {high}")
        return None
    return value


def _names(item: Item, key: str) -> tuple[str, ...]:
    raw = item.data.get(key)
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(v, str) and v.strip() for v in raw):
        item.issue(key, "must be a list of names")
        return ()
    return tuple(" ".join(v.split()) for v in raw)


def _examples(item: Item) -> tuple[tuple[str, str], ...]:
    raw = item.data.get("examples")
    if raw is None:
        return ()
    sub = Item(item.loader, item.file, item.label, raw, "examples")
    sub.keys(EXAMPLE_KINDS)
    return tuple((kind, text) for kind in EXAMPLE_KINDS if (text := sub.text(kind,
                                                                             required=False)))


def _book(item: Item) -> Book | None:
    item.keys(("noun", "unit", "chapters", "sections", "parts"), ("unit",))
    noun = item.text("noun", required=False) or "novel"
    unit = item.text("unit")
    chapters = _whole(item, "chapters", 1, MOST_SECTIONS)
    if ("chapters" in item.data) == ("sections" in item.data):
        item.issue("sections", "give either `chapters: N` (numbered) or `sections:` (named)")
        return None
    if chapters is not None:
        sections = tuple(Section(n, f"{unit} {n}") for n in range(1, chapters + 1))
    else:
        sections = _sections(item)
    if not unit or not sections:
        return None
    return Book(noun.lower(), unit.lower(), sections, _parts(item, len(sections)))


def _sections(item: Item) -> tuple[Section, ...]:
    raw = item.data.get("sections")
    if not isinstance(raw, list) or not raw or len(raw) > MOST_SECTIONS:
        item.issue("sections", f"must be a list of 1 to {MOST_SECTIONS} sections")
        return ()
    out: list[Section] = []
    for n, entry in enumerate(raw, start=1):
        sub = Item(item.loader, item.file, item.label, entry, f"sections[{n - 1}]")
        sub.keys(("name", "aliases"), ("name",))
        name = sub.text("name")
        if name:
            out.append(Section(n, name, _names(sub, "aliases"), named=True))
    return tuple(out) if len(out) == len(raw) else ()


def _parts(item: Item, count: int) -> tuple[Part, ...]:
    raw = item.data.get("parts") or []
    if not isinstance(raw, list):
        item.issue("parts", "must be a list")
        return ()
    out: list[Part] = []
    for n, entry in enumerate(raw):
        sub = Item(item.loader, item.file, item.label, entry, f"parts[{n}]")
        sub.keys(("name", "first", "last"), ("name", "first", "last"))
        name = sub.text("name")
        first, last = _whole(sub, "first", 1, count), _whole(sub, "last", 1, count)
        if name and first and last:
            if first > last or (out and first != out[-1].last + 1):
                sub.issue("first", "parts run in order, each starting after the last one ends")
            out.append(Part(name, first, last))
    return tuple(out)


def _film(item: Item) -> Film | None:
    item.keys(("title", "year", "minutes", "sections"), ("title", "year", "minutes"))
    title = item.text("title")
    year = _whole(item, "year", 1800, 3000)
    minutes = _whole(item, "minutes", 1, MOST_MINUTES)
    if not (title and year and minutes):
        return None
    return Film(title, year, minutes, _stretches(item, minutes))


def _stretches(item: Item, minutes: int) -> tuple[Stretch, ...]:
    raw: Any = item.data.get("sections") or []
    if not isinstance(raw, list):
        item.issue("sections", "must be a list")
        return ()
    out: list[Stretch] = []
    for n, entry in enumerate(raw):
        sub = Item(item.loader, item.file, item.label, entry, f"sections[{n}]")
        sub.keys(("name", "first", "last", "named_from"), ("name", "first", "last"))
        name = sub.text("name")
        first, last = _whole(sub, "first", 0, minutes), _whole(sub, "last", 1, minutes)
        named_from = _whole(sub, "named_from", 0, minutes)
        if name is None or first is None or last is None:
            continue
        if first >= last or first != (out[-1].last if out else 0):
            sub.issue("first", "sections run in order from minute 0, each from where the last "
                               "one ends")
        out.append(Stretch(name, first, last, first if named_from is None else named_from))
    if out and out[-1].last != minutes:
        item.issue("sections", f"the last section must end at the film's end ({minutes})")
    return tuple(out)
