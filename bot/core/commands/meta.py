"""`/help` (generated from the declarations) and `/about`."""

from __future__ import annotations

import logging
from dataclasses import replace

from rapidfuzz import fuzz, process

from bot.core.call import Call
from bot.core.content.model import CardKind
from bot.core.errors import NotFound
from bot.core.registry import WORK, Command, Form, Group, Option, form_for, quote
from bot.core.reply import Draft, Part, Visibility
from bot.core.status import ServiceStatus
from bot.core.work import WorkInfo

log = logging.getLogger(__name__)

HOW_SPOILERS_WORK = (
    "Every part of every answer knows the chapter of the novel and the minute of the film "
    "where it is first revealed. A reply in a channel is cut to the club's progress there (set "
    "by a host); a reply only you see is cut to your own (`/progress`). Seen in either medium "
    "counts as known. A host picks how held-back parts are shown: `hide` leaves them out and "
    "says when they open, `tag` hides them behind a spoiler, `off` shows everything."
)


FOR_HOSTS = "hosts also see the service's numbers, privately"


def _line(command: Command, form: Form) -> str:
    notes = [n for n, on in (("hosts only", command.host_only),
                             ("only you see the reply", command.private),
                             (FOR_HOSTS, command.more_for_hosts)) if on]
    extra = f" ({', '.join(notes)})" if notes else ""
    return f"`{command.usage(form)}`: {command.description}{extra}"


async def help_(call: Call, command: str | None = None) -> Draft:
    registry = call.deps.registry
    # Shown as this platform has members type commands: words (Slack, the console) or a
    # native command's named options (Discord).
    form = form_for(call.inv.scope.platform)
    if not command:
        parts = tuple(
            Part("\n".join(_line(c, form) for c in registry.in_group(g.name)),
                 label=f"/{g.name}")
            for g in registry.groups()
        )
        return Draft(title="Commands", parts=parts,
                     footer=f"Type `{registry.example('/help COMMAND', form)}` for details, "
                            f"for example `{registry.example('/help club', form)}`.")
    words = command.removeprefix("/").lower().split()
    group = registry.group(words[0]) if words else None
    if group is None:
        names = [g.name for g in registry.groups()]
        close = [n for n, score, _i in process.extract(words[0] if words else "", names,
                                                       scorer=fuzz.WRatio, limit=3) if score >= 60]
        raise NotFound(f"There is no command {quote(command)}.",
                       hint=("Did you mean " + " or ".join(f"`/help {n}`" for n in close) + "?")
                       if close else "Type `/help` to see every command.")
    commands = registry.in_group(group.name)
    if len(words) > 1:
        one = registry.get(f"{group.name} {words[1]}")
        if one is None:
            subs = ", ".join(f"`{c.sub}`" for c in commands if c.sub)
            raise NotFound(f"`/{group.name}` has no {quote(words[1])}.",
                           hint=f"It has: {subs}." if subs else None)
        commands = (one,)
    parts = []
    for c in commands:
        lines = [c.description + "."]
        if form is Form.OPTIONS and c.options:
            lines.append(f"`{c.usage(form)}`")
        lines += [f"{o.label(form)}: {o.description}" for o in c.options]
        if c.host_only:
            lines.append("Only a club host (or a server admin) may run it.")
        if c.private:
            lines.append("Only you see the reply, cut to your own progress.")
        if c.more_for_hosts:
            lines.append("A club host (or a server admin) of a running bot is also shown its "
                         "uptime, store, last backup and connections, privately.")
        examples = c.examples_for(call.work.info)
        if examples:
            lines.append("For example: " + ", ".join(
                f"`{registry.example(e, form)}`" for e in examples))
        parts.append(Part("\n".join(lines), label=f"/{c.path}"))
    return Draft(title=f"/{group.name}: {group.description}", parts=tuple(parts))


def _work_line(info: WorkInfo) -> str:
    film = info.timeline.film
    also = f", and the {film.year} film" if film else ""
    return f"*{info.title}* by {info.author} ({info.year}{also})"


