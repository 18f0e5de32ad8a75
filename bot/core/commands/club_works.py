"""A club's works: `/works` (what is installed), `/club work` (a host moves the club to its
next work; its progress, nights and prompts in the last one stay with that work) and `/club
vote` (members choose the next work among those installed; a host opens and closes the vote,
and moves the club when it has chosen)."""

from __future__ import annotations

from bot.core.call import Call
from bot.core.clubs import Poll, PollOpen
from bot.core.commands.common import mention, require_club
from bot.core.commands.session_common import night_changes
from bot.core.effects import Effect
from bot.core.errors import NotAllowed, NotFound, UserError
from bot.core.library import Work
from bot.core.nights import NightStatus
from bot.core.registry import WORKS, Command, Group, Option, OptionKind, quote
from bot.core.reply import Action, Draft, Part, Visibility

CANCELLED_MOST = 50  # scheduled nights cancelled when a club moves on (a club has a few)


def _about(work: Work) -> str:
    info = work.info
    book = info.timeline.book
    film = info.timeline.film
    said = f"{info.author}, {info.year}: {book.count} {book.unit}s"
    if film is not None:
        said += f"; film {film.year}, {film.minutes} minutes"
    return f"{said}. `work:{info.id}`"


async def works(call: Call) -> Draft:
    club = call.ctx.club
    parts = []
    for work in call.deps.library:
        marks = [m for m, on in (("this channel's club reads it", club and club.work == work.id),
                                 ("the default", work is call.deps.library.default)) if on]
        label = work.title + (f" ({'; '.join(marks)})" if marks else "")
        parts.append(Part(_about(work), label=label))
    return Draft(title="Works", parts=tuple(parts),
                 footer="Any lookup takes `work:ID` for another work; a host moves the club to "
                        "its next one with `/club work ID`, or puts it to a vote with "
                        "`/club vote open`.")


def _named(call: Call, text: str) -> Work:
    # As `/works` shows a work (`work:ID`), so a copy of it is understood.
    found = call.deps.library.find(text.strip().removeprefix("work:"))
    if found is None:
        raise NotFound(f"I don't have a work called {quote(text)}.",
                       hint="See what there is with `/works`.")
    return found


async def move(call: Call, next_work: str) -> Draft:
    club = require_club(call)
    work = _named(call, next_work)
    if work.id == club.work:
        return Draft(parts=(Part(f"This club reads {work.title} already."),),
                     visibility=Visibility.PRIVATE)
    # A running night brings its work's prompts and holds the club at its target there: the
    # club moves on once it has ended.
    running = await call.store.club_nights(club.id, (NightStatus.RUNNING,), limit=1)
    if running:
        raise UserError(f"{running[0].name} is running, on {call.work.title}.",
                        hint="End it with `/session end` first.")
    # Its nights on the last work cannot run now (their prompts and progress are that work's).
    effects: list[Effect] = []
    for night in await call.store.club_nights(club.id, (NightStatus.SCHEDULED,),
                                              limit=CANCELLED_MOST):
        if night.work != work.id:
            effects.extend(night_changes(call, await call.store.cancel_night(night.id, None)))
    await call.store.set_club_work(club.id, work.id)
    before = call.deps.library.get(club.work)
    lines = [f"The club now reads {work.title}. Its progress in "
             f"{before.title if before else 'its last work'} is kept, with its nights and "
             "prompts, should it go back."]
    if effects:
        lines.append(f"{len(effects)} scheduled night{'s' if len(effects) != 1 else ''} on "
                     f"the last work {'were' if len(effects) != 1 else 'was'} cancelled.")
    lines.append("A host sets how far the club has got with `/club progress`.")
    return Draft(title="The club's next work", parts=tuple(Part(x) for x in lines),
                 effects=tuple(effects))


def _ballot(call: Call, poll: Poll) -> Draft:
    library = call.deps.library
    current = call.ctx.club.work if call.ctx.club else None
    lines = []
    for work_id, votes in poll.tally:
        work = library.get(work_id)
        staying = " (the club reads it now)" if work_id == current else ""
        lines.append(f"{work.title if work else work_id}{staying}, `{work_id}`: {votes} "
                     f"vote{'s' if votes != 1 else ''}")
    # A platform shows five buttons in a row: four works (the rest by `/club vote ID`), and
    # Close, which the core refuses to anyone but a host.
    actions = (*(Action(f"Vote: {(library.get(w) or library.default).title}"[:80],
                        "club vote", (("choice", w),), private=True)
                 for w in poll.choices[:4]),
               Action("Close the vote", "club vote", (("choice", "close"),))
               ) if poll.open else ()
    state = "open" if poll.open else "closed"
    return Draft(title=f"Vote on the club's next work ({state})",
                 parts=(Part("\n".join(lines)),), actions=actions,
                 footer=f"{poll.votes} vote{'s' if poll.votes != 1 else ''} so far. Vote with "
                        "the buttons or `/club vote ID`; you may change it until a host closes "
                        "the vote with `/club vote close`.")


