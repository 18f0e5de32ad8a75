"""`python -m bot slack`: Socket Mode (no public URL) or `--http --port N`."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    from bot.adapters.slack.app import SlackBot
    from bot.adapters.state import AdapterState
    from bot.core.service import Core
    from bot.ops.service import Ops

log = logging.getLogger(__name__)
BOT_TOKEN = "SLACK_BOT_TOKEN"
API_URL = "SLACK_API_URL"  # another Web API base (a proxy; the tests' fake Slack)
APP_TOKEN = "SLACK_APP_TOKEN"
SIGNING_SECRET = "SLACK_SIGNING_SECRET"
PATH = "/slack/events"

HELP = f"""\
Create the app at https://api.slack.com/apps > Create New App > From a manifest, and paste
manifest.yml. Install it to the workspace, then set, in .env or the environment:
  {BOT_TOKEN}       OAuth & Permissions > Bot User OAuth Token (xoxb-...)
  {APP_TOKEN}       Socket Mode: Basic Information > App-Level Tokens, scope connections:write
                        (xapp-...)
  {SIGNING_SECRET}  HTTP mode: Basic Information > Signing Secret
"""


def print_manifest() -> int:
    from bot.adapters.slack.manifest import manifest_text
    from bot.core.commands import build_registry

    sys.stdout.write(manifest_text(build_registry()))
    return 0


def _missing(names: list[str]) -> int:
    print(f"{' and '.join(names)} {'is' if len(names) == 1 else 'are'} not set, so the Slack "
          f"bot cannot start.\n\n{HELP}", file=sys.stderr, end="")
    return 2


class _Edge:
    """Where Slack reaches this process, as readiness reads it."""

    listening = False
    handler: AsyncSocketModeHandler | None = None  # once made


async def _serve_http(bot: SlackBot, ops: Ops, port: int, edge: _Edge) -> None:
    from aiohttp import web

    from bot.ops import platforms

    app = bot.app.web_app(path=PATH)
    app.middlewares.append(platforms.slack_edge())
    # Stopping, it stops listening, then lets requests in flight finish (their acks) before
    # the root settles what follows them and closes the store.
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=ops.grace)
    await runner.setup()
    try:
        await web.TCPSite(runner, "0.0.0.0", port).start()
        edge.listening = True
        log.info("listening for Slack on port %d, path %s", port, PATH)
        await ops.stop.wait()
    finally:
        edge.listening = False
        await runner.cleanup()


async def _serve_socket(bot: SlackBot, ops: Ops, app_token: str, edge: _Edge) -> None:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    handler = edge.handler = AsyncSocketModeHandler(bot.app, app_token)
    await handler.connect_async()
    try:
        await ops.stop.wait()
    finally:
        await ops.watch.drain(ops.grace)  # new commands told to try again
        await handler.close_async()


async def serve(db: str | Path, *, http: bool, port: int) -> int:
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.adapters.slack.app import SlackBot
    from bot.app import StartupError, serving
    from bot.ops import platforms, stopping
    from bot.ops.service import Ops

    token = os.environ.get(BOT_TOKEN, "").strip()
    app_token = os.environ.get(APP_TOKEN, "").strip()
    secret = os.environ.get(SIGNING_SECRET, "").strip()
    needed = [BOT_TOKEN] if not token else []
    needed += [SIGNING_SECRET] if http and not secret else []
    needed += [APP_TOKEN] if not http and not app_token else []
    if needed:
        return _missing(needed)
    api = os.environ.get(API_URL, "").strip()
    try:
        ops = Ops.from_env("slack")
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    stopping.on_signals(ops.stop)

    def slack_bot(core: Core, state: AdapterState) -> SlackBot:
        client = AsyncWebClient(token=token, base_url=api) if api else AsyncWebClient(
            token=token)
        return SlackBot(core, client, state=state, signing_secret=secret if http else None)

    edge = _Edge()

    def ready(_bot: SlackBot) -> platforms.PlatformCheck:
        if http:
            return platforms.slack_http_check(lambda: edge.listening, port)

        async def socket() -> tuple[bool, str]:
            return await platforms.slack_socket_check(edge.handler)()

        return socket

    try:
        async with serving(db, "slack", slack_bot, ops=ops, ready=ready) as bot:
            platforms.time_slack_acks(bot.app, ops.metrics)
            if http:
                await _serve_http(bot, ops, port, edge)
            else:
                await _serve_socket(bot, ops, app_token, edge)
    except StartupError as err:
        print(err, file=sys.stderr)
        return 1
    except OSError as err:
        print(f"The Slack bot could not start: {err}", file=sys.stderr)
        return 1
    return 0
