"""Several scheduler worker processes on one PostgreSQL database, for the multi-worker test
and bench/bench_store.py: seed due reminders, start workers, wait until all are delivered."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

from bot.core.clubs import Scope
from bot.core.nights import NightPlan, Target
from bot.core.timeline import Medium
from bot.core.when import Wall
from bot.store.postgres import PostgresStore

REPO = Path(__file__).resolve().parents[1]
WORKER = REPO / "tests" / "helpers" / "reminder_worker.py"
W = "never-let-me-go"
PER_CLUB = 100  # nights per club, one per film minute: no two are twins


async def seed(url: str, count: int) -> int:
    """``count`` nights two hours from now, each with one reminder due now; returns when due.

    The clubs are made through the store; the nights and reminders in two statements of the
    rows ``add_night`` writes (one per night would take longer than the test itself).
    """
    start = (datetime.now(UTC) + timedelta(hours=2)).replace(second=0, microsecond=0,
                                                            tzinfo=None)
    due = int(time.time()) - 1
    wall = Wall(start, "UTC")
    async with await PostgresStore.open(url) as store:
        clubs = [(await store.create_club(Scope("test", "ws"), f"room-{c}", medium=Medium.BOTH,
                                          tz="UTC", host="host", work=W)).id
                 for c in range(-(-count // PER_CLUB))]
        # One through the store, as the others are made: the rows below copy its shape.
        first = await store.add_night(clubs[0], NightPlan(None, Target(film=1), wall, None,
                                                          "host", ((1, due),), W))
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            "INSERT INTO nights (club_id, work, title, target_novel, target_film, local_start,"
            " tz, starts_at, repeat, created_by, created_at)"
            " SELECT ($1::bigint[])[1 + i / $2], work, title, target_novel, 1 + i % $2,"
            " local_start, tz, starts_at, repeat, created_by, created_at"
            " FROM nights, generate_series(1, $3 - 1) AS i WHERE id = $4",
            clubs, PER_CLUB, count, first.id)
        await conn.execute(
            "INSERT INTO reminders (night_id, platform, hours, due_at)"
            " SELECT id, 'test', 1, $1 FROM nights WHERE id <> $2", due, first.id)
        await conn.execute(
            "CREATE TABLE attempts (key TEXT NOT NULL, worker TEXT NOT NULL, at FLOAT8);"
            " CREATE TABLE posts (key TEXT PRIMARY KEY, worker TEXT NOT NULL)")
    finally:
        await conn.close()
    return due


async def start_worker(url: str, name: str, lease: int,
                       delay: float = 0.0) -> asyncio.subprocess.Process:
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(WORKER), url, name, str(lease), str(delay), cwd=REPO, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), 60)
    if line.strip() != b"READY":
        assert proc.stderr is not None
        raise RuntimeError("worker failed: " + (await proc.stderr.read()).decode()[-2000:])
    return proc


def go(procs: list[asyncio.subprocess.Process]) -> None:
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write(b"go\n")


async def stop(procs: list[asyncio.subprocess.Process]) -> None:
    for proc in procs:
        if proc.returncode is None:
            proc.kill()
        await proc.wait()


async def count(url: str, sql: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval(sql))
    finally:
        await conn.close()


async def until_count(url: str, sql: str, done: Callable[[int], bool], *,
                      within: float, every: float = 0.05) -> None:
    """Poll ``sql`` (a count) on its own connection until ``done(count)``, or time out."""
    async with asyncio.timeout(within):
        while True:
            if done(await count(url, sql)):
                return
            await asyncio.sleep(every)
