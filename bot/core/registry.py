"""Commands declared once, as data.

Each ``Command`` names its group and subcommand, its typed options, who may run it, whether its
reply is private, and its handler. The Discord adapter binds these natively (groups,
subcommands, typed options, choices, autocomplete); Slack and the console pass the words after
the command to ``Registry.parse``. ``/help`` is generated from the same declarations.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Collection, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.core.content.model import CardKind
from bot.core.errors import BadInput
from bot.core.typed_work import take_work
from bot.core.work import WorkInfo

if TYPE_CHECKING:
    from bot.core.reply import Draft


ZONES = "zones"  # an Option.complete that offers IANA time-zone names
WORKS = "works"  # an Option.complete that offers the installed works
SECTIONS = "sections"  # an Option.complete that offers the work's book sections
WORK_OPTION = "work"  # the option that names which work a command is about


class Form(StrEnum):
    """How a platform has members type a command, which is how help must show it."""

    WORDS = "words"  # the words after the command: Slack and the console (`novel 9`)
    OPTIONS = "options"  # named, typed options of a native command: Discord (`novel:9`)


# The platforms that bind every command as native options (Discord's slash commands).
_OPTIONS_ON = frozenset({"discord"})


def form_for(platform: str) -> Form:
    return Form.OPTIONS if platform in _OPTIONS_ON else Form.WORDS


class OptionKind(StrEnum):
    TEXT = "text"  # free words; the last text option takes the rest of the line
    INT = "int"
    CHOICE = "choice"
    MEMBER = "member"  # a platform user: <@id>, <@id|name>, @name or a bare id
    NAME = "name"  # a card name: forgiving lookup, autocomplete from what the reader may see
    # Progress points in the work's own terms, read by its timeline: a section's number or
    # name (`7`, `chapter twelve`, `day three evening`), film minutes (`45`, `1:10`), `done`.
    CHAPTER = "chapter"
    MINUTES = "minutes"
    WORK = "work"  # an installed work, by id, title or alias
    # A file the member gives (a Discord attachment; a Slack file's id or link; a console
    # path): the adapter reads it into ``Invocation.upload`` and passes its name here.
    FILE = "file"


@dataclass(frozen=True, slots=True)
class Option:
    name: str
    description: str
    kind: OptionKind = OptionKind.TEXT
    required: bool = True
    choices: tuple[str, ...] = ()
    min: int | None = None
    max: int | None = None
    # What autocomplete offers: the cards of a kind (NAME options), or ZONES (time zones).
    complete: CardKind | str | None = None
    max_length: int = 200
    rest: bool = True  # a last text/name option takes the rest of the line; False: one word
    # Typed as `NAME VALUE` in text (`/club progress film 1:00`), in any order, instead of by
    # position; on Discord it is an ordinary named option.
    keyword: bool = False
    aliases: tuple[str, ...] = ()  # other keywords for it in text (`novel` for `book`)

    def usage(self, form: Form = Form.WORDS) -> str:
        if self.kind is OptionKind.WORK:  # `work:ID` in words and as an option alike
            shown = f"{self.name}:ID" if form is Form.WORDS else f"{self.name}:<work>"
        elif form is Form.OPTIONS:  # `mode:<hide|tag|off>`, `book:<chapter>`
            value = "|".join(self.choices) or _VALUE_NAMES.get(
                self.kind, self.name.replace("_", " "))
            shown = f"{self.name}:<{value}>"
        else:
            shown = "|".join(self.choices) if self.choices else _VALUE_WORDS.get(
                self.kind, self.name.upper())
            if self.keyword:
                shown = f"{self.name} {shown}"
        return shown if self.required else f"[{shown}]"

    def label(self, form: Form = Form.WORDS) -> str:
        """How help names it: as its value is typed in words, or as the option is named."""
        return self.name if form is Form.OPTIONS else self.name.upper()


_VALUE_WORDS = {OptionKind.CHAPTER: "N|NAME", OptionKind.MINUTES: "MINUTES|H:MM"}
# What a native option takes: a progress point is text the work's timeline reads.
_VALUE_NAMES = {OptionKind.CHAPTER: "chapter or section", OptionKind.MINUTES: "minutes",
                OptionKind.INT: "number", OptionKind.MEMBER: "member"}


Handler = Callable[..., Awaitable["Draft"]]


@dataclass(frozen=True, slots=True)
class Ask:
    """One field of a command's form: a button marked ``Action.form`` opens it (a Discord
    modal, a Slack modal) and runs the command with the button's arguments and the answers.
    ``option`` names the command's option it fills; ``hint`` is the field's placeholder."""

    option: str
    required: bool = False
    hint: str = ""


@dataclass(frozen=True, slots=True)
class Command:
    group: str
    sub: str | None
    description: str
    handler: Handler
    options: tuple[Option, ...] = ()
    host_only: bool = False
    private: bool = False
    # The subcommand run when the group is typed on its own (`/progress` = `/progress show`).
    default: bool = False
    examples: tuple[str, ...] = ()
    # It changes whose progress or which mode cuts replies: its own reply follows the new one.
    moves_audience: bool = False
    # Its reply depends on nothing but the content, the options, the audience and how the
    # platform types commands (no store, no chance), so the core may give it again.
    pure: bool = False
    # A host (or an admin) is given more, only for them (`/about` with the running service's
    # numbers): their reply is never given again, as the kept replies' keys name no host.
    more_for_hosts: bool = False
    # How typed words split into options, for a command whose words do not fall into place
    # one by one (`/session schedule novel 9 at friday 19:30 "Part One" weekly`). None: by
    # keyword and position (``bind_words``). Discord passes typed options and never uses it.
    words: Callable[[Command, list[str]], dict[str, str]] | None = None
    syntax: str | None = None  # the usage line, where ``words`` reads more than the options
    # It uses the member's own time zone where the platform tells it (``Invocation.tz``), so
    # an adapter that must ask the platform for it (Slack) asks only for these.
    wants_tz: bool = False
    # The option whose words may name another installed work (`/ask ... the glass orchard`).
    work_from: str | None = None
    aliases: tuple[str, ...] = ()  # other words for the subcommand in text (`novel`)
    # What a button's form asks for (``Action.form``), in order: at most five fields.
    form: tuple[Ask, ...] = ()
    # `group sub`, or the group alone: made once, since every command reads it several times.
    path: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", f"{self.group} {self.sub}" if self.sub else self.group)

    def examples_for(self, info: WorkInfo) -> tuple[str, ...]:
        """The declared examples with a work's own names put in (`/character {character}`);
        one the work has no name for is left out, and so is one about the film of a work
        without one."""
        def names(kind: str) -> str | None:
            return info.id if kind == WORK_OPTION else info.example(kind)

        filmed = info.timeline.film is not None
        return tuple(e for example in self.examples if (e := fill_example(example, names))
                     and (filmed or "film" not in e.replace("/", " ").split()))

    def usage(self, form: Form = Form.WORDS) -> str:
        if self.syntax and form is Form.WORDS:
            return f"/{self.path} {self.syntax}"
        words = [f"/{self.path}", *(o.usage(form) for o in self.options)]
        return " ".join(words)


@dataclass(frozen=True, slots=True)
class Group:
    name: str
    description: str


class Registry:
    def __init__(self, groups: tuple[Group, ...], commands: tuple[Command, ...]) -> None:
        self._groups = {g.name: g for g in groups}
        self._commands: dict[str, Command] = {}
        for command in commands:
            if command.group not in self._groups:
                raise ValueError(f"command {command.path!r} has no declared group")
            if command.path in self._commands:
                raise ValueError(f"command {command.path!r} declared twice")
            names = [o.name for o in command.options]
            if len(set(names)) != len(names):
                raise ValueError(f"command {command.path!r} repeats an option name")
            if len(command.form) > 5 or not {a.option for a in command.form} <= set(names):
                raise ValueError(f"command {command.path!r} has a form Discord cannot show")
            self._commands[command.path] = command
        # Typed aliases of subcommands (`/progress novel` for `/progress book`).
        self._aliases = {f"{c.group} {alias}": c for c in self._commands.values()
                         for alias in c.aliases}
        self._by_group: dict[str, tuple[Command, ...]] = {}
        for command in self._commands.values():
            self._by_group[command.group] = (*self._by_group.get(command.group, ()), command)
        for group in self._groups:
            commands_in = self.in_group(group)
            if not commands_in:
                raise ValueError(f"group {group!r} has no commands")
            if any(c.sub is None for c in commands_in) and len(commands_in) > 1:
                raise ValueError(f"group {group!r} mixes a bare command with subcommands")

    def __iter__(self) -> Iterator[Command]:
        return iter(self._commands.values())

    def groups(self) -> tuple[Group, ...]:
        return tuple(self._groups.values())

    def group(self, name: str) -> Group | None:
        return self._groups.get(name)

    def get(self, path: str) -> Command | None:
        return self._commands.get(path) or self._aliases.get(path)

    def in_group(self, group: str) -> tuple[Command, ...]:
        return self._by_group.get(group, ())

    def with_command(self, command: Command, group: Group | None = None) -> Registry:
        """A copy with one more command (benchmarks add a no-op this way)."""
        groups = (*self.groups(), group) if group else self.groups()
        return Registry(groups, (*self._commands.values(), command))

    def example(self, text: str, form: Form) -> str:
        """A command as typed in words (a declared example), as members type it in ``form``:
        `/club progress film 1:00` is `/club progress film:60` where options are typed."""
        if form is Form.WORDS:
            return text
        try:
            command, raw = self.parse(text)
        except (BadInput, HelpRequested):  # not one command's words: shown as written
            return text
        # As typed: every option Discord takes is text the core reads, or a member picked.
        given = [f"{o.name}:@{raw[o.name].lstrip('@')}" if o.kind is OptionKind.MEMBER
                 else f"{o.name}:{raw[o.name]}" for o in command.options if raw.get(o.name)]
        return " ".join([f"/{command.path}", *given])

    def parse(self, text: str, work_names: Collection[str] = ()) -> tuple[Command,
                                                                        dict[str, str]]:
        """`/film cast` or `club progress novel 9` -> (command, raw option strings);
        ``work_names`` (folded) let a typed `work:` run over several words."""
        words = text.strip().split()
        if not words:
            raise BadInput("Type a command, for example `/help`.")
        head = words[0].removeprefix("/").lower()
        group = self._groups.get(head)
        if group is None:
            raise BadInput(
                f"I don't know the command {quote(words[0])}.",
                hint="Type `/help` to see every command.",
            )
        rest = words[1:]
        commands = self.in_group(head)
        if len(commands) == 1 and commands[0].sub is None:
            command = commands[0]
        elif rest and (found := self._commands.get(f"{head} {rest[0].lower()}")
                       or self._aliases.get(f"{head} {rest[0].lower()}")):
            command, rest = found, rest[1:]
        elif not rest and (default := next((c for c in commands if c.default), None)):
            command = default
        elif not rest or rest[0].lower() == "help":
            raise HelpRequested(head)
        else:
            subs = ", ".join(f"`{c.sub}`" for c in commands)
            said = f" {quote(rest[0])} is not one of them." if rest else ""
            raise BadInput(
                f"`/{head}` needs one of: {subs}.{said}",
                hint=f"Type `/help {head}` for details.",
            )
        if command.words is not None:
            return command, command.words(command, rest)
        return command, bind_words(command, rest, work_names)


class HelpRequested(Exception):  # a signal, not an error
    """`/film help`: the caller wants the group's help instead."""

    def __init__(self, group: str) -> None:
        super().__init__(group)
        self.group = group


