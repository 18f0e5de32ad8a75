"""Clubs as values: where a club lives (its scope), the club, what a command reads of it, and
how spoilers are shown in its channel. The store port and the commands both speak in these."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class Club:
    id: int
    scope: Scope
    channel: str
    medium: Medium
    progress: Progress
    mode: SpoilerMode
    tz: str
    hosts: tuple[str, ...]
    member_count: int
    created_by: str
    created_at: str  # ISO 8601, UTC
    archived: bool = False  # an archived club keeps its history and schedules no more nights
    reminders: tuple[int, ...] = (24, 1)  # hours before a night that the channel is reminded


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
