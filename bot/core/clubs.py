"""Clubs as values: where a club lives (its scope), the club, what a command reads of it, and
how spoilers are shown in its channel. The store port and the commands both speak in these."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from bot.core.timeline import Medium, Progress


class SpoilerMode(StrEnum):
    HIDE = "hide"  # gated parts are left out; the reply says how many and when they open
    TAG = "tag"  # gated parts are shown hidden (Discord ||spoiler||, Slack Reveal button)
    OFF = "off"  # everything, for clubs that have finished


@dataclass(frozen=True, slots=True)
class Scope:
    platform: str  # "discord", "slack", "console"
    workspace: str  # guild id, team id, "local"


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
    progress: Progress  # on the media it follows only (``__post_init__`` drops the rest)
    mode: SpoilerMode
    tz: str
    hosts: tuple[str, ...]
    member_count: int
    created_by: str
    created_at: str  # ISO 8601, UTC
    archived: bool = False  # an archived club keeps its history and schedules no more nights
    reminders: tuple[int, ...] = (24, 1)  # hours before a night that the channel is reminded

    def __post_init__(self) -> None:
        # Here, not in each store or at each gate: no reader of a club can see past its media.
        object.__setattr__(self, "progress", followed(self.progress, self.medium))


@dataclass(frozen=True, slots=True)
class Context:
    """What almost every command needs, read in one query."""

    club: Club | None
    member: Progress  # the caller's own progress
    is_host: bool
    is_member: bool


class ClubExists(Exception):
    """``create_club`` in a channel that already has a club."""


class LastHost(Exception):
    """Removing this host would leave the club with none."""
