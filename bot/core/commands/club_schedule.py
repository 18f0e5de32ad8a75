"""`/club schedule`: the club's reading schedule: target points with dates for the work it reads.

Anyone sees it (`/club schedule`, cut to whoever reads it) and where the club should be today;
`/club schedule mine` says privately where the caller is against it, and `/club schedule remind
on` asks for a private nudge a day before each deadline. A host writes the plan in words
(``bot.core.reading``): the bot shows it back as a dry run, and it becomes the club's only on
`/club schedule confirm` (or the button); `shift 1 week` moves every deadline still ahead, and
`clear` drops it. A target's name is given only to a reader who has reached it, as in the
calendar (``bot.core.calendar.covers``); its number and date are no story.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from bot.core.audience import audience
from bot.core.calendar import covers, target_reveal
from bot.core.call import Call
from bot.core.clubs import Club
from bot.core.commands.common import FOLLOWS, add_hint, require_club, unfollowed
from bot.core.errors import BadInput, NotAllowed, UserError
from bot.core.nights import Target
from bot.core.reading import MOST_POINTS, Point, parse_plan, shifted, standing
from bot.core.registry import Command, Option
from bot.core.reply import Action, Draft, Part, Visibility
from bot.core.timeline import Medium, Progress, format_minute

_HOST_WORDS = frozenset({"confirm", "cancel", "shift", "push", "move", "clear"})
_SHIFT = re.compile(r"^(?:everything\s+|all\s+|it\s+)?(?:on\s+|back\s+)?(?:by\s+)?"
                    r"(?:(?P<count>\d{1,2}|a|an|one|two|three|four)\s+)?"
                    r"(?P<unit>days?|weeks?|fortnights?)$", re.I)
_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4}
_DAYS = {"day": 1, "week": 7, "fortnight": 14}
HELP = ("Empty: see it; mine; remind on|off. Hosts: TARGET by DATE, …; confirm; cancel; "
        "shift 1 week; clear")


async def schedule(call: Call, plan: str | None = None) -> Draft:
    club = require_club(call)
    words = " ".join((plan or "").split())
    head, _, rest = words.partition(" ")
    head = head.lower()
    if head in ("", "show"):
        return await _show(call, club)
    if head == "mine":
        return await _show(_just_me(call), club)
    if head == "remind":
        return await _remind(call, club, rest.lower())
    if not (call.ctx.is_host or call.inv.is_admin):
        raise NotAllowed("Only a host of this channel's club can set or change its reading "
                         "schedule.", hint="See it with `/club schedule`, and where you are "
                                           "with `/club schedule mine`.")
    if head == "confirm" and not rest:
        return await _confirm(call, club)
    if head == "cancel" and not rest:
        return await _cancel(call, club)
    if head == "clear" and not rest:
        return await _clear(call, club)
    if head in ("shift", "push", "move"):
        return await _shift(call, club, rest)
    return await _stage(call, club, words)


def _just_me(call: Call) -> Call:
    """The call cut to the caller's own progress, as the private reply it becomes."""
    if call.visibility is Visibility.PRIVATE:
        return call
    progress, mode, who = audience(call.ctx, Visibility.PRIVATE, call.work)
    return replace(call, visibility=Visibility.PRIVATE, progress=progress, mode=mode, who=who)


# -- reading it -------------------------------------------------------------------------------


def _named(call: Call, target: Target) -> str:
    return covers(target, call.timeline, call.sees(target_reveal(target)))


def _point_part(call: Call, point: Point, past: bool) -> Part:
    return Part(f"{point.wall.stamp()} · {_named(call, point.target)}"
                + (" · its day has come" if past else ""), label=f"Target {point.number}")


def _place(call: Call, progress: Progress, film: bool) -> str:
    if film:
        return f"{format_minute(progress.film)} into the film"
    return f"{call.timeline.book.unit} {progress.novel}"


def _against(call: Call, target: Target, pace: Progress | None) -> str:
    """Where the reader is against the next target (and today's pace, where there is one)."""
    film = target.novel is None
    have = call.progress.film if film else call.progress.novel
    want = target.film if film else target.novel
    assert want is not None
    if have >= want:
        return "That target is reached already."
    gap = want - have
    unit = "minute" if film else call.timeline.book.unit
    said = f"{gap} {unit}{'s' if gap != 1 else ''} to go to reach it"
    if pace is not None and (pace.film if film else pace.novel) > have:
        said += f"; about {_place(call, pace, film)} today keeps to the schedule"
    elif pace is not None:
        said += "; on pace for it"
    return said + "."


