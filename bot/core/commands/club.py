"""`/club`: one club per channel, with hosts, a shared progress and a spoiler mode."""

from __future__ import annotations

from dataclasses import replace

from bot.core.call import Call
from bot.core.clubs import Club, ClubExists, LastHost, SpoilerMode, follows
from bot.core.commands import (
    club_calendar,
    club_chart,
    club_history,
    club_schedule,
    club_works,
    club_wrapup,
)
from bot.core.commands.common import (
    FOLLOWS,
    TIMELINES,
    add_hint,
    mention,
    require_club,
    unfollowed,
)
from bot.core.commands.progress import progress_fields
from bot.core.effects import NightChanged
from bot.core.errors import BadInput, UserError
from bot.core.nights import Night, NightPlan, NightStatus
from bot.core.planning import plan_for
from bot.core.registry import SECTIONS, WORK, ZONES, Command, Group, Option, OptionKind, quote
from bot.core.reply import Draft, Part, Visibility
from bot.core.timeline import Medium, Progress
from bot.core.work import Timeline
from bot.core.zones import is_zone, zone_named

EVERY_NIGHT = 10_000  # more nights than any club schedules ahead

_MODE_TEXT = {
    SpoilerMode.HIDE: "hide: parts beyond the club's progress are left out, and replies say "
                      "how many and when they open",
    SpoilerMode.TAG: "tag: parts beyond the club's progress are shown hidden behind a spoiler",
    SpoilerMode.OFF: "off: nothing is held back in this channel (for clubs that have finished)",
}


def _hours(hours: tuple[int, ...]) -> str:
    return ", ".join(f"{h} h" for h in hours) + " before" if hours else "none"


def club_progress_fields(club: Club, progress: Progress, timeline: Timeline
                        ) -> tuple[Part, ...]:
    """The club's progress on the media it follows (a film club has no novel line; a work
    with no film has no film line)."""
    # zip stops at the shorter: progress_fields gives the book, then the film if there is one.
    return tuple(f for t, f in zip(TIMELINES, progress_fields(progress, timeline), strict=False)
                 if follows(club.medium, t))


def _info(call: Call, club: Club, title: str) -> Draft:
    work = call.deps.library.get(club.work) or call.work
    fields = (
        Part(work.title, label="Work"),
        Part(club.medium.value, label="Following"),
        *club_progress_fields(club, club.progress_in(work.id), work.timeline),
        Part(club.mode.value, label="Spoilers"),
        Part(", ".join(mention(h) for h in club.hosts) or "none", label="Hosts"),
        Part(str(club.member_count), label="Members"),
        Part(club.tz, label="Time zone"),
        Part(_hours(club.reminders), label="Reminders"),
    )
    footer = _MODE_TEXT[club.mode]
    if club.archived:
        footer = "Archived: it keeps its history and schedules no new nights. " + footer
    return Draft(title=title, fields=fields, footer=footer)


async def create(call: Call, medium: str | None = None, timezone: str | None = None) -> Draft:
    """A club in this channel, reading the work asked for (`work:ID`) or the default."""
    # The host's own zone where the platform tells it (Slack, the console), else UTC.
    own = call.inv.tz if call.inv.tz and is_zone(call.inv.tz) else None
    tz = zone_named(timezone or own or "UTC")  # a polite error, with near names, for a typo
    try:
        club = await call.store.create_club(call.inv.scope, call.inv.channel,
                                            medium=Medium(medium or "both"), tz=tz,
                                            host=call.inv.user, work=call.work.id)
    except ClubExists:
        raise UserError("This channel already has a club.",
                        hint="See it with `/club info`, or join it with `/club join`.") from None
    draft = _info(call, club, "Club created")
    return Draft(
        title=draft.title,
        parts=(Part(f"{mention(call.inv.user)} is its host. Members join with `/club join`; "
                    "a host sets how far the club has got with `/club progress`."),),
        fields=draft.fields,
        footer=draft.footer,
    )


