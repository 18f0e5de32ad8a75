"""A club moves from one work to the next, as its host and members see it on the console:
`/club work` (hosts only; the club's history in the last work stays with it and comes back)
and `/club vote` from open to the host's confirmation. Through the real core over every
installed work and SQLite on a file."""

from __future__ import annotations

from bot.adapters.console import render_text
from bot.core.call import Invocation
from bot.core.clubs import Club
from bot.core.nights import NightStatus
from bot.core.reply import Kind, Reply
from bot.core.service import Core
from bot.core.timeline import Progress
from tests.conftest import CONSOLE, R, W, say

REMAINS = "The Remains of the Day"
NLMG = "Never Let Me Go"


async def ok(core: Core, text: str, **kw: object) -> Reply:
    reply = await say(core, text, **kw)  # type: ignore[arg-type]
    assert reply.kind is Kind.OK, (text, render_text(reply))
    return reply


async def refused(core: Core, text: str, **kw: object) -> str:
    reply = await say(core, text, **kw)  # type: ignore[arg-type]
    assert reply.kind is Kind.ERROR, (text, render_text(reply))
    assert "Traceback" not in render_text(reply)
    return render_text(reply)


async def the_club(core: Core, channel: str = "general") -> Club:
    club = await core.store.club(CONSOLE, channel)
    assert club is not None
    return club


# -- /club work ----------------------------------------------------------------------------------

async def test_only_a_host_moves_the_club_and_bad_input_changes_nothing(
        works_core: Core) -> None:
    await ok(works_core, "/club create both")
    await ok(works_core, "/club join", user="sam")
    before = await the_club(works_core)
    said = await refused(works_core, "/club work remains", user="sam")
    assert said.startswith("Only a host of this channel's club can use `/club work`.")
    assert "I don't have a work called `middlemarch`" in await refused(
        works_core, "/club work middlemarch")
    same = await ok(works_core, "/club work never-let-me-go")
    assert render_text(same).startswith(f"This club reads {NLMG} already.")
    assert await the_club(works_core) == before
    assert "no club in this channel" in await refused(works_core, "/club work remains",
                                                      channel="empty")


async def test_a_work_named_as_works_shows_it_moves_the_club(works_core: Core) -> None:
    """`/works` shows each work as `work:ID`; a host who copies that into `/club work` or a
    member into `/club vote` means that work."""
    await ok(works_core, "/club create both")
    assert "`work:remains-of-the-day`" in render_text(await ok(works_core, "/works"))
    await ok(works_core, "/club vote open")
    voted = await ok(works_core, "/club vote work:remains-of-the-day")
    assert f"You voted for {REMAINS}" in render_text(voted)
    await ok(works_core, "/club vote close")
    moved = await ok(works_core, "/club work work:remains-of-the-day")
    assert f"The club now reads {REMAINS}" in render_text(moved)
    assert (await the_club(works_core)).work == R


