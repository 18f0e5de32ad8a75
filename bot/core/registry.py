"""Commands declared once, as data.

Each ``Command`` names its group and subcommand, its typed options, who may run it, whether its
reply is private, and its handler. The Discord adapter binds these natively (groups,
subcommands, typed options, choices, autocomplete); Slack and the console pass the words after
the command to ``Registry.parse``. ``/help`` is generated from the same declarations.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from bot.core.content.model import CardKind
from bot.core.errors import BadInput
from bot.core.timeline import ProgressError, parse_chapter, parse_minute

if TYPE_CHECKING:
    from bot.core.reply import Draft


ZONES = "zones"  # an Option.complete that offers IANA time-zone names


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
    # Progress points, typed: Discord binds them as integer ranges; text may also say `done`
    # (and `H:MM` for the film).
    CHAPTER = "chapter"
    MINUTES = "minutes"


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

    def usage(self, form: Form = Form.WORDS) -> str:
        if form is Form.OPTIONS:  # `mode:<hide|tag|off>`, `novel:<chapter>`
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


_VALUE_WORDS = {OptionKind.CHAPTER: "N", OptionKind.MINUTES: "MINUTES|H:MM"}
# What a native option takes (Discord binds chapters and minutes as whole numbers).
_VALUE_NAMES = {OptionKind.CHAPTER: "chapter", OptionKind.MINUTES: "minutes",
                OptionKind.INT: "number", OptionKind.MEMBER: "member"}


Handler = Callable[..., Awaitable["Draft"]]


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
    # How typed words split into options, for a command whose words do not fall into place
    # one by one (`/session schedule novel 9 at friday 19:30 "Part One" weekly`). None: by
    # keyword and position (``bind_words``). Discord passes typed options and never uses it.
    words: Callable[[Command, list[str]], dict[str, str]] | None = None
    syntax: str | None = None  # the usage line, where ``words`` reads more than the options
    # It uses the member's own time zone where the platform tells it (``Invocation.tz``), so
    # an adapter that must ask the platform for it (Slack) asks only for these.
    wants_tz: bool = False

    @property
    def path(self) -> str:
        return f"{self.group} {self.sub}" if self.sub else self.group

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
            self._commands[command.path] = command
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
        return self._commands.get(path)

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
            values = coerce(command, raw)
        except (BadInput, HelpRequested):  # not one command's words: shown as written
            return text
        given = [f"{o.name}:{'@' if o.kind is OptionKind.MEMBER else ''}{values[o.name]}"
                 for o in command.options if values.get(o.name) is not None]
        return " ".join([f"/{command.path}", *given])

    def parse(self, text: str) -> tuple[Command, dict[str, str]]:
        """`/film cast` or `club progress novel 9` -> (command, raw option strings)."""
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
        elif rest and (found := self._commands.get(f"{head} {rest[0].lower()}")):
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
        return command, bind_words(command, rest)


class HelpRequested(Exception):  # a signal, not an error
    """`/film help`: the caller wants the group's help instead."""

    def __init__(self, group: str) -> None:
        super().__init__(group)
        self.group = group


def bind_words(command: Command, words: list[str]) -> dict[str, str]:
    """Words to options: `NAME VALUE` pairs for keyword options, the rest by position; a text
    or name option last in line takes the rest."""
    args: dict[str, str] = {}
    keyed = {o.name: o for o in command.options if o.keyword}
    if keyed:
        loose: list[str] = []
        words_in = iter(words)
        for word in words_in:
            option = keyed.get(word.lower())
            if option is None:
                loose.append(word)
                continue
            value = next(words_in, None)
            if value is None or value.lower() in keyed:
                raise BadInput(f"`{option.name}` needs a value after it.",
                               hint=f"Usage: `{command.usage()}`")
            if option.name in args:
                raise BadInput(f"`{option.name}` is given twice.",
                               hint=f"Usage: `{command.usage()}`")
            args[option.name] = value
        words = loose
    options = [o for o in command.options if not o.keyword]
    i = 0
    for n, option in enumerate(options):
        if i >= len(words):
            break
        last = n == len(options) - 1
        if option.kind in (OptionKind.TEXT, OptionKind.NAME) and option.rest and last:
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


def quote(text: str, limit: int = 60) -> str:
    """Echo what someone typed, safely: no control characters, no markup, bounded length."""
    clean = "".join(c if c.isprintable() else " " for c in text)
    clean = clean.replace("`", "'").replace("<", "‹").replace(">", "›").strip()
    if len(clean) > limit:
        clean = clean[: limit - 1].rstrip() + "…"
    return f"`{clean}`"


def coerce(command: Command, raw: dict[str, Any]) -> dict[str, Any]:
    """Check and convert option values (text from Slack/console, typed values from Discord)."""
    unknown = set(raw) - {o.name for o in command.options}
    if unknown:
        raise BadInput(f"`/{command.path}` has no option {quote(sorted(unknown)[0])}.",
                       hint=f"Usage: `{command.usage()}`")
    out: dict[str, Any] = {}
    for option in command.options:
        value = raw.get(option.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if option.required:
                raise BadInput(
                    f"`/{command.path}` needs {option.name.upper()}: {option.description}",
                    hint=f"Usage: `{command.usage()}`",
                )
            out[option.name] = None
            continue
        out[option.name] = _coerce_one(command, option, value)
    return out


def _coerce_one(command: Command, option: Option, value: Any) -> Any:
    if option.kind is OptionKind.INT:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise BadInput(f"{option.name.upper()} must be a whole number, not {quote(str(value))}."
                           ) from None
        low = option.min if option.min is not None else number
        high = option.max if option.max is not None else number
        if not low <= number <= high:
            raise BadInput(f"{option.name.upper()} must be from {low} to {high}, not {number}.")
        return number
    if option.kind in (OptionKind.CHAPTER, OptionKind.MINUTES):
        parse = parse_chapter if option.kind is OptionKind.CHAPTER else parse_minute
        try:
            return parse(str(value))
        except ProgressError as err:
            raise BadInput(str(err)) from None
    text = str(value).strip()
    if len(text) > option.max_length:
        raise BadInput(
            f"That {option.name} is too long ({len(text)} characters; the most is "
            f"{option.max_length})."
        )
    if option.kind is OptionKind.CHOICE:
        word = text.lower()
        if word not in option.choices:
            raise BadInput(
                f"{option.name.upper()} must be one of "
                f"{', '.join(f'`{c}`' for c in option.choices)}"
                f", not {quote(text)}.",
                hint=f"Usage: `{command.usage()}`",
            )
        return word
    if option.kind is OptionKind.MEMBER:
        return parse_member(text)
    return text


# Group mentions on Discord and Slack (`@everyone`, `<!here>`): never a member.
_EVERYONE = frozenset({"everyone", "here", "channel", "group"})


def parse_member(text: str) -> str:
    """`<@123>`, `<@!123>`, `<@U123|name>`, `@alice` or `alice` -> a user id."""
    word = text.strip()
    if word[:2] in ("<@", "<!") and word.endswith(">"):
        word = word[2:-1].lstrip("!").split("|", 1)[0]
    word = word.lstrip("@").lstrip("!")
    if word.lower() in _EVERYONE:
        raise BadInput(
            f"{quote(text)} is everyone, not a member: mention one person, like `@name`."
        )
    if not word or len(word) > 64 or not all(c.isalnum() or c in "._-" for c in word):
        raise BadInput(
            f"{quote(text)} is not a member I can recognise: mention them, like `@name`."
        )
    return word
