"""Clubs as values: where a club lives (its scope), the club, what a command reads of it, and
how spoilers are shown in its channel. The store port and the commands both speak in these."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from bot.core.timeline import START, Medium, Progress


class SpoilerMode(StrEnum):
    HIDE = "hide"  # gated parts are left out; the reply says how many and when they open
    TAG = "tag"  # gated parts are shown hidden (Discord ||spoiler||, Slack Reveal button)
    OFF = "off"  # everything, for clubs that have finished


@dataclass(frozen=True, slots=True)
class Scope:
    platform: str  # "discord", "slack", "console"
    workspace: str  # guild id, team id, "local"


Reading = tuple[tuple[str, Progress], ...]  # (work id, progress) for each work, by work id


def progress_in(reading: Reading, work: str) -> Progress:
    return next((p for w, p in reading if w == work), START)


def follows(medium: Medium, timeline: Medium) -> bool:
    """Does a club following ``medium`` follow ``timeline`` (the novel or the film)?"""
    return medium is Medium.BOTH or medium is timeline


def followed(progress: Progress, medium: Medium) -> Progress:
    """Progress on the media a club follows, and nothing on the others: a film club's channel
    is cut to the film alone, whatever a row written before the rule says of the novel."""
    if medium is Medium.BOTH:  # the common case, on every command's path: nothing to drop
        return progress
    return replace(progress, novel=progress.novel if follows(medium, Medium.NOVEL) else 0,
                   film=progress.film if follows(medium, Medium.FILM) else 0)


@dataclass(frozen=True, slots=True)
class Club:
    id: int
    scope: Scope
    channel: str
    medium: Medium
    work: str  # the work the club reads now
    read: Reading  # how far it has got in each work it has taken up
    mode: SpoilerMode
    tz: str
    hosts: tuple[str, ...]
    member_count: int
    created_by: str
    created_at: str  # ISO 8601, UTC
    archived: bool = False  # an archived club keeps its history and schedules no more nights
    reminders: tuple[int, ...] = (24, 1)  # hours before a night that the channel is reminded
    chart_members: bool = False  # members' own points on `/club chart` (privacy by default)
    images: bool = False  # pictures beside the text where the club asked for them (recaps)

    @property
    def progress(self) -> Progress:
        """Its progress in the work it reads now, on the media it follows."""
        return self.progress_in(self.work)

    def progress_in(self, work: str) -> Progress:
        """Its progress in ``work``, on the media it follows only: here, not in each store or
        at each gate, so no reader of a club can see past its media."""
        return followed(progress_in(self.read, work), self.medium)


@dataclass(frozen=True, slots=True)
class Context:
    """What almost every command needs, read in one query."""

    club: Club | None
    mine: Reading  # the caller's own progress in each work
    is_host: bool
    is_member: bool

    def member_in(self, work: str) -> Progress:
        return progress_in(self.mine, work)


@dataclass(frozen=True, slots=True)
class MemberPoint:
    """A club member who has set their own progress in a work, for the club's chart."""

    user: str
    name: str | None  # what the platform last called them, where it said
    progress: Progress
    private: bool  # they asked to be kept off charts and lists of who is where


class ClubExists(Exception):
    """``create_club`` in a channel that already has a club."""


class LastHost(Exception):
    """Removing this host would leave the club with none."""


@dataclass(frozen=True, slots=True)
class Poll:
    """A vote on a club's next work: the works put to it and how many chose each."""

    id: int
    club_id: int
    choices: tuple[str, ...]  # work ids, in the order shown
    tally: tuple[tuple[str, int], ...]  # (work id, votes), for every choice
    opened_by: str
    open: bool = True

    @property
    def votes(self) -> int:
        return sum(n for _w, n in self.tally)

    def leaders(self) -> tuple[str, ...]:
        """The works with the most votes (more than one on a tie; none with no votes)."""
        top = max((n for _w, n in self.tally), default=0)
        return tuple(w for w, n in self.tally if n == top and n > 0)


class PollOpen(Exception):
    """The club already has an open vote."""