async def test_a_club_that_moves_on_keeps_its_history_in_the_last_work(
        works_core: Core) -> None:
    await ok(works_core, "/club create both")
    await ok(works_core, "/club progress book 12")
    for _ in range(2):
        await ok(works_core, "/prompt")
    await ok(works_core, "/session schedule novel 9 at friday 19:30")
    await ok(works_core, "/session start")
    await ok(works_core, "/session next")
    await ok(works_core, "/session end")  # the club's chapter 12 comes back after the night
    coming = await ok(works_core, "/session schedule novel 15 at 2027-02-05 19:30")
    club = await the_club(works_core)
    used = await works_core.store.used_prompts(club.id, W)
    assert len(used) == 3  # two asked for, and the night's

    moved = render_text(await ok(works_core, "/club work remains"))
    assert f"The club now reads {REMAINS}. Its progress in {NLMG} is kept" in moved
    assert "1 scheduled night on the last work was cancelled." in moved  # it can't run now
    club = await the_club(works_core)
    assert club.work == R and club.progress == Progress()
    assert club.progress_in(W) == Progress(12, 0)
    assert "Novel: not started" in render_text(await ok(works_core, "/club info"))
    assert await works_core.store.used_prompts(club.id, W) == used
    assert await works_core.store.used_prompts(club.id, R) == frozenset()
    night = await works_core.store.night(int((coming.title or "").rsplit("#", 1)[1]))
    assert night is not None and night.status is NightStatus.CANCELLED
    history = render_text(await ok(works_core, "/club history"))
    assert f"covered {NLMG}: the novel through chapter 9 (Part One)" in history
    recap = render_text(await ok(works_core, "/session show 1"))
    assert f"It was about {NLMG}: its prompts are in `/session show 1 work:{W}`" in recap
    its = await ok(works_core, f"/session show 1 work:{W}")
    assert its.work == NLMG and "1 · warm-up" in render_text(its)
    assert (await ok(works_core, "/prompt")).work == REMAINS  # from the new work's prompts

    back = render_text(await ok(works_core, "/club work nlmg"))
    assert f"Its progress in {REMAINS} is kept" in back
    club = await the_club(works_core)
    assert club.work == W and club.progress == Progress(12, 0)
    assert len(await works_core.store.used_prompts(club.id, R)) == 1
    assert "Novel: chapter 12 finished (Part Two)" in render_text(
        await ok(works_core, "/club info"))
    again = render_text(await ok(works_core, "/club history"))
    assert "covered the novel through chapter 9 (Part One)" in again
    # The prompts it had stay had: the next two are new to it.
    for _ in range(2):
        await ok(works_core, "/prompt")
    after = await works_core.store.used_prompts(club.id, W)
    assert used < after and len(after) == len(used) + 2


async def test_a_club_does_not_move_on_in_the_middle_of_a_night(works_core: Core) -> None:
    await ok(works_core, "/club create both")
    await ok(works_core, "/session schedule novel 9 at friday 19:30")
    await ok(works_core, "/session start")
    said = await refused(works_core, "/club work remains")
    assert "Night #1 is running" in said and "/session end" in said
    club = await the_club(works_core)
    assert club.work == W
    await ok(works_core, "/session end")
    await ok(works_core, "/club work remains")
    assert (await the_club(works_core)).work == R


# -- /club vote ----------------------------------------------------------------------------------

async def _votes(core: Core) -> dict[str, int]:
    poll = await core.store.open_poll_of((await the_club(core)).id)
    assert poll is not None
    return dict(poll.tally)


