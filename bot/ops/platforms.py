"""What ops reads of each platform's connection: the readiness check (``/readyz``, and the
connections line of the admin status), the Discord gateway's latency per shard for the
metrics, and, on the Slack HTTP listener, a request id and the count of late acks."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.ops import logs
from bot.ops.health import PlatformCheck
from bot.ops.metrics import Metrics

if TYPE_CHECKING:
    from bot.adapters.discord.client import ClubBot

log = logging.getLogger("bot.ops.slack")
SLOW_ACK = 2.0  # seconds: Slack allows 3 for the ack, and retries past them


def discord_check(bot: ClubBot) -> PlatformCheck:
    """Ready when the gateway is: logged in, and every shard connected."""

    async def check() -> tuple[bool, str]:
        shards = bot.shards
        if not bot.is_ready() or not shards:
            return False, "Discord gateway not connected yet"
        down = sorted(i for i, shard in shards.items() if shard.is_closed())
        total = len(shards)
        if down:
            return False, f"Discord shards {down} of {total} not connected"
        return True, f"Discord, {total} shard{'s' if total != 1 else ''}, all connected"

    return check


def discord_latency(bot: ClubBot, metrics: Metrics) -> Callable[[], None]:
    """Sets the gateway latency gauge per shard; run before each scrape."""

    def update() -> None:
        for shard, latency in bot.latencies:
            if math.isfinite(latency):
                metrics.gateway_latency.set((str(shard),), latency)

    return update


def slack_socket_check(handler: Any) -> PlatformCheck:
    """Socket Mode: ready while its websocket is connected."""

    async def check() -> tuple[bool, str]:
        client = getattr(handler, "client", None)
        if client is None or not await client.is_connected():
            return False, "Slack Socket Mode not connected"
        return True, "Slack, Socket Mode, connected"

    return check


def slack_http_check(listening: Callable[[], bool], port: int) -> PlatformCheck:
    async def check() -> tuple[bool, str]:
        if not listening():
            return False, f"Slack HTTP listener not bound on port {port}"
        return True, f"Slack, HTTP listener on port {port}"

    return check


def slack_edge() -> Callable[..., Awaitable[web.StreamResponse]]:
    """aiohttp middleware on the Slack HTTP listener: each request gets its request id as it
    arrives (so the adapter's, the core's and the store's lines share it) and a line when it
    is answered."""

    @web.middleware
    async def edge(request: web.Request,
                   handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                   ) -> web.StreamResponse:
        logs.new_request("slack")
        loop = asyncio.get_running_loop()
        start = loop.time()
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        finally:
            log.info("slack request answered", extra={
                "status": status, "duration_ms": round((loop.time() - start) * 1000, 3)})

    return edge


def time_slack_acks(app: Any, metrics: Metrics | None) -> None:
    """Wrap the Bolt app's dispatch, which both Socket Mode and the HTTP listener call once a
    request: a request id where the HTTP edge made none, and an ack that left past
    ``SLOW_ACK`` after the request arrived counted (with ``process_before_response`` the ack
    leaves when dispatch returns). Bolt's own middleware cannot time it: its ``next`` only
    lets the chain go on, after the middleware has returned."""
    dispatch = app.async_dispatch

    async def timed(req: Any) -> Any:
        if type(logs.REQUEST.get()) is not logs.Request:
            logs.new_request("slack")
        loop = asyncio.get_running_loop()
        start = loop.time()
        try:
            return await dispatch(req)
        finally:
            arrived = req.context.get("arrived") or start  # stamped by the adapter
            if metrics is not None and loop.time() - arrived > SLOW_ACK:
                metrics.slack_slow_acks.inc()

    app.async_dispatch = timed
