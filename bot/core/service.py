"""The core's one entry point: an invocation in, a gated reply out.

Adapters build an ``Invocation`` and call ``Core.run_text`` (Slack, console) or ``Core.run``
(Discord, with typed options). The core reads what the command needs from the store in one
query, checks who may run it, decides whose progress cuts the reply, calls the handler and
passes its draft through the spoiler engine. Errors become polite replies; nothing raises out.
"""

from __future__ import annotations

import logging
import random
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from bot import __version__
from bot.core.ask import Answerer
from bot.core.clubs import Context, Scope, SpoilerMode
from bot.core.commands.common import find_card
from bot.core.content.model import Card, CardKind, Content
from bot.core.errors import APOLOGY, BadInput, NotAllowed, UserError
from bot.core.names import NameIndex
from bot.core.passages import passages
from bot.core.registry import ZONES, Command, HelpRequested, Registry, coerce, quote
from bot.core.reply import Action, Draft, Kind, Part, PartState, Reply, Visibility
from bot.core.search import SearchIndex
from bot.core.spoilers import Decision, decide, effective_mode, gate
from bot.core.store import Store
from bot.core.timeline import START, Progress, Reveal
from bot.core.when import suggest_zones

log = logging.getLogger(__name__)

MAX_INPUT = 2000  # characters in one command line; Discord's own message limit
# Gated replies of pure commands kept for reuse: a club asks the same things at the same
# point again and again, and a reply is a few kilobytes.
REPLIES_KEPT = 2048


@dataclass(frozen=True, slots=True)
class Invocation:
    """Who ran a command, where. Built by adapters from a platform event."""

    scope: Scope
    channel: str
    user: str
    is_admin: bool = False  # Discord Manage Server, Slack workspace admin, the console's `you`
    private: bool = False  # the member asked for a reply only they see ("Just me")
    tz: str | None = None  # the member's own time zone, where the platform tells it (Slack)


@dataclass(frozen=True, slots=True)
class Call:
    """What a handler is given: the core, the invocation, the store context, the audience."""

    core: Core
    inv: Invocation
    ctx: Context
    command: Command
    visibility: Visibility
    progress: Progress  # whose progress cuts this reply
    mode: SpoilerMode
    who: str

    @property
    def content(self) -> Content:
        return self.core.content

    @property
    def store(self) -> Store:
        return self.core.store

    def sees(self, reveal: Reveal) -> bool:
        """May the audience of this reply see something with this reveal point?"""
        return decide(reveal, self.progress, self.mode) is Decision.SHOW

    def may_name(self, reveal: Reveal) -> bool:
        """May a name be offered as a hint? Hints reach the caller privately, so they must be
        safe for the audience *and* for the caller's own progress."""
        return reveal.visible_at(self.progress) and reveal.visible_at(self.ctx.member)

    def find(self, kind: CardKind, query: str) -> Card:
        return find_card(self, kind, query)


