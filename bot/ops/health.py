"""The side server on ``BOT_OPS_PORT`` (loopback unless ``BOT_OPS_HOST`` says otherwise):
``/healthz`` (the process and its event loop answer), ``/readyz`` (content loaded, the store
answers within 1 s, the platform is connected) and ``/metrics`` (Prometheus). Each check's
result is in the JSON, so a failed probe says which check failed."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web
from prometheus_client.aiohttp import make_aiohttp_handler

from bot.core.clubs import Scope
from bot.core.service import Core
from bot.ops.metrics import Metrics

PORT = "BOT_OPS_PORT"
HOST = "BOT_OPS_HOST"
DEFAULT_HOST = "127.0.0.1"
STORE_WITHIN = 1.0  # seconds the store has to answer a readiness query
_PROBE = Scope("ops", "health")

# A platform check: (ready, what it found), e.g. (False, "shard 1 of 2 not connected").
PlatformCheck = Callable[[], Awaitable[tuple[bool, str]]]


async def no_platform() -> tuple[bool, str]:
    return True, "no platform connection to check"


def ops_port() -> int | None:
    """``BOT_OPS_PORT``, or None when it is unset, empty, 0 or off."""
    value = os.environ.get(PORT, "").strip().lower()
    if value in ("", "0", "off", "no"):
        return None
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ValueError(f"{PORT} must be a port number (1-65535), not {value[:20]!r}.")
    return int(value)


def ops_host() -> str:
    return os.environ.get(HOST, "").strip() or DEFAULT_HOST


@dataclass
class Checks:
    core: Core
    platform: PlatformCheck = no_platform
    # Run before each scrape, so gauges such as gateway latency are read when asked for.
    before_scrape: list[Callable[[], None]] = field(default_factory=list)

    async def ready(self) -> dict[str, dict[str, object]]:
        works = len(self.core.library)
        out: dict[str, dict[str, object]] = {
            "content": {"ok": works > 0, "detail": f"{works} works loaded"}}
        try:
            await asyncio.wait_for(self.core.store.context(_PROBE, "health", "health"),
                                   STORE_WITHIN)
            out["store"] = {"ok": True, "detail": "answered"}
        except TimeoutError:
            out["store"] = {"ok": False, "detail": f"no answer within {STORE_WITHIN:.0f} s"}
        except Exception as err:  # a closed or broken store: say what, never raise
            out["store"] = {"ok": False, "detail": type(err).__name__}
        try:
            ok, detail = await asyncio.wait_for(self.platform(), STORE_WITHIN)
        except Exception as err:
            ok, detail = False, type(err).__name__
        out["platform"] = {"ok": ok, "detail": detail}
        return out


def ops_app(checks: Checks, metrics: Metrics | None) -> web.Application:
    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def readyz(_request: web.Request) -> web.Response:
        found = await checks.ready()
        ok = all(c["ok"] for c in found.values())
        failed = [name for name, c in found.items() if not c["ok"]]
        return web.json_response({"ok": ok, "failed": failed, "checks": found},
                                 status=200 if ok else 503)

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    if metrics is not None:
        exposition = make_aiohttp_handler(metrics.registry)

        async def scrape(request: web.Request) -> web.StreamResponse:
            for update in checks.before_scrape:
                update()
            return await exposition(request)

        app.router.add_get("/metrics", scrape)
    return app


@asynccontextmanager
async def serving_ops(app: web.Application, port: int, host: str | None = None
                      ) -> AsyncIterator[int]:
    """The side server, listening until the block ends; yields the port it is bound to."""
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host or ops_host(), port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or ()
        yield sockets[0].getsockname()[1] if sockets else port
    finally:
        await runner.cleanup()

