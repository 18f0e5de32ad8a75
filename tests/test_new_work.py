"""`python -m bot new-work ID`: a skeleton that passes the check as written, whose commented
examples pass it too once a host takes the comment marks out, and that never overwrites."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.core.content.loader import check_library, load_library
from bot.core.content.model import CardKind

ROOT = Path(__file__).resolve().parent.parent


def _uncommented(text: str) -> str:
    """What a host does with a skeleton file: the empty list goes, the example stays."""
    text = re.sub(r"(?m)^[a-z_]+: \[\]\n", "", text)
    return re.sub(r"(?m)^# ?(?=[a-z_]+:|  )", "", text)


def test_a_new_work_passes_the_check_beside_the_installed_ones(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for top in ("facts", "prompts"):
        (tmp_path / top).mkdir()
        for work in (ROOT / top).iterdir():
            (tmp_path / top / work.name).symlink_to(work)
    assert main(["new-work", "moby-dick", "--title", "Moby-Dick: or, The Whale",
                 "--author", "Herman Melville", "--year", "1851",
                 "--content", str(tmp_path)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert (tmp_path / "facts/moby-dick/work.yaml").is_file()
    assert (tmp_path / "prompts/moby-dick/prompts.yaml").is_file()
    assert main(["check", "--content", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "moby-dick: 0 sources" in out and "Content OK: 3 works" in out
    work = next(w for w in load_library(tmp_path) if w.work.id == "moby-dick").work
    assert (work.title, work.author, work.year) == ("Moby-Dick: or, The Whale",
                                                    "Herman Melville", 1851)
    assert work.timeline.book.count == 12 and work.timeline.film is None
    assert not work.default  # the installed default stays the default


def test_its_examples_pass_the_check_once_uncommented(tmp_path: Path) -> None:
    assert main(["new-work", "my-book", "--content", str(tmp_path)]) == 0
    for path in [*(tmp_path / "facts/my-book").glob("*.yaml"),
                 *(tmp_path / "prompts/my-book").glob("*.yaml")]:
        text = path.read_text(encoding="utf-8")
        if path.name == "work.yaml":  # the film block only: the rest are placeholders
            film = re.search(r"(?ms)^# film:.*?\n\n", text)
            assert film
            text = text.replace(film[0], re.sub(r"(?m)^# ", "", film[0]))
        else:
            text = _uncommented(text)
        path.write_text(text, encoding="utf-8")
    assert check_library(tmp_path) == []
    (content,) = load_library(tmp_path)
    assert content.work.timeline.film is not None and content.work.timeline.minutes == 110
    assert {kind: len(content.cards_of(kind)) for kind in CardKind} == dict.fromkeys(CardKind, 1)
    assert len(content.prompts) == 1 and len(content.facts) == 1 and content.vocabulary


@pytest.mark.parametrize("ident", ["My_Book", "book-", "a", "../escape"])
def test_a_bad_id_writes_nothing(tmp_path: Path, ident: str,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new-work", ident, "--content", str(tmp_path)]) == 1
    assert "is not a work id" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []


def test_an_existing_work_is_never_overwritten(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new-work", "my-book", "--content", str(tmp_path)]) == 0
    work = tmp_path / "facts/my-book/work.yaml"
    work.write_text(work.read_text(encoding="utf-8").replace("chapters: 12", "chapters: 30"),
                    encoding="utf-8")
    capsys.readouterr()
    assert main(["new-work", "my-book", "--content", str(tmp_path)]) == 1
    assert "already exists" in capsys.readouterr().out
    assert "chapters: 30" in work.read_text(encoding="utf-8")