@dataclass
class Core:
    content: Content
    store: Store
    registry: Registry
    rng: random.Random = field(default_factory=random.Random)
    version: str = __version__
    # Injected so tests (and the benchmarks) can move time; always timezone-aware UTC.
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        self._replies: OrderedDict[tuple[Any, ...], Reply] = OrderedDict()
        self._kept: dict[str, OrderedDict[Any, Any]] = {}
        self.names = {kind: NameIndex(self.content.cards_of(kind)) for kind in CardKind}
        everything = passages(self.content)  # built once; search and /ask share it
        self.search = SearchIndex(everything)
        self.answerer = Answerer(self.content, self.names, everything)

    def kept(self, name: str) -> OrderedDict[Any, Any]:
        """A named cache that lives as long as this core (its content does not change), for
        values a command works out from the content alone; the command bounds its size."""
        return self._kept.setdefault(name, OrderedDict())

    # -- entry points --------------------------------------------------------------------
    async def run_text(self, inv: Invocation, text: str) -> Reply:
        """Slack and the console: the words after the slash, as typed."""
        try:
            text = check_input(text)
            command, raw = self.registry.parse(text)
        except HelpRequested as wanted:
            return await self.run(inv, "help", {"command": wanted.group})
        except UserError as err:
            return self.error_reply(err)
        return await self._execute(inv, command, raw)

    async def run(self, inv: Invocation, path: str, args: Mapping[str, Any]) -> Reply:
        """Discord: a command path and typed option values."""
        command = self.registry.get(path)
        if command is None:
            return self.error_reply(BadInput(f"I don't know the command {quote('/' + path)}."))
        try:
            # The same checks as typed text: a forged or pasted value gets no further here.
            checked = {k: check_input(v) if isinstance(v, str) else v for k, v in args.items()}
        except UserError as err:
            return self.error_reply(err, command.path)
        return await self._execute(inv, command, checked)

    async def complete(self, inv: Invocation, path: str, option: str, typed: str,
                       limit: int = 25) -> tuple[str, ...]:
        """Names to offer while a member types an option (Discord autocomplete).

        The list is seen by the member alone and picks what the reply will show, so a name is
        offered only when the reply's audience would see it *and* the member may: the same rule
        as a "did you mean" hint. Never raises: a bad request offers nothing.
        """
        command = self.registry.get(path)
        wanted = next((o for o in command.options if o.name == option), None) if command else None
        if command is None or wanted is None or wanted.complete is None:
            return ()
        try:
            typed = check_input(typed[: wanted.max_length])
            if wanted.complete == ZONES:  # no story in a zone name: nothing to gate
                return suggest_zones(typed, limit)
            ctx = await self.store.context(inv.scope, inv.channel, inv.user)
        except UserError:
            return ()
        private = command.private or inv.private
        progress, mode, _who = _audience(ctx, Visibility.PRIVATE if private else Visibility.PUBLIC)

        def offer(reveal: Reveal) -> bool:
            return (decide(reveal, progress, mode) is Decision.SHOW
                    and reveal.visible_at(ctx.member))

        return self.names[CardKind(wanted.complete)].suggest(typed, offer, limit=limit)

    # -- the pipeline ----------------------------------------------------------------------
    async def _execute(self, inv: Invocation, command: Command, raw: dict[str, Any]) -> Reply:
        try:
            args = coerce(command, raw)
            ctx = await self.store.context(inv.scope, inv.channel, inv.user)
            if command.host_only and not (ctx.is_host or inv.is_admin):
                raise NotAllowed(_refusal(command, ctx))
            private = command.private or inv.private
            visibility = Visibility.PRIVATE if private else Visibility.PUBLIC
            progress, mode, who = _audience(ctx, visibility)
            # Everything a pure command's reply depends on. (A failed lookup's hints also
            # depend on the caller's own progress, which is why errors are never kept.)
            key = ((command.path, tuple(args.items()), progress, mode, visibility, who)
                   if command.pure else None)
            if key is not None and (kept := self._replies.get(key)) is not None:
                self._replies.move_to_end(key)
                return kept
            call = Call(self, inv, ctx, command, visibility, progress, mode, who)
            draft = await command.handler(call, **args)
            if command.moves_audience:
                ctx = await self.store.context(inv.scope, inv.channel, inv.user)
                progress, mode, who = _audience(ctx, visibility)
            if private and draft.visibility is not Visibility.PRIVATE:
                draft = _private(draft)
            if draft.visibility is Visibility.PRIVATE and not private:
                # A handler may only narrow who reads: re-cut to the caller's own progress.
                progress, mode, who = _audience(ctx, Visibility.PRIVATE)
                key = None
            reply = gate(draft, progress, mode, who=who, command=command.path)
            if reply.visibility is Visibility.PUBLIC and (reply.withheld or any(
                    p.state is PartState.TAG for p in reply.parts)):
                # Someone further along than the channel can see the rest for themselves.
                given = tuple((k, str(v)) for k, v in args.items() if v is not None)
                reply = replace(reply, actions=(
                    *reply.actions, Action("Just me", command.path, given, private=True)))
            reply = self._cite(reply, progress, mode)
            if key is not None and reply.kind is Kind.OK:
                self._replies[key] = reply
                if len(self._replies) > REPLIES_KEPT:
                    self._replies.popitem(last=False)
            return reply
        except UserError as err:
            return self.error_reply(err, command.path)
        except Exception:
            log.exception("command /%s failed for %s in %s/%s", command.path, inv.user,
                          inv.scope.platform, inv.channel)
            return self.error_reply(
                UserError(APOLOGY),
                command.path,
            )

    def _cite(self, reply: Reply, progress: Progress, mode: SpoilerMode) -> Reply:
        """Name the sources of the parts shown, except those whose own titles would give
        something away to this audience (a tagged part's sources would hint at it too)."""
        ids: dict[str, None] = {}
        for part in (*reply.parts, *reply.fields):
            if part.state is PartState.SHOW:
                ids.update(dict.fromkeys(part.sources))
        cited = tuple(
            source.title for i in ids
            if (source := self.content.sources.get(i))
            and decide(source.reveal, progress, mode) is Decision.SHOW
        )
        return replace(reply, sources=cited) if cited else reply

    def error_reply(self, err: UserError, command: str = "") -> Reply:
        parts = [Part(err.message)]
        if err.hint:
            parts.append(Part(err.hint))
        draft = Draft(parts=tuple(parts), visibility=Visibility.PRIVATE, kind=Kind.ERROR)
        return gate(draft, START, SpoilerMode.HIDE, who="you", command=command)


def check_input(text: str) -> str:
    """Ordinary text from phones and chat apps passes (no-break spaces, emoji joiners, several
    lines); control characters are refused, since nobody types them on purpose."""
    if len(text) > MAX_INPUT:
        raise BadInput(f"That is too long for a command ({len(text):,} characters; the most is "
                       f"{MAX_INPUT:,}).")
    text = unicodedata.normalize("NFKC", text)
    if any(unicodedata.category(c) == "Cc" and c not in "\t\r\n" for c in text):
        raise BadInput("That command has control characters in it. Please type it again "
                       "as plain text.")
    # Format characters (zero-width spaces and joiners) carry no meaning in a command.
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return " ".join(text.split())


def _audience(ctx: Context, visibility: Visibility) -> tuple[Progress, SpoilerMode, str]:
    channel_mode = ctx.club.mode if ctx.club else SpoilerMode.HIDE
    mode = effective_mode(channel_mode, visibility)
    if visibility is Visibility.PRIVATE:
        return ctx.member, mode, "you"
    if ctx.club:
        return ctx.club.progress, mode, "the club"
    return START, mode, "this channel"


def _private(draft: Draft) -> Draft:
    return replace(draft, visibility=Visibility.PRIVATE)


def _refusal(command: Command, ctx: Context) -> str:
    if ctx.club is None:
        return (f"`/{command.path}` is for club hosts, and there is no club in this channel yet. "
                "Start one with `/club create`.")
    return (f"Only a host of this channel's club can use `/{command.path}`. "
            "Ask a host, or a server admin, to do it.")