async def info(call: Call) -> Draft:
    return _info(call, require_club(call), "This channel's club")


async def join(call: Call) -> Draft:
    club = require_club(call)
    if not await call.store.join_club(club.id, call.inv.user):
        return Draft(parts=(Part("You are already a member of this club."),),
                     visibility=Visibility.PRIVATE)
    return Draft(parts=(Part(f"Welcome to the club, {mention(call.inv.user)}. Replies here are "
                             "cut to the club's progress; set your own with `/progress`."),),
                 visibility=Visibility.PRIVATE)


async def leave(call: Call) -> Draft:
    club = require_club(call)
    try:
        left = await call.store.leave_club(club.id, call.inv.user)
    except LastHost:
        raise UserError("You are this club's only host, so you cannot leave yet.",
                        hint="Add another host first with `/club hosts add @member`.") from None
    text = "You have left this club." if left else "You are not a member of this club."
    return Draft(parts=(Part(text),), visibility=Visibility.PRIVATE)


async def set_progress(call: Call, book: int | None = None, film: int | None = None) -> Draft:
    club = require_club(call)
    if book is None and film is None:
        raise BadInput("Say how far the club has got: `book` with a chapter, `film` with a "
                       "time, or both.",
                       hint="For example `/club progress book 9` or `/club progress film 1:00`.")
    other = unfollowed(club, novel=book is not None, film=film is not None)
    if other is not None:
        raise BadInput(f"This club follows {FOLLOWS[club.medium]}, so it has no "
                       f"{other.value} progress to set.", hint=add_hint(other))
    if film is not None and call.timeline.film is None:
        raise BadInput(f"{call.work.title} has no film.")
    progress = await call.store.set_club_progress(club.id, call.work.id, novel=book, film=film)
    fields = club_progress_fields(club, progress, call.timeline)
    footer = "Replies in this channel are now cut to this point."
    # At the end of the work the wrap-up opens, its card in the same reply.
    card = await club_wrapup.opened_at_end(call, club, progress)
    if card is not None:
        return Draft(title="The club's progress", parts=card.parts, fields=fields,
                     actions=card.actions, footer=f"{footer} {card.footer}")
    return Draft(title="The club's progress", fields=fields, footer=footer)


async def set_medium(call: Call, medium: str) -> Draft:
    club = require_club(call)
    chosen = Medium(medium)
    if chosen is club.medium:
        return Draft(parts=(Part(f"This club already follows {FOLLOWS[chosen]}."),),
                     visibility=Visibility.PRIVATE)
    dropped = [t for t in TIMELINES if follows(club.medium, t) and not follows(chosen, t)]
    added = [t for t in TIMELINES if follows(chosen, t) and not follows(club.medium, t)]
    if dropped:
        await _no_nights_on(call, club, dropped[0])
    progress = await call.store.set_club_medium(club.id, chosen)
    changed = replace(club, medium=chosen)
    notes = [f"This club now follows {FOLLOWS[chosen]}, and replies in this channel are cut "
             "to how far it has got there."]
    notes += [f"It starts {FOLLOWS[t]} at the beginning: a host sets how far it has got with "
              f"`/club progress {'book N' if t is Medium.NOVEL else 'film MINUTES'}`."
              for t in added]
    notes += [f"Its {t.value} progress is no longer kept." for t in dropped]
    return Draft(title="What the club follows", parts=tuple(Part(n) for n in notes),
                 fields=club_progress_fields(changed, progress, call.timeline))


