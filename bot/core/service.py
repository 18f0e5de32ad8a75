"""The core's one entry point: an invocation in, a gated reply out.

Adapters build an ``Invocation`` and call ``Core.run_text`` (Slack, console) or ``Core.run``
(Discord, with typed options). The core reads what the command needs from the store in one
query, checks who may run it, decides whose progress cuts the reply, calls the handler and
passes its draft through the spoiler engine. Errors become polite replies; nothing raises out.
"""

from __future__ import annotations

import logging
import random
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from bot import __version__
from bot.core.audience import audience, fit, work_for
from bot.core.call import Call, Deps, Invocation
from bot.core.clubs import Club, Context, SpoilerMode
from bot.core.coerce import coerce
from bot.core.content.model import CardKind
from bot.core.errors import APOLOGY, BadInput, BadWords, NotAllowed, UserError
from bot.core.library import Library, Work
from bot.core.observe import RESTARTING, Observer, Outcome
from bot.core.registry import (
    SECTIONS,
    WORK_OPTION,
    WORKS,
    ZONES,
    Command,
    HelpRequested,
    Registry,
    fill_example,
    form_for,
    quote,
)
from bot.core.reply import JUST_ME, Action, Draft, Kind, Part, PartState, Reply, Visibility
from bot.core.spoilers import Decision, decide, gate
from bot.core.status import StatusSource
from bot.core.store import Store
from bot.core.timeline import START, Progress, Reveal
from bot.core.work import WorkInfo
from bot.core.zones import suggest_zones

log = logging.getLogger(__name__)

MAX_INPUT = 2000  # characters in one command line; Discord's own message limit
# Gated replies of pure commands kept for reuse: a club asks the same things at the same
# point again and again, and a reply is a few kilobytes.
REPLIES_KEPT = 2048
_clock = time.perf_counter  # looked up once: it runs twice on every observed command
# Words parsed (``Core.parse``), kept by the text typed: a few bytes each.
PARSES_KEPT = 1024
PARSED_LONGEST = 200  # characters: a longer text is parsed each time, never kept
_UNPARSED: Any = object()


@dataclass(frozen=True, slots=True)
class Home:
    """A member's own view (Slack's App Home): their progress in each work, and their clubs."""

    works: tuple[tuple[WorkInfo, Progress], ...]  # the default work first, then by title
    clubs: tuple[tuple[Club, str], ...]  # each club and the title of the work it reads


