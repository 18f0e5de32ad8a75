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
import contextlib
import hashlib
import json
import logging
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import discord
from discord import app_commands

from bot.adapters.discord.binding import bind
from bot.adapters.discord.buttons import CommandButton, Press, make_button, resolve
from bot.adapters.discord.nights import DiscordNights
from bot.adapters.discord.render import COLOUR, ERROR_COLOUR, Page, pages
from bot.core.clubs import Scope
from bot.core.errors import APOLOGY
from bot.core.reply import Kind, Reply, Visibility
from bot.core.scheduler import Scheduler
from bot.core.service import Core, Invocation

log = logging.getLogger(__name__)

DEFER_AFTER = 1.5  # seconds: leaves half of Discord's 3 s for the network either way
NO_MENTIONS = discord.AllowedMentions.none()
ACTIONS_SHOWN = 5  # one row of buttons
RENDERINGS_KEPT = 512
_SYNC_KEY = "discord:synced:"


def intents() -> discord.Intents:
    """No privileged intent: slash commands need none (platform-contract.md §A9). ``guilds``
    keeps discord.py's channel and thread caches filled."""
    chosen = discord.Intents.none()
    chosen.guilds = True
    return chosen


def invocation(interaction: discord.Interaction, *, private: bool = False) -> Invocation:
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
    )


class ClubTree(app_commands.CommandTree["ClubBot"]):
    async def on_error(self, interaction: discord.Interaction,  # type: ignore[override]
                       error: app_commands.AppCommandError) -> None:
        """Errors discord.py raises before our callback runs: a command Discord still offers
        but this version no longer has, or a value it could not convert."""
        name = interaction.command.qualified_name if interaction.command else "?"
        if isinstance(error, app_commands.CommandNotFound):
            log.warning("unknown command %s from %s", error.name, _where(interaction))
            text = ("I don't have that command any more. Discord may take a minute to update "
                    "the list; type `/help` to see what there is.")
        elif isinstance(error, app_commands.TransformerError):
            log.info("bad value for /%s from %s: %s", name, _where(interaction), error)
            text = f"I could not read one of the values given to `/{name}`. Please try again."
        else:
            log.error("command /%s failed for %s", name, _where(interaction), exc_info=error)
            text = APOLOGY
        await _say_privately(interaction, text)


