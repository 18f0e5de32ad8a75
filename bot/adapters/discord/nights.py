"""Discussion nights on Discord: the night's thread, posts the bot makes on its own
(reminders), and a Guild Scheduled Event kept in step with each night.

- ``OpenThread``: the agenda is the interaction's reply; a public thread is started from it
  (or, when the host is already in a thread, that thread is the night's). Its id is kept with
  the night. ``InThread``: a reply meant for the thread goes there, and a host who typed in the
  channel gets a private "posted in the thread" instead.
- Reminders are posted with a nonce and ``enforce_nonce``, so a reminder sent again after a
  crash (the scheduler's at-least-once) is dropped by Discord rather than shown twice; and
  since Discord keeps nonces only minutes, the message's id is kept as a receipt
  (``receipts.py``): a retry that finds the message still there does not post it again.
- Scheduled events are EXTERNAL (no voice channel), located at the club's channel. Their id is
  kept under ``discord:event:<night>``; an edit patches the event, a start makes it active, an
  end completes it and a cancel cancels it (Discord allows those status moves for EXTERNAL
  events). A failure is logged: the night itself never depends on the event.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

import discord
from discord.http import handle_message_parameters

from bot.adapters.discord.render import NO_MENTIONS
from bot.adapters.receipts import Receipts
from bot.adapters.state import AdapterState
from bot.core.clubs import Scope
from bot.core.effects import CloseThread, Effect, InThread, NightChanged, OpenThread
from bot.core.nights import NightStatus
from bot.core.reply import Reply
from bot.core.scheduler import Notice
from bot.core.service import Core

# How long after a night's start its scheduled event's id is kept (the row then expires; every
# adapter-state row but the command-sync digest now has a time to live).
EVENT_KEPT_AFTER = timedelta(days=7)

log = logging.getLogger(__name__)

THREAD_ARCHIVE_MINUTES = 1440  # a quiet thread closes itself after a day
NIGHT_LENGTH = timedelta(hours=2)  # EXTERNAL events need an end; a club can end earlier
_EVENT_KEY = "discord:event:"
# Scheduled event statuses (docs: guild-scheduled-event#status).
_ACTIVE, _COMPLETED, _CANCELED = 2, 3, 4
_PRIVACY_GUILD_ONLY, _EXTERNAL = 2, 3


def nonce(key: str) -> str:
    """Discord nonces are at most 25 characters; the scheduler's keys may be longer."""
    return hashlib.sha256(key.encode()).hexdigest()[:25]


Render = Callable[[Reply], Awaitable[tuple[discord.Embed, discord.ui.View | None]]]


