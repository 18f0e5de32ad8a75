"""`python -m bot check`: each kind of content problem is named by file, item and field."""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.core.content import CardKind, ContentInvalid, check_content, load_content
from bot.core.passages import passages
from bot.core.timeline import Reveal

ROOT = Path(__file__).resolve().parent.parent

WORK = {"id": "tiny", "title": "A Tiny Work", "author": "A. Writer", "year": 2001,
        "sources": ["WIKI"],
        "book": {"noun": "novel", "unit": "chapter", "chapters": 23},
        "film": {"title": "A Tiny Work", "year": 2002, "minutes": 103}}
MINIMAL: dict[str, dict[str, Any]] = {
    "facts/tiny/work.yaml": WORK,
    "facts/tiny/sources.yaml": {"sources": [
        {"id": "WIKI", "title": "Wikipedia: the film", "url": "https://en.wikipedia.org/wiki/x"},
        {"id": "SH-7", "title": "Shmoop: chapter 7", "url": "https://www.shmoop.com/x"},
    ]},
    "facts/tiny/people.yaml": {"people": [
        {"id": "carey-mulligan", "name": "Carey Mulligan", "sources": ["WIKI"],
         "credits": [{"role": "cast", "as": "Kathy H. (adult)", "character": "kathy"}]},
    ]},
    "facts/tiny/film.yaml": {"facts": [
        {"id": "film-budget", "topic": "film.release", "label": "Budget",
         "text": "It was made for about fifteen million US dollars.", "sources": ["WIKI"],
         "safe": True, "asks": ["how much did it cost to make"]},
    ]},
    "facts/tiny/characters.yaml": {"characters": [
        {"id": "kathy", "name": "Kathy H.", "aliases": ["Kathy", {"name": "Kath",
                                                                    "reveal": {"novel": 2}}],
         "reveal": {"novel": 1, "film": 3}, "sources": ["WIKI"],
         "parts": [
             {"text": "The narrator, looking back on her school days.", "reveal": {"novel": 1}},
             {"text": "Hears plainly what her future holds, in a rainy pavilion.",
              "reveal": {"novel": 7, "film": 25}, "sources": ["SH-7"]},
         ]},
    ]},
    "facts/tiny/themes.yaml": {"themes": [
        {"id": "agency", "name": "The illusion of agency", "aliases": ["agency"], "safe": True,
         "summary": "How much choice do the students really have, and do they see it?",
         "asks": ["do they have any choice"],
         "sources": ["WIKI"],
         "parts": [{"text": "Nobody at the pavilion asks why; they only listen.",
                    "reveal": {"novel": 7}}]},
    ]},
    "facts/tiny/differences.yaml": {"differences": [
        {"id": "the-tape", "topic": "The tape", "reveal": {"novel": 6, "film": 20},
         "sources": ["WIKI"],
         "novel": {"text": "Kathy finds the tape herself at a Sale.", "reveal": {"novel": 6}},
         "film": {"text": "In the film the tape is a present from Tommy.",
                  "asks": ["who gives kathy the tape in the movie"],
                  "reveal": {"film": 20}}},
    ]},
    "facts/tiny/vocabulary.yaml": {
        "vocabulary": [
            {"words": ["school"], "means": ["hailsham"], "safe": True},
            {"words": ["die", "dies"], "means": ["complete"], "reveal": {"novel": 7}},
        ],
        "other_works": ["The Remains of the Day"],
    },
    "prompts/tiny/prompts.yaml": {"prompts": [
        {"id": "agency-1", "text": "Why does nobody in the pavilion ask a question?",
         "themes": ["agency"], "depth": "deep", "medium": "novel", "reveal": {"novel": 7}},
    ]},
}


def TINY(root: Path) -> tuple[Path, Path]:  # the tiny work's two folders
    return root / "facts" / "tiny", root / "prompts" / "tiny"


def write_pack(root: Path, pack: dict[str, dict[str, Any]]) -> Path:
    for rel, doc in pack.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return root


