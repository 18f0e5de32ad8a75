"""One scheduler worker process for the multi-worker tests and the benchmark.

    python reminder_worker.py DATABASE_URL NAME LEASE_SECONDS [DELAY_SECONDS]

Builds the core on the database through the composition root, prints ``READY``, waits for a
line on stdin (so that every worker starts at the same moment), then ticks its real
``Scheduler`` for the platform ``test`` until killed. Its courier is a fake platform on the
same server: every delivery attempt is a row of ``attempts``; ``posts`` keeps one row a key,
as a platform that checks the idempotency key (Discord's nonce, Slack's stored ts) posts a
message once however often it is sent.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Sequence

import asyncpg

from bot.app import load_pack, open_core
from bot.core.clubs import Scope
from bot.core.effects import Effect
from bot.core.scheduler import Notice, Scheduler

PLATFORM = "test"


class TableCourier:
    def __init__(self, conn: asyncpg.Connection, worker: str, delay: float) -> None:
        self.conn, self.worker, self.delay = conn, worker, delay

    async def ready(self) -> None:
        return None

    async def deliver(self, notice: Notice) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)  # a platform's round trip
        await self.conn.execute(
            "INSERT INTO attempts (key, worker, at) VALUES ($1, $2, $3);", notice.key,
            self.worker, time.time())
        await self.conn.execute(
            "INSERT INTO posts (key, worker) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            notice.key, self.worker)

    async def apply(self, scope: Scope, effects: Sequence[Effect]) -> None:
        return None


async def main(url: str, name: str, lease: int, delay: float) -> None:
    conn = await asyncpg.connect(url)
    async with open_core(url, content=load_pack()) as core:
        scheduler = Scheduler(core.deps, PLATFORM, TableCourier(conn, name, delay),
                              worker=name, lease=lease)
        print("READY", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        await scheduler.recover()
        while True:
            await scheduler.tick()
            await asyncio.sleep(0.02)


if __name__ == "__main__":
    url, name, lease = sys.argv[1], sys.argv[2], int(sys.argv[3])
    delay = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    asyncio.run(main(url, name, lease, delay))