async def test_a_vote_from_open_to_the_move(works_core: Core) -> None:
    await ok(works_core, "/club create both")
    for member in ("sam", "ann", "kim"):
        await ok(works_core, "/club join", user=member)
    assert "Only a host of this channel's club can open a vote" in await refused(
        works_core, "/club vote open", user="sam")
    assert await works_core.store.open_poll_of((await the_club(works_core)).id) is None

    ballot = await ok(works_core, "/club vote open")
    assert ballot.title == "Vote on the club's next work (open)"
    buttons = {a.label: (a.path, dict(a.args), a.private) for a in ballot.actions}
    assert buttons == {f"Vote: {NLMG}": ("club vote", {"choice": W}, True),
                       f"Vote: {REMAINS}": ("club vote", {"choice": R}, True),
                       "Close the vote": ("club vote", {"choice": "close"}, False)}
    assert "has a vote open already" in await refused(works_core, "/club vote open")

    mine = await ok(works_core, "/club vote remains", user="sam")
    assert mine.visibility.value == "private" and f"You voted for {REMAINS}" in render_text(mine)
    await ok(works_core, "/club vote remains-of-the-day", user="ann")
    await ok(works_core, "/club vote never let me go", user="kim")
    assert await _votes(works_core) == {W: 1, R: 2}
    # A vote can change, and a member has one: the same member again replaces theirs.
    changed = render_text(await ok(works_core, "/club vote nlmg", user="ann"))
    assert f"You changed your vote from {REMAINS} to {NLMG}." in changed
    assert await _votes(works_core) == {W: 2, R: 1}
    await ok(works_core, "/club vote remains", user="ann")
    await ok(works_core, "/club vote remains", user="ann")
    assert await _votes(works_core) == {W: 1, R: 2}
    poll = await works_core.store.open_poll_of((await the_club(works_core)).id)
    assert poll is not None and await works_core.store.vote_of(poll.id, "ann") == R
    # Bad input is refused and counts for nothing; so is a vote from outside the club.
    assert "I don't have a work called `middlemarch`" in await refused(
        works_core, "/club vote middlemarch", user="sam")
    outsider = await refused(works_core, "/club vote nlmg", user="lee")
    assert outsider.startswith("Only members of this club vote on its next work.")
    assert "/club join" in outsider
    assert await _votes(works_core) == {W: 1, R: 2}
    results = render_text(await ok(works_core, "/club vote results", user="sam"))
    assert f"{REMAINS}, `{R}`: 2 votes" in results
    assert f"{NLMG} (the club reads it now), `{W}`: 1 vote\n" in results

    assert "Only a host of this channel's club can close a vote" in await refused(
        works_core, "/club vote close", user="sam")
    assert await _votes(works_core) == {W: 1, R: 2}  # still open
    closed = await ok(works_core, "/club vote close")
    assert f"The club chose {REMAINS}." in render_text(closed)
    move = next(a for a in closed.actions if a.path == "club work")
    assert dict(move.args) == {"next_work": R}
    assert (await the_club(works_core)).work == W  # not until a host confirms
    assert "has no vote open" in await refused(works_core, "/club vote remains", user="kim")

    # The confirmation is a host's: the button is refused to a member.
    refusal = await works_core.run(Invocation(CONSOLE, "general", "sam"), move.path,
                                   dict(move.args))
    assert refusal.kind is Kind.ERROR and (await the_club(works_core)).work == W
    done = await works_core.run(Invocation(CONSOLE, "general", "you", is_admin=True),
                                move.path, dict(move.args))
    assert done.kind is Kind.OK and done.work == REMAINS
    assert (await the_club(works_core)).work == R


async def test_a_vote_that_keeps_the_club_where_it_is_moves_nothing(works_core: Core) -> None:
    await ok(works_core, "/club create both work:remains")
    await ok(works_core, "/club join", user="sam")
    await ok(works_core, "/club vote open")
    await ok(works_core, "/club vote remains", user="sam")
    closed = await ok(works_core, "/club vote close")
    assert f"The club chose to stay with {REMAINS}." in render_text(closed)
    assert not any(a.path == "club work" for a in closed.actions)
    await ok(works_core, "/club vote open")
    assert "Nobody voted." in render_text(await ok(works_core, "/club vote close"))
    assert (await the_club(works_core)).work == R


async def test_a_vote_needs_a_club(works_core: Core) -> None:
    assert "no club in this channel" in await refused(works_core, "/club vote open")
    await ok(works_core, "/club create both")
    assert "This club has no vote open." in await refused(works_core, "/club vote remains",
                                                          user="sam")


async def test_a_closed_votes_result_stays_viewable(works_core: Core) -> None:
    await ok(works_core, "/club create both")
    assert "This club has no vote open." in await refused(works_core, "/club vote results")
    await ok(works_core, "/club join", user="sam")
    await ok(works_core, "/club vote open")
    await ok(works_core, "/club vote remains", user="sam")
    await ok(works_core, "/club vote close")
    for _ in range(2):  # before the move and after it, for anyone
        past = await ok(works_core, "/club vote results", user="kim")
        text = render_text(past)
        assert past.title == "The last vote (closed)" and f"The club chose {REMAINS}." in text
        assert f"{REMAINS}, `{R}`: 1 vote" in text or f"{REMAINS} (the club reads it now)" in text
        assert not past.actions  # nothing to press: moving on is a host's `/club work`
        await ok(works_core, "/club work remains")
    # Voting is over: a vote is still refused, and a new vote replaces the last one.
    assert "no vote open" in await refused(works_core, "/club vote never-let-me-go", user="sam")
    await ok(works_core, "/club vote open")
    assert "(open)" in render_text(await ok(works_core, "/club vote results"))