def issues_for(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> list[str]:
    pack = copy.deepcopy(MINIMAL)
    change(pack)
    write_pack(tmp_path, pack)
    return [str(i) for i in check_content(*TINY(tmp_path))]


def test_the_minimal_pack_is_valid_and_typed(tmp_path: Path) -> None:
    write_pack(tmp_path, MINIMAL)
    content = load_content(*TINY(tmp_path))
    kathy = content.card(CardKind.CHARACTER, "kathy")
    # A part never opens before its card: the card's film point carries into the first part.
    assert kathy.parts[0].reveal == Reveal(novel=1, film=None)
    assert kathy.parts[1].sources == ("WIKI", "SH-7")
    assert content.card(CardKind.THEME, "agency").prompts == ("agency-1",)
    diff = content.card(CardKind.DIFFERENCE, "the-tape")
    assert [p.label for p in diff.parts] == ["In the novel", "In the film"]
    # Example questions for /ask ride along with what they ask about.
    assert content.facts[0].asks == ("how much did it cost to make",)
    assert passages(content)[0].asks == ("how much did it cost to make",)
    assert diff.parts[1].asks == ("who gives kathy the tape in the movie",)
    assert content.card(CardKind.THEME, "agency").asks == ("do they have any choice",)
    with pytest.raises(AttributeError):
        kathy.name = "x"  # type: ignore[misc]


def _people(p: dict[str, Any]) -> dict[str, Any]:
    return p["facts/tiny/people.yaml"]["people"][0]


def _kathy(p: dict[str, Any]) -> dict[str, Any]:
    return p["facts/tiny/characters.yaml"]["characters"][0]


def _fact(p: dict[str, Any]) -> dict[str, Any]:
    return p["facts/tiny/film.yaml"]["facts"][0]


def _link(p: dict[str, Any]) -> dict[str, Any]:
    return p["facts/tiny/vocabulary.yaml"]["vocabulary"][1]


def _prompt(p: dict[str, Any]) -> dict[str, Any]:
    return p["prompts/tiny/prompts.yaml"]["prompts"][0]


KATHY = "facts/tiny/characters.yaml: character 'kathy': "
CASES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("unknown key", lambda p: _kathy(p).update(colour="blue"),
     KATHY + "colour: unknown key"),
    ("unknown key in a part", lambda p: _kathy(p)["parts"][0].update(chapter=3),
     KATHY + "parts[0].chapter: unknown key"),
    ("missing sources", lambda p: _fact(p).pop("sources"),
     "facts/tiny/film.yaml: fact 'film-budget': sources: missing"),
    ("empty sources", lambda p: _fact(p).update(sources=[]),
     "facts/tiny/film.yaml: fact 'film-budget': sources: is empty"),
    ("unknown source", lambda p: _kathy(p)["parts"][1].update(sources=["SH-99"]),
     KATHY + "parts[1].sources: unknown source 'SH-99'"),
    ("duplicate id", lambda p: p["facts/tiny/film.yaml"]["facts"].append(dict(_fact(p))),
     "facts/tiny/film.yaml: fact 'film-budget': id: duplicate fact id"),
    ("novel point out of range", lambda p: _kathy(p)["parts"][1].update(reveal={"novel": 24}),
     KATHY + "parts[1].reveal.novel: chapter 24 is out of range"),
    ("film point out of range", lambda p: _prompt(p).update(medium="film", reveal={"film": 140}),
     "prompts/tiny/prompts.yaml: prompt 'agency-1': reveal.film: minute 140 is out of range"),
    ("zero is not a reveal point", lambda p: _kathy(p).update(reveal={"novel": 0}),
     KATHY + "reveal.novel: chapter 0 is out of range"),
    ("broken character reference", lambda p: _people(p)["credits"][0].update(character="kath"),
     "facts/tiny/people.yaml: person 'carey-mulligan': credits[0].character: refers to unknown "
     "character 'kath'"),
    ("a credit's known is only false", lambda p: _people(p)["credits"][0].update(known="no"),
     "facts/tiny/people.yaml: person 'carey-mulligan': credits[0].known: must be `false`, on a "
     "cast credit whose part is not confirmed"),
    ("broken theme reference", lambda p: _prompt(p).update(themes=["hope"]),
     "prompts/tiny/prompts.yaml: prompt 'agency-1': themes: refers to unknown theme 'hope'"),
    ("story text with no reveal point", lambda p: _kathy(p)["parts"][0].pop("reveal"),
     KATHY + "parts[0].reveal: story text with no reveal point"),
    ("empty reveal", lambda p: _kathy(p)["parts"][0].update(reveal={}),
     KATHY + "parts[0].reveal: story text with no reveal point"),
    ("prompt with no reveal point", lambda p: _prompt(p).pop("reveal"),
     "prompts/tiny/prompts.yaml: prompt 'agency-1': reveal: a prompt with no reveal point"),
    ("fact with no reveal point", lambda p: _fact(p).pop("safe"),
     "facts/tiny/film.yaml: fact 'film-budget': reveal: story text with no reveal point"),
    ("both reveal and safe", lambda p: _fact(p).update(reveal={"novel": 1}),
     "facts/tiny/film.yaml: fact 'film-budget': reveal: give either"),
    ("unknown topic", lambda p: _fact(p).update(topic="film.trivia"),
     "facts/tiny/film.yaml: fact 'film-budget': topic: 'film.trivia' is not one of"),
    ("novel prompt with a film point", lambda p: _prompt(p).update(reveal={"novel": 7, "film": 5}),
     "prompts/tiny/prompts.yaml: prompt 'agency-1': reveal: a novel prompt has no film point"),
    ("unknown depth", lambda p: _prompt(p).update(depth="deeper"),
     "prompts/tiny/prompts.yaml: prompt 'agency-1': depth: 'deeper' is not one of"),
    ("unknown section", lambda p: p["facts/tiny/film.yaml"].update(trivia=[]),
     "facts/tiny/film.yaml: trivia: unknown section"),
    ("name clash", lambda p: p["facts/tiny/characters.yaml"]["characters"].append(
        {"id": "ruth", "name": "Ruth", "aliases": ["Kathy h"], "reveal": {"novel": 1},
         "sources": ["WIKI"], "parts": [{"text": "Kathy's friend from the start of it all.",
                                         "reveal": {"novel": 1}}]}),
     "facts/tiny/characters.yaml: character 'ruth': aliases: name 'Kathy h' is also used by "
     "'kathy'"),
    ("cast credit without a role played", lambda p: _people(p)["credits"][0].pop("as"),
     "facts/tiny/people.yaml: person 'carey-mulligan': credits[0].as: a cast credit needs `as`"),
    ("a part that can never open", lambda p: (_kathy(p).update(reveal={"novel": 1}),
                                              _kathy(p)["parts"][0].update(reveal={"film": 9})),
     KATHY + "parts[0].reveal: can never open"),
    ("text too short", lambda p: _kathy(p)["parts"][0].update(text="Kathy."),
     KATHY + "parts[0].text: is too short"),
    ("unknown key in a vocabulary link", lambda p: _link(p).update(weight=2),
     "facts/tiny/vocabulary.yaml: vocabulary link 'die': weight: unknown key"),
    ("empty words in a vocabulary link", lambda p: _link(p).update(words=[]),
     "facts/tiny/vocabulary.yaml: vocabulary link 2: words: must be a non-empty list of words"),
    ("empty meaning in a vocabulary link", lambda p: _link(p).update(means=[]),
     "facts/tiny/vocabulary.yaml: vocabulary link 'die': means: must be a non-empty list of words"),
    ("a vocabulary link's point out of range", lambda p: _link(p).update(reveal={"film": 104}),
     "facts/tiny/vocabulary.yaml: vocabulary link 'die': reveal.film: minute 104 is out of range"),
    ("a vocabulary link with no point", lambda p: _link(p).pop("reveal"),
     "facts/tiny/vocabulary.yaml: vocabulary link 'die': reveal: a vocabulary link with no reveal"),
    ("a word that is no word", lambda p: _link(p).update(words=["die", "?!"]),
     "facts/tiny/vocabulary.yaml: vocabulary link 'die': words: '?!' is not a word"),
    ("another work that is no title",
     lambda p: p["facts/tiny/vocabulary.yaml"]["other_works"].append({"title": "x"}),
     "facts/tiny/vocabulary.yaml: other_works: each entry must be a title"),
    ("a known flag that is not false", lambda p: _fact(p).update(known="maybe"),
     "facts/tiny/film.yaml: fact 'film-budget': known: must be `false`"),
    ("asks that are not a list", lambda p: _fact(p).update(asks="how much did it cost"),
     "facts/tiny/film.yaml: fact 'film-budget': asks: must be a list of questions"),
    ("an ask too long", lambda p: _kathy(p)["parts"][0].update(asks=["why " * 60]),
     KATHY + "parts[0].asks: 'why why"),
    ("too many asks", lambda p: _fact(p).update(asks=[f"what did it cost {n}" for n in range(7)]),
     "facts/tiny/film.yaml: fact 'film-budget': asks: has 7 questions; at most 6"),
]


