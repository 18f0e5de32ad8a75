"""`/club calendar`: the club's coming nights and reading-schedule targets as calendar events,
worked out and gated here.

The core builds the values (``pictures.Feed``, a ``FeedEvent`` a night) cut for whoever will
read the file, as it cuts a chart: a night's title and the name of its target are given only
to a reader who has reached that target; one past them is "a night at a point you haven't
reached", dated but not named. ``bot.pictures.ics`` writes the values as an .ics file; adapters
send it the way they send a picture. Nothing here imports the calendar library.

Each event's UID is the night's own (its id, club and platform), so a calendar that imports
the file again replaces the events it has rather than adding twins; SEQUENCE grows with the
time the file was made, so the newer copy wins; a night cancelled since is sent cancelled.
"""

from __future__ import annotations

from datetime import UTC

from bot.core.call import Call
from bot.core.clubs import Club, Scope
from bot.core.nights import Night, NightStatus, Target
from bot.core.pictures import UNREACHED, Feed, FeedEvent, clip
from bot.core.reading import Point
from bot.core.timeline import Reveal, format_minute
from bot.core.when import Wall
from bot.core.work import Timeline

EVENTS_MOST = 50  # nights in one file: a weekly series makes one row a week
NIGHT_MINUTES = 120  # how long a night is shown as lasting (nights have no set end)
DEADLINE_MINUTES = 30  # a schedule's target is a moment, shown as a short event


def channel_link(scope: Scope, channel: str) -> str | None:
    """A link that opens the club's channel, where the platform has one."""
    if scope.platform == "discord":
        return f"https://discord.com/channels/{scope.workspace}/{channel}"
    if scope.platform == "slack":
        return f"https://slack.com/app_redirect?team={scope.workspace}&channel={channel}"
    return None


def target_reveal(target: Target) -> Reveal:
    """A target as a reveal point: whoever has reached it may see its name."""
    return Reveal(novel=target.novel) if target.novel is not None else Reveal(film=target.film)


def covers(target: Target, timeline: Timeline, reached: bool) -> str:
    """What a target covers, named only for a reader who has ``reached`` it."""
    if reached:
        return timeline.describe_target(target.novel, target.film)
    # The point itself is no story (a chart places it too); its name may be.
    if target.novel is not None:
        return f"the {timeline.book.noun} through {timeline.book.unit} {target.novel}"
    assert target.film is not None
    return f"the film through {format_minute(target.film)}"


def feed_event(call: Call, club: Club, night: Night) -> FeedEvent:
    work = call.work
    reached = call.sees(target_reveal(night.target))
    name = clip(night.name) if reached else f"Night #{night.id}: {UNREACHED}"
    link = channel_link(club.scope, club.channel)
    where = f"In the club's channel: {link}" if link else f"In #{club.channel}"
    said = [f"{work.title}: {covers(night.target, work.timeline, reached)}.", where]
    if night.status is NightStatus.CANCELLED:
        said.insert(0, "Cancelled.")
    uid = f"night-{night.id}-club-{club.id}-{club.scope.platform}-{club.scope.workspace}"
    return FeedEvent(uid + "@book-club-bot", f"Book club · {name}", "\n".join(said),
                     night.wall.local, night.wall.tz, NIGHT_MINUTES,
                     night.status is NightStatus.CANCELLED, link)


def deadline_event(call: Call, club: Club, point: Point) -> FeedEvent:
    """A target of the reading schedule as an event on its day; its UID is the club's,
    work's and target number's, so a moved or rewritten target replaces its event."""
    work = call.work
    said = covers(point.target, work.timeline, call.sees(target_reveal(point.target)))
    link = channel_link(club.scope, club.channel)
    where = f"The club's channel: {link}" if link else f"In #{club.channel}"
    uid = (f"schedule-{point.number}-{work.id}-club-{club.id}-{club.scope.platform}-"
           f"{club.scope.workspace}@book-club-bot")
    return FeedEvent(uid, f"Book club · Target {point.number}: {clip(said)}",
                     f"{work.title}: the club's reading schedule aims to have read {said} by "
                     f"now.\n{where}", point.wall.local, point.wall.tz, DEADLINE_MINUTES,
                     False, link)


async def feed_for(call: Call, club: Club) -> Feed:
    """The coming nights (and ones cancelled since, so a calendar drops them) for this call's
    audience."""
    now = call.now()
    since = int(now.timestamp())
    nights = await call.store.club_nights(
        club.id, (NightStatus.RUNNING, NightStatus.SCHEDULED, NightStatus.CANCELLED),
        limit=EVENTS_MOST, since=since - NIGHT_MINUTES * 60)
    # Only the work the reply is cut for: progress in one work says nothing of another.
    events = [feed_event(call, club, n) for n in nights if n.work == call.work.id]
    points = await call.store.reading_schedule(club.id, call.work.id)
    events += [deadline_event(call, club, p) for p in points if p.wall.instant() > now]
    events.sort(key=lambda e: Wall(e.local, e.tz).instant())
    return Feed(call.work.title, club.tz, tuple(events), now.astimezone(UTC),
                "your" if call.who == "you" else f"{call.who}'s")
