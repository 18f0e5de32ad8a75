"""A bot process for bench_discord.py: ours, or a minimal discord.py bot, against the fake.

    python bench/discord_bot.py ours|ours-metrics|minimal PORT

Only the URLs discord.py connects to are pointed at the fake, as in the tests.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fakes.fake_discord import GUILD_ID


class Minimal(discord.Client):
    """The least a discord.py bot can do: one slash command answering a constant string
    (``ping``), and one answering a constant embed and button the size of our typical reply
    (``card``), which tells the cost of the answer's size apart from the cost of our code."""

    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.none())
        self.tree = app_commands.CommandTree(self)
        embed = discord.Embed(title="A card", description="word " * 500, colour=0x3A7D7B)
        embed.add_field(name="Sources", value="source " * 120)
        embed.set_footer(text="Posted here; cut to the club's progress " * 2)

        @self.tree.command(name="ping", description="pong")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong")

        @self.tree.command(name="card", description="a constant card")
        async def card(interaction: discord.Interaction) -> None:
            view = discord.ui.View(timeout=None)
            view.add_item(discord.ui.Button(label="Just me", custom_id="constant:just-me"))
            view.stop()
            await interaction.response.send_message(embed=embed, view=view)

    async def setup_hook(self) -> None:
        guild = discord.Object(GUILD_ID)
        self.tree.copy_global_to(guild=guild)
        await self.tree.sync(guild=guild)


async def main(kind: str, port: int) -> None:
    Route.BASE = f"http://127.0.0.1:{port}/api/v10"
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"ws://127.0.0.1:{port}/gateway")
    if kind == "minimal":
        async with Minimal() as bot:
            await bot.start("bench-token")
        return
    from contextlib import AsyncExitStack

    from bot.adapters.discord.client import ClubBot
    from bot.app import adapter_state, frozen_heap, open_core, scheduling
    from bot.ops.health import Checks, ops_app, serving_ops
    from bot.ops.metrics import Metrics
    from bot.ops.platforms import discord_check

    metrics = Metrics() if kind == "ours-metrics" else None
    with tempfile.TemporaryDirectory() as tmp:
        # As the service runs it (bot.app.serving): the client, its scheduler beside it, and
        # with metrics, the ops side server too.
        async with AsyncExitStack() as stack:
            core = await stack.enter_async_context(open_core(Path(tmp) / "club.db",
                                                             metrics=metrics))
            bot = await stack.enter_async_context(
                ClubBot(core, state=adapter_state(core), dev_guild=GUILD_ID))
            if metrics is not None:
                await stack.enter_async_context(serving_ops(
                    ops_app(Checks(core, discord_check(bot)), metrics), 0, "127.0.0.1"))
            await stack.enter_async_context(scheduling(core, "discord", bot.courier,
                                                       metrics=metrics))
            stack.enter_context(frozen_heap())
            await bot.start("bench-token")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
