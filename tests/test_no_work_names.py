"""Nothing under bot/ names a work, a character or a place of any installed pack.

Which names are looked for: every work's id, title and film title, always; and every other
name a pack gives (the work's aliases, each character's and setting's name and aliases) when
at least one of its words is a *proper* word: one that is neither in the English the code
ships (``bot/core/ask/english.yaml``, ``STOPWORDS``) nor ever written in lowercase in the
pack's own prose (its facts, card texts and prompts). So "Miss Emily" and "Darlington Hall"
are looked for, while "the butler", "the staff" or a work alias such as "the remains" (plain
English that the code rightly uses) are not. Names and sources are compared folded (case,
accents and punctuation aside: ``nlmg_reveal`` holds the word ``nlmg``), as whole words.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.core.content.loader import load_library
from bot.core.content.model import CardKind, Content
from bot.core.words import STOPWORDS, fold

ROOT = Path(__file__).resolve().parent.parent
SCANNED = (".py", ".yaml", ".yml", ".md", ".txt", ".sql")
_WORD = re.compile(r"[^\W\d_][\w'’]*")


def _words(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield from fold(value).split()
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _words(key)
            yield from _words(item)
    elif isinstance(value, list):
        for item in value:
            yield from _words(item)


def english() -> frozenset[str]:
    """Every word of the general English the code ships."""
    data = yaml.safe_load((ROOT / "bot/core/ask/english.yaml").read_text(encoding="utf-8"))
    return frozenset(_words(data)) | STOPWORDS


def _prose(content: Content) -> Iterator[str]:
    yield from (fact.text for fact in content.facts)
    yield from (prompt.text for prompt in content.prompts)
    for cards in content.cards.values():
        for card in cards:
            yield from (part.text for part in card.parts)
            if card.summary:
                yield card.summary


def lowercase_words(content: Content) -> frozenset[str]:
    """The words a pack's prose writes in lowercase somewhere: ordinary words to it."""
    return frozenset(fold(word) for text in _prose(content) for word in _WORD.findall(text)
                     if word[0].islower())


def names_of(content: Content, ordinary: frozenset[str]) -> dict[str, str]:
    """The folded names to look for in the code, each with what it names."""
    info = content.work
    always = [info.id, info.title, *((info.timeline.film.title,) if info.timeline.film else ())]
    found = {fold(name): f"{info.id}: work" for name in always}
    maybe = [(name, "work alias") for name in info.aliases]
    for kind in (CardKind.CHARACTER, CardKind.SETTING):
        for card in content.cards_of(kind):
            maybe += [(name, f"{kind.value} {card.id}")
                      for name in (card.name, *(a.name for a in card.aliases))]
    plain = ordinary | lowercase_words(content)
    for name, what in maybe:
        words = fold(name).split()
        if any(len(w) > 1 and w not in plain for w in words):
            found.setdefault(" ".join(words), f"{info.id}: {what}")
    return found


def library_names(packs: Iterable[Content]) -> dict[str, str]:
    ordinary = english()
    names: dict[str, str] = {}
    for content in packs:
        names.update(names_of(content, ordinary))
    return names


def hits(tree: Path, names: dict[str, str]) -> list[str]:
    """`file:line: name (what it names)` for every whole-word use of a name under ``tree``."""
    found = []
    for path in sorted(tree.rglob("*")):
        if path.suffix not in SCANNED or not path.is_file():
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            padded = f" {fold(line)} "
            found += [f"{path.relative_to(tree)}:{n}: {name!r} ({what})"
                      for name, what in names.items() if f" {name} " in padded]
    return found


@pytest.fixture(scope="module")
def names() -> dict[str, str]:
    return library_names(load_library(ROOT))


def test_nothing_under_bot_names_a_work_or_its_people_or_places(names: dict[str, str]) -> None:
    assert hits(ROOT / "bot", names) == []


def test_the_names_looked_for_include_every_works_own(names: dict[str, str]) -> None:
    # The rule keeps what a pack offers as its example names (people and places that only the
    # story has), its titles and its ids: were it to drop them, the scan would prove nothing.
    for content in load_library(ROOT):
        info = content.work
        for kind in ("character", "setting"):
            example = info.example(kind)
            assert example and fold(example) in names, (info.id, kind, example)
        assert fold(info.title) in names and fold(info.id) in names
    assert len(names) > 100


def test_a_name_planted_in_a_copy_of_bot_is_found(tmp_path: Path,
                                                  names: dict[str, str]) -> None:
    tree = tmp_path / "bot"
    shutil.copytree(ROOT / "bot", tree, ignore=shutil.ignore_patterns("__pycache__"))
    assert hits(tree, names) == []
    content = load_library(ROOT)
    character = content[0].work.example("character")
    setting = content[-1].work.example("setting")
    assert character and setting
    (tree / "core" / "planted.py").write_text(
        f'"""As {character.upper()}\'s friend says."""\nID = "x_{fold(content[0].work.id)}"\n',
        encoding="utf-8")
    (tree / "adapters" / "notes.md").write_text(f"Set in {setting}, mostly.\n", encoding="utf-8")
    found = hits(tree, names)
    assert any(h.startswith("core/planted.py:1:") and fold(character) in h for h in found)
    assert any(h.startswith("core/planted.py:2:") for h in found)
    assert any(h.startswith("adapters/notes.md:1:") and fold(setting) in h for h in found)


def test_ordinary_words_and_parts_of_words_are_not_names(tmp_path: Path,
                                                         names: dict[str, str]) -> None:
    content = load_library(ROOT)[0]
    character = fold(content.work.example("character") or "")
    (tmp_path / "plain.py").write_text(
        f"# the butler, the staff and what remains of the house\nX = '{character}son'\n",
        encoding="utf-8")
    assert hits(tmp_path, names) == []