def bind_words(command: Command, words: list[str], work_names: Collection[str] = ()
               ) -> dict[str, str]:
    """Words to options: `work:ID` anywhere names the work; `NAME VALUE` pairs for keyword
    options (a book point may be several words: `book day three evening`); the rest by
    position, a text, name or book option last in line taking the rest."""
    args: dict[str, str] = {}
    if any(o.name == WORK_OPTION for o in command.options):
        named = [n for n, w in enumerate(words) if w.lower().startswith(f"{WORK_OPTION}:")]
        if len(named) > 1:
            raise BadInput("Name one work, with `work:ID`.", hint=f"Usage: `{command.usage()}`")
        if named:
            args[WORK_OPTION], words = take_work(words, named[0], work_names)
            if not args[WORK_OPTION]:  # a bare `work:` would fall back to the default
                raise BadInput("`work:` needs a work's id after it; `/works` lists them.",
                               hint=f"Usage: `{command.usage()}`")
    keyed = {name: o for o in command.options if o.keyword for name in (o.name, *o.aliases)}
    if keyed:
        words = _keyword_values(command, words, keyed, args)
    options = [o for o in command.options if not o.keyword and o.name != WORK_OPTION]
    i = 0
    for n, option in enumerate(options):
        if i >= len(words):
            break
        last = n == len(options) - 1
        if option.kind in _REST_KINDS and option.rest and last:
            args[option.name] = " ".join(words[i:])
            i = len(words)
        else:
            args[option.name] = words[i]
            i += 1
    if i < len(words):
        extra = " ".join(words[i:])
        raise BadInput(
            f"`/{command.path}` does not take {quote(extra)}.",
            hint=f"Usage: `{command.usage()}`",
        )
    return args


