"""Discord's 3-second delivery: run the core, render its reply, and answer the interaction in
time, whatever the core and Discord are doing.

Nearly always the core answers in about a millisecond and the answer is the interaction's
response. If it takes longer than ``DEFER_AFTER``, a timer defers the interaction first (Discord
allows 3 s), choosing the visibility the command is expected to have, and the answer follows.
Renderings are kept: the core hands out the same ``Reply`` for the same question at the same
point, so the same embed and buttons serve it again.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Any

import discord

from bot.adapters.discord.buttons import CommandButton, Press, make_button
from bot.adapters.discord.nights import DiscordNights
from bot.adapters.discord.pictures import attach
from bot.adapters.discord.render import COLOUR, ERROR_COLOUR, NO_MENTIONS, Page, pages
from bot.adapters.eager import Started, start
from bot.adapters.state import AdapterState
from bot.core.call import Invocation
from bot.core.reply import Kind, Reply, Visibility
from bot.core.service import Core

log = logging.getLogger(__name__)

DEFER_AFTER = 1.5  # seconds: leaves half of Discord's 3 s for the network either way
ACTIONS_SHOWN = 5  # one row of buttons
RENDERINGS_KEPT = 512

Rendered = tuple[discord.Embed, discord.ui.View | None]


class Responder:
    """Answers interactions with the core's replies; the client hands every one to it."""

    def __init__(self, core: Core, state: AdapterState, nights: DiscordNights) -> None:
        self.core = core
        self.state = state
        self.nights = nights
        self._rendered: OrderedDict[tuple[Any, ...], tuple[Reply, discord.Embed,
                                                           discord.ui.View | None]] = OrderedDict()

    async def respond(self, interaction: discord.Interaction, inv: Invocation, path: str,
                      args: dict[str, str], *, private_guess: bool, page: int | None) -> None:
        """Run the core and render its reply under a deadline; then send the page asked for
        (``page`` is None for a new reply, a number when a pager edits its own message)."""
        editing = page is not None
        deferring: asyncio.Task[None] | None = None

        def defer() -> None:
            nonlocal deferring
            deferring = asyncio.ensure_future(
                interaction.response.defer() if editing
                else interaction.response.defer(ephemeral=private_guess, thinking=True))

        async def work() -> tuple[Reply, bool, discord.Embed, discord.ui.View | None]:
            reply = await self.core.run(inv, path, args)
            private = reply.visibility is Visibility.PRIVATE
            # A pager edits its message only with an answer for that message's readers; an
            # error, or an answer for the clicker alone, goes to the clicker.
            for_clicker = editing and (reply.kind is Kind.ERROR
                                       or private != on_ephemeral(interaction))
            if for_clicker:
                embed, view = await self.render(reply, 0, None)
            else:
                embed, view = await self.render(reply, page or 0,
                                                Press(path, tuple(args.items()), private))
            return reply, for_clicker, embed, view

        # Run at once: the core nearly always answers without waiting (its store read and
        # the kept rendering), and the answer is then ready with nothing set up for a slow
        # one. Only if the work waits is the timer set, counted from before the first step
        # (which may itself be slow: the first /ask of a work builds its index), so the
        # deferral still comes DEFER_AFTER after the interaction began.
        loop = asyncio.get_running_loop()
        began = loop.time()
        _ready, done = start(work())
        if not isinstance(done, Started):
            reply, for_clicker, embed, view = done
        else:
            # A timer rather than a task around the work: the rest runs in this task.
            timer = loop.call_at(began + DEFER_AFTER, defer)
            try:
                reply, for_clicker, embed, view = await done
            finally:
                timer.cancel()
        deferred = deferring is not None
        if deferring is not None:
            await deferring
        if editing:
            await self._edit(interaction, embed, view, for_clicker=for_clicker,
                             deferred=deferred)
        else:
            await self._post(interaction, reply, (embed, view), deferred=deferred,
                             private_guess=private_guess)

    async def _edit(self, interaction: discord.Interaction, embed: discord.Embed,
                    view: discord.ui.View | None, *, for_clicker: bool, deferred: bool) -> None:
        """A pager's answer: its own message edited, or a private message to the clicker."""
        if for_clicker:
            await send(interaction, embed, view, ephemeral=True, deferred=False,
                       followup=deferred)
        elif deferred:
            await interaction.edit_original_response(embed=embed, view=view,
                                                     allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.edit_message(embed=embed, view=view,
                                                    allowed_mentions=NO_MENTIONS)

    async def _post(self, interaction: discord.Interaction, reply: Reply, rendered: Rendered,
                    *, deferred: bool, private_guess: bool) -> None:
        """A new reply: as the response (or the deferred response's edit), or, for a night's
        prompt asked for in the channel, in the night's thread with a private note here."""
        embed, view = rendered
        private = reply.visibility is Visibility.PRIVATE
        thread = self.nights.elsewhere(interaction, reply)
        if thread is not None:
            # The interaction is answered first (a private note), so the post cannot push it
            # past Discord's 3 s.
            note = discord.Embed(description=f"Posting it in the night's thread, <#{thread}>.",
                                 colour=COLOUR)
            if deferred and not private_guess:
                await self._move_to_private(interaction, note, None)
            else:
                await send(interaction, note, None, ephemeral=True, deferred=deferred)
            try:
                await self.nights.post(thread, embed, view)
            except Exception:  # the thread is gone or closed: the prompt comes here instead
                log.warning("night thread %s unusable; answering in %s", thread,
                            interaction.channel_id, exc_info=True)
                await interaction.followup.send(embed=embed, view=view or discord.utils.MISSING,
                                                allowed_mentions=NO_MENTIONS)
        elif deferred and private != private_guess:
            embed, file = await attach(reply, embed)
            await self._move_to_private(interaction, embed, view, file)
        else:
            embed, file = await attach(reply, embed)
            await send(interaction, embed, view, ephemeral=private, deferred=deferred, file=file)
        if reply.effects:
            await self.nights.after(interaction, reply)

    async def _move_to_private(self, interaction: discord.Interaction, embed: discord.Embed,
                               view: discord.ui.View | None,
                               file: discord.File | None = None) -> None:
        """Deferred as a channel reply, but the answer is for this member alone (an error, or
        `/club join`). The first follow-up after a deferral would take the deferral's public
        visibility, so the "thinking" message is resolved with a neutral note first; the
        answer then goes privately and the note is removed."""
        await interaction.edit_original_response(content="Answered privately.", embed=None,
                                                 view=None, allowed_mentions=NO_MENTIONS)
        await interaction.followup.send(embed=embed, view=view or discord.utils.MISSING,
                                        ephemeral=True, allowed_mentions=NO_MENTIONS,
                                        file=file or discord.utils.MISSING)
        await interaction.delete_original_response()

    async def render(self, reply: Reply, page: int, rerun: Press | None) -> Rendered:
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

    async def _page(self, reply: Reply, page: Page, rerun: Press | None) -> Rendered:
        """A page's embed and its buttons (pager, then the reply's own actions)."""
        items: list[CommandButton] = []
        state = self.state
        if rerun is not None and page.count > 1:
            items.append(await make_button(state, rerun, label="◀ Previous", row=0,
                                           page=max(page.number - 1, 0),
                                           disabled=page.number == 0))
            items.append(await make_button(state, rerun, label="Next ▶", row=0,
                                           page=min(page.number + 1, page.count - 1),
                                           disabled=page.number == page.count - 1))
        for action in reply.actions[:ACTIONS_SHOWN]:
            style = (discord.ButtonStyle.primary if action.private
                     else discord.ButtonStyle.secondary)
            items.append(await make_button(state, Press.of(action), label=action.label,
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


async def send(interaction: discord.Interaction, embed: discord.Embed,
               view: discord.ui.View | None, *, ephemeral: bool, deferred: bool,
               followup: bool = False, file: discord.File | None = None) -> None:
    """The answer as the response, as the edit of a deferred response, or as a new message
    after a deferral that made none (a pager's); ``file`` is a picture the embed shows."""
    missing = discord.utils.MISSING
    if followup:
        await interaction.followup.send(embed=embed, view=view or missing, ephemeral=ephemeral,
                                        allowed_mentions=NO_MENTIONS, file=file or missing)
    elif deferred:
        await interaction.edit_original_response(embed=embed, view=view,
                                                 allowed_mentions=NO_MENTIONS,
                                                 attachments=[file] if file else missing)
    else:
        await interaction.response.send_message(embed=embed, view=view or missing,
                                                ephemeral=ephemeral,
                                                allowed_mentions=NO_MENTIONS,
                                                file=file or missing)


async def say_privately(interaction: discord.Interaction, text: str) -> None:
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
        log.warning("could not tell %s about an error", where(interaction), exc_info=True)


def on_ephemeral(interaction: discord.Interaction) -> bool:
    """Was the clicked message one only the clicker sees?"""
    message = interaction.message
    return bool(message and message.flags.ephemeral)


def where(interaction: discord.Interaction) -> str:
    return (f"user {interaction.user.id} in guild {interaction.guild_id} channel "
            f"{interaction.channel_id} (interaction {interaction.id})")
