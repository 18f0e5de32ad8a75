"""Works as a member sees them on the console: what is installed, a club on The Remains of the
Day, progress in each work's own terms and kept per work, its cards, lookups and /ask answered
from the right work and cut to the right progress. Through the real core over every installed
work and SQLite on a file. (Moving a club on, votes and nights: test_works_clubs.py.)"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.adapters.console import Console, render_text
from bot.app import open_core
from bot.config import default_work
from bot.core.call import Invocation
from bot.core.commands import build_registry
from bot.core.content import CardKind, Content
from bot.core.library import Library
from bot.core.registry import WORK_OPTION
from bot.core.reply import Kind, PartState, Reply
from bot.core.service import Core
from bot.core.timeline import Progress
from tests.conftest import CONSOLE, R, W, say

REMAINS = "The Remains of the Day"
NLMG = "Never Let Me Go"


@pytest.fixture(scope="module")
def remains(library: Library) -> Content:
    work = library.get(R)
    assert work is not None
    return work.content


async def ok(core: Core, text: str, **kw: object) -> Reply:
    reply = await say(core, text, **kw)  # type: ignore[arg-type]
    assert reply.kind is Kind.OK, (text, seen(reply))
    return reply


async def refused(core: Core, text: str, **kw: object) -> str:
    reply = await say(core, text, **kw)  # type: ignore[arg-type]
    assert reply.kind is Kind.ERROR, (text, seen(reply))
    assert "Traceback" not in seen(reply)
    return seen(reply)


def seen(reply: Reply) -> str:
    """The reply as the console shows it."""
    return render_text(reply)


def card_texts(pack: Content, kind: CardKind, name: str, at: Progress) -> tuple[list[str],
                                                                             list[str]]:
    """The texts of a card's parts open at ``at``, and those still shut."""
    card = next(c for c in pack.cards_of(kind) if c.name == name)
    return ([p.text for p in card.parts if p.reveal.visible_at(at)],
            [p.text for p in card.parts if not p.reveal.visible_at(at)])


# -- what is installed, and a club's choice ----------------------------------------------------

async def test_works_lists_both_installed_works(works_core: Core) -> None:
    listed = seen(await ok(works_core, "/works"))
    assert f"{NLMG} (the default)" in listed and "`work:never-let-me-go`" in listed
    assert REMAINS in listed and "`work:remains-of-the-day`" in listed
    assert "8 sections; film 1993, 134 minutes" in listed
    assert "23 chapters; film 2010, 103 minutes" in listed
    await ok(works_core, "/club create both work:remains", channel="remains")
    here = seen(await ok(works_core, "/works", channel="remains"))
    assert f"{REMAINS} (this channel's club reads it)" in here


@pytest.mark.parametrize("named", ["remains-of-the-day", "remains", "Remains"])
async def test_a_club_is_created_on_the_work_it_names(works_core: Core, named: str) -> None:
    reply = await ok(works_core, f"/club create both work:{named}")
    assert reply.work == REMAINS and "Work: The Remains of the Day" in seen(reply)
    club = await works_core.store.club(CONSOLE, "general")
    assert club is not None and club.work == R
    info = await Console(works_core).handle("/club info") or ""
    assert "Work: The Remains of the Day" in info and "; The Remains of the Day; cut to" in info


async def test_an_unknown_work_is_refused_politely_and_makes_no_club(works_core: Core) -> None:
    said = await refused(works_core, "/club create both work:middlemarch")
    assert said == ("I don't have a work called `middlemarch`.\n"
                    f"I have: {NLMG}; {REMAINS}. `/works` lists them.")
    assert await works_core.store.club(CONSOLE, "general") is None
    assert "no club in this channel" in await refused(works_core, "/club info")


@pytest.mark.parametrize("line", ["/club create both work:", "/club create work: both",
                                  "/character stevens work:"])
async def test_an_empty_work_is_refused_and_makes_no_club(works_core: Core, line: str) -> None:
    """`work:` with nothing after it names no work: it is not taken as the default."""
    said = await refused(works_core, line)
    assert said.startswith("`work:` needs a work's id after it"), said
    assert await works_core.store.club(CONSOLE, "general") is None


async def test_without_work_a_club_reads_the_default(works_core: Core) -> None:
    reply = await ok(works_core, "/club create both")
    assert reply.work == NLMG
    club = await works_core.store.club(CONSOLE, "general")
    assert club is not None and club.work == W
    assert (await ok(works_core, "/character kathy")).title == "Kathy H."
    # A channel with no club reads the default work too.
    assert (await ok(works_core, "/character ruth", channel="elsewhere")).work == NLMG


