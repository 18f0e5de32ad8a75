"""The Discord adapter: a discord.py client that binds the core's commands and renders its
replies.

- Every slash command, autocomplete and button goes to the core; the core's gated reply comes
  back and is rendered here (``render.py``). The adapter decides how a spoiler is hidden, never
  whether: it only ever sees what the core let through.
- Each answer is sent at once when the core is quick (it almost always is, in about a
  millisecond); when it takes longer than ``DEFER_AFTER`` the interaction is deferred, so
  Discord's 3-second deadline is never missed, and the answer follows.
- ``AllowedMentions.none()`` on the client and on every send: text from content or members
  never pings anyone, not even with ``@everyone`` typed into a search.
- One error boundary: a user's mistake is a polite private message (the core words it);
  anything unexpected is logged with the interaction's context and the member gets a short
  apology. No traceback reaches Discord.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import discord
from discord import app_commands

from bot.adapters.discord.binding import bind
from bot.adapters.discord.buttons import CommandButton, Press, resolve
from bot.adapters.discord.forms import FORM, answers, form_id, modal_for
from bot.adapters.discord.nights import DiscordNights
from bot.adapters.discord.render import NO_MENTIONS
from bot.adapters.discord.respond import Responder, on_ephemeral, say_privately, where
from bot.adapters.state import AdapterState
from bot.core.call import Invocation, Upload
from bot.core.clubs import Scope
from bot.core.errors import APOLOGY
from bot.core.reply import Reply
from bot.core.service import Core

log = logging.getLogger(__name__)

_SYNC_KEY = "discord:synced:"
ANSWER_AT_CLOSE = 5.0  # seconds a close waits for answers in flight (Discord's own 3 s and more)


def intents() -> discord.Intents:
    """No privileged intent: slash commands need none (platform-contract.md §A9). ``guilds``
    keeps discord.py's channel and thread caches filled."""
    chosen = discord.Intents.none()
    chosen.guilds = True
    return chosen


def attached(values: Mapping[str, Any]) -> Upload | None:
    """The file a member attached to the command: Discord tells its name and size, and it
    is read from Discord's CDN only if the core wants it (after its size check)."""
    file = next((v for v in values.values() if isinstance(v, discord.Attachment)), None)
    if file is None:
        return None

    async def read(most: int) -> bytes:
        return (await file.read())[:most]

    return Upload(file.filename, file.size, read)


def invocation(interaction: discord.Interaction, *, private: bool = False,
               upload: Upload | None = None) -> Invocation:
    guild = interaction.guild_id
    channel = interaction.channel
    channel_id = interaction.channel_id
    # A thread belongs to its channel's club.
    if isinstance(channel, discord.Thread) and channel.parent_id:
        channel_id = channel.parent_id
    perms = interaction.permissions  # worked out by Discord for this member in this channel
    return Invocation(
        Scope("discord", str(guild) if guild else f"dm-{interaction.user.id}"),
        str(channel_id),
        str(interaction.user.id),
        is_admin=perms.manage_guild or perms.administrator,
        private=private,
        name=interaction.user.display_name,
        upload=upload,
    )


def _submits_form(interaction: discord.Interaction) -> bool:
    """A modal of ours submitted (its id is ``form:REF``)."""
    if interaction.type is not discord.InteractionType.modal_submit:
        return False
    return str((interaction.data or {}).get("custom_id", "")).startswith(FORM)


class ClubTree(app_commands.CommandTree["ClubBot"]):
    async def on_error(self, interaction: discord.Interaction,  # type: ignore[override]
                       error: app_commands.AppCommandError) -> None:
        """Errors discord.py raises before our callback runs: a command Discord still offers
        but this version no longer has, or a value it could not convert."""
        name = interaction.command.qualified_name if interaction.command else "?"
        if isinstance(error, app_commands.CommandNotFound):
            log.warning("unknown command %s from %s", error.name, where(interaction))
            text = ("I don't have that command any more. Discord may take a minute to update "
                    "the list; type `/help` to see what there is.")
        elif isinstance(error, app_commands.TransformerError):
            # The error quotes the value typed: its kind only, never what was typed.
            log.info("bad value for /%s from %s: %s", name, where(interaction),
                     type(error.__cause__ or error).__name__)
            text = f"I could not read one of the values given to `/{name}`. Please try again."
        else:
            log.error("command /%s failed for %s", name, where(interaction), exc_info=error)
            text = APOLOGY
        await say_privately(interaction, text)