async def vote(call: Call, choice: str | None = None) -> Draft:
    club = require_club(call)
    word = (choice or "results").strip().lower()
    host = call.ctx.is_host or call.inv.is_admin
    if word in ("open", "close") and not host:
        raise NotAllowed(f"Only a host of this channel's club can {word} a vote.",
                         hint="Vote with `/club vote ID` once a host has opened one.")
    poll = await call.store.open_poll_of(club.id)
    if word == "open":
        return await _open(call, club.id)
    if poll is None:
        last = await call.store.latest_poll_of(club.id) if word == "results" else None
        if last is not None:
            return _past(call, last)
        raise UserError("This club has no vote open.",
                        hint="A host opens one with `/club vote open`.")
    if word == "close":
        return _closed(call, await call.store.close_poll(poll.id))
    if word == "results":
        return _ballot(call, poll)
    if not (call.ctx.is_member or host):  # the club's next read is its members' to choose
        raise NotAllowed("Only members of this club vote on its next work.",
                         hint="Join it with `/club join` first, then vote.")
    work = _named(call, choice or "")
    if work.id not in poll.choices:
        raise UserError(f"{work.title} is not in this vote.",
                        hint="Vote for one of the works on the card (`/club vote results`).")
    before = await call.store.vote_of(poll.id, call.inv.user)
    now = await call.store.cast_vote(poll.id, call.inv.user, work.id)
    was = call.deps.library.get(before) if before and before != work.id else None
    said = (f"You changed your vote from {was.title} to {work.title}." if was else
            f"You voted for {work.title}.")
    return Draft(title="Your vote", parts=(Part(
        f"{said} You may change it until a host closes the vote."),),
        fields=(Part(f"{now.votes}", label="Votes so far"),), visibility=Visibility.PRIVATE)


async def _open(call: Call, club_id: int) -> Draft:
    # Every installed work, the club's own among them: staying with it is a choice too, and
    # with two works installed a vote of one choice could not be changed.
    choices = [w.id for w in call.deps.library]
    try:
        poll = await call.store.open_poll(club_id, call.inv.user, choices)
    except PollOpen:
        raise UserError("This club has a vote open already.",
                        hint="See it with `/club vote results`; a host closes it with "
                             "`/club vote close`.") from None
    draft = _ballot(call, poll)
    return Draft(title=draft.title, parts=(
        Part(f"{mention(call.inv.user)} asks the club: which work next?"), *draft.parts),
        actions=draft.actions, footer=draft.footer)


def _past(call: Call, poll: Poll) -> Draft:
    """The last vote, once closed: what it chose and its tally (moving on is `/club work`)."""
    library = call.deps.library
    chosen = [w for w in (library.get(x) for x in poll.leaders()) if w is not None]
    said = ("Nobody voted." if not chosen else
            f"A tie between {' and '.join(w.title for w in chosen)}." if len(chosen) > 1 else
            f"The club chose {chosen[0].title}.")
    return Draft(title="The last vote (closed)", parts=(Part(said), *_ballot(call, poll).parts),
                 footer="A host opens a new vote with `/club vote open`.")


def _closed(call: Call, poll: Poll) -> Draft:
    library = call.deps.library
    leaders = [library.get(w) for w in poll.leaders()]
    chosen = [w for w in leaders if w is not None]
    tally = _ballot(call, poll).parts
    if not chosen:
        return Draft(title="The vote is closed", parts=(Part("Nobody voted."), *tally))
    if len(chosen) > 1:
        names = " and ".join(w.title for w in chosen)
        return Draft(title="The vote is closed", parts=(
            Part(f"A tie between {names}: a host picks with `/club work ID`."), *tally))
    winner = chosen[0]
    if call.ctx.club is not None and winner.id == call.ctx.club.work:
        return Draft(title="The vote is closed", parts=(
            Part(f"The club chose to stay with {winner.title}."), *tally))
    return Draft(title="The vote is closed", parts=(
        Part(f"The club chose {winner.title}."), *tally),
        actions=(Action(f"Move the club to {winner.title}"[:80], "club work",
                        (("next_work", winner.id),)),),
        footer=f"A host moves the club with the button or `/club work {winner.id}`.")


GROUPS = (Group("works", "The works this bot has, and which one this channel's club reads"),)
COMMANDS = (
    Command("works", None, "The works this bot has, and which one this channel's club reads",
            works, examples=("/works",)),
)
CLUB_COMMANDS = (
    Command("club", "work", "Hosts: move the club to its next work", move,
            (Option("next_work", "The work: its id or title", OptionKind.TEXT,
                    complete=WORKS, max_length=100),),
            host_only=True, moves_audience=True, examples=("/club work {work}",)),
    Command("club", "vote", "Vote on the club's next work (hosts open and close the vote)", vote,
            (Option("choice", "A work's id to vote for; or open, close, results",
                    OptionKind.TEXT, required=False, complete=WORKS, max_length=100),),
            examples=("/club vote open", "/club vote results", "/club vote close")),
)