def test_the_vocabulary_is_loaded_with_its_points(tmp_path: Path) -> None:
    write_pack(tmp_path, MINIMAL)
    content = load_content(*TINY(tmp_path))
    school, die = content.vocabulary
    assert (school.words, school.means, school.reveal.safe) == (("school",), ("hailsham",), True)
    assert die.words == ("die", "dies") and die.reveal == Reveal(novel=7)
    assert content.other_works == ("The Remains of the Day",)


@pytest.mark.parametrize(("change", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_each_problem_is_named(tmp_path: Path, change: Callable[[dict[str, Any]], None],
                               expected: str) -> None:
    found = issues_for(tmp_path, change)
    assert any(expected in issue for issue in found), found


def test_invalid_yaml_names_the_file(tmp_path: Path) -> None:
    write_pack(tmp_path, MINIMAL)
    (tmp_path / "facts" / "tiny" / "broken.yaml").write_text("facts: [\n  - {id: x",
                                                             encoding="utf-8")
    found = [str(i) for i in check_content(*TINY(tmp_path))]
    assert any(i.startswith("facts/tiny/broken.yaml: not valid YAML") for i in found), found


def test_load_refuses_a_pack_with_problems(tmp_path: Path) -> None:
    pack = copy.deepcopy(MINIMAL)
    _kathy(pack)["parts"][0].pop("reveal")
    write_pack(tmp_path, pack)
    with pytest.raises(ContentInvalid, match="no reveal point"):
        load_content(*TINY(tmp_path))


def test_check_command_fails_with_a_clear_message(tmp_path: Path) -> None:
    pack = copy.deepcopy(MINIMAL)
    _fact(pack).update(sources=["NOPE"])
    write_pack(tmp_path, pack)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check", "--content", str(tmp_path)],
        capture_output=True, text=True, timeout=60, check=False, cwd=ROOT,
    )
    assert result.returncode == 1
    assert ("facts/tiny/film.yaml: fact 'film-budget': sources: unknown source 'NOPE'"
            in result.stderr)
    assert "Traceback" not in result.stderr


def test_check_command_passes_on_the_real_pack() -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "check"], capture_output=True,
                            text=True, timeout=60, check=False, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "Content OK: 2 works" in result.stdout