class ClubBot(discord.AutoShardedClient):
    """The bot. Built by ``python -m bot discord`` (and the tests) with a ready core."""

    def __init__(self, core: Core, *, state: AdapterState, dev_guild: int | None = None,
                 shard_count: int | None = None, shard_ids: Sequence[int] | None = None,
                 sync_commands: bool = True) -> None:
        # The bot never joins voice: the warnings about voice libraries are noise in its log.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        super().__init__(intents=intents(), allowed_mentions=NO_MENTIONS,
                         shard_count=shard_count,
                         shard_ids=list(shard_ids) if shard_ids is not None else None)
        # Of several shard processes, one syncs the commands (they are the application's,
        # not a shard's); the others take them as synced.
        self.syncs_commands = sync_commands
        self.core = core
        self.dev_guild = dev_guild
        self.tree = ClubTree(self)
        bind(self.tree, core.registry, self.answer, self.complete_option)
        self.state = state
        self.synced = asyncio.Event()  # set once commands are known to match Discord's
        self.last_sync_sent = False
        self.nights = DiscordNights(self, core, state, self.render_notice)
        self.responder = Responder(core, state, self.nights)
        # Commands and buttons being answered: a close lets them send their answer first.
        self._answering: set[asyncio.Task[object]] = set()

    async def setup_hook(self) -> None:
        self.add_dynamic_items(CommandButton)
        if self.syncs_commands:
            self.last_sync_sent = await self.sync_commands()
        else:
            log.info("commands are synced by another process (BOT_SYNC_COMMANDS); not syncing")
        self.synced.set()

    async def close(self) -> None:
        if self._answering:
            await asyncio.wait(set(self._answering), timeout=ANSWER_AT_CLOSE)
        await self.nights.settle()
        await super().close()

    def _answers(self, interaction: discord.Interaction, what: str) -> None:
        """An interaction has arrived (each in a task of its own): its request begins here,
        as Slack's does at its edge, so this line and every later one of it share an id;
        and the task is counted among the answers a close waits for."""
        observer = self.core.observer
        if observer is not None:
            observer.arrived("discord")
        if log.isEnabledFor(logging.DEBUG):  # where() formats four ids: only for a line logged
            log.debug("interaction arrived: %s from %s", what, where(interaction))
        task = asyncio.current_task()
        if task is not None:
            self._answering.add(task)
            task.add_done_callback(self._answering.discard)

    @property
    def courier(self) -> DiscordNights:
        """The scheduler's way to post reminders here (the composition root runs it)."""
        return self.nights

    async def render_notice(self, reply: Reply) -> tuple[discord.Embed, discord.ui.View | None]:
        """A message the scheduler posts, rendered like any reply."""
        return await self.responder.render(reply, 0, None)

    # -- commands ---------------------------------------------------------------------------
    def payload(self) -> tuple[discord.abc.Snowflake | None, list[dict[str, Any]]]:
        guild = discord.Object(self.dev_guild) if self.dev_guild else None
        if guild:
            self.tree.copy_global_to(guild=guild)
        return guild, [c.to_dict(self.tree) for c in self.tree.get_commands(guild=guild)]

    async def sync_commands(self) -> bool:
        """Sync only when the payload differs from the last one synced to this target: Discord
        allows 200 command creations a day per server, and a restart changes nothing."""
        guild, payload = self.payload()
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        key = f"{_SYNC_KEY}{self.application_id}:{guild.id if guild else 'global'}"
        if await self.state.get_state(key) == digest:
            log.info("commands unchanged since the last sync; not syncing")
            return False
        await self.tree.sync(guild=guild)
        await self.state.put_state(key, digest)
        log.info("synced %d commands to %s", len(payload), f"guild {guild.id}" if guild
                 else "every server (global)")
        return True

    async def answer(self, interaction: discord.Interaction, path: str,
                     values: Mapping[str, Any]) -> None:
        """A slash command: run it in the core and reply."""
        self._answers(interaction, f"/{path}")
        command = self.core.registry.get(path)
        args = {k: v.filename if isinstance(v, discord.Attachment) else str(v)
                for k, v in values.items()}
        try:
            await self.responder.respond(interaction,
                                         invocation(interaction, upload=attached(values)),
                                         path, args,
                                private_guess=bool(command and command.private), page=None)
        except Exception:
            log.exception("/%s failed for %s", path, where(interaction))
            await say_privately(interaction, APOLOGY)

    async def complete_option(self, interaction: discord.Interaction, path: str, option: str,
                              typed: str) -> list[str]:
        try:
            # The other options typed so far (a `work` picks whose names are offered).
            others = {k: v for k, v in interaction.namespace if isinstance(v, str) and k != option}
            return list(await self.core.complete(invocation(interaction), path, option, typed,
                                                 others=others))
        except Exception:  # an empty list is the only safe answer to give
            log.exception("autocomplete /%s %s failed for %s", path, option,
                          where(interaction))
            return []

    def dispatch(self, event: str, /, *args: Any, **kwargs: Any) -> None:
        """discord.py's events, and beside them a modal's submission of ours (``forms.py``) is
        answered in a task of its own. Not as an ``on_interaction`` method: discord.py would
        then start a task for every interaction, every slash command and button too, only for
        it to return at once (a task and two turns of the loop on each)."""
        super().dispatch(event, *args, **kwargs)
        if event == "interaction" and _submits_form(args[0]):
            self._schedule_event(self.form_submitted, "on_interaction", *args)

    async def form_submitted(self, interaction: discord.Interaction) -> None:
        """A modal's submission (``forms.py``): run its command with what was filled in."""
        data = interaction.data or {}
        ident = str(data.get("custom_id", ""))
        self._answers(interaction, "a form")
        try:
            wanted = await resolve(self.state, ident.removeprefix(FORM))
            command = self.core.registry.get(wanted.path) if wanted else None
            if wanted is None or command is None:
                await say_privately(interaction, "This form has expired. Please run the "
                                                  "command again.")
                return
            await self._submitted(interaction, wanted, answers(data, command))
        except Exception:
            log.exception("form %s failed for %s", ident[:40], where(interaction))
            await say_privately(interaction, APOLOGY)

    async def _submitted(self, interaction: discord.Interaction, wanted: Press,
                         filled: dict[str, str]) -> None:
        args = {**dict(wanted.args), **filled}
        await self.responder.respond(interaction, invocation(interaction, private=wanted.private),
                                     wanted.path, args, private_guess=wanted.private, page=None)

    async def press(self, interaction: discord.Interaction, ref: str, page: int | None) -> None:
        """A button: an action (a new reply) or a page of the message it sits on."""
        self._answers(interaction, "a button")
        try:
            # Inline refs decode at once; stored ones are a point read on the store's
            # read-only connection (microseconds, never waiting), so no deferral is needed.
            wanted = await resolve(self.state, ref)
            if wanted is None:
                await say_privately(interaction, "This button has expired. Please run the "
                                                  "command again.")
                return
            command = self.core.registry.get(wanted.path)
            if wanted.form and page is None and command is not None and command.form:
                # The member answers in a modal first; its submission runs the command.
                await interaction.response.send_modal(
                    modal_for(command, await form_id(self.state, wanted)))
                return
            private = wanted.private
            if page is not None:  # a pager re-runs its message's command for the same audience
                private = on_ephemeral(interaction) or wanted.private
            await self.responder.respond(interaction, invocation(interaction, private=private),
                                wanted.path, dict(wanted.args), private_guess=private, page=page)
        except Exception:
            log.exception("button %s failed for %s", ref[:40], where(interaction))
            await say_privately(interaction, APOLOGY)
