"""What a running service carries of operations, built once by its launcher and handed to the
composition root (``bot.app.serving``): the metrics, the core's observer, the stop event, the
side server's port, the platform's readiness check and the admin status."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.core.scheduler import Scheduler
from bot.core.status import ServiceStatus
from bot.ops.backup import LAST_BACKUP
from bot.ops.health import PlatformCheck, no_platform, ops_port
from bot.ops.metrics import Metrics
from bot.ops.watch import Watch
from bot.store.open import parse

GRACE = 8.0  # seconds for commands in flight at a stop; compose allows 10 (stop_grace_period)


@dataclass
class Ops:
    platform: str
    port: int | None = None  # the side server's (None: no server, no metrics)
    metrics: Metrics | None = None
    watch: Watch = field(default_factory=lambda: Watch(None))
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    grace: float = GRACE
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    platform_check: PlatformCheck = no_platform
    where: str = ""  # the store's address
    store: Any = None  # set by the root once open
    bound: int | None = None  # the port the side server listens on, once it does
    worker: str = ""  # the scheduler's worker name, set by the root once it runs
    # Read before each scrape (the launcher adds the Discord gateway's latency per shard).
    before_scrape: list[Callable[[], None]] = field(default_factory=list)

    @classmethod
    def from_env(cls, platform: str) -> Ops:
        """``BOT_OPS_PORT`` set: the side server and metrics on; else both off."""
        port = ops_port()
        metrics = Metrics() if port is not None else None
        return cls(platform, port=port, metrics=metrics, watch=Watch(metrics))

    async def status(self) -> ServiceStatus:
        """The admin status's numbers (``bot.core.observe.StatusSource``)."""
        scheme, _target = parse(self.where)
        size = last = None
        if self.store is not None:  # the store sizes itself: a file, or pg_database_size
            size = await self.store.database_bytes()
            text = await self.store.get_state(LAST_BACKUP)
            last = datetime.fromisoformat(text) if text else None
        _ok, connections = await self.platform_check()
        return ServiceStatus(self.started, scheme, size, last, connections, self.worker)


class MeteredScheduler(Scheduler):
    """The scheduler with each tick timed (``bot_scheduler_tick_seconds``)."""

    metrics: Metrics | None = None

    async def tick(self) -> int:
        if self.metrics is None:
            return await super().tick()
        start = time.perf_counter()
        try:
            return await super().tick()
        finally:
            self.metrics.tick_seconds.observe((self.platform,), time.perf_counter() - start)
