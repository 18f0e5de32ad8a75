"""A host's questions in bulk (`/questions`), on the core with a real SQLite file and on the
console: a file goes through a dry run whose report names each rejected row and why (the
pack's own checks: text, depth, a point in range, no duplicates), joins the club's pool only
on confirm, and is then drawn by `/prompt` and the night's `/session next`, gated and never
repeated; hosts list, export (a file that uploads again) and remove them; hostile files
(huge, binary, not UTF-8, a YAML bomb, a CSV formula, too many rows) are refused and change
nothing; a member cannot upload."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import CONSOLE, R, W, say

from bot.adapters.console import Console
from bot.core.call import Invocation, Upload
from bot.core.pictures import QuestionFile
from bot.core.question_file import MAX_BYTES, MAX_ROWS
from bot.core.reply import Kind, Reply, Visibility
from bot.core.service import Core

EARLY = "What does the opening tell us about who is speaking to us?"
LATER = "Why might the guardians keep so much from the students here?"
GOOD = f"""text,depth,chapter
{EARLY},warm-up,1
{LATER},deep,7
,deep,3
Is the narrator someone we can trust at this point in the story?,debate,
Who would you side with in the argument they have by the pond?,debate,99
{EARLY},deep,2
A question of the right length but no depth given at all?,,2
"""


def upload(data: bytes, name: str = "questions.csv", *, size: int | None = None,
           reads: list[int] | None = None) -> Upload:
    async def read(most: int) -> bytes:
        if reads is not None:
            reads.append(most)
        return data[:most]
    return Upload(name, len(data) if size is None else size, read)


async def up(core: Core, file: Upload, *, user: str = "you") -> Reply:
    inv = Invocation(CONSOLE, "general", user, is_admin=user == "you", upload=file)
    return await core.run_text(inv, f"/questions upload {file.name}")


async def pool(core: Core, *, staged: bool = False, by: str = "you") -> tuple[str, ...]:
    ctx = await core.store.context(CONSOLE, "general", "you")
    assert ctx.club is not None
    return tuple(q.text for q in await core.store.host_questions(
        ctx.club.id, W, staged=by if staged else None))


@pytest.fixture
async def club(core: Core) -> Core:
    await say(core, "/club create novel")
    await say(core, "/club progress novel 5")
    return core


async def test_a_dry_run_reports_every_row_and_adds_nothing(club: Core) -> None:
    reply = await up(club, upload(GOOD.encode()))
    assert reply.kind is Kind.OK and reply.visibility is Visibility.PRIVATE
    text = "\n".join(reply.texts())
    assert "2 questions ok, 5 rejected" in text
    for row, why in ((4, "has no text"), (5, "has no chapter or minute"),
                     (6, "chapter 99 is out of range (1-23)"), (7, "text is a question already in"),
                     (8, "has no depth")):
        assert f"row {row}: {why}" in text, (row, text)
    assert await pool(club) == ()
    assert await pool(club, staged=True) == (EARLY, LATER)
    assert {a.path for a in reply.actions} == {"questions confirm", "questions cancel"}
    # The pool is untouched until the confirm.
    drawn = {"\n".join((await say(club, "/prompt")).texts()) for _ in range(30)}
    assert not any(EARLY in d for d in drawn)


async def test_a_rejected_row_is_told_in_the_hosts_own_words(works_core: Core) -> None:
    """In a work whose book has sections, a row's point is a section, and a column the host
    added is named as theirs: never the pack's `chapter` or its `reveal` key."""
    await say(works_core, "/club create both work:remains-of-the-day")
    rows = ("text,depth,section,minute,note\n"
            "A question of the right length about the drive west?,deep,99,,\n"
            "Another question of the right length about the drive?,deep,2.5,,\n"
            "A third question of the right length about the house?,deep,2,,mine\n"
            "A fourth question of the right length about the letter?,deep,2,,,over\n")
    text = "\n".join((await up(works_core, upload(rows.encode()))).texts())
    for row, why in ((2, "section 99 is out of range (1-8)"),
                     (3, "must be a whole section number"),
                     (4, "has a column I don't know, `note`"),
                     (5, "has more cells than the first row names")):
        assert f"row {row}: {why}" in text, (row, text)
    bad = "- {text: A question whose point is written by hand here?, depth: deep, reveal: 5}\n"
    text = "\n".join((await up(works_core, upload(bad.encode(), "q.yaml"))).texts())
    assert "row 1: has a reveal I can't read (give a section or minute)" in text, text
    assert "chapter" not in text and "mapping" not in text


