"""What the `/session` commands share: which night a command means, a night's title, and
the reply when a night has moved on under a command (another host started or cancelled it)."""

from __future__ import annotations

from datetime import timedelta

from bot.core.call import Call
from bot.core.clubs import Club
from bot.core.commands.common import FOLLOWS, add_hint, unfollowed
from bot.core.effects import NightChanged
from bot.core.errors import BadInput, NotFound, UserError
from bot.core.library import Work
from bot.core.night_cards import covers
from bot.core.nights import DuplicateNight, Night, NightStatus, StaleNight, Target
from bot.core.timeline import Medium
from bot.core.words import unmarked

TITLE_MAX = 80
LISTED = 10
# A night not started this long after its time is missed: the defaults (`/session start`,
# `/session rsvp going`) and the list pass over it for the next one.
GRACE = timedelta(hours=12)


def clean_title(text: str | None) -> str | None:
    """A night's title is shown in thread names, event names and notifications: plain words
    only, no markup or mentions, bounded."""
    if text is None:
        return None
    text = unmarked(text)[:TITLE_MAX].strip()
    return text or None


def check_medium(club: Club, target: Target, work: Work) -> None:
    other = unfollowed(club, novel=target.novel is not None, film=target.film is not None)
    if other is None:
        return
    example = "film 45" if other is Medium.NOVEL else f"novel {work.info.example_point()}"
    kind = "film time" if other is Medium.NOVEL else "chapters"
    raise BadInput(f"This club follows {FOLLOWS[club.medium]}, so its nights cover {kind}.",
                   hint=f"For example `/session schedule {example} at friday 19:30`. "
                        + add_hint(other))


async def find_night(call: Call, club: Club, night_id: int | None,
                 statuses: tuple[NightStatus, ...]) -> Night:
    """The night a command means: the one named, or the next one in these states."""
    if night_id is not None:
        night = await call.store.night(night_id)
        if night is None or night.club_id != club.id:
            raise NotFound(f"This club has no night #{night_id}.",
                           hint="See the club's nights with `/session list`.")
        return night
    since = int((call.now() - GRACE).timestamp())
    for status in statuses:  # in the order the command prefers them
        nights = await call.store.club_nights(
            club.id, (status,), limit=1,
            since=since if status is NightStatus.SCHEDULED else None)
        if nights:
            return nights[0]
    raise NotFound("This club has no night scheduled.",
                   hint="A host schedules one with `/session schedule`.")


async def running_night(call: Call, club: Club) -> Night:
    nights = await call.store.club_nights(club.id, (NightStatus.RUNNING,), limit=1)
    if not nights:
        raise UserError("No night is running in this club right now.",
                        hint="A host opens one with `/session start`.")
    return nights[0]


def stale(err: StaleNight) -> UserError:
    if err.status is None:
        return NotFound(f"Night #{err.night_id} is gone.")
    hint = ("End it with `/session end` first." if err.status is NightStatus.RUNNING
            else "See where things stand with `/session list`.")
    return UserError(f"Night #{err.night_id} is {err.status.value} now, so that can't be done.",
                     hint=hint)


def night_work(call: Call, night: Night) -> Work:
    """The installed work a night is about (the default, should its pack be gone)."""
    return call.deps.library.get(night.work) or call.deps.library.default


async def twin(call: Call, err: DuplicateNight) -> UserError:
    """The answer to a night that would be another's twin: same club, target and time."""
    night = await call.store.night(err.night_id)
    if night is None:  # cancelled and gone meanwhile: say it as plainly
        return UserError("That night is scheduled already.", hint="See `/session list`.")
    said = covers(night, night_work(call, night).timeline)
    return UserError(f"{night.name} already covers {said} at {night.wall.stamp()}.",
                     hint=f"See it with `/session show {night.id}`, or change it with "
                          f"`/session edit {night.id}`.")


def night_changes(call: Call, *nights: Night) -> tuple[NightChanged, ...]:
    out = []
    for night in nights:
        work = night_work(call, night)
        out.append(NightChanged(night, call.inv.channel, covers(night, work.timeline),
                                work.title))
    return tuple(out)


def require_current(call: Call, night: Night) -> None:
    """A night can be run only in the work the club reads now (its prompts and the club's
    progress are that work's)."""
    if night.work != call.work.id:
        about = night_work(call, night).title
        raise UserError(f"{night.name} is about {about}, and the club reads {call.work.title} "
                        "now.", hint=f"Cancel it with `/session cancel {night.id}`, or move the "
                                     "club back with `/club work`.")