class Core:
    """Built once by the composition root (``bot.app``); adapters call only its entry points."""

    def __init__(self, library: Library, store: Store, registry: Registry, *,
                 rng: random.Random | None = None,
                 clock: Callable[[], datetime] | None = None,
                 version: str = __version__, observer: Observer | None = None,
                 status: StatusSource | None = None) -> None:
        self.deps = Deps(library=library, store=store, registry=registry,
                         rng=rng or random.Random(), clock=clock or _utc_now, version=version,
                         status=status)
        # Told of every command at the one place they all pass (bot.ops: metrics, logs, stop).
        self.observer = observer
        self._replies: OrderedDict[tuple[Any, ...], Reply] = OrderedDict()
        self._parsed: OrderedDict[str, tuple[Command, dict[str, str]] | None] = OrderedDict()

    # What tests, benchmarks and the scheduler read; handlers get them through ``Call.deps``.
    library = property(lambda self: self.deps.library)
    store = property(lambda self: self.deps.store)
    registry = property(lambda self: self.deps.registry)
    clock = property(lambda self: self.deps.clock)
    version = property(lambda self: self.deps.version)

    # -- entry points --------------------------------------------------------------------
    async def run_text(self, inv: Invocation, text: str) -> Reply:
        """Slack and the console: the words after the slash, as typed."""
        try:
            text = check_input(text)
            command, raw = self.registry.parse(text, self.library.names)
        except HelpRequested as wanted:
            return await self.run(inv, "help", {"command": wanted.group})
        except BadWords as err:
            return self.error_reply(await self._with_example(inv, err))
        except UserError as err:
            return self._observed_error(inv, err)
        return await self._execute(inv, command, raw)

    async def _with_example(self, inv: Invocation, err: BadWords) -> UserError:
        """The hint of words read before the work was known, with an example in the range
        of the channel's work (its club's, else the default)."""
        ctx = await self.store.context(inv.scope, inv.channel, inv.user)
        work = self.library.get(ctx.club.work) if ctx.club else None
        info = (work or self.library.default).info
        example = fill_example(err.example, info.example)
        hint = f"{err.hint}, for example `{example}`." if example else err.hint
        return UserError(err.message, hint=hint)

    def parse(self, text: str) -> tuple[Command, dict[str, str]] | None:
        """The command typed and its raw options, for an adapter that needs to know the
        command before running it (Slack looks a member up only for the commands that need
        it); None when the words name no command (``run_text`` answers those).

        Kept by the words typed: the same words parse the same way (the registry and the
        library's names are fixed), and members type the same few commands again and again.
        Each call gets its own copy of the options."""
        kept = self._parsed.get(text, _UNPARSED)
        if kept is _UNPARSED:
            try:
                kept = self.registry.parse(check_input(text), self.library.names)
            except (HelpRequested, UserError):
                kept = None
            if len(text) <= PARSED_LONGEST:
                self._parsed[text] = kept
                if len(self._parsed) > PARSES_KEPT:
                    self._parsed.popitem(last=False)
        else:
            self._parsed.move_to_end(text)
        return None if kept is None else (kept[0], dict(kept[1]))

    async def run_parsed(self, inv: Invocation, command: Command, raw: dict[str, str]
                         ) -> Reply:
        """A command ``parse`` found, run as ``run_text`` would have run it."""
        return await self._execute(inv, command, raw)

    async def run(self, inv: Invocation, path: str, args: Mapping[str, Any]) -> Reply:
        """Discord: a command path and typed option values."""
        command = self.registry.get(path)
        if command is None:
            return self._observed_error(
                inv, BadInput(f"I don't know the command {quote('/' + path)}."))
        try:
            # The same checks as typed text: a forged or pasted value gets no further here.
            checked = {k: check_input(v) if isinstance(v, str) else v for k, v in args.items()}
        except UserError as err:
            return self.error_reply(err, command.path)
        return await self._execute(inv, command, checked)

    async def complete(self, inv: Invocation, path: str, option: str, typed: str,
                       limit: int = 25, *, others: Mapping[str, Any] | None = None
                       ) -> tuple[str, ...]:
        """Names to offer while a member types an option (Discord autocomplete).

        The list is seen by the member alone and picks what the reply will show, so a name is
        offered only when the reply's audience would see it *and* the member may: the same rule
        as a "did you mean" hint. ``others``: the values of the command's other options typed
        so far (a `work` among them picks the work). Never raises: a bad request offers nothing.
        """
        command = self.registry.get(path)
        wanted = next((o for o in command.options if o.name == option), None) if command else None
        if command is None or wanted is None or wanted.complete is None:
            return ()
        try:
            typed = check_input(typed[: wanted.max_length])
            if wanted.complete == ZONES:  # no story in a zone name: nothing to gate
                return suggest_zones(typed, limit)
            if wanted.complete == WORKS:  # nor in a work's title
                return self.library.suggest(typed, limit)
            ctx = await self.store.context(inv.scope, inv.channel, inv.user)
            given = {k: check_input(v) for k, v in (others or {}).items() if isinstance(v, str)}
            work = work_for(self.library, command, given, ctx)
        except UserError:
            return ()
        if wanted.complete == SECTIONS:  # the book's table of contents carries no story
            return work.timeline.section_choices(typed, limit)
        private = command.private or inv.private
        progress, mode, _who = audience(
            ctx, Visibility.PRIVATE if private else Visibility.PUBLIC, work)
        member = ctx.member_in(work.id)

        def offer(reveal: Reveal) -> bool:
            return decide(reveal, progress, mode) is Decision.SHOW and reveal.visible_at(member)

        return work.names[CardKind(wanted.complete)].suggest(typed, offer, limit=limit)

    async def home(self, inv: Invocation) -> Home:
        """The member's own view: their progress in each work, and their clubs here."""
        ctx = await self.store.context(inv.scope, inv.channel, inv.user)
        default = self.library.default
        works = (default, *sorted((w for w in self.library if w is not default),
                                  key=lambda w: w.title))
        clubs = await self.store.clubs_of(inv.scope, inv.user)
        titles = {w.id: w.title for w in self.library}
        return Home(tuple((w.info, fit(ctx.member_in(w.id), w.timeline)) for w in works),
                    tuple((c, titles.get(c.work, c.work)) for c in clubs))

    async def thread_opened(self, night: int, ref: str) -> None:
        """An adapter opened a night's thread (``OpenThread``): keep its reference with the
        night, so the night's later replies can say where they belong (``InThread``)."""
        await self.store.set_thread(night, ref)

    # -- the pipeline ----------------------------------------------------------------------
    async def _execute(self, inv: Invocation, command: Command, raw: dict[str, Any]) -> Reply:
        """Every command passes here once: the observer (if any) is told, and may turn it
        away while the service stops."""
        observer = self.observer
        if observer is None:
            return (await self._guarded(inv, command, raw))[0]
        path = command.path
        if not observer.admit(inv, path):
            return self.error_reply(UserError(RESTARTING), path)
        start = _clock()
        answered: tuple[Reply, Outcome] | None = None
        try:
            answered = await self._guarded(inv, command, raw)
            return answered[0]
        finally:  # cancelled too: an admitted command is always reported done
            if answered is None:
                answered = self.error_reply(UserError(APOLOGY), path), Outcome.ERROR
            observer.done(inv, path, answered[1], _clock() - start, answered[0])

    def _observed_error(self, inv: Invocation, err: UserError) -> Reply:
        """Words that name no command: refused before any command runs."""
        reply = self.error_reply(err)
        if self.observer is not None and self.observer.admit(inv, ""):
            self.observer.done(inv, "", Outcome.REFUSED, 0.0, reply)
        return reply

    async def _guarded(self, inv: Invocation, command: Command, raw: dict[str, Any]
                       ) -> tuple[Reply, Outcome]:
        """The error boundary: a person's mistake is a polite reply, anything else is logged
        and apologised for. Nothing raises out of the core."""
        try:
            return await self._answer(inv, command, raw), Outcome.OK
        except UserError as err:
            return self.error_reply(err, command.path), Outcome.REFUSED
        except Exception:
            log.exception("command /%s failed for %s in %s/%s", command.path, inv.user,
                          inv.scope.platform, inv.channel)
            return self.error_reply(UserError(APOLOGY), command.path), Outcome.ERROR

    def _placed(self, ctx: Context) -> None:
        """The observer (if any) is told the club the running command has read, for its logs."""
        if self.observer is not None:
            self.observer.placed(ctx.club.id if ctx.club is not None else None)

    async def _answer(self, inv: Invocation, command: Command, raw: dict[str, Any]) -> Reply:
        ctx = await self.store.context(inv.scope, inv.channel, inv.user)
        self._placed(ctx)
        work = work_for(self.library, command, raw, ctx)
        args = coerce(command, raw, work.timeline)
        if command.host_only and not (ctx.is_host or inv.is_admin):
            raise NotAllowed(_refusal(command, ctx))
        private = command.private or inv.private
        visibility = Visibility.PRIVATE if private else Visibility.PUBLIC
        progress, mode, who = audience(ctx, visibility, work)
        # Everything a pure command's reply depends on. (A failed lookup's hints also depend
        # on the caller's own progress, which is why errors are never kept.)
        key = ((command.path, tuple(args.items()), work.id, progress, mode, visibility, who,
                form_for(inv.scope.platform))
               if command.pure and not (command.more_for_hosts and (ctx.is_host or inv.is_admin))
               else None)
        if key is not None and (kept := self._replies.get(key)) is not None:
            self._replies.move_to_end(key)
            return kept
        call = Call(self.deps, inv, ctx, command, work, visibility, progress, mode, who)
        draft = await command.handler(call, **{k: v for k, v in args.items()
                                               if k != WORK_OPTION})
        if command.moves_audience:
            ctx = await self.store.context(inv.scope, inv.channel, inv.user)
            self._placed(ctx)
            work = work_for(self.library, command, raw, ctx)
            progress, mode, who = audience(ctx, visibility, work)
        if private and draft.visibility is not Visibility.PRIVATE:
            draft = _private(draft)
        if draft.visibility is Visibility.PRIVATE and not private:
            # A handler may only narrow who reads: re-cut to the caller's own progress.
            progress, mode, who = audience(ctx, Visibility.PRIVATE, work)
            key = None
        reply = gate(draft, progress, mode, who=who, timeline=work.timeline,
                     command=command.path)
        reply = replace(_offer_just_me(reply, command, args), work=work.title)
        reply = self._cite(reply, work, progress, mode)
        if key is not None and reply.kind is Kind.OK:
            self._replies[key] = reply
            if len(self._replies) > REPLIES_KEPT:
                self._replies.popitem(last=False)
        return reply

    def _cite(self, reply: Reply, work: Work, progress: Progress, mode: SpoilerMode) -> Reply:
        """Name the sources of the parts shown, except those whose own titles would give
        something away to this audience (a tagged part's sources would hint at it too)."""
        ids: dict[str, None] = {}
        for part in (*reply.parts, *reply.fields):
            if part.state is PartState.SHOW:
                ids.update(dict.fromkeys(part.sources))
        cited = tuple(
            source.title for i in ids
            if (source := work.content.sources.get(i))
            and decide(source.reveal, progress, mode) is Decision.SHOW
        )
        return replace(reply, sources=cited) if cited else reply

    def error_reply(self, err: UserError, command: str = "") -> Reply:
        parts = [Part(err.message)]
        if err.hint:
            parts.append(Part(err.hint))
        draft = Draft(parts=tuple(parts), visibility=Visibility.PRIVATE, kind=Kind.ERROR)
        return gate(draft, START, SpoilerMode.HIDE, who="you",
                    timeline=self.library.default.timeline, command=command)


