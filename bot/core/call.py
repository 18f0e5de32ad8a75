"""What a command is run with: who ran it where (``Invocation``), what the core holds for every
command (``Deps``), and the one call a handler receives (``Call``).

Handlers and the scheduler import this module, never ``service``: the Core that runs them sits
above them, and they reach what they need through ``Deps``.
"""

from __future__ import annotations

import random
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.core.clubs import Context, Scope, SpoilerMode
from bot.core.content.model import Card, CardKind, Content
from bot.core.errors import NotFound
from bot.core.library import Library, Work
from bot.core.registry import Command, Registry, quote
from bot.core.reply import Visibility
from bot.core.spoilers import Decision, decide
from bot.core.status import StatusSource
from bot.core.store import Store
from bot.core.timeline import Progress, Reveal
from bot.core.work import Timeline


@dataclass(frozen=True, slots=True)
class Invocation:
    """Who ran a command, where. Built by adapters from a platform event."""

    scope: Scope
    channel: str
    user: str
    is_admin: bool = False  # Discord Manage Server, Slack workspace admin, the console's `you`
    private: bool = False  # the member asked for a reply only they see ("Just me")
    tz: str | None = None  # the member's own time zone, where the platform tells it (Slack)
    name: str | None = None  # what the platform calls the member, for the club's chart


@dataclass(frozen=True, slots=True)
class Deps:
    """Everything commands and the scheduler use, built once by the Core."""

    library: Library
    store: Store
    registry: Registry
    rng: random.Random
    clock: Callable[[], datetime]  # always timezone-aware UTC; injected so tests move time
    version: str
    status: StatusSource | None = None  # the running service's numbers (the admin status)
    caches: dict[str, OrderedDict[Any, Any]] = field(default_factory=dict)

    def kept(self, name: str) -> OrderedDict[Any, Any]:
        """A named cache that lives as long as the content (which never changes), for values a
        command works out from the content alone; the command bounds its size and keys it by
        work."""
        return self.caches.setdefault(name, OrderedDict())


@dataclass(frozen=True, slots=True)
class Call:
    """What a handler is given: its dependencies, the invocation, the store context, the work
    the command is about, and the audience whose progress in that work cuts the reply."""

    deps: Deps
    inv: Invocation
    ctx: Context
    command: Command
    work: Work
    visibility: Visibility
    progress: Progress  # whose progress cuts this reply
    mode: SpoilerMode
    who: str

    @property
    def content(self) -> Content:
        return self.work.content

    @property
    def timeline(self) -> Timeline:
        return self.work.timeline

    @property
    def member(self) -> Progress:
        """The caller's own progress in the call's work."""
        return self.ctx.member_in(self.work.id)

    @property
    def store(self) -> Store:
        return self.deps.store

    def now(self) -> datetime:
        return self.deps.clock()

    def sees(self, reveal: Reveal) -> bool:
        """May the audience of this reply see something with this reveal point?"""
        return decide(reveal, self.progress, self.mode) is Decision.SHOW

    def may_name(self, reveal: Reveal) -> bool:
        """May a name be offered as a hint? Hints reach the caller privately, so they must be
        safe for the audience *and* for the caller's own progress."""
        return reveal.visible_at(self.progress) and reveal.visible_at(self.member)

    def find(self, kind: CardKind, query: str) -> Card:
        return find_card(self, kind, query)


def find_card(call: Call, kind: CardKind, query: str) -> Card:
    """The card a member named, or a NotFound whose hints name only what they may see."""
    lookup = call.work.names[kind].find(query, call.sees, call.may_name)
    if lookup.card:
        return lookup.card
    hint = None
    if lookup.suggestions:
        hint = "Did you mean " + _or_list([f"**{name}**" for name in lookup.suggestions]) + "?"
    else:
        listing = call.work.names[kind].suggest("", call.may_name, limit=8)
        if listing:
            hint = "You can ask about: " + ", ".join(listing) + "."
    # The same words whether the name does not exist or has not come up yet: a lookup must not
    # confirm a guess.
    raise NotFound(f"I can't find a {kind.noun} called {quote(query)}, or it hasn't come up yet "
                   "at this point in the story.", hint=hint)


def _or_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]
