"""`/session`: discussion nights before they begin: scheduling, the list, RSVPs and
reminders, and the recap of a night that has ended. On the night: ``night.py``.

A host schedules a night (`/session schedule novel 9 at friday 19:30`), members answer
(`/session rsvp going`), the scheduler reminds them, and on the night the host opens it
(`/session start`) and brings prompts one at a time (`/session next`) until `/session end`
posts the recap. Prompts are cut to the night's target, never one the club has had before
(until all are used), and go from warm-up to deep to debate.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.core.call import Call
from bot.core.clubs import Club
from bot.core.commands import night as on_the_night
from bot.core.commands.common import require_club
from bot.core.commands.session_common import (
    GRACE,
    LISTED,
    TITLE_MAX,
    check_medium,
    clean_title,
    find_night,
    night_changes,
    night_work,
    stale,
    twin,
)
from bot.core.commands.session_words import edit_words, schedule_words
from bot.core.errors import BadInput, NotFound, UserError
from bot.core.night_cards import covers, night_card
from bot.core.nights import (
    Answer,
    DuplicateNight,
    Night,
    NightStatus,
    StaleNight,
    Target,
    parse_target,
)
from bot.core.planning import plan_for, successor
from bot.core.registry import WORK, Command, Group, Option, OptionKind
from bot.core.reply import Action, Draft, Part, Visibility
from bot.core.when import Repeat, parse_when

_POINT = re.compile(r"(?:point|target)\s+(\d{1,3})", re.I)  # a target of the reading schedule
_ANSWER_TEXT = {Answer.GOING: "going to", Answer.MAYBE: "a maybe for",
                Answer.NO: "not coming to"}


# -- scheduling ------------------------------------------------------------------------------


async def schedule(call: Call, target: str, when: str, title: str | None = None,
                   repeat: str | None = None) -> Draft:
    club = require_club(call)
    if club.archived:
        raise UserError("This club is archived, so it schedules no new nights.",
                        hint="A host can reopen it with `/club reopen`.")
    aim, named = await _aim(call, club, target)
    check_medium(club, aim, call.work)
    now = call.now()
    wall = parse_when(when, club.tz, now)
    plan = plan_for(club, title=clean_title(title) or named, target=aim, wall=wall,
                    work=call.work.id,
                    repeat=Repeat(repeat) if repeat else None, created_by=call.inv.user,
                    now=now)
    try:
        night = await call.store.add_night(club.id, plan)
    except DuplicateNight as err:
        raise await twin(call, err) from None
    reminders = ", ".join(f"{h} h" for h, _ in plan.reminders) or "none"
    draft = night_card(night, call.timeline, "Night scheduled",
                       lead="Members: say whether you can come with the buttons or "
                            f"`/session rsvp going {night.id}`.",
                       footer=f"Reminders before it: {reminders}. Discord and Slack show "
                              "each member the time in their own zone.")
    return replace(draft, effects=night_changes(call, night))


async def _aim(call: Call, club: Club, target: str) -> tuple[Target, str | None]:
    """The night's target, and a title for one taken from the reading schedule (`point 2`:
    its second target; the title names its number, never the target)."""
    found = _POINT.fullmatch(target.strip())
    if found is None:
        return parse_target(target, call.timeline), None
    number = int(found[1])
    points = await call.store.reading_schedule(club.id, call.work.id)
    point = next((p for p in points if p.number == number), None)
    if point is None:
        raise NotFound(f"The club's reading schedule has no target {number}.",
                       hint="See its targets with `/club schedule`.")
    return point.target, f"Schedule target {number}"


async def list_nights(call: Call) -> Draft:
    club = require_club(call)
    since = int((call.now() - GRACE).timestamp())
    nights = (*await call.store.club_nights(club.id, (NightStatus.RUNNING,), limit=1),
              *await call.store.club_nights(club.id, (NightStatus.SCHEDULED,), limit=LISTED,
                                            since=since))
    if not nights:
        point = call.work.info.example_point()
        return Draft(title="Discussion nights",
                     parts=(Part("No nights are scheduled. A host schedules one with "
                                 f"`/session schedule novel {point} at friday 19:30`."),))
    parts = tuple(
        Part(f"{n.wall.stamp()} · covers {covers(n, night_work(call, n).timeline)} · "
             f"{n.counts()}"
             + (" · **running now**" if n.status is NightStatus.RUNNING else ""),
             label=n.name)
        for n in nights)
    return Draft(title="Discussion nights", parts=parts,
                 footer="RSVP with `/session rsvp going ID`; details with `/session show ID`.")


async def show(call: Call, night: int | None = None) -> Draft:
    club = require_club(call)
    found = await find_night(call, club, night, (NightStatus.RUNNING, NightStatus.SCHEDULED))
    if found.status is NightStatus.ENDED:
        return await on_the_night.recap(call, found)
    heading = {NightStatus.SCHEDULED: "Coming up", NightStatus.RUNNING: "Running now",
               NightStatus.CANCELLED: "Cancelled"}[found.status]
    return night_card(found, night_work(call, found).timeline, heading)


async def edit(call: Call, night: int, target: str | None = None, when: str | None = None,
               title: str | None = None, repeat: str | None = None) -> Draft:
    club = require_club(call)
    old = await find_night(call, club, night, ())
    if old.status is not NightStatus.SCHEDULED:
        raise stale(StaleNight(old.id, old.status))
    if target is None and when is None and title is None and repeat is None:
        raise BadInput("Say what to change: `target`, `at`, `title` or `repeat`.",
                       hint=f"For example `/session edit {old.id} at saturday 19:00`.")
    now = call.now()
    work = night_work(call, old)
    aim = parse_target(target, work.timeline) if target else old.target
    check_medium(club, aim, work)
    # A time alone keeps the night's day: `/session edit 3 at 20:00`.
    wall = parse_when(when, club.tz, now, on=old.wall.local.date()) if when else old.wall
    repeats = old.repeat if repeat is None else (None if repeat == "never" else Repeat(repeat))
    named = old.title if title is None else clean_title(title)
    plan = plan_for(club, title=named, target=aim, wall=wall, repeat=repeats, work=old.work,
                    created_by=old.created_by, now=now)
    try:
        changed = await call.store.edit_night(old.id, plan)
    except StaleNight as err:
        raise stale(err) from None
    except DuplicateNight as err:
        raise await twin(call, err) from None
    draft = night_card(changed, work.timeline, "Night changed",
                       lead="Members who answered keep their answer; check it still suits.")
    return replace(draft, effects=night_changes(call, changed))


async def cancel(call: Call, night: int, series: str | None = None) -> Draft:
    club = require_club(call)
    old = await find_night(call, club, night, ())
    next_plan = None if series else successor(club, old, call.now())
    # The series may have made its next night already (it does when a night's time comes):
    # stopping the series stops that one repeating too.
    made = await _made_next(call, club, old) if series and old.repeat else None
    try:
        cancelled = await call.store.cancel_night(old.id, next_plan,
                                                  end_series=made.id if made else None)
    except StaleNight as err:
        raise stale(err) from None
    effects = list(night_changes(call, cancelled))
    lines = [f"{cancelled.name} on {cancelled.wall.stamp()} is cancelled."]
    if next_plan is not None:
        upcoming = await call.store.club_nights(club.id, (NightStatus.SCHEDULED,), limit=LISTED)
        following = next((n for n in upcoming if n.wall == next_plan.wall), None)
        if following is not None:
            effects.extend(night_changes(call, following))
            lines.append(f"The series goes on: next is {following.name} on "
                         f"{following.wall.stamp()}. To stop it, "
                         f"`/session cancel {following.id} series`.")
    elif old.repeat:
        lines.append("The series is stopped: no more nights will be made from it."
                     + (f" {made.name} on {made.wall.stamp()} stays, once, without repeating."
                        if made else ""))
    return Draft(title="Night cancelled", parts=tuple(Part(x) for x in lines),
                 effects=tuple(effects))


async def _made_next(call: Call, club: Club, night: Night) -> Night | None:
    """The night its series made after ``night``, if it has made it."""
    if night.repeat is None:
        return None
    expected = night.wall.shifted(night.repeat)
    for other in await call.store.club_nights(club.id, (NightStatus.SCHEDULED,), limit=LISTED,
                                              since=night.wall.timestamp() + 1):
        if (other.repeat is night.repeat and other.target == night.target
                and other.title == night.title and other.wall.local >= expected.local):
            return other
    return None


# -- RSVPs -----------------------------------------------------------------------------------


async def rsvp(call: Call, answer: str, night: int | None = None) -> Draft:
    club = require_club(call)
    found = await find_night(call, club, night, (NightStatus.SCHEDULED, NightStatus.RUNNING))
    if found.status not in (NightStatus.SCHEDULED, NightStatus.RUNNING):
        raise stale(StaleNight(found.id, found.status))
    chosen = Answer(answer)
    updated = await call.store.rsvp(found.id, call.inv.user, chosen)
    lines = [f"You're {_ANSWER_TEXT[chosen]} {updated.name} on {updated.wall.stamp()}.",
             f"Now: {updated.counts()}."]
    actions: tuple[Action, ...] = ()
    if chosen is Answer.GOING:
        lines.append("Want a private reminder before it? `/session remind on` or the button.")
        actions = (Action("Remind me", "session remind",
                          (("setting", "on"), ("night", str(updated.id))), private=True),)
    return Draft(title="Your RSVP", parts=tuple(Part(x) for x in lines), actions=actions,
                 visibility=Visibility.PRIVATE)


async def remind(call: Call, setting: str, night: int | None = None) -> Draft:
    club = require_club(call)
    found = await find_night(call, club, night, (NightStatus.SCHEDULED,))
    if found.status is not NightStatus.SCHEDULED:
        raise stale(StaleNight(found.id, found.status))
    on = setting == "on"
    if not on:
        await call.store.set_remind(found.id, call.inv.user, False)
        return Draft(title="Reminders", parts=(Part(f"No private reminders for {found.name}."),),
                     visibility=Visibility.PRIVATE)
    now = call.now()
    ahead = [h for h in club.reminders if found.wall.before(h) > now]
    if not ahead:
        why = ("This club has no reminders set (a host sets them with `/club reminders`)."
               if not club.reminders else f"{found.name} is too close for its reminders.")
        raise UserError(why, hint=f"It starts {found.wall.stamp()}.")
    mine = next((r for r in await call.store.rsvps(found.id) if r.user == call.inv.user), None)
    answer = mine.answer if mine else None
    if answer is Answer.NO:
        raise UserError(f"You said you can't come to {found.name}, so there is nothing to "
                        "remind you of.",
                        hint=f"Changed your mind? `/session rsvp going {found.id}` or "
                             f"`/session rsvp maybe {found.id}`.")
    await call.store.set_remind(found.id, call.inv.user, True)
    hours = ", ".join(f"{h} h" for h in ahead)
    # A reminder is kept apart from the RSVP, and says so: asking for one answers nothing.
    standing = (f"You're down as {answer.value}." if answer else
                "That is not an RSVP: to say you're coming, "
                f"`/session rsvp going {found.id}`.")
    return Draft(title="Reminders", parts=(Part(
        f"I'll remind you privately before {found.name} ({hours} before). {standing}"),),
        visibility=Visibility.PRIVATE)


# -- declarations ----------------------------------------------------------------------------

_NIGHT = Option("night", "The night's number (default: the next one)", OptionKind.INT,
                required=False, min=1, max=2**31 - 1)
_NIGHT_NEEDED = Option("night", "The night's number", OptionKind.INT, min=1, max=2**31 - 1)
_TARGET_HELP = ("How far it goes: book N or a section's name, part N, film 45, film 1:10, a "
                "film section, or point N (a target of the reading schedule)")
_WHEN_HELP = "When, in the club's time zone: friday 19:30, 2026-12-04 19:30, in 2 hours"

GROUPS = (Group("session", "Discussion nights: schedule, RSVP, and (hosts) run the night"),)
COMMANDS = (
    Command("session", "schedule", "Hosts: schedule a discussion night", schedule,
            (Option("target", _TARGET_HELP, max_length=40, rest=False),
             Option("when", _WHEN_HELP, max_length=60, rest=False),
             Option("title", "A name for the night", required=False, max_length=TITLE_MAX,
                    rest=False),
             Option("repeat", "Repeat the night", OptionKind.CHOICE, required=False,
                    choices=Repeat.typed())),
            host_only=True, words=schedule_words,
            syntax='TARGET at WHEN ["TITLE"] [weekly|fortnightly|monthly]',
            examples=("/session schedule novel {chapter} at friday 19:30",
                      '/session schedule film 1:00 at saturday 20:00 "Film night" weekly')),
    Command("session", "list", "The club's coming nights", list_nights, default=True,
            examples=("/session list",)),
    Command("session", "show", "One night: when, what it covers, who is coming", show,
            (_NIGHT, WORK), examples=("/session show", "/session show 1")),
    Command("session", "rsvp", "Say whether you are coming", rsvp,
            (Option("answer", "going, maybe or no", OptionKind.CHOICE,
                    choices=tuple(a.value for a in Answer)), _NIGHT),
            private=True, examples=("/session rsvp going", "/session rsvp maybe 2")),
    Command("session", "remind", "A private reminder before a night, separate from your RSVP",
            remind,
            (Option("setting", "on or off", OptionKind.CHOICE, choices=("on", "off")), _NIGHT),
            private=True, examples=("/session remind on",)),
    *on_the_night.COMMANDS,
    Command("session", "edit", "Hosts: change a night's target, time, title or repeat", edit,
            (_NIGHT_NEEDED,
             Option("target", _TARGET_HELP, required=False, max_length=40, rest=False),
             Option("when", _WHEN_HELP, required=False, max_length=60, rest=False),
             Option("title", "A new name", required=False, max_length=TITLE_MAX, rest=False),
             Option("repeat", "Repeat it, or never", OptionKind.CHOICE, required=False,
                    choices=(*Repeat.typed(), "never"))),
            host_only=True, words=edit_words,
            syntax='ID [target TARGET] [at WHEN] [title "TITLE"] [repeat weekly|fortnightly|'
                   'monthly|never]',
            examples=("/session edit 2 at sunday 19:00",
                      "/session edit 2 target novel {later_chapter}")),
    Command("session", "cancel", "Hosts: cancel a night (add `series` to stop it repeating)",
            cancel,
            (_NIGHT_NEEDED,
             Option("series", "Stop the series too", OptionKind.CHOICE, required=False,
                    choices=("series",))),
            host_only=True, examples=("/session cancel 2", "/session cancel 3 series")),
)