def check_input(text: str) -> str:
    """Ordinary text from phones and chat apps passes (no-break spaces, emoji joiners, several
    lines); control characters are refused, since nobody types them on purpose."""
    if len(text) > MAX_INPUT:
        raise BadInput(f"That is too long for a command ({len(text):,} characters; the most is "
                       f"{MAX_INPUT:,}).")
    if text.isascii() and text.isprintable():
        # Nearly every command: NFKC leaves printable ASCII as it is, and it has no control
        # or format characters, so only the spaces are left to tidy (the loops below cost
        # more than the rest of parsing).
        return " ".join(text.split())
    text = unicodedata.normalize("NFKC", text)
    if any(unicodedata.category(c) == "Cc" and c not in "\t\r\n" for c in text):
        raise BadInput("That command has control characters in it. Please type it again "
                       "as plain text.")
    # Format characters (zero-width spaces and joiners) carry no meaning in a command.
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return " ".join(text.split())


def _offer_just_me(reply: Reply, command: Command, args: dict[str, Any]) -> Reply:
    """A channel reply that held something back offers the same command privately: someone
    further along than the channel can see the rest for themselves."""
    if reply.visibility is not Visibility.PUBLIC or not (
            reply.withheld or any(p.state is PartState.TAG for p in reply.parts)):
        return reply
    if any(a.label == JUST_ME for a in reply.actions):  # the handler offers its own
        return reply
    given = tuple((k, str(v)) for k, v in args.items() if v is not None)
    return replace(reply, actions=(*reply.actions,
                                   Action(JUST_ME, command.path, given, private=True)))


def _private(draft: Draft) -> Draft:
    return replace(draft, visibility=Visibility.PRIVATE)


def _refusal(command: Command, ctx: Context) -> str:
    if ctx.club is None:
        return (f"`/{command.path}` is for club hosts, and there is no club in this channel yet. "
                "Start one with `/club create`.")
    return (f"Only a host of this channel's club can use `/{command.path}`. "
            "Ask a host, or a server admin, to do it.")


def _utc_now() -> datetime:
    return datetime.now(UTC)
