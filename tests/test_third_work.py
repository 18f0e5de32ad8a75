"""A host adds a third work without touching code: a folder beside the two installed packs
(``BOT_CONTENT_DIR``), checked by ``python -m bot check``, and a club read through it on the
real console (``python -m bot console`` over a pipe, one run for the module): created on it,
progress in its own sections, a card whose later part stays gated, a prompt from its pack, and
a discussion night on its prompts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.__main__ import main

ROOT = Path(__file__).resolve().parent.parent
THIRD = ROOT / "tests" / "data" / "third-work"
WORK = "lantern-road"
TITLE = "The Lantern Road"

LINES = [
    "/works",
    f"#lantern /club create both work:{WORK}",
    "@sam #lantern /club join",
    "#lantern /character wren",  # 0: the card opens at section 1
    "#lantern /club progress book 2",
    "#lantern /character wren",  # 5
    "#lantern /prompt",
    f"@sam /progress book ford work:{WORK}",
    f"@sam /progress book 9 work:{WORK}",
    "#lantern /session schedule book 3 at friday 19:30",
    "#lantern /session start",  # 10
    "#lantern /session next",
    "#lantern /session end",
    "#lantern /club history",
    "#lantern /character wren",
    "#lantern /works",  # 15
    "/character wren",  # a channel with no club reads the default work
]


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The installed packs, linked, and the third work, copied: a host's content folder."""
    root = tmp_path_factory.mktemp("content")
    for top in ("facts", "prompts"):
        (root / top).mkdir()
        for work in (ROOT / top).iterdir():
            (root / top / work.name).symlink_to(work)
        shutil.copytree(THIRD / top / WORK, root / top / WORK)
    return root


@pytest.fixture(scope="module")
def replies(content: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    home = tmp_path_factory.mktemp("home")
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_DB_PATH", "BOT_DEFAULT_WORK")}
    env |= {"BOT_CONTENT_DIR": str(content), "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data")}
    result = subprocess.run([sys.executable, "-m", "bot", "console", "--db",
                             str(home / "club.db"), "--json"],
                            input="\n".join(LINES) + "\n", capture_output=True, text=True,
                            timeout=120, cwd=home, env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == len(LINES)
    return out


def _pack(top: str, name: str) -> Any:
    return yaml.safe_load((THIRD / top / WORK / name).read_text(encoding="utf-8"))


def test_the_check_passes_with_three_works(content: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--content", str(content)]) == 0
    out = capsys.readouterr().out
    assert f"{WORK}: 1 sources, 2 people, 1 facts, 3 cards, 4 prompts." in out
    assert "Content OK: 3 works; the default is never-let-me-go." in out


def test_works_lists_it_and_a_club_is_created_on_it(replies: list[dict[str, Any]]) -> None:
    listed = replies[0]["text"]
    assert f"{TITLE}: Ada Quill, 1999: 5 sections; film 2004, 90 minutes. `work:{WORK}`" in listed
    assert replies[1]["kind"] == "ok" and "Work: The Lantern Road" in replies[1]["text"]
    assert f"{TITLE} (this channel's club reads it)" in replies[15]["text"]
    answered = [r for r in replies[1:16] if r["kind"] == "ok"]
    assert len(answered) == 13 and all(r["work"] == TITLE for r in answered)


def test_progress_is_in_the_works_own_sections(replies: list[dict[str, Any]]) -> None:
    assert replies[4]["kind"] == "ok" and "Novel: The Ford finished" in replies[4]["text"]
    mine = replies[7]
    assert mine["visibility"] == "private" and "Novel: The Ford finished" in mine["text"]
    assert replies[8]["kind"] == "error"
    assert "This novel has 5 sections: Setting Out, The Ford, The Inn" in replies[8]["text"]


def test_a_cards_later_part_stays_gated(replies: list[dict[str, Any]]) -> None:
    (early, secret) = (p["text"] for p in _pack("facts", "facts.yaml")["characters"][0]["parts"])
    assert replies[3]["kind"] == "error"  # at the start the card has not opened
    for seen in (replies[5], replies[14]):  # at The Ford, then at The Inn after the night
        assert [p["text"] for p in seen["parts"]] == [early]
        assert seen["withheld"] == {"count": 1, "novel": 4, "film": 75}
        assert "opens at The Fire (section 4)" in seen["text"]
    # Nobody reached The Fire: the secret is in no reply, whatever its surface.
    assert not any(secret in json.dumps(r) for r in replies)
    # The other works are untouched: a channel with no club reads the default one.
    assert replies[16]["kind"] == "error" and "wren" in replies[16]["text"]


def test_a_prompt_comes_from_its_pack_at_the_clubs_point(replies: list[dict[str, Any]]) -> None:
    prompts = {p["text"]: p for p in _pack("prompts", "prompts.yaml")["prompts"]}
    shown = replies[6]["parts"][0]["text"]
    assert shown in prompts and prompts[shown]["reveal"]["novel"] <= 2


def test_a_night_runs_on_its_prompts(replies: list[dict[str, Any]]) -> None:
    prompts = {p["text"]: p for p in _pack("prompts", "prompts.yaml")["prompts"]}
    assert "Covers: The novel through The Inn" in replies[9]["text"]
    started = replies[10]
    assert "Tonight we discuss the novel through The Inn." in started["text"]
    assert started["events"] == ["thread opened: #lantern › Night #1"]
    assert started["audience"]["novel"] == 3
    prompt = replies[11]
    assert prompt["thread"] == "#lantern › Night #1"
    text = prompt["parts"][0]["text"]
    assert text in prompts and prompts[text]["reveal"]["novel"] <= 3
    assert text != replies[6]["parts"][0]["text"]  # not the one already used in the channel
    recap = replies[12]["text"]
    assert "Night #1 discussed the novel through The Inn" in recap and "1 prompt" in recap
    assert "covered the novel through The Inn · 1 prompt" in replies[13]["text"]
