"""`/club wrapup`: at the end of a work, each member says whether they finished it, what they
give it (1-5) and, if they like, one line; the host closes it and the club gets the aggregate.

- It opens when a host types `/club wrapup`, or by itself when a host sets the club's progress
  to the end of the work on every timeline the club follows (``opened_at_end``).
- Members answer privately: the card's button opens a form (a Discord modal, a Slack modal);
  in words, `/club wrapup answer finished 4 [named] LINE`. A later answer replaces theirs
  until the wrap-up closes. Nobody is named unless they say `named`.
- A host closes it (`/club wrapup close`); it does not close by itself, so a member who is late
  is not shut out by the others. The aggregate is posted then and kept in the club's history.
- The lines are member text written after the end: each carries the end of the work as its
  reveal point, so a channel that has not reached the end gets them as its spoiler mode says
  (left out, tagged, or shown when off); a private reply is cut to the reader's own progress.
"""

from __future__ import annotations

from dataclasses import replace

from bot.core.call import Call
from bot.core.clubs import Club, follows
from bot.core.commands.common import mention, require_club
from bot.core.errors import BadInput, NotAllowed, UserError
from bot.core.library import Work
from bot.core.registry import Ask, Command, Option, OptionKind, quote
from bot.core.reply import JUST_ME, Action, Draft, Part, Visibility
from bot.core.timeline import Medium, Progress, Reveal
from bot.core.wrapups import (
    FINISHED_WORDS,
    LINE_MAX,
    RATINGS,
    Finished,
    Wrapup,
    WrapupAnswer,
    WrapupOpen,
    clean_line,
)

ACTIONS = ("open", "answer", "close", "results")
NAMED = {"named": True, "yes": True, "name": True, "anonymous": False, "anon": False,
         "no": False, "unnamed": False}
# Only these words, after the rating, are taken as the choice to be named in words: a line may
# well begin with "no" or "yes".
NAMED_TYPED = frozenset({"named", "anonymous", "anon", "unnamed"})
SYNTAX = ("[open|close|results] · answer finished|partly|didnt RATING [named] [LINE]")
ANSWER_HINT = ("Answer with the button, or `/club wrapup answer finished 4 loved the ending` "
               "(`partly` or `didnt` for the first word; add `named` before the line to be "
               "named beside it).")


def at_end(club: Club, progress: Progress, work: Work) -> bool:
    """Has the club reached the end on every timeline it follows (the film's only where the
    work has one)?"""
    timeline = work.timeline
    novel_done = progress.novel >= timeline.book.count
    film_done = timeline.film is None or progress.film >= timeline.minutes
    return ((novel_done or not follows(club.medium, Medium.NOVEL))
            and (film_done or not follows(club.medium, Medium.FILM)))


def end_of(work: Work) -> Reveal:
    """The point where a member's line about the whole work may be read: its last section,
    or the film's end."""
    film = work.timeline.minutes if work.timeline.film is not None else None
    return Reveal(novel=work.timeline.book.count, film=film)


def _work(call: Call, wrapup: Wrapup) -> Work:
    return call.deps.library.get(wrapup.work) or call.work


def _card(call: Call, wrapup: Wrapup, club: Club, opener: str) -> Draft:
    """The wrap-up's card in the channel: how to answer, and how many have."""
    title = _work(call, wrapup).title
    return Draft(
        title=f"Wrap-up: {title}",
        parts=(Part(f"{opener} How was {title}? Each member says privately whether they "
                    "finished it, partly read it or didn't, gives it 1 to 5 and, if they "
                    "like, one line. Nobody is named unless they choose to be."),),
        fields=(Part(f"{len(wrapup.answers)} of {club.member_count}", label="Answered"),),
        actions=(Action("Answer privately", "club wrapup", (("action", "answer"),),
                        private=True, form=True),),
        footer=ANSWER_HINT + " A host closes it with `/club wrapup close`.")


async def _open(call: Call, club: Club, *, auto: bool = False) -> Draft:
    # Opened on reaching the end, the club's progress has just moved there: ``club`` was read
    # before the move.
    reached = auto or at_end(club, club.progress, call.work)
    try:
        wrapup = await call.store.open_wrapup(club.id, call.work.id, call.inv.user,
                                              reached_end=reached)
    except WrapupOpen:
        raise UserError("This club has a wrap-up open already.",
                        hint="See it with `/club wrapup results`; a host closes it with "
                             "`/club wrapup close`.") from None
    opener = ("The club has reached the end." if auto else
              f"{mention(call.inv.user)} opens the club's wrap-up.")
    return _card(call, wrapup, club, opener)


