"""`/club wrapup` and `/club history` on the console, end to end (the console adapter on a real
core over a SQLite file, and `python -m bot console` over a pipe): reaching the end opens the
wrap-up, members answer privately and may change it, nobody is named unless they say so,
mentions in a line are neutralised, a host closes it and the aggregate goes into the club's
history; bad input is refused politely and changes nothing; lines from a wrap-up closed before
the end are held back as the channel's spoiler mode says."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import flat, say
from test_console import run_console

from bot.adapters.console import Console, render_text
from bot.core.clubs import Scope
from bot.core.reply import PartState
from bot.core.service import Core
from bot.core.wrapups import Wrapup

CONSOLE = Scope("console", "local")


async def lines(console: Console, *typed: str) -> list[str]:
    return [await console.handle(t) or "" for t in typed]


async def a_club(console: Console, *members: str, medium: str = "novel") -> None:
    await console.handle(f"/club create {medium}")
    for member in members:
        await console.handle(f"@{member} /club join")


async def wrapups(core: Core, channel: str = "general") -> tuple[Wrapup, ...]:
    club = await core.store.club(CONSOLE, channel)
    assert club is not None
    return await core.store.club_wrapups(club.id)


async def test_the_end_opens_it_members_answer_and_the_host_closes_it(core: Core) -> None:
    console = Console(core)
    await a_club(console, "sam", "ann", "kit")
    assert "reached the end" not in await console.handle("/club progress book 22")
    assert await wrapups(core) == ()
    opened = await console.handle("/club progress book 23")
    assert "The club has reached the end" in opened and "/club wrapup answer" in opened
    sam = await console.handle("@sam /club wrapup answer finished 4 loved the ending "
                               "@everyone <!channel>")
    assert "only you see this" in sam and "not named" in sam and "Answered: 1 of 4" in sam
    ann = await console.handle("@ann /club wrapup answer didn't 2")
    assert "Didn't read, 2 of 5" in ann
    changed = await console.handle("@ann /club wrapup answer partly 3 named too slow for me")
    assert "(changed)" in changed and "Answered: 2 of 4" in changed
    waiting = await console.handle("@kit /club wrapup")
    assert "You have not answered yet" in waiting and "too slow" not in waiting
    closed = await console.handle("/club wrapup close")
    assert "Wrap-up closed: Never Let Me Go" in closed and "posted here" in closed
    assert "Finished: 1" in closed and "Partly read: 1" in closed and "Didn't read: 0" in closed
    assert "Rating: 3.5 of 5 from 2" in closed and "4/5: 1" in closed and "3/5: 1" in closed
    assert "“too slow for me” — @ann" in closed  # she chose to be named
    assert "“loved the ending everyone !channel”" in closed  # no mention survives
    assert "@sam" not in closed and "<!channel>" not in closed and "@everyone" not in closed
    (kept,) = await wrapups(core)
    assert not kept.open and kept.reached_end and len(kept.answers) == 2
    history = await console.handle("/club history")
    assert "Never Let Me Go: started" in history and ", ended " in history
    assert "rated 3.5 of 5 by 2 (1 finished, 1 partly read)" in history
    assert "0 nights held" in history
    # Reaching the end again opens no second wrap-up of the same work.
    await console.handle("/club progress book 22")
    assert "reached the end" not in await console.handle("/club progress book 23")


async def test_bad_input_is_refused_politely_and_changes_nothing(core: Core) -> None:
    console = Console(core)
    await a_club(console, "sam")
    said = await lines(console, "@sam /club wrapup answer finished 4",
                       "@sam /club wrapup open", "/club wrapup close")
    assert "no wrap-up open" in said[0]
    assert "Only a host of this channel's club can open a wrap-up" in said[1]
    assert "no wrap-up open" in said[2]
    assert await wrapups(core) == ()
    assert "opens the club's wrap-up" in await console.handle("/club wrapup")
    said = await lines(console, "@sam /club wrapup answer finished 9",
                       "@sam /club wrapup answer maybe 3", "@sam /club wrapup answer finished",
                       "@bob /club wrapup answer finished 5", "@sam /club wrapup close",
                       "/club wrapup open", "/club wrapup sideways", "/club wrapup close now",
                       "@sam /club wrapup answer finished 0")
    assert "RATING must be from 1 to 5, not 9" in said[0]
    assert "`finished`, `partly` or `didnt`, not `maybe`" in said[1]
    assert "Give it a rating from 1 to 5" in said[2]
    assert "Only members of this club answer its wrap-up" in said[3]
    assert "Only a host of this channel's club can close a wrap-up" in said[4]
    assert "has a wrap-up open already" in said[5]
    assert "not `sideways`" in said[6]
    assert "`/club wrapup close` takes nothing after it" in said[7]
    assert "RATING must be from 1 to 5, not 0" in said[8]
    (only,) = await wrapups(core)
    assert only.open and only.answers == ()
    assert "There is no club" in await console.handle("#elsewhere /club wrapup answer done 3")


async def test_lines_of_an_early_wrapup_follow_the_spoiler_mode(core: Core) -> None:
    console = Console(core)
    await a_club(console, "sam")
    await console.handle("/club progress book 5")
    await console.handle("/club wrapup")
    await console.handle("@sam /club wrapup answer finished 5 the last chapter undid me")
    closed = await say(core, "/club wrapup close")
    assert "the last chapter undid me" not in flat(closed)
    assert closed.withheld is not None and closed.withheld.count == 1
    assert "1 part held back" in render_text(closed)
    # "Just me" gives the result privately: it does not run the close again.
    assert [(a.label, a.command, a.private) for a in closed.actions] == [
        ("Just me", "/club wrapup results", True)]
    (kept,) = await wrapups(core)
    assert not kept.reached_end
    # The club's history keeps the rating, never the line.
    assert "rated 5.0 of 5 by 1 (1 finished, wrapped up before the end)" in await console.handle(
        "/club history")
    # Tagged in tag mode; shown in a private reply to a member who has finished.
    await console.handle("/club spoilers tag")
    tagged = await say(core, "/club wrapup results", user="sam")  # sam has set no progress
    (line,) = [p for p in tagged.parts if "undid me" in p.text]
    assert line.state is PartState.TAG
    await console.handle("@sam /progress novel done")
    mine = await say(core, "/club wrapup results", user="sam")
    (line,) = [p for p in mine.parts if "undid me" in p.text]
    assert line.state is PartState.SHOW


async def test_a_film_club_ends_with_the_film_and_history_follows_the_works(
        works_core: Core) -> None:
    console = Console(works_core)
    await a_club(console, "sam", medium="film")
    assert "reached the end" in await console.handle("/club progress film done")
    await console.handle("@sam /club wrapup answer finished 4")
    await console.handle("/club wrapup close")
    moved = await console.handle("/club work remains")
    assert "now reads" in moved
    history = await console.handle("/club history")
    first, second = history.index("Never Let Me Go: started"), history.index(
        "The Remains of the Day: started")
    assert first < second and "reading now" in history[second:]
    assert "rated 4.0 of 5 by 1 (1 finished)" in history[first:second]
    assert "no wrap-up yet" in history[second:]


def test_the_console_over_a_pipe_and_json_never_carries_a_held_line(tmp_path: Path) -> None:
    result = run_console(tmp_path, [
        "/club create novel", "@sam /club join", "/club progress book 3", "/club wrapup",
        "@sam /club wrapup answer finished 5 named what a twist at the very end",
        "@sam /club wrapup answer finished 11", "/club wrapup close",
    ], "--db", str(tmp_path / "club.db"), "--json")
    assert result.returncode == 0, result.stderr
    out = [line for line in result.stdout.splitlines() if line.strip()]
    replies = [json.loads(line) for line in out]
    assert len(replies) == 7
    # Only sam's own private answer echoes the line; the close (chapter 3) holds it back.
    assert [n for n, line in enumerate(out) if "what a twist" in line] == [4]
    assert replies[4]["visibility"] == "private"
    assert "from 1 to 5, not 11" in json.dumps(replies[5])
    assert replies[6]["visibility"] == "public" and "Rating" in json.dumps(replies[6])


async def test_a_club_on_both_reaches_the_end_with_the_book_and_the_film(core: Core) -> None:
    console = Console(core)
    await console.handle("#both /club create both")
    assert "reached the end" not in await console.handle("#both /club progress book done")
    assert await wrapups(core, "both") == ()
    assert "reached the end" in await console.handle("#both /club progress film done")
    (opened,) = await wrapups(core, "both")
    assert opened.open and opened.reached_end
    # The card's button, typed: the console has no forms, so it says the command in words.
    card = await say(core, "/club wrapup results", user="you", channel="both")
    assert [a.command for a in card.actions] == ["/club wrapup answer"]
    assert card.actions[0].form and card.actions[0].private
