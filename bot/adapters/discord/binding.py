"""The core's declarations bound natively as discord.py application commands.

Nothing here is written per command: each core group becomes a top-level slash command (a bare
command) or an ``app_commands.Group`` of subcommands, and each option a typed parameter:
integer ranges, choices for fixed sets, a user picker for members, autocomplete for card names,
works and a book's sections. A progress point is text (`7`, `day three evening`, `1:10`) that
the work's own timeline reads, so the tree is the same for every work. The callbacks only hand
the values to the adapter; the core re-validates every one (Discord's ranges and autocomplete
are checked only by its clients).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import discord
from discord import app_commands

from bot.core.registry import Command, Option, OptionKind, Registry

# The bot's data is per server, so its commands are offered in servers only.
GUILD_ONLY = app_commands.AppCommandContext(guild=True)
GUILD_INSTALL = app_commands.AppInstallationType(guild=True)
DESCRIPTION = 100  # Discord's limit for command and option descriptions

Run = Callable[[discord.Interaction, str, dict[str, Any]], Awaitable[None]]
Complete = Callable[[discord.Interaction, str, str, str], Awaitable[list[str]]]


def _annotation(option: Option) -> Any:
    kind = option.kind
    if kind is OptionKind.INT:
        return app_commands.Range[int, option.min, option.max]
    if kind is OptionKind.CHOICE:
        return Literal.__getitem__(option.choices)
    if kind is OptionKind.MEMBER:
        return discord.User  # a member in a server: Discord shows its own picker
    if kind is OptionKind.FILE:
        return discord.Attachment  # a file the member attaches; the client reads it
    return app_commands.Range[str, 1, option.max_length]


def _plain(value: Any) -> Any:
    """An option value as the core takes it: a member becomes its id (an attachment stays
    itself, for the client to give the core as ``Invocation.upload``)."""
    # The concrete classes: discord.abc.User is a runtime Protocol, slow to isinstance-check.
    if isinstance(value, discord.Member | discord.User):
        return str(value.id)
    return value


def _callback(command: Command, run: Run, complete: Complete) -> Callable[..., Awaitable[None]]:
    path = command.path

    async def callback(interaction: discord.Interaction, **values: Any) -> None:
        await run(interaction, path, {k: _plain(v) for k, v in values.items() if v is not None})

    params = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                annotation=discord.Interaction)]
    for option in command.options:
        params.append(inspect.Parameter(
            option.name, inspect.Parameter.KEYWORD_ONLY, annotation=_annotation(option),
            default=inspect.Parameter.empty if option.required else None))
    callback.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    callback.__discord_app_commands_param_description__ = {  # type: ignore[attr-defined]
        o.name: _short(o.description) for o in command.options}
    completing = {o.name: _autocomplete(path, o.name, complete)
                  for o in command.options if o.complete is not None}
    if completing:
        callback.__discord_app_commands_param_autocomplete__ = completing  # type: ignore[attr-defined]
    return callback


def _autocomplete(path: str, option: str, complete: Complete
                  ) -> Callable[..., Awaitable[list[app_commands.Choice[str]]]]:
    async def autocomplete(interaction: discord.Interaction, current: str
                           ) -> list[app_commands.Choice[str]]:
        names = await complete(interaction, path, option, current)
        # Discord takes at most 25 choices of at most 100 characters; discord.py cuts neither.
        return [app_commands.Choice(name=n[:100], value=n[:100]) for n in names[:25]]

    return autocomplete


def _short(text: str) -> str:
    return text if len(text) <= DESCRIPTION else text[: DESCRIPTION - 1] + "…"


def _command(command: Command, run: Run, complete: Complete, *, name: str,
             parent: app_commands.Group | None) -> app_commands.Command[Any, ..., None]:
    extra = {} if parent else {"allowed_contexts": GUILD_ONLY, "allowed_installs": GUILD_INSTALL}
    return app_commands.Command(name=name, description=_short(command.description),
                                callback=_callback(command, run, complete), parent=parent, **extra)


def bind(tree: app_commands.CommandTree, registry: Registry, run: Run, complete: Complete
         ) -> None:
    """Add every core command to ``tree``: ``run(interaction, path, values)`` answers them and
    ``complete(interaction, path, option, typed)`` offers names while a member types."""
    for group in registry.groups():
        commands = registry.in_group(group.name)
        if len(commands) == 1 and commands[0].sub is None:
            tree.add_command(_command(commands[0], run, complete, name=group.name, parent=None))
            continue
        parent = app_commands.Group(name=group.name, description=_short(group.description),
                                    allowed_contexts=GUILD_ONLY, allowed_installs=GUILD_INSTALL)
        for command in commands:
            assert command.sub is not None  # the registry refuses a bare command in a group
            parent.add_command(_command(command, run, complete, name=command.sub, parent=parent))
        tree.add_command(parent)