async def test_confirm_adds_and_prompt_draws_them_gated_and_once(club: Core) -> None:
    await up(club, upload(GOOD.encode()))
    done = await say(club, "/questions confirm")
    assert "2 questions added" in "\n".join(done.texts())
    assert await pool(club) == (EARLY, LATER) and await pool(club, staged=True) == ()
    again = await say(club, "/questions confirm")
    assert again.kind is Kind.ERROR  # nothing waiting: a clear answer, nothing changes
    # 37 pack prompts are open at chapter 5, plus the one of ours: each comes once.
    said = ["\n".join((await say(club, "/prompt")).texts()) for _ in range(38)]
    assert sum(EARLY in s for s in said) == 1
    assert not any(LATER in s for s in said)  # chapter 7: past the club
    await say(club, "/club progress novel 7")
    later = ["\n".join((await say(club, "/prompt")).texts()) for _ in range(10)]
    assert sum(LATER in s for s in later) == 1  # open now, and drawn once


async def test_a_night_brings_the_clubs_questions_too(club: Core) -> None:
    await up(club, upload(f"text,depth,chapter\n{EARLY},debate,1\n{LATER},debate,7\n"
                          .encode()))
    await say(club, "/questions confirm")
    await say(club, "/session schedule novel 1 at 2027-01-08 19:00")
    await say(club, "/session start")
    # At chapter 1 the pack has one deep prompt and one debate: warm-up, deep, then the two
    # debates, ours among them, once; the one at chapter 7 never (past the night's target).
    brought = ["\n".join((await say(club, "/session next")).texts()) for _ in range(4)]
    assert sum(EARLY in b for b in brought) == 1, brought
    assert not any(LATER in b for b in brought)
    ended = "\n".join((await say(club, "/session end")).texts())
    assert EARLY in ended  # the recap knows it


async def test_list_export_and_remove_are_cut_to_the_host(club: Core, tmp_path: Path) -> None:
    await up(club, upload(GOOD.encode()))
    await say(club, "/questions confirm")
    listed = await say(club, "/questions list")
    assert listed.visibility is Visibility.PRIVATE
    assert EARLY not in "\n".join(listed.texts())  # the host has read nothing themselves
    await say(club, "/progress novel 3")
    listed = "\n".join((await say(club, "/questions list")).texts())
    assert EARLY in listed and LATER not in listed and "#1 · warm-up · chapter 1" in listed
    exported = await say(club, "/questions export")
    assert isinstance(exported.picture, QuestionFile) and exported.picture.held == 1
    rows = yaml.safe_load(exported.picture.content)
    assert rows == [{"text": EARLY, "depth": "warm-up", "chapter": 1}]
    # The export uploads again (here into another club, where it is new).
    await say(club, "/club create novel", channel="other")
    inv = Invocation(CONSOLE, "other", "you", is_admin=True,
                     upload=upload(exported.picture.content, "club-questions.yaml"))
    again = await club.run_text(inv, "/questions upload club-questions.yaml")
    assert "1 question ok." in "\n".join(again.texts())
    removed = await say(club, "/questions remove 1")
    assert removed.kind is Kind.OK and await pool(club) == (LATER,)
    missing = await say(club, "/questions remove 1")
    assert missing.kind is Kind.ERROR and "no question #1" in "\n".join(missing.texts())


async def test_remove_takes_only_a_question_of_the_clubs_work(works_core: Core) -> None:
    """A club that moved on removes by the numbers its list shows there: never a question
    it wrote for the last work, which its list there does not show."""
    await say(works_core, "/club create both work:remains-of-the-day")
    ours = "What does the drive west show us about the man at the wheel?"
    await up(works_core, upload(f"text,depth,section\n{ours},deep,2\n".encode()))
    await say(works_core, "/questions confirm")
    await say(works_core, "/club work never-let-me-go")
    assert "none of its own" in "\n".join((await say(works_core, "/questions list")).texts())
    refused = await say(works_core, "/questions remove 1")
    assert refused.kind is Kind.ERROR and "no question #1" in "\n".join(refused.texts())
    ctx = await works_core.store.context(CONSOLE, "general", "you")
    assert ctx.club is not None
    assert [q.text for q in await works_core.store.host_questions(ctx.club.id, R)] == [ours]


