"""`python -m bot discord`: read the settings, build the service through the composition root,
run the client until stopped."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path

import discord

from bot.adapters.discord.invite import application_id, invite_url
from bot.config import SettingError, env_id, shards

log = logging.getLogger(__name__)

TOKEN = "DISCORD_TOKEN"
APPLICATION = "DISCORD_APPLICATION_ID"
DEV_GUILD = "DISCORD_DEV_GUILD"
MISSING_TOKEN = f"""\
{TOKEN} is not set, so the Discord bot cannot log in.

1. Create an application at https://discord.com/developers/applications (New Application).
2. Under Bot, press Reset Token and copy the token.
3. Put it in a .env file beside where you start the bot (see .env.example):
       {TOKEN}=your-token
   or export it in the shell. Then run `python -m bot discord` again.
`python -m bot discord --invite` prints the link that adds the bot to a server.
"""


def print_invite() -> int:
    try:
        app_id = application_id(env_id(APPLICATION), os.environ.get(TOKEN))
    except SettingError as err:
        print(err, file=sys.stderr)
        return 2
    if app_id is None:
        print(f"Set {APPLICATION} (the Application ID on the app's General Information page) "
              f"or {TOKEN}, then run `python -m bot discord --invite` again.", file=sys.stderr)
        return 2
    print(invite_url(app_id))
    return 0


async def serve(db: str | Path) -> int:
    """Run the bot until it is stopped. Returns the process's exit code."""
    from bot.adapters.discord.client import ClubBot
    from bot.app import StartupError, serving
    from bot.ops import platforms, stopping
    from bot.ops.service import Ops

    token = os.environ.get(TOKEN, "").strip()
    if not token:
        print(MISSING_TOKEN, file=sys.stderr, end="")
        return 2
    try:
        dev_guild = env_id(DEV_GUILD)
        mine = shards()
    except SettingError as err:
        print(err, file=sys.stderr)
        return 2
    try:
        ops = Ops.from_env("discord")
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    stopping.on_signals(ops.stop)

    def ready(bot: ClubBot) -> platforms.PlatformCheck:
        if ops.metrics is not None:
            ops.before_scrape.append(platforms.discord_latency(bot, ops.metrics))
        return platforms.discord_check(bot)

    started: asyncio.Task[None] | None = None
    try:
        async with serving(db, "discord",
                           lambda core, state: ClubBot(
                               core, state=state, dev_guild=dev_guild, shard_count=mine.count,
                               shard_ids=mine.ids, sync_commands=mine.sync_commands),
                           ops=ops, ready=ready) as bot:
            started = asyncio.create_task(bot.start(token))
            # Until SIGTERM/SIGINT; leaving this block closes everything in order.
            await stopping.until(ops.stop, started)
        await started  # returns once the client is closed
    except StartupError as err:
        print(err, file=sys.stderr)
        return 1
    except discord.LoginFailure:
        print(f"Discord refused the token in {TOKEN}. Reset it on the Bot page of your "
              "application and set the new one.", file=sys.stderr)
        return 1
    except discord.PrivilegedIntentsRequired:  # we ask for none; kept for a changed setup
        print("Discord refused the connection for a privileged intent.", file=sys.stderr)
        return 1
    except (discord.HTTPException, discord.GatewayNotFound, OSError) as err:
        # Start-up only (login, command sync, the gateway): later errors are handled per
        # interaction. A network or Discord problem, not a bug: a plain message says which.
        print(f"The bot could not start: {err}", file=sys.stderr)
        return 1
    return 0