async def _no_nights_on(call: Call, club: Club, timeline: Medium) -> None:
    """Refuse to drop a timeline that a coming or running night still covers."""
    nights = await call.store.club_nights(club.id, (NightStatus.RUNNING, NightStatus.SCHEDULED),
                                          limit=EVERY_NIGHT)
    night = next((n for n in nights
                  if (n.target.novel if timeline is Medium.NOVEL else n.target.film)
                  is not None), None)
    if night is None:
        return
    if night.status is NightStatus.RUNNING:
        raise UserError(f"{night.name} is running on {FOLLOWS[timeline]}.",
                        hint="End it with `/session end` first.")
    raise UserError(f"{night.name} covers {FOLLOWS[timeline]}, which the club would no "
                    "longer follow.",
                    hint=f"Cancel it (`/session cancel {night.id}`) or change its target "
                         f"(`/session edit {night.id} target ...`) first.")


async def spoilers(call: Call, mode: str) -> Draft:
    club = require_club(call)
    chosen = SpoilerMode(mode)
    await call.store.set_spoiler_mode(club.id, chosen)
    return Draft(title="Spoiler mode", parts=(Part(_MODE_TEXT[chosen]),))


async def hosts(call: Call, action: str, member: str) -> Draft:
    club = require_club(call)
    who = mention(member)
    if action == "add":
        added = await call.store.add_host(club.id, member)
        text = f"{who} is now a host." if added else f"{who} is already a host."
    else:
        try:
            removed = await call.store.remove_host(club.id, member)
        except LastHost:
            raise UserError(f"{who} is the only host, and a club needs one.",
                            hint="Add another host first with `/club hosts add @member`."
                            ) from None
        text = f"{who} is no longer a host." if removed else f"{who} is not a host."
    return Draft(parts=(Part(text),))


async def set_timezone(call: Call, zone_name: str) -> Draft:
    club = require_club(call)
    name = zone_named(zone_name)
    await call.store.set_club_tz(club.id, name)
    return Draft(title="Time zone", parts=(Part(
        f"New nights are scheduled in {name}. Nights already scheduled keep the zone "
        "they were made in, so none of them moves."),))


def parse_hours(text: str) -> tuple[int, ...]:
    words = text.replace(",", " ").lower().split()
    if words in (["off"], ["none"]):
        return ()
    try:
        hours = sorted({int(w.removesuffix("h")) for w in words}, reverse=True)
    except ValueError:
        raise BadInput(f"{quote(text)} is not a list of hours.",
                       hint="For example `/club reminders 24 1`, or `off`.") from None
    if not hours or len(hours) > 4 or not all(1 <= h <= 336 for h in hours):
        raise BadInput("Give one to four reminders, each 1 to 336 hours (two weeks) before.",
                       hint="For example `/club reminders 24 1`, or `off`.")
    return tuple(hours)


async def reminders(call: Call, hours: str) -> Draft:
    club = require_club(call)
    chosen = parse_hours(hours)
    now = call.now()
    changed = replace(club, reminders=chosen)

    def replan(night: Night) -> NightPlan:
        return plan_for(changed, title=night.title, target=night.target, wall=night.wall,
                        repeat=night.repeat, created_by=night.created_by, now=now)

    count = await call.store.set_reminder_hours(club.id, chosen, replan)
    again = (f" {count} scheduled night{'s follow' if count != 1 else ' follows'} it."
             if count else "")
    return Draft(title="Reminders", parts=(Part(
        f"The channel is reminded {_hours(chosen)} each night.{again}" if chosen else
        f"No reminders for this club's nights.{again}"),))


async def archive(call: Call) -> Draft:
    club = require_club(call)
    if club.archived:
        return Draft(parts=(Part("This club is archived already."),),
                     visibility=Visibility.PRIVATE)
    cancelled = await call.store.archive_club(club.id, True)
    count = len(cancelled)
    note = f" {count} scheduled night{'s were' if count != 1 else ' was'} cancelled." \
        if count else ""
    return Draft(title="Club archived", parts=(Part(
        "The club keeps its members, progress and history (`/club history`) and schedules no "
        f"new nights.{note} A host can bring it back with `/club reopen`."),),
        effects=tuple(NightChanged(n, call.inv.channel) for n in cancelled))