HOSTILE = {
    "huge": (upload(b"x", size=MAX_BYTES + 1), "over 256 KB"),
    "binary": (upload(b"text,depth\n\x00\x01\x02"), "not text"),
    "latin-1": (upload("text,depth,chapter\ncaf\u00e9 question here?,deep,1\n"
                       .encode("latin-1")), "not UTF-8"),
    "yaml bomb": (upload(b'a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\n', "q.yaml"),
                  "anchors or aliases"),
    "formula": (upload(b"text,depth,chapter\n=HYPERLINK(\"http://x\"),deep,1\n"),
                "run as a formula"),
    "minus formula": (upload(b"text,depth,chapter\nA fine question for the club?,deep,-1+2\n"),
                      "run as a formula"),
    "too many": (upload(("text,depth,chapter\n" + "".join(
        f"Question number {n} about the opening pages?,deep,1\n"
        for n in range(MAX_ROWS + 1))).encode()), f"at most {MAX_ROWS}"),
    "not a list": (upload(b"just: a mapping\n", "q.yml"), "a list of questions"),
    "bad yaml": (upload(b"- text: [unclosed\n", "q.yaml"), "not valid YAML"),
    "other file": (upload(b"hello", "q.txt"), "does not end in"),
    "no header": (upload(b"What does it mean?\n"), "a `text` column"),
}


@pytest.mark.parametrize("kind", list(HOSTILE))
async def test_a_hostile_file_is_refused_and_changes_nothing(club: Core, kind: str) -> None:
    await up(club, upload(GOOD.encode()))
    await say(club, "/questions confirm")
    await up(club, upload(f"text,depth,chapter\n{LATER} again,deep,2\n".encode()))
    file, said = HOSTILE[kind]
    reply = await up(club, file)
    text = "\n".join(reply.texts())
    assert reply.kind is Kind.ERROR and said in text and "Nothing was changed" in text, text
    assert await pool(club) == (EARLY, LATER)
    assert await pool(club, staged=True) == (f"{LATER} again",)  # the dry run before stays


async def test_a_huge_file_is_not_read_and_a_member_cannot_upload(club: Core) -> None:
    reads: list[int] = []
    await up(club, upload(b"x", size=10**9, reads=reads))
    assert reads == []  # refused on its size alone
    await up(club, upload(GOOD.encode(), reads=reads))
    assert reads == [MAX_BYTES + 1]  # never more than the limit, whatever the file says
    await say(club, "/club join", user="sam")
    refused = await up(club, upload(GOOD.encode()), user="sam")
    assert refused.kind is Kind.ERROR and "Only a host" in "\n".join(refused.texts())
    nothing = await say(club, "/questions upload questions.csv")
    assert nothing.kind is Kind.ERROR and "Give the file" in "\n".join(nothing.texts())


async def test_the_console_reads_a_path(club: Core, tmp_path: Path) -> None:
    path = tmp_path / "ours.yaml"
    path.write_text(yaml.safe_dump([{"text": EARLY, "depth": "warm-up", "chapter": 1},
                                    {"text": LATER, "depth": "deep", "chapter": "seven"}]))
    console = Console(club, pictures=tmp_path / "files")
    said = await console.handle(f"/questions upload {path}")
    assert said is not None and "2 questions ok." in said
    assert "2 questions added" in (await console.handle("/questions confirm") or "")
    await console.handle("/progress novel 7")
    exported = await console.handle("/questions export") or ""
    (written,) = (tmp_path / "files").glob("questions-*.yaml")
    assert str(written) in exported and len(yaml.safe_load(written.read_text())) == 2
    missing = await console.handle(f"/questions upload {tmp_path / 'none.csv'}") or ""
    assert "Give the file" in missing