async def opened_at_end(call: Call, club: Club, progress: Progress) -> Draft | None:
    """After a host moves the club's progress: the wrap-up's card if the club has just
    reached the end and has had no wrap-up of this work yet (an open one of any work, or a
    past one of this, leaves things be)."""
    if not at_end(club, progress, call.work):
        return None
    if any(w.open or w.work == call.work.id for w in await call.store.club_wrapups(club.id)):
        return None
    try:
        return await _open(call, club, auto=True)
    except UserError:  # another host opened one meanwhile
        return None


def _finished(text: str | None) -> Finished:
    word = (text or "").strip().lower()
    found = FINISHED_WORDS.get(word)
    if found is None:
        said = f", not {quote(text or '')}" if word else ""
        raise BadInput(f"Say whether you finished it: `finished`, `partly` or `didnt`{said}.",
                       hint=ANSWER_HINT)
    return found


def _named(text: str | None) -> bool:
    word = (text or "no").strip().lower()
    if word not in NAMED:
        raise BadInput(f"Say `named` to be named beside your line, or nothing (or `no`) to "
                       f"stay unnamed, not {quote(text or '')}.", hint=ANSWER_HINT)
    return NAMED[word]


async def _answer(call: Call, club: Club, finished: str | None, rating: int | None,
                  named: str | None, line: str | None) -> Draft:
    if not (call.ctx.is_member or call.ctx.is_host):
        raise NotAllowed("Only members of this club answer its wrap-up.",
                         hint="Join it with `/club join` first.")
    wrapup = await call.store.open_wrapup_of(club.id)
    if wrapup is None:
        raise UserError("This club has no wrap-up open.",
                        hint="A host opens one with `/club wrapup`.")
    status = _finished(finished)
    if rating is None:
        raise BadInput("Give it a rating from 1 to 5.", hint=ANSWER_HINT)
    answer = WrapupAnswer(call.inv.user, status, rating, clean_line(line), _named(named))
    before = wrapup.answer_of(call.inv.user)
    now = await call.store.answer_wrapup(wrapup.id, answer)
    said = [f"{status.said.capitalize()}, {rating} of 5"]
    if answer.line:
        said.append(f"your line: “{answer.line}”" +
                    (f", {'named' if answer.named else 'not named'}"))
    return Draft(
        title="Your wrap-up answer" + (" (changed)" if before else ""),
        parts=(Part("; ".join(said) + "."),
               Part("You may change it until a host closes the wrap-up: answer again.")),
        fields=(Part(f"{len(now.answers)} of {club.member_count}", label="Answered"),),
        visibility=Visibility.PRIVATE)


def aggregate(call: Call, wrapup: Wrapup, title: str) -> Draft:
    """The wrap-up's result: counts, the mean and spread of ratings, and the lines (named only
    where their writer chose), each line gated at the end of the work."""
    work = _work(call, wrapup)
    counts = wrapup.counts()
    spread = wrapup.distribution()
    mean = wrapup.mean
    fields = (
        *(Part(str(counts[f]), label=f.said.capitalize()) for f in Finished),
        Part(f"{mean:.1f} of 5 from {len(wrapup.answers)}" if mean is not None else
             "no ratings", label="Rating"),
        Part(" · ".join(f"{r}/5: {spread[r]}" for r in reversed(RATINGS)), label="Ratings"),
    )
    end = end_of(work)
    lines = tuple(Part(f"“{a.line}”" + (f" — {mention(a.user)}" if a.named else ""),
                       reveal=end) for a in wrapup.answers if a.line)
    said = (f"{len(wrapup.answers)} member{'s' if len(wrapup.answers) != 1 else ''} answered."
            if wrapup.answers else "Nobody answered.")
    return Draft(title=f"{title}: {work.title}", parts=(Part(said), *lines), fields=fields,
                 footer="Kept in the club's history: `/club history`.")


