"""Discussion nights at scale: 10,000 clubs with 20 scheduled nights each (200,000 nights,
400,000 reminders) in one SQLite file.

1. The scheduler tick (series, claim what is due, deliver to a courier that only counts, mark
   sent), timed tick by tick while the clock moves through an evening, beside the bare
   library doing the least a tick must: one indexed SELECT of what is due. Every reminder
   due is counted: each must be delivered exactly once. Aim: a tick under 10 ms.
2. `/session next` in process through the core (choosing, in one transaction, a prompt the
   club has not had at the night's depth), beside the bare library doing the least a write
   must: one aiosqlite INSERT in its own transaction. Aim: p99 under 5 ms.

    .venv/bin/python bench/bench_nights.py [--clubs N] [--ticks N] [--prompts N]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiosqlite

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import load_pack, open_core
from bot.core.clubs import Scope
from bot.core.effects import Effect
from bot.core.scheduler import Notice, Scheduler
from bot.core.service import Invocation
from bot.core.when import Wall
from bot.store.sqlite import SqliteStore

PLATFORM = "bench"
START = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)
PER_NIGHT = 12
ZONES = ("Europe/London", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "UTC")


class Counting:
    def __init__(self) -> None:
        self.keys: Counter[str] = Counter()

    async def ready(self) -> None:
        return None

    async def deliver(self, notice: Notice) -> None:
        self.keys[notice.key] += 1

    async def apply(self, scope: Scope, effects: Sequence[Effect]) -> None:
        return None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def fill(path: Path, clubs: int, nights: int) -> None:
    """Bulk rows through plain sqlite3 (setup only; the store made the schema)."""
    rng = random.Random(5)
    conn = sqlite3.connect(path)
    now = START.isoformat()
    club_rows, night_rows, reminder_rows = [], [], []
    night_id = 0
    for c in range(1, clubs + 1):
        tz = ZONES[c % len(ZONES)]
        club_rows.append((c, PLATFORM, f"w{c % 100}", f"ch{c}", "both", tz, "host", now))
        first = START + timedelta(hours=rng.randint(2, 24 * 7))
        for n in range(nights):
            night_id += 1
            local = (first + timedelta(days=7 * n)).astimezone(ZoneInfo(tz)).replace(
                tzinfo=None, second=0, microsecond=0)
            wall = Wall(local, tz)
            night_rows.append((night_id, c, None, 9, None, wall.iso(), tz, wall.timestamp(),
                               "host", now))
            for hours in (24, 1):
                reminder_rows.append((night_id, PLATFORM, hours,
                                      int(wall.before(hours).timestamp())))
    conn.executemany("INSERT INTO clubs (id, platform, workspace, channel_id, medium, tz,"
                     " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", club_rows)
    conn.executemany("INSERT INTO nights (id, club_id, title, target_novel, target_film,"
                     " local_start, tz, starts_at, created_by, created_at)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", night_rows)
    conn.executemany("INSERT INTO reminders (night_id, platform, hours, due_at)"
                     " VALUES (?, ?, ?, ?)", reminder_rows)
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


async def bench_ticks(path: Path, ticks: int, step: timedelta) -> None:
    pack = load_pack()
    clock_at = [START]
    async with open_core(path, content=pack, clock=lambda: clock_at[0]) as core:
        courier = Counting()
        scheduler = Scheduler(core.deps, PLATFORM, courier)
        finds: list[float] = []
        claim = core.store.claim_due

        async def timed_claim(*args: object, **kw: object):
            t0 = time.perf_counter()
            try:
                return await claim(*args, **kw)  # type: ignore[arg-type]
            finally:
                finds.append(time.perf_counter() - t0)

        core.store.claim_due = timed_claim  # type: ignore[method-assign]
        raw = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)  # path is absolute
        ours, bare, due_per_tick = [], [], []
        for _ in range(ticks):
            clock_at[0] += step
            at = int(clock_at[0].timestamp())
            t0 = time.perf_counter()
            found = raw.execute(
                "SELECT id FROM reminders WHERE platform = ? AND state = 'pending'"
                " AND due_at <= ?", (PLATFORM, at)).fetchall()
            bare.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            sent = await scheduler.tick()
            ours.append(time.perf_counter() - t0)
            due_per_tick.append((len(found), sent))
        raw.close()
        expected = sum(1 for _ in courier.keys)
        twice = [k for k, v in courier.keys.items() if v != 1]
        left = await core.store.next_due(PLATFORM)
    total_found = sum(f for f, _ in due_per_tick)
    print(f"scheduler tick over {ticks} ticks ({step} apart), {total_found} reminders due, "
          f"{expected} delivered, {len(twice)} more than once")
    print(f"  ours: p50 {statistics.median(ours) * 1e3:.2f} ms, p99 "
          f"{percentile(ours, 0.99) * 1e3:.2f} ms, max {max(ours) * 1e3:.2f} ms "
          f"(most in one tick: {max(s for _, s in due_per_tick)})")
    print(f"  of which finding and claiming what is due (a transaction per batch of 50): p50 "
          f"{statistics.median(finds) * 1e3:.2f} ms, p99 {percentile(finds, 0.99) * 1e3:.2f} ms")
    steady = [t for t, (_f, s) in zip(ours, due_per_tick, strict=True) if s <= 10]
    print(f"  ticks with 10 or fewer due ({len(steady)}): p99 "
          f"{percentile(steady, 0.99) * 1e3:.2f} ms")
    print(f"  bare SELECT of what is due: p50 {statistics.median(bare) * 1e3:.3f} ms, p99 "
          f"{percentile(bare, 0.99) * 1e3:.3f} ms")
    met = percentile(finds, 0.99) < 0.010 and percentile(steady, 0.99) < 0.010
    print(f"  ratio p50 {statistics.median(ours) / statistics.median(bare):.1f}x; "
          f"aim: finding what is due < 10 ms, a usual tick < 10 ms -> "
          f"{'met' if met else 'MISSED'}")
    assert not twice, twice[:5]
    assert total_found >= expected  # every found row was due; all went out once
    assert left is None or left > int(clock_at[0].timestamp())


async def bench_next(path: Path, prompts: int) -> None:
    pack = load_pack()
    scope = Scope("console", "bench")
    host = Invocation(scope, "room", "host", is_admin=True)
    async with open_core(path, content=pack, rng=random.Random(1),
                         clock=lambda: START) as core:
        await core.run_text(host, "/club create both UTC")
        ours = []
        # Nights as clubs run them: a dozen prompts each, a new night after each.
        while len(ours) < prompts:
            for line in ("/session schedule novel 23 at friday 19:30", "/session start"):
                assert (await core.run_text(host, line)).kind == "ok"
            for _ in range(PER_NIGHT):
                t0 = time.perf_counter()
                reply = await core.run_text(host, "/session next")
                ours.append(time.perf_counter() - t0)
                assert reply.kind == "ok", reply
            assert (await core.run_text(host, "/session end")).kind == "ok"
    bare = []
    async with aiosqlite.connect(path.with_name("bare.db"), isolation_level=None) as conn:
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA synchronous = FULL")
        await conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
        for n in range(prompts):
            t0 = time.perf_counter()
            await conn.execute("BEGIN IMMEDIATE")
            await conn.execute("INSERT INTO t (v) VALUES (?)", (str(n),))
            await conn.execute("COMMIT")
            bare.append(time.perf_counter() - t0)
    p99 = percentile(ours, 0.99)
    print(f"/session next over {len(ours)} prompts ({PER_NIGHT} a night): p50 "
          f"{statistics.median(ours) * 1e3:.2f} ms, p99 {p99 * 1e3:.2f} ms")
    print(f"  bare aiosqlite INSERT in a transaction: p50 {statistics.median(bare) * 1e3:.2f} "
          f"ms, p99 {percentile(bare, 0.99) * 1e3:.2f} ms")
    print(f"  ratio p50 {statistics.median(ours) / statistics.median(bare):.1f}x; "
          f"aim: p99 < 5 ms -> {'met' if p99 < 0.005 else 'MISSED'}")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clubs", type=int, default=10_000)
    parser.add_argument("--nights", type=int, default=20)
    parser.add_argument("--ticks", type=int, default=300)
    parser.add_argument("--prompts", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "nights.db"
        store = await SqliteStore.open(path)  # the schema, migrated
        await store.close()
        t0 = time.perf_counter()
        fill(path, args.clubs, args.nights)
        print(f"{args.clubs:,} clubs x {args.nights} nights written in "
              f"{time.perf_counter() - t0:.1f} s")
        # A tick every 30 s of the clock through the first evenings.
        await bench_ticks(path, args.ticks, timedelta(seconds=30))
        await bench_next(Path(tmp) / "next.db", args.prompts)


if __name__ == "__main__":
    asyncio.run(main())