async def about(call: Call) -> Draft:
    content = call.content
    works = "; ".join(_work_line(w.info) for w in call.deps.library)
    counts = (
        f"{len(content.facts)} facts, {len(content.people)} people, "
        f"{len(content.cards_of(CardKind.CHARACTER))} characters, "
        f"{len(content.cards_of(CardKind.SETTING))} settings, "
        f"{len(content.cards_of(CardKind.TERM))} glossary terms, "
        f"{len(content.cards_of(CardKind.THEME))} themes, "
        f"{len(content.cards_of(CardKind.DIFFERENCE))} book-film differences, "
        f"{len(content.prompts)} discussion prompts"
    )
    draft = Draft(
        title="About this bot",
        parts=(
            Part("A discussion bot for book and film clubs. It never tells anyone what they "
                 "have not yet read or watched."),
            Part(f"{works}. `/works` lists them; a club reads one at a time.", label="Works"),
            Part(HOW_SPOILERS_WORK, label="How spoilers work"),
            Part(f"{call.work.title}: {counts}. Every fact names its sources "
                 f"({len(content.sources)} in all); answers list the ones they used. All text "
                 "is our own words.", label="Content"),
        ),
        fields=(Part(call.deps.version, label="Version"),),
    )
    if call.deps.status is None or not (call.ctx.is_host or call.inv.is_admin):
        return draft  # what every member sees, in the channel
    # A host's (the "/about for admins"): the service's numbers too, for them alone.
    try:
        fields = await _service_fields(call)
    except Exception:  # a store that does not answer: the member's /about still does
        log.exception("the service's numbers for /about could not be read")
        return draft
    return replace(draft, parts=(*draft.parts, Part(
        "The running service's numbers, shown only to you as a host; `/status` gives them "
        "alone.", label="For hosts")), fields=fields, visibility=Visibility.PRIVATE)



def _size(n: int | None) -> str:
    if n is None:
        return "size unknown"
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return ""


def _since(seconds: float) -> str:
    minutes, _ = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    return (f"{days} d {hours} h" if days else f"{hours} h {minutes} min" if hours
            else f"{minutes} min")


def _connections(found: ServiceStatus) -> str:
    line = found.connections or "unknown"
    return f"{line}; reminders sent by worker `{found.worker}`" if found.worker else line


async def _service_fields(call: Call) -> tuple[Part, ...]:
    """Version, works, uptime, store, last backup and connections: what a dashboard says."""
    library = call.deps.library
    works = "\n".join(f"{w.title} (`{w.id}`)" + (", the default" if w is library.default else "")
                      for w in library)
    fields = [Part(call.deps.version, label="Version"), Part(works, label="Works loaded")]
    source = call.deps.status
    if source is None:
        return tuple(fields)
    now = call.now()
    found = await source()
    backup = "none recorded"
    if found.last_backup:
        ago = _since((now - found.last_backup).total_seconds())
        backup = f"{found.last_backup:%Y-%m-%d %H:%M} UTC ({ago} ago)"
    return (*fields,
            Part(f"{_since((now - found.started).total_seconds())}, since "
                 f"{found.started:%Y-%m-%d %H:%M} UTC", label="Up"),
            Part(f"{found.store_kind}, {_size(found.store_bytes)}", label="Store"),
            Part(backup, label="Last backup"),
            Part(_connections(found), label="Connections"))


async def status(call: Call) -> Draft:
    """The running service's numbers, for a host: what a dashboard would say."""
    fields = await _service_fields(call)
    if call.deps.status is None:
        return Draft(title="Service status", parts=(
            Part("This bot is not running as a service here: no uptime, store or backup "
                 "numbers to show."),), fields=fields)
    return Draft(title="Service status", parts=(), fields=fields)


GROUPS = (
    Group("help", "Every command, or one command in detail"),
    Group("about", "Version, content sources, and how spoilers work"),
    Group("status", "For hosts: the running bot's version, uptime, works, store and backups"),
)
COMMANDS = (
    Command("help", None, "Every command, or one command in detail", help_,
            (Option("command", "A command, such as club or film", required=False,
                    max_length=100), WORK), pure=True,
            examples=("/help", "/help club")),
    Command("about", None, "Version, content sources, and how spoilers work", about,
            (WORK,), pure=True, more_for_hosts=True, examples=("/about",)),
    Command("status", None, "The running bot's version, uptime, works, store, last backup "
            "and connections", status, host_only=True, private=True, examples=("/status",)),
)