class DiscordNights:
    """The adapter's side of nights; also the scheduler's courier."""

    def __init__(self, client: discord.Client, core: Core, state: AdapterState,
                 render: Render) -> None:
        self.client = client
        self.core = core
        self.state = state
        self.render = render
        self.receipts = Receipts(state, "discord")
        self._tasks: set[asyncio.Task[None]] = set()

    async def ready(self) -> None:
        """Reminders wait until the client has logged in (its REST session exists)."""
        await self.client.wait_until_ready()

    # -- replies with effects -----------------------------------------------------------------

    def elsewhere(self, interaction: discord.Interaction, reply: Reply) -> int | None:
        """The night's thread, when this reply belongs there and was asked for elsewhere."""
        for effect in reply.effects:
            if isinstance(effect, InThread) and effect.thread and effect.thread.isdigit():
                thread = int(effect.thread)
                return None if interaction.channel_id == thread else thread
        return None

    async def post(self, channel: int, embed: discord.Embed, view: discord.ui.View | None,
                   *, key: str | None = None) -> str:
        """A message the bot posts itself (not an interaction's answer); returns its id."""
        with handle_message_parameters(embed=embed, view=view or discord.utils.MISSING,
                                       allowed_mentions=NO_MENTIONS,
                                       nonce=nonce(key) if key else None) as params:
            if key:
                params.payload["enforce_nonce"] = True  # type: ignore[index]
            message = await self.client.http.send_message(channel, params=params)
        return str(message["id"])

    async def after(self, interaction: discord.Interaction, reply: Reply) -> None:
        """What a reply asks for once it has been sent. Never raises: the member has their
        answer; a thread or an event that could not be made is logged and said."""
        if interaction.guild_id:  # the calendar first: it needs nothing of the thread
            self._background(self._sync_events(str(interaction.guild_id), reply.effects))
        for effect in reply.effects:
            try:
                if isinstance(effect, OpenThread):
                    await self._open(interaction, effect)
                elif isinstance(effect, CloseThread):
                    await self._close(interaction, effect)
            except Exception as error:
                log.warning("night %s: %s failed in channel %s", effect.night,
                            type(effect).__name__, interaction.channel_id, exc_info=True)
                if isinstance(effect, OpenThread) and isinstance(error, discord.HTTPException):
                    await self._tell(interaction, "I could not open a thread for the night "
                                     "(I need Create Public Threads here), so prompts will come "
                                     "in this channel.")

    async def _open(self, interaction: discord.Interaction, effect: OpenThread) -> None:
        channel = interaction.channel
        if isinstance(channel, discord.Thread):  # started inside a thread: that one it is
            await self.core.thread_opened(effect.night, str(channel.id))
            return
        message = await interaction.original_response()
        thread = await message.create_thread(name=effect.name[:100],
                                             auto_archive_duration=THREAD_ARCHIVE_MINUTES)
        await self.core.thread_opened(effect.night, str(thread.id))

    async def _close(self, interaction: discord.Interaction, effect: CloseThread) -> None:
        if not (effect.thread and effect.thread.isdigit()):
            return
        thread = int(effect.thread)
        if interaction.channel_id != thread:
            await self.post(thread, discord.Embed(
                description="This night has ended; the recap is in the channel."), None)
        await self.client.http.edit_channel(thread, archived=True)

    async def _tell(self, interaction: discord.Interaction, text: str) -> None:
        try:
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            log.warning("could not tell %s", interaction.user.id, exc_info=True)

    def _background(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def settle(self) -> None:
        """Wait for event syncs in flight (tests, and a clean shutdown)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    # -- scheduled events ---------------------------------------------------------------------

    async def _sync_events(self, guild: str, effects: Sequence[Effect]) -> None:
        for effect in effects:
            if isinstance(effect, NightChanged):
                try:
                    await self._sync_event(guild, effect)
                except Exception:
                    log.warning("scheduled event for night %d in guild %s could not be kept "
                                "in step", effect.night.id, guild, exc_info=True)

    async def _sync_event(self, guild: str, changed: NightChanged) -> None:
        night = changed.night
        key = f"{_EVENT_KEY}{night.id}"
        known = await self.state.get_state(key)
        http = self.client.http
        if night.status is NightStatus.SCHEDULED:
            fields = self._event_fields(changed)
            if known is None:
                made = await http.create_guild_scheduled_event(
                    int(guild), privacy_level=_PRIVACY_GUILD_ONLY, entity_type=_EXTERNAL,
                    reason=f"Night #{night.id} scheduled", **fields)
                # Needed until the night is over: kept a week past its start, then it goes.
                until_over = night.wall.instant() - self.core.clock() + EVENT_KEPT_AFTER
                await self.state.put_state(key, str(made["id"]),
                                           ttl=max(3600, int(until_over.total_seconds())))
            else:
                await http.edit_scheduled_event(int(guild), int(known), **fields)
            return
        if known is None:
            return
        status = {NightStatus.RUNNING: _ACTIVE, NightStatus.ENDED: _COMPLETED,
                  NightStatus.CANCELLED: _CANCELED}[night.status]
        await http.edit_scheduled_event(int(guild), int(known), status=status)

    def _event_fields(self, changed: NightChanged) -> dict[str, Any]:
        night, channel = changed.night, changed.channel
        start = night.wall.instant()
        where = self.client.get_channel(int(channel)) if channel.isdigit() else None
        location = f"#{where.name}" if isinstance(where, discord.abc.GuildChannel) else (
            "the club's channel")
        return {
            "name": night.name[:100],
            "scheduled_start_time": start.isoformat(),
            "scheduled_end_time": (start + NIGHT_LENGTH).isoformat(),
            "entity_metadata": {"location": location[:100]},
            "description": (f"{changed.work}: covers {changed.covers}. Answer in the channel "
                            f"with /session rsvp going {night.id}.")[:1000],
        }

    # -- the scheduler's courier --------------------------------------------------------------

    async def deliver(self, notice: Notice) -> None:
        if await self.receipts.posted_before(notice.key, self._still_there):
            return
        embed, view = await self.render(notice.reply)
        if notice.to is None:
            channel = int(notice.channel)
        else:
            channel = (await self.client.create_dm(discord.Object(int(notice.to)))).id
            view = None  # no buttons: a DM has no club
        message = await self.post(channel, embed, view, key=notice.key)
        await self.receipts.record(notice.key, str(channel), message)

    async def _still_there(self, channel: str, message: str) -> bool:
        try:
            await self.client.http.get_message(int(channel), int(message))
        except discord.NotFound:
            return False
        return True

    async def apply(self, scope: Scope, effects: Sequence[Effect]) -> None:
        await self._sync_events(scope.workspace, effects)