async def test_bot_default_work_picks_the_default(library: Library, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A deployment may make another work its default (BOT_DEFAULT_WORK): a channel with no
    club, and a club made without `work:`, read that one."""
    monkeypatch.setenv("BOT_DEFAULT_WORK", R)
    works = Library(list(library), default=default_work())
    async with open_core(tmp_path / "club.db", library=works) as core:
        assert (await ok(core, "/character stevens")).work == REMAINS
        assert f"{REMAINS} (the default)" in seen(await ok(core, "/works"))
        await ok(core, "/club create both")
        club = await core.store.club(CONSOLE, "general")
        assert club is not None and club.work == R


# -- progress in the work's own terms ----------------------------------------------------------

@pytest.mark.parametrize(("line", "section", "said"), [
    ("/progress book 3", 3, "Day Two: Morning finished"),
    ("/progress book day three evening", 6, "Day Three: Evening finished"),
    ("/progress book Prologue", 1, "Prologue finished"),
    ("/progress novel 2", 2, "Day One: Evening finished"),  # `novel` is `book`
    ("/progress novel done", 8, "Novel: finished"),
])
async def test_book_progress_reads_the_clubs_work(works_core: Core, line: str, section: int,
                                                  said: str) -> None:
    await ok(works_core, "/club create both work:remains")
    reply = await ok(works_core, line, user="sam")
    assert said in seen(reply) and reply.work == REMAINS
    assert (await works_core.store.member_progress(CONSOLE, "sam", R)).novel == section
    assert await works_core.store.member_progress(CONSOLE, "sam", W) == Progress()


async def test_film_progress_reads_the_clubs_work(works_core: Core) -> None:
    await ok(works_core, "/club create both work:remains")
    reply = await ok(works_core, "/progress film 1:10", user="sam")
    assert "Film: 1:10 watched" in seen(reply)
    assert (await works_core.store.member_progress(CONSOLE, "sam", R)).film == 70
    # 1:50 is past the end of Never Let Me Go's film (103 minutes), not of this one (134).
    await ok(works_core, "/progress film 1:50", user="sam")
    assert (await works_core.store.member_progress(CONSOLE, "sam", R)).film == 110


@pytest.mark.parametrize(("line", "said"), [
    ("/progress book 9", "This novel has 8 sections: Prologue, Day One: Evening, Day Two: "
                         "Morning, Day Two: Afternoon, …: give a number from 0 to 8, not 9."),
    ("/progress novel 23", "This novel has 8 sections: Prologue"),
    ("/progress book day nine", "I need a section of the novel, by name such as `prologue` or "
                                "by number from 0 to 8 (or `done`), not `day nine`."),
    ("/progress film 2:20", "The film runs 134 minutes (2:14): give a time from 0 to 134, "
                            "not 2:20."),
])
async def test_out_of_range_progress_names_the_works_own_range(works_core: Core, line: str,
                                                               said: str) -> None:
    await ok(works_core, "/club create both work:remains")
    await ok(works_core, "/progress book 2", user="sam")
    assert said in await refused(works_core, line, user="sam")
    assert await works_core.store.member_progress(CONSOLE, "sam", R) == Progress(2, 0)


async def test_the_first_works_range_is_its_own(works_core: Core) -> None:
    await ok(works_core, "/club create both")
    assert "the novel has 23 chapters" in (await refused(works_core, "/progress book 24")).lower()
    assert "runs 103 minutes" in await refused(works_core, "/progress film 1:50")
    # Remains' section names mean nothing here.
    assert "not `day three evening`" in await refused(works_core,
                                                      "/progress book day three evening")


async def test_progress_is_kept_per_member_per_work(works_core: Core) -> None:
    await ok(works_core, "/club create both work:remains", channel="remains")
    await ok(works_core, "/club create both", channel="nlmg")
    await ok(works_core, "/progress book 6", user="sam", channel="remains")
    await ok(works_core, "/progress film 40", user="sam", channel="nlmg")
    store = works_core.store
    assert await store.member_progress(CONSOLE, "sam", R) == Progress(6, 0)
    assert await store.member_progress(CONSOLE, "sam", W) == Progress(0, 40)
    # Either channel shows either work with `work:`; without it, the channel's club's.
    here = seen(await ok(works_core, "/progress show", user="sam", channel="remains"))
    assert "Day Three: Evening finished" in here and "Film: not started" in here
    other = await ok(works_core, "/progress show work:never-let-me-go", user="sam",
                     channel="remains")
    assert other.work == NLMG and "Novel: not started" in seen(other)
    assert "Film: 0:40 watched" in seen(other)
    # Set from the other work's channel; this one's is untouched.
    await ok(works_core, "/progress book 12 work:nlmg", user="sam", channel="remains")
    assert await store.member_progress(CONSOLE, "sam", W) == Progress(12, 40)
    assert await store.member_progress(CONSOLE, "sam", R) == Progress(6, 0)
    await ok(works_core, "/progress reset work:remains", user="sam", channel="nlmg")
    assert await store.member_progress(CONSOLE, "sam", R) == Progress()
    assert await store.member_progress(CONSOLE, "sam", W) == Progress(12, 40)


async def test_club_progress_is_kept_per_work(works_core: Core) -> None:
    await ok(works_core, "/club create both work:remains", channel="remains")
    await ok(works_core, "/club create both", channel="nlmg")
    moved = seen(await ok(works_core, "/club progress book day two afternoon film 1:00",
                          channel="remains"))
    assert "Novel: Day Two: Afternoon finished" in moved and "Film: 1:00 watched" in moved
    assert "Day Two" in await refused(works_core, "/club progress book 9", channel="remains")
    club = await works_core.store.club(CONSOLE, "remains")
    assert club is not None
    assert club.progress_in(R) == Progress(4, 60) and club.progress_in(W) == Progress()
    other = await works_core.store.club(CONSOLE, "nlmg")
    assert other is not None and other.progress_in(W) == Progress()
    info = seen(await ok(works_core, "/club info", channel="remains"))
    assert "Novel: Day Two: Afternoon finished" in info


# -- cards and /ask in a Remains club ----------------------------------------------------------

async def test_a_card_answers_from_the_clubs_work_and_opens_with_its_progress(
        works_core: Core, remains: Content) -> None:
    await ok(works_core, "/club create both work:remains")
    await ok(works_core, "/club progress book 2")
    shown, shut = card_texts(remains, CardKind.CHARACTER, "Miss Kenton", Progress(2, 0))
    assert shown and shut
    card = await ok(works_core, "/character miss kenton")
    assert card.title == "Miss Kenton" and card.work == REMAINS
    said = seen(card)
    assert all(text in said for text in shown)
    assert not any(text in said for text in shut)
    assert card.withheld is not None and card.withheld.count == len(shut)
    assert "Day Two: Morning (section 3) of the novel" in said
    # The club reads on to Day Three: Evening; the maids' part opens there.
    maids = next(t for t in shut if "Jewish maids" in t)
    await ok(works_core, "/club progress book 6")
    assert maids in seen(await ok(works_core, "/character miss kenton"))
    # Never Let Me Go's people are not in this club's work.
    assert "can't find a character called `kathy`" in await refused(works_core,
                                                                    "/character kathy")


async def test_tag_mode_hides_a_remains_part_behind_a_spoiler(works_core: Core,
                                                              remains: Content) -> None:
    await ok(works_core, "/club create both work:remains")
    await ok(works_core, "/club spoilers tag")
    _shown, shut = card_texts(remains, CardKind.CHARACTER, "Miss Kenton", Progress())
    reply = await ok(works_core, "/character miss kenton")
    tagged = [p for p in reply.parts if p.state is PartState.TAG]
    assert len(tagged) == len(shut)
    text = await Console(works_core).handle("/character miss kenton") or ""
    assert "(spoiler: opens at Day Three: Evening (section 6) of the novel" in text


async def test_ask_in_a_remains_club_answers_from_remains_cut_to_the_club(
        works_core: Core) -> None:
    await ok(works_core, "/club create both work:remains")
    crew = await ok(works_core, "/ask who directed the film?")
    assert crew.work == REMAINS and "James Ivory" in seen(crew)
    early = seen(await ok(works_core, "/ask who does miss kenton marry"))
    assert "Benn" not in early and "I can't answer that" in early
    await ok(works_core, "/club progress book done")
    assert "Mr Benn" in seen(await ok(works_core, "/ask who does miss kenton marry"))


# -- another work, asked for ----------------------------------------------------------------

async def test_every_lookup_takes_work_for_the_other_work(works_core: Core,
                                                          library: Library) -> None:
    """In a channel whose club reads one work, `work:` answers from the other, cut to the
    club's progress in that other work."""
    await ok(works_core, "/club create both work:remains", channel="remains")
    await ok(works_core, "/club create both", channel="nlmg")
    for channel, other in (("remains", library.default), ("nlmg", library.get(R))):
        assert other is not None
        for command in works_core.registry:
            # Every lookup: the commands about the story, not a member's or a night's own.
            if WORK_OPTION not in {o.name for o in command.options} or command.group in (
                    "progress", "session", "club"):
                continue
            for example in command.examples_for(other.info):
                reply = await ok(works_core, f"{example} work:{other.id}", channel=channel)
                assert reply.work == other.title, example
                assert reply.audience.progress_text == other.timeline.describe(Progress())


async def test_a_lookup_in_another_work_is_cut_to_the_clubs_progress_there(
        works_core: Core, remains: Content) -> None:
    await ok(works_core, "/club create both")
    await ok(works_core, "/club progress book done film done")
    assert "can't find a character called `stevens`" in await refused(works_core,
                                                                      "/character stevens")
    _shown, shut = card_texts(remains, CardKind.CHARACTER, "Miss Kenton", Progress())
    card = await ok(works_core, "/character miss kenton work:remains")
    assert card.title == "Miss Kenton" and card.work == REMAINS
    assert not any(text in seen(card) for text in shut)  # the club is at the start of Remains
    # A member who has read Remains sees it in a reply only they see.
    await ok(works_core, "/progress book done work:remains", user="sam")
    await ok(works_core, "/progress film done work:remains", user="sam")
    mine = await ok(works_core, "/character miss kenton work:remains", user="sam", private=True)
    assert all(text in seen(mine) for text in shut)
    # Autocomplete follows the same rule: the other work's names, open to both.
    offered = await works_core.complete(Invocation(CONSOLE, "general", "sam"), "character",
                                        "character", "", others={"work": "remains"})
    assert "Stevens" in offered and "Kathy H." not in offered and "Mr Benn" not in offered


async def test_ask_naming_another_work_answers_from_it_cut_to_progress_there(
        works_core: Core) -> None:
    question = "/ask what happens to tommy in never let me go"
    await ok(works_core, "/club create both work:remains")
    await ok(works_core, "/club progress book done film done")  # Remains only
    shared = await ok(works_core, question)
    assert shared.work == NLMG and "completes" not in seen(shared)
    assert shared.audience.progress_text == "novel: not started, film: not started"
    line = await Console(works_core).handle(question) or ""
    assert "(posted here; Never Let Me Go; cut to the club's progress" in line
    await ok(works_core, "/progress book done work:nlmg", user="sam")
    mine = await ok(works_core, question, user="sam", private=True)
    assert mine.work == NLMG and "Tommy completes" in seen(mine)
    behind = await ok(works_core, question, user="kim", private=True)
    assert "completes" not in seen(behind)
    # In tag mode the answer is there, behind a spoiler, with its point inside.
    await ok(works_core, "/club spoilers tag")
    tagged = await Console(works_core).handle(question) or ""
    assert "||Character · Tommy: Tommy completes" in tagged


@pytest.mark.parametrize("line", [
    "/character stevens work:the remains of the day",
    "/character stevens work:The Remains of the Day",
    '/character stevens work:"the remains of the day"',
    "/character work:“The Remains of the Day” stevens",
    "/character work:remains of the day stevens",
    "/character work:remains stevens",
])
async def test_a_typed_work_may_be_a_title_of_several_words(works_core: Core,
                                                            line: str) -> None:
    card = await ok(works_core, line)
    assert card.title == "Stevens" and card.work == REMAINS


async def test_a_typed_work_takes_no_words_that_name_no_work(works_core: Core) -> None:
    said = await refused(works_core, '/character stevens work:"the remains of the night"')
    assert "I don't have a work called `the remains of the night`" in said
    # Unquoted, the work is the longest run that names one; the rest stays the card's name.
    said = await refused(works_core, "/character stevens work:remains of the night")
    assert "of the night" in said and "character" in said


def test_a_work_without_a_film_gets_no_film_examples(library: Library) -> None:
    info = library.default.info
    book_only = replace(info, timeline=replace(info.timeline, film=None))
    registry = build_registry()
    shown = [e for c in registry for e in c.examples_for(info)]
    assert any("film" in e.replace("/", " ").split() for e in shown)  # the check can fail
    for command in registry:
        for example in command.examples_for(book_only):
            assert "film" not in example.replace("/", " ").split(), example
    assert any(e.startswith("/progress book") for c in registry for e in c.examples_for(book_only))
