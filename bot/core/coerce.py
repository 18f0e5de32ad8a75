"""What a command's typed option values mean: each checked and converted (text from Slack and
the console, typed values from Discord), or refused with a reason that names the option."""

from __future__ import annotations

from typing import Any

from bot.core.errors import BadInput
from bot.core.registry import Command, Option, OptionKind, quote
from bot.core.timeline import ProgressError
from bot.core.work import Timeline


def coerce(command: Command, raw: dict[str, Any], timeline: Timeline) -> dict[str, Any]:
    """Check and convert option values (text from Slack/console, typed values from Discord);
    progress points are read by the timeline of the work the command is about."""
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
        out[option.name] = _coerce_one(command, option, value, timeline)
    return out


def _coerce_one(command: Command, option: Option, value: Any, timeline: Timeline) -> Any:
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
        parse = timeline.parse_book if option.kind is OptionKind.CHAPTER else timeline.parse_film
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