async def _show(call: Call, club: Club) -> Draft:
    points = await call.store.reading_schedule(club.id, call.work.id)
    if not points:
        point = call.work.info.example_point()
        return Draft(title="Reading schedule", visibility=call.visibility, parts=(Part(
            f"This club has no reading schedule for {call.work.title} yet. A host sets one "
            f"with `/club schedule {call.timeline.book.unit} {point} by friday` or `/club "
            "schedule a part a fortnight from monday`."),))
    now = call.now()
    where = standing(points, now)
    parts = [_point_part(call, p, p in _passed(points, where.done)) for p in points]
    lines = [f"{'You' if call.who == 'you' else 'The club'}: {_where(call, club)}."]
    if where.next is not None:
        lines.append(f"Next target {where.next.number}, {where.next.wall.stamp()}: "
                     f"{_named(call, where.next.target)}. "
                     + _against(call, where.next.target, where.pace))
    else:
        lines.append("Every target's day has come: the schedule is done.")
    parts.insert(0, Part(" ".join(lines), label="Today"))
    mine = call.visibility is Visibility.PRIVATE
    following = call.inv.user in await call.store.schedule_followers(club.id)
    footer = (f"Reminders a day before each target: {'on' if following else 'off'} "
              f"(`/club schedule remind {'off' if following else 'on'}`)." if mine else
              "Where you are against it, only to you: `/club schedule mine`.")
    actions = () if mine else (Action("Where am I?", "club schedule", (("plan", "mine"),),
                                      private=True),)
    return Draft(title=f"Reading schedule: {call.work.title}", parts=tuple(parts),
                 footer=footer, actions=actions, visibility=call.visibility)


def _where(call: Call, club: Club) -> str:
    """The reader's place on the timelines the club follows."""
    timeline, progress = call.timeline, call.progress
    if club.medium is Medium.NOVEL or timeline.film is None:
        return timeline.describe_book(progress.novel)
    if club.medium is Medium.FILM:
        return timeline.describe_film(progress.film)
    return timeline.describe(progress)


def _passed(points: tuple[Point, ...], done: Point | None) -> tuple[Point, ...]:
    return points[:done.number] if done is not None else ()


async def _remind(call: Call, club: Club, setting: str) -> Draft:
    if setting not in ("on", "off"):
        raise BadInput("Say `remind on` or `remind off`.",
                       hint="`/club schedule remind on`: a private nudge a day before each "
                            "target.")
    if setting == "on" and not call.ctx.is_member:
        raise UserError("Schedule reminders are for the club's members.",
                        hint="Join with `/club join`, then `/club schedule remind on`.")
    await call.store.follow_schedule(club.id, call.inv.user, setting == "on")
    said = ("I'll nudge you privately a day before each target of the club's schedule. Only "
            "you get it; turn it off with `/club schedule remind off`." if setting == "on"
            else "No more schedule nudges for you.")
    return Draft(title="Schedule reminders", parts=(Part(said),),
                 visibility=Visibility.PRIVATE)


# -- a host's changes -------------------------------------------------------------------------


async def _stage(call: Call, club: Club, words: str) -> Draft:
    if club.archived:
        raise UserError("This club is archived, so it sets no new schedule.",
                        hint="A host can reopen it with `/club reopen`.")
    points = parse_plan(words, call.timeline, club.tz, call.now(), club.progress)
    for point in points:
        _check_medium(club, point.target)
    await call.store.stage_schedule(club.id, call.work.id, call.inv.user, points)
    # Shown to the host alone and cut to their own progress, as any dry run.
    me = _just_me(call)
    parts = tuple(_point_part(me, p, False) for p in points)
    noun = "target" if len(points) == 1 else "targets"
    return Draft(
        title=f"Reading schedule: a dry run of {len(points)} {noun}", parts=parts,
        footer="Nothing is set yet. Set it with the button or `/club schedule confirm`; it "
               "replaces the club's schedule for this work.",
        actions=(Action("Set it", "club schedule", (("plan", "confirm"),)),
                 Action("Cancel", "club schedule", (("plan", "cancel"),))),
        visibility=Visibility.PRIVATE)