class ClubBot(discord.AutoShardedClient):
    """The bot. Built by ``python -m bot discord`` (and the tests) with a ready core."""

    def __init__(self, core: Core, *, dev_guild: int | None = None,
                 shard_count: int | None = None, run_scheduler: bool = True) -> None:
        # The bot never joins voice: the warnings about voice libraries are noise in its log.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        super().__init__(intents=intents(), allowed_mentions=NO_MENTIONS,
                         shard_count=shard_count)
        self.core = core
        self.dev_guild = dev_guild
        self.tree = ClubTree(self)
        bind(self.tree, core.registry, self.answer, self.complete_option)
        self._rendered: OrderedDict[tuple[Any, ...], tuple[Reply, discord.Embed,
                                                           discord.ui.View | None]] = OrderedDict()
        self.synced = asyncio.Event()  # set once commands are known to match Discord's
        self.last_sync_sent = False
        self.nights = DiscordNights(self)
        # Reminders and series for Discord's clubs; the tests drive it by hand instead.
        self.scheduler = Scheduler(core, "discord", self.nights)
        self.run_scheduler = run_scheduler
        self._ticker: asyncio.Task[None] | None = None

    async def setup_hook(self) -> None:
        self.add_dynamic_items(CommandButton)
        self.last_sync_sent = await self.sync_commands()
        self.synced.set()
        if self.run_scheduler:
            self._ticker = asyncio.create_task(self.scheduler.run())

    async def close(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
        await self.nights.settle()
        await super().close()

    async def render_notice(self, reply: Reply) -> tuple[discord.Embed, discord.ui.View | None]:
        """A message the scheduler posts, rendered like any reply."""
        return await self._render(reply, 0, None)

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
        if await self.core.store.get_state(key) == digest:
            log.info("commands unchanged since the last sync; not syncing")
            return False
        await self.tree.sync(guild=guild)
        await self.core.store.put_state(key, digest)
        log.info("synced %d commands to %s", len(payload), f"guild {guild.id}" if guild
                 else "every server (global)")
        return True

    async def answer(self, interaction: discord.Interaction, path: str,
                     values: Mapping[str, Any]) -> None:
        """A slash command: run it in the core and reply."""
        command = self.core.registry.get(path)
        args = {k: str(v) for k, v in values.items()}
        try:
            await self._respond(interaction, invocation(interaction), path, args,
                                private_guess=bool(command and command.private), page=None)
        except Exception:
            log.exception("/%s failed for %s", path, _where(interaction))
            await _say_privately(interaction, APOLOGY)

    async def complete_option(self, interaction: discord.Interaction, path: str, option: str,
                              typed: str) -> list[str]:
        try:
            return list(await self.core.complete(invocation(interaction), path, option, typed))
        except Exception:  # an empty list is the only safe answer to give
            log.exception("autocomplete /%s %s failed for %s", path, option,
                          _where(interaction))
            return []

    async def press(self, interaction: discord.Interaction, ref: str, page: int | None) -> None:
        """A button: an action (a new reply) or a page of the message it sits on."""
        try:
            # Inline refs decode at once; stored ones are a point read on the store's
            # read-only connection (microseconds, never waiting), so no deferral is needed.
            wanted = await resolve(self.core.store, ref)
            if wanted is None:
                await _say_privately(interaction, "This button has expired. Please run the "
                                                  "command again.")
                return
            private = wanted.private
            if page is not None:  # a pager re-runs its message's command for the same audience
                private = _on_ephemeral(interaction) or wanted.private
            await self._respond(interaction, invocation(interaction, private=private),
                                wanted.path, dict(wanted.args), private_guess=private, page=page)
        except Exception:
            log.exception("button %s failed for %s", ref[:40], _where(interaction))
            await _say_privately(interaction, APOLOGY)

    # -- replying ---------------------------------------------------------------------------
    async def _respond(self, interaction: discord.Interaction, inv: Invocation, path: str,
                       args: dict[str, str], *, private_guess: bool, page: int | None) -> None:
        """Run the core and render its reply under a deadline; then send the page asked for.

        Nearly always this takes about a millisecond and the answer is the interaction's
        response. If it takes longer than DEFER_AFTER, a timer defers the interaction first
        (Discord allows 3 s), choosing the visibility the command is expected to have, and
        the answer follows.
        """
        editing = page is not None
        deferring: asyncio.Task[None] | None = None

        def defer() -> None:
            nonlocal deferring
            deferring = asyncio.ensure_future(
                interaction.response.defer() if editing
                else interaction.response.defer(ephemeral=private_guess, thinking=True))

        # A timer rather than a task around the work: the quick path then costs nothing.
        timer = asyncio.get_running_loop().call_later(DEFER_AFTER, defer)
        try:
            reply = await self.core.run(inv, path, args)
            private = reply.visibility is Visibility.PRIVATE
            # A pager edits its message only with an answer for that message's readers; an
            # error, or an answer for the clicker alone, goes to the clicker.
            for_clicker = editing and (reply.kind is Kind.ERROR
                                       or private != _on_ephemeral(interaction))
            if for_clicker:
                embed, view = await self._render(reply, 0, None)
            else:
                embed, view = await self._render(reply, page or 0,
                                                 Press(path, tuple(args.items()), private))
        finally:
            timer.cancel()
        deferred = deferring is not None
        if deferring is not None:
            await deferring
        if editing:
            if for_clicker:
                await _send(interaction, embed, view, ephemeral=True, deferred=False,
                            followup=deferred)
            elif deferred:
                await interaction.edit_original_response(embed=embed, view=view,
                                                         allowed_mentions=NO_MENTIONS)
            else:
                await interaction.response.edit_message(embed=embed, view=view,
                                                        allowed_mentions=NO_MENTIONS)
            return
        thread = self.nights.elsewhere(interaction, reply)
        if thread is not None:
            # A night's prompt asked for in the channel goes to the thread. The interaction is
            # answered first (a private note), so the post cannot push it past Discord's 3 s.
            note = discord.Embed(description=f"Posting it in the night's thread, <#{thread}>.",
                                 colour=COLOUR)
            if deferred and not private_guess:
                await self._move_to_private(interaction, note, None)
            else:
                await _send(interaction, note, None, ephemeral=True, deferred=deferred)
            try:
                await self.nights.post(thread, embed, view)
            except Exception:  # the thread is gone or closed: the prompt comes here instead
                log.warning("night thread %s unusable; answering in %s", thread,
                            interaction.channel_id, exc_info=True)
                await interaction.followup.send(embed=embed, view=view or discord.utils.MISSING,
                                                allowed_mentions=NO_MENTIONS)
        elif deferred and private != private_guess:
            await self._move_to_private(interaction, embed, view)
        else:
            await _send(interaction, embed, view, ephemeral=private, deferred=deferred)
        if reply.effects:
            await self.nights.after(interaction, reply)

    async def _move_to_private(self, interaction: discord.Interaction, embed: discord.Embed,
                               view: discord.ui.View | None) -> None:
        """Deferred as a channel reply, but the answer is for this member alone (an error, or
        `/club join`). The first follow-up after a deferral would take the deferral's public
        visibility, so the "thinking" message is resolved with a neutral note first; the
        answer then goes privately and the note is removed."""
        await interaction.edit_original_response(content="Answered privately.", embed=None,
                                                 view=None, allowed_mentions=NO_MENTIONS)
        await interaction.followup.send(embed=embed, view=view or discord.utils.MISSING,
                                        ephemeral=True, allowed_mentions=NO_MENTIONS)
        await interaction.delete_original_response()

    async def _render(self, reply: Reply, page: int, rerun: Press | None
                      ) -> tuple[discord.Embed, discord.ui.View | None]:
        """A page of a reply with its buttons. The core hands out the same Reply object for
        the same question at the same point, so its rendering is kept too (the entry holds
        the reply itself, so its id cannot be reused while the entry lives)."""
        key = (id(reply), page, rerun)
        kept = self._rendered.get(key)
        if kept is not None and kept[0] is reply:
            self._rendered.move_to_end(key)
            return kept[1], kept[2]
        rendered = pages(reply)
        embed, view = await self._page(reply, rendered[min(page, len(rendered) - 1)], rerun)
        self._rendered[key] = (reply, embed, view)
        if len(self._rendered) > RENDERINGS_KEPT:
            self._rendered.popitem(last=False)
        return embed, view

    async def _page(self, reply: Reply, page: Page, rerun: Press | None
                    ) -> tuple[discord.Embed, discord.ui.View | None]:
        """A page's embed and its buttons (pager, then the reply's own actions)."""
        items: list[CommandButton] = []
        store = self.core.store
        if rerun is not None and page.count > 1:
            items.append(await make_button(store, rerun, label="◀ Previous", row=0,
                                           page=max(page.number - 1, 0),
                                           disabled=page.number == 0))
            items.append(await make_button(store, rerun, label="Next ▶", row=0,
                                           page=min(page.number + 1, page.count - 1),
                                           disabled=page.number == page.count - 1))
        for action in reply.actions[:ACTIONS_SHOWN]:
            style = (discord.ButtonStyle.primary if action.private
                     else discord.ButtonStyle.secondary)
            items.append(await make_button(store, Press.of(action), label=action.label,
                                           style=style, row=1))
        if not items:
            return page.embed, None
        view = discord.ui.View(timeout=None)
        for item in items:
            view.add_item(item)
        # Clicks reach CommandButton by its custom_id, so discord.py need not keep this view
        # in memory (it would keep every message's view for ever): a stopped view is not kept.
        view.stop()
        return page.embed, view


async def _send(interaction: discord.Interaction, embed: discord.Embed,
                view: discord.ui.View | None, *, ephemeral: bool, deferred: bool,
                followup: bool = False) -> None:
    """The answer as the response, as the edit of a deferred response, or as a new message
    after a deferral that made none (a pager's)."""
    if followup:
        await interaction.followup.send(embed=embed, view=view or discord.utils.MISSING,
                                        ephemeral=ephemeral, allowed_mentions=NO_MENTIONS)
    elif deferred:
        await interaction.edit_original_response(embed=embed, view=view,
                                                 allowed_mentions=NO_MENTIONS)
    else:
        await interaction.response.send_message(embed=embed, view=view or discord.utils.MISSING,
                                                ephemeral=ephemeral,
                                                allowed_mentions=NO_MENTIONS)


async def _say_privately(interaction: discord.Interaction, text: str) -> None:
    """A short private message, whether or not the interaction has been answered yet."""
    embed = discord.Embed(description=text, colour=ERROR_COLOUR)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(embed=embed, ephemeral=True,
                                            allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(embed=embed, ephemeral=True,
                                                    allowed_mentions=NO_MENTIONS)
    except discord.HTTPException:
        log.warning("could not tell %s about an error", _where(interaction), exc_info=True)


def _on_ephemeral(interaction: discord.Interaction) -> bool:
    """Was the clicked message one only the clicker sees?"""
    message = interaction.message
    return bool(message and message.flags.ephemeral)


def _where(interaction: discord.Interaction) -> str:
    return (f"user {interaction.user.id} in guild {interaction.guild_id} channel "
            f"{interaction.channel_id} (interaction {interaction.id})")