async def _close(call: Call, club: Club) -> Draft:
    wrapup = await call.store.open_wrapup_of(club.id)
    if wrapup is None:
        raise UserError("This club has no wrap-up open.",
                        hint="A host opens one with `/club wrapup`.")
    closed = aggregate(call, await call.store.close_wrapup(wrapup.id), "Wrap-up closed")
    if any(a.line for a in wrapup.answers) and not call.sees(end_of(_work(call, wrapup))):
        # Lines held back here: a reader who has finished gets them privately. A close
        # cannot be run again for them, so the button asks for the result instead.
        return replace(closed, actions=(Action(JUST_ME, "club wrapup", (("action", "results"),),
                                               private=True),))
    return closed


async def _results(call: Call, club: Club) -> Draft:
    wrapup = await call.store.open_wrapup_of(club.id)
    if wrapup is not None:  # no aggregate until it closes: early answers sway nobody
        mine = wrapup.answer_of(call.inv.user)
        said = ("You have answered; you may change it until it closes." if mine else
                "You have not answered yet. " + ANSWER_HINT)
        draft = _card(call, wrapup, club, "The club's wrap-up is open.")
        return Draft(title=draft.title, parts=(Part(said),), fields=draft.fields,
                     actions=draft.actions, visibility=Visibility.PRIVATE)
    past = [w for w in await call.store.club_wrapups(club.id) if not w.open]
    if not past:
        raise UserError("This club has had no wrap-up yet.",
                        hint="A host opens one with `/club wrapup`.")
    draft = aggregate(call, past[-1], "The last wrap-up")
    return Draft(title=draft.title, parts=draft.parts, fields=draft.fields,
                 footer=draft.footer, visibility=Visibility.PRIVATE)


async def wrapup(call: Call, action: str | None = None, finished: str | None = None,
                 rating: int | None = None, named: str | None = None,
                 line: str | None = None) -> Draft:
    club = require_club(call)
    host = call.ctx.is_host or call.inv.is_admin
    # Typed bare: a host opens one (or sees the one open); a member sees where it stands.
    word = action or ("open" if host and await call.store.open_wrapup_of(club.id) is None
                      else "results")
    if word in ("open", "close") and not host:
        raise NotAllowed(f"Only a host of this channel's club can {word} a wrap-up.",
                         hint="Answer an open one with `/club wrapup answer`.")
    if word == "answer":
        return await _answer(call, club, finished, rating, named, line)
    if any(v is not None for v in (finished, rating, named, line)):
        raise BadInput(f"`/club wrapup {word}` takes nothing after it.",
                       hint=f"Usage: `/club wrapup {SYNTAX}`")
    if word == "open":
        return await _open(call, club)
    if word == "close":
        return await _close(call, club)
    return await _results(call, club)


def _words(command: Command, words: list[str]) -> dict[str, str]:
    """`answer finished 4 named loved the ending` -> the options, in their order."""
    if not words:
        return {}
    head, rest = words[0].lower(), words[1:]
    if head not in ACTIONS:
        raise BadInput(f"`/club wrapup` takes {', '.join(f'`{a}`' for a in ACTIONS)}, "
                       f"not {quote(words[0])}.", hint=f"Usage: `/club wrapup {SYNTAX}`")
    args = {"action": head}
    if head != "answer":
        if rest:
            args["line"] = " ".join(rest)  # refused by the handler, in its own words
        return args
    for name in ("finished", "rating"):
        if rest:
            args[name] = rest.pop(0)
    if rest and rest[0].lower() in NAMED_TYPED:
        args["named"] = rest.pop(0)
    if rest:
        args["line"] = " ".join(rest)
    return args


COMMAND = Command(
    "club", "wrapup", "The club's wrap-up of its work: hosts open and close it, members answer",
    wrapup,
    (Option("action", "open, answer, close or results", OptionKind.CHOICE, required=False,
            choices=ACTIONS),
     Option("finished", "Did you finish it? finished, partly or didnt", required=False,
            max_length=20, rest=False),
     Option("rating", "Your rating, 1 to 5", OptionKind.INT, required=False, min=1, max=5,
            max_length=3),
     Option("named", "Be named beside your line? named or no (default no)", required=False,
            max_length=12, rest=False),
     Option("line", "One line about it (optional)", required=False,
            max_length=LINE_MAX * 2)),
    words=_words, syntax=SYNTAX,
    form=(Ask("finished", True, "finished, partly or didnt"), Ask("rating", True, "1 to 5"),
          Ask("line", False, "One line (optional)"), Ask("named", False, "named or no")),
    examples=("/club wrapup", "/club wrapup answer finished 4 the ending stayed with me",
              "/club wrapup answer partly 3 named", "/club wrapup results",
              "/club wrapup close"))
