"""The store port: what the core needs from persistence. The core depends on this, never on
aiosqlite; ``bot.store.sqlite`` implements it.

Ids are text and every row is scoped by platform and workspace, so a Discord guild, a Slack team
and the console never see each other's data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from bot.core.reply import SpoilerMode
from bot.core.timeline import Progress


class Medium(StrEnum):
    NOVEL = "novel"
    FILM = "film"
    BOTH = "both"


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


class Store(Protocol):
    async def context(self, scope: Scope, channel: str, user: str) -> Context: ...

    async def member_progress(self, scope: Scope, user: str) -> Progress: ...

    async def set_member_progress(
        self, scope: Scope, user: str, *, novel: int | None = None, film: int | None = None
    ) -> Progress: ...

    async def reset_member_progress(self, scope: Scope, user: str) -> None: ...

    async def club(self, scope: Scope, channel: str) -> Club | None: ...

    async def clubs_of(self, scope: Scope, user: str) -> tuple[Club, ...]:
        """The clubs this member belongs to in this workspace, oldest first."""
        ...

    async def create_club(
        self, scope: Scope, channel: str, *, medium: Medium, tz: str, host: str
    ) -> Club: ...

    async def join_club(self, club_id: int, user: str) -> bool: ...

    async def leave_club(self, club_id: int, user: str) -> bool: ...

    async def set_club_progress(
        self, club_id: int, *, novel: int | None = None, film: int | None = None
    ) -> Progress: ...

    async def set_spoiler_mode(self, club_id: int, mode: SpoilerMode) -> None: ...

    async def add_host(self, club_id: int, user: str) -> bool: ...

    async def remove_host(self, club_id: int, user: str) -> bool: ...

    async def used_prompts(self, club_id: int) -> frozenset[str]: ...

    async def mark_prompt_used(self, club_id: int, prompt_id: str) -> None: ...

    async def take_prompt(
        self, club_id: int, choose: Callable[[frozenset[str]], str | None]
    ) -> str | None:
        """In one write transaction: read the prompts the club has had, let ``choose`` (pure,
        no I/O) pick one from them, mark it used. Two at once never pick the same prompt."""
        ...

    async def get_state(self, key: str) -> str | None:
        """A value an adapter saved under ``key`` (namespaced by the adapter), or None."""
        ...

    async def put_state(self, key: str, value: str) -> None:
        """Save (or replace) an adapter's value under ``key``."""
        ...

    async def claim_state(self, key: str, value: str) -> bool:
        """Save ``value`` under ``key`` only if nothing is there yet; True if this call did.
        Atomic, so of two deliveries of the same request exactly one claims it."""
        ...

    async def close(self) -> None: ...