def _check_medium(club: Club, target: Target) -> None:
    other = unfollowed(club, novel=target.novel is not None, film=target.film is not None)
    if other is not None:
        raise BadInput(f"This club follows {FOLLOWS[club.medium]}, so its schedule's targets "
                       f"are there, not in {FOLLOWS[other]}.", hint=add_hint(other))


async def _confirm(call: Call, club: Club) -> Draft:
    now = call.now()
    waiting = await call.store.reading_schedule(club.id, call.work.id, staged=call.inv.user)
    if any(p.wall.instant() <= now for p in waiting):
        # Staged a while ago: a target's day came meanwhile, so the plan no longer reads true.
        raise UserError("A target in the schedule waiting has had its day since it was "
                        "written, so it was not set.",
                        hint="Write the plan again with dates still ahead.")
    count = await call.store.confirm_schedule(club.id, call.work.id, call.inv.user,
                                              int(now.timestamp()))
    if not count:
        raise UserError("There is no schedule waiting to be set.",
                        hint="Write one first, such as `/club schedule a part a fortnight "
                             "from monday`.")
    shown = await _show(call, club)
    return replace(shown, title=f"Reading schedule set: {call.work.title}",
                   footer="Members: `/club schedule remind on` for a private nudge a day "
                          "before each target; `/club schedule mine` for where you are.")


async def _cancel(call: Call, club: Club) -> Draft:
    waiting = await call.store.reading_schedule(club.id, call.work.id, staged=call.inv.user)
    await call.store.stage_schedule(club.id, call.work.id, call.inv.user, ())
    said = ("The schedule waiting was dropped; the club's is as it was." if waiting
            else "No schedule was waiting.")
    return Draft(title="Reading schedule", parts=(Part(said),),
                 visibility=Visibility.PRIVATE)


async def _clear(call: Call, club: Club) -> Draft:
    count = await call.store.clear_schedule(club.id, call.work.id)
    said = (f"The reading schedule ({count} targets) is cleared; no more nudges are sent "
            "for it." if count else "The club had no reading schedule to clear.")
    return Draft(title="Reading schedule", parts=(Part(said),))


def parse_shift(words: str) -> timedelta:
    found = _SHIFT.match(words.strip())
    if found is None:
        raise BadInput(f"I can't read `{words[:40]}` as how far to move the schedule.",
                       hint="For example `/club schedule shift 1 week`, `shift 3 days` or "
                            "`push everything a week`.")
    count = found["count"] or "1"
    number = _COUNTS[count.lower()] if count.lower() in _COUNTS else int(count)
    days = _DAYS[found["unit"].lower().rstrip("s")] * number
    if not 1 <= days <= 366:
        raise BadInput("Move the schedule by a day to a year.",
                       hint="For example `/club schedule shift 1 week`.")
    return timedelta(days=days)


async def _shift(call: Call, club: Club, words: str) -> Draft:
    by = parse_shift(words)
    now = call.now()
    points = await call.store.reading_schedule(club.id, call.work.id)
    moved = shifted(points, by, now)
    if not moved:
        raise UserError("No target of the schedule is still ahead, so there is nothing to "
                        "move.", hint="Set a new one with `/club schedule TARGET by DATE`.")
    await call.store.shift_schedule(club.id, call.work.id, moved, int(now.timestamp()))
    shown = await _show(call, club)
    noun = "target" if len(moved) == 1 else "targets"
    return replace(shown, title=f"Reading schedule moved {by.days} days later",
                   footer=f"{len(moved)} {noun} still ahead moved, and their nudges with "
                          "them; those whose day has come stay as they were.")


COMMAND = Command(
    "club", "schedule", "The club's reading schedule: targets with dates (hosts set it)",
    schedule,
    (Option("plan", HELP, required=False, max_length=MOST_POINTS * 12),),
    syntax="[mine | remind on|off | TARGET by DATE, … | a part a fortnight from DAY | confirm | "
           "cancel | shift N days|weeks | clear]",
    examples=("/club schedule",
              "/club schedule book {chapter} by 12 March, book {later_chapter} by 26 March",
              "/club schedule book {chapter} by thursday", "/club schedule confirm",
              "/club schedule shift 1 week", "/club schedule mine",
              "/club schedule remind on"))
