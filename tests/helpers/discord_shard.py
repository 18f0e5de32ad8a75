"""One Discord shard process for the shard tests: ``python -m bot discord`` itself, its
settings from the environment (DISCORD_TOKEN, BOT_DATABASE_URL, BOT_SHARD_COUNT,
BOT_SHARD_IDS, BOT_SYNC_COMMANDS), with discord.py's REST base and default gateway pointed at
the fake Discord listening on PORT, as ``FakeDiscord.point_at`` does in-process.

    python discord_shard.py PORT
"""

from __future__ import annotations

import sys

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.__main__ import main

if __name__ == "__main__":
    port = int(sys.argv[1])
    Route.BASE = f"http://127.0.0.1:{port}/api/v10"
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"ws://127.0.0.1:{port}/gateway")
    sys.exit(main(["discord"]))