async def reopen(call: Call) -> Draft:
    club = require_club(call)
    if not club.archived:
        return Draft(parts=(Part("This club is not archived."),), visibility=Visibility.PRIVATE)
    await call.store.archive_club(club.id, False)
    return Draft(title="Club reopened",
                 parts=(Part("Hosts can schedule nights again with `/session schedule`."),))


GROUPS = (Group("club", "This channel's club: create, join, and (hosts) progress and spoilers"),)
COMMANDS = (
    Command("club", "create", "Start a club in this channel; you become its host", create,
            (Option("medium", "What the club follows", OptionKind.CHOICE, required=False,
                    choices=("novel", "film", "both")),
             Option("timezone", "The club's time zone, such as Europe/London (default UTC)",
                    required=False, max_length=64, rest=False, complete=ZONES),
             WORK),
            moves_audience=True, wants_tz=True,
            examples=("/club create both", "/club create novel Europe/London",
                      "/club create both work:{work}")),
    Command("club", "info", "This channel's club: progress, spoiler mode, hosts", info,
            examples=("/club info",)),
    Command("club", "join", "Join this channel's club", join, examples=("/club join",)),
    Command("club", "leave", "Leave this channel's club", leave, examples=("/club leave",)),
    Command("club", "progress", "Hosts: set how far the club has read or watched",
            set_progress,
            (Option("book", "How far the club has read: a chapter's number or a section's "
                    "name, or done", OptionKind.CHAPTER, required=False, keyword=True,
                    aliases=("novel",), max_length=60, complete=SECTIONS),
             Option("film", "Minutes of the film the club has watched (45, 1:10), or done",
                    OptionKind.MINUTES, required=False, keyword=True, max_length=10)),
            host_only=True, moves_audience=True,
            examples=("/club progress book {chapter}", "/club progress film 1:00",
                      "/club progress novel {chapter} film 45")),
    Command("club", "medium", "Hosts: what the club follows: the novel, the film or both",
            set_medium,
            (Option("medium", "novel, film or both", OptionKind.CHOICE,
                    choices=("novel", "film", "both")),),
            host_only=True, moves_audience=True, examples=("/club medium both",)),
    Command("club", "spoilers", "Hosts: how spoilers are shown in this channel", spoilers,
            (Option("mode", "hide, tag or off", OptionKind.CHOICE,
                    choices=("hide", "tag", "off")),),
            host_only=True, moves_audience=True, examples=("/club spoilers tag",)),
    Command("club", "hosts", "Hosts: add or remove a host", hosts,
            (Option("action", "add or remove", OptionKind.CHOICE, choices=("add", "remove")),
             Option("member", "The member", OptionKind.MEMBER, max_length=100)),
            host_only=True, examples=("/club hosts add @sam",)),
    Command("club", "timezone", "Hosts: the time zone new nights are scheduled in",
            set_timezone,
            (Option("zone_name", "An IANA name such as Europe/London", max_length=64,
                    rest=False, complete=ZONES),),
            host_only=True, examples=("/club timezone America/New_York",)),
    Command("club", "reminders", "Hosts: when the channel is reminded before each night",
            reminders, (Option("hours", "Hours before, such as 24 1; or off", max_length=40),),
            host_only=True, examples=("/club reminders off", "/club reminders 24 1")),
    *club_works.CLUB_COMMANDS,
    *club_chart.CLUB_COMMANDS,
    *club_calendar.CLUB_COMMANDS,
    club_schedule.COMMAND,
    Command("club", "history", "The works the club has read, its nights and its ratings",
            club_history.history, examples=("/club history",)),
    club_wrapup.COMMAND,
    Command("club", "archive", "Hosts: archive the club: history kept, no new nights", archive,
            host_only=True, examples=("/club archive",)),
    Command("club", "reopen", "Hosts: reopen an archived club", reopen, host_only=True,
            examples=("/club reopen",)),
)
