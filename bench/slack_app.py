"""An app process for bench_slack.py: ours, or a minimal Bolt app, over HTTP.

    python bench/slack_app.py ours|minimal|minimal-fast|minimal-card PORT FAKE_API_URL
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fakes.fake_slack import SECRET

# A constant Block Kit answer the size of our mean ack (about 3.2 KB of JSON): a header,
# sections, a context line and a button, with its fallback text.
CARD_TEXT = "A card\n" + "word " * 200
CARD_BLOCKS = [
    {"type": "header", "text": {"type": "plain_text", "text": "A card"}},
    *({"type": "section", "text": {"type": "mrkdwn", "text": "*Label*: " + "word " * 57}}
      for _ in range(5)),
    {"type": "context", "elements": [{"type": "mrkdwn", "text": "Posted here; cut to "
                                      "the club's progress: chapter 9; spoilers hidden"}]},
    {"type": "actions", "elements": [{"type": "button", "action_id": "club_action_0",
                                      "value": '{"p": "film cast", "x": 1}',
                                      "text": {"type": "plain_text", "text": "Just me"}}]},
]


def minimal(api: str, *, fast: bool, card: bool = False) -> AsyncApp:
    """The least a Bolt app can do: ack a slash command with a constant string. ``fast``
    answers as soon as the listener returns instead of polling for the ack every 10 ms;
    ``card`` answers a constant card the size of ours instead, to tell the cost of the
    answer's size apart from the cost of our code."""
    app = AsyncApp(client=AsyncWebClient(token="xoxb-bench", base_url=api),
                   signing_secret=SECRET, process_before_response=fast)

    @app.command("/ping")
    async def ping(ack) -> None:  # type: ignore[no-untyped-def]
        if card:
            await ack(response_type="in_channel", text=CARD_TEXT, blocks=CARD_BLOCKS)
        else:
            await ack("pong")

    return app


async def main(kind: str, port: int, api: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if kind == "ours":
            from bot.adapters.slack.app import SlackBot
            from bot.app import adapter_state, frozen_heap, open_core, scheduling

            async with open_core(Path(tmp) / "club.db") as core:
                bot = SlackBot(core, AsyncWebClient(token="xoxb-bench", base_url=api),
                               state=adapter_state(core), signing_secret=SECRET)
                # As the service runs it (bot.app.serving): its scheduler beside it, and what
                # it has built kept out of the garbage collector's walks.
                async with scheduling(core, "slack", bot.courier):
                    with frozen_heap():
                        await serve(bot.app, port)
        else:
            await serve(minimal(api, fast=kind != "minimal", card=kind == "minimal-card"), port)


async def serve(app: AsyncApp, port: int) -> None:
    runner = web.AppRunner(app.web_app(path="/slack/events"), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port, backlog=1024).start()
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3]))
