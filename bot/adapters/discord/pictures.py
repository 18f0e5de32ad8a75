"""A reply's picture on Discord: the PNG as a ``discord.File`` (its alt text as the
attachment's description, which screen readers read) shown inside the embed through
``attachment://``. The embed's text says the same, so notifications and readers lose nothing.
A file that is not a picture (a club's calendar, .ics) is attached the same way, not shown:
an ephemeral reply may carry one too, so a member's own copy reaches only them."""

from __future__ import annotations

import asyncio
import io

import discord

from bot.core.reply import Reply
from bot.pictures import file_bytes

ALT_MOST = 1024  # Discord's limit on an attachment's description


async def attach(reply: Reply, embed: discord.Embed
                 ) -> tuple[discord.Embed, discord.File | None]:
    """The embed showing the reply's picture, and the file to send with it (None: none).
    Drawn in a worker thread: tens of milliseconds the event loop keeps for other members."""
    picture = reply.picture
    if picture is None:
        return embed, None
    data = await asyncio.to_thread(file_bytes, picture)
    file = discord.File(io.BytesIO(data), filename=picture.filename,
                        description=picture.alt[:ALT_MOST])
    if not picture.image:
        return embed, file
    shown = embed.copy()  # the kept rendering stays as it was
    shown.set_image(url=f"attachment://{picture.filename}")
    return shown, file