# The option every lookup takes to be about another installed work than the club's.
WORK = Option(WORK_OPTION, "Which work (default: this channel's club's)", OptionKind.WORK,
              required=False, complete=WORKS, max_length=100, rest=False)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill_example(example: str, names: Callable[[str], str | None]) -> str | None:
    """An example with a work's own names in it: `/character {character}` -> `/character
    Mara`; None when the work has no such example name."""
    missing = False

    def name(match: re.Match[str]) -> str:
        nonlocal missing
        found = names(match[1])
        missing = missing or found is None
        return found or ""

    filled = _PLACEHOLDER.sub(name, example)
    return None if missing else filled


_REST_KINDS = (OptionKind.TEXT, OptionKind.NAME, OptionKind.CHAPTER)


def _keyword_values(command: Command, words: list[str], keyed: dict[str, Option],
                    args: dict[str, str]) -> list[str]:
    """Take each keyword and its value out of ``words``; what is left comes back. A book
    point runs to the next keyword; any other value is one word."""
    loose: list[str] = []
    i = 0
    while i < len(words):
        option = keyed.get(words[i].lower())
        if option is None:
            loose.append(words[i])
            i += 1
            continue
        end = i + 2
        if option.kind is OptionKind.CHAPTER:
            while end < len(words) and words[end].lower() not in keyed:
                end += 1
        said = words[i].lower()  # the keyword as typed (`novel` for `book`)
        value = " ".join(words[i + 1:end])
        if not value or words[i + 1].lower() in keyed:
            raise BadInput(f"`{said}` needs a value after it.",
                           hint=f"Usage: `{command.usage()}`")
        if option.name in args:
            raise BadInput(f"`{said}` is given twice.", hint=f"Usage: `{command.usage()}`")
        args[option.name] = value
        i = end
    return loose


def quote(text: str, limit: int = 60) -> str:
    """Echo what someone typed, safely: no control characters, no markup, bounded length."""
    clean = "".join(c if c.isprintable() else " " for c in text)
    clean = clean.replace("`", "'").replace("<", "‹").replace(">", "›").strip()
    if len(clean) > limit:
        clean = clean[: limit - 1].rstrip() + "…"
    return f"`{clean}`"
