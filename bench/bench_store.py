"""The two stores side by side, and reminders per second with several workers on PostgreSQL.

1. Per store (a SQLite file; a throwaway PostgreSQL server on loopback, started here): a point
   read (``member_progress``), ``context()`` (what every command reads), a progress write, and
   a scheduler claim (50 due reminders with what sending them needs), each beside the bare
   library doing the least the same job must (one SELECT; one INSERT in its own transaction),
   with the ratio.
2. Reminders delivered per second by 1, 2 and 4 scheduler worker processes on one PostgreSQL
   database (tests/helpers/reminder_worker.py: the real Scheduler, a courier that writes a row
   per delivery), 2,000 reminders due at once.

    .venv/bin/python bench/bench_store.py [--ops N] [--reminders N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiosqlite
import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.clubs import Scope  # noqa: E402
from bot.core.timeline import Medium  # noqa: E402
from bot.store.open import open_store  # noqa: E402
from tests.helpers.pg_server import PgServer, create_database  # noqa: E402
from tests.workers import go, seed, start_worker, stop, until_count  # noqa: E402

W = "never-let-me-go"
SCOPE = Scope("bench", "ws")
READ = ("SELECT novel, film FROM member_progress WHERE platform = {0} AND workspace = {1}"
        " AND user_id = {2} AND work = {3}")


async def timed(n: int, op: Callable[[int], Awaitable[Any]]) -> float:
    """Median microseconds per call over ``n`` calls (after a few to warm up)."""
    for i in range(5):
        await op(i)
    samples = []
    for i in range(n):
        started = time.perf_counter()
        await op(i)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1e6


async def prepare(store: Any) -> int:
    club = await store.create_club(SCOPE, "room", medium=Medium.BOTH, tz="UTC", host="h",
                                   work=W)
    for i in range(50):
        await store.join_club(club.id, f"m{i}")
        await store.set_member_progress(SCOPE, f"m{i}", W, novel=i % 24)
    return club.id


async def claims(url: str, store: Any, n: int) -> float:
    """Median µs of one claim of 50 due reminders (claim, then put back, n times)."""
    async def one(_i: int) -> None:
        dues = await store.claim_due("test", 2**40, limit=50, worker="bench")
        assert len(dues) == 50
        for due in dues:
            await store.retry_reminder(due.id)
    return await timed(n, one)


async def side(name: str, where: str, n: int, bare: dict[str, Callable[[int], Awaitable[Any]]]
               ) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    async with await open_store(where) as store:
        await prepare(store)
        out["point read"] = (await timed(n, lambda i: store.member_progress(
            SCOPE, f"m{i % 50}", W)), await timed(n, bare["read"]))
        out["context()"] = (await timed(n, lambda i: store.context(
            SCOPE, "room", f"m{i % 50}")), await timed(n, bare["read"]))
        out["progress write"] = (await timed(n, lambda i: store.set_member_progress(
            SCOPE, f"w{i % 500}", W, novel=i % 24)), await timed(n, bare["write"]))
    print(f"  {name}: measured {n} calls each")
    return out


async def sqlite_side(folder: Path, n: int) -> dict[str, tuple[float, float]]:
    path = folder / "bench.db"
    async with await open_store(path):
        pass
    conn = await aiosqlite.connect(path, isolation_level=None)
    sql = READ.format("?", "?", "?", "?")

    async def read(i: int) -> None:
        await conn.execute_fetchall(sql, ("bench", "ws", f"m{i % 50}", W))

    async def write(i: int) -> None:
        await conn.execute_fetchall("BEGIN IMMEDIATE")
        await conn.execute_fetchall(
            "INSERT INTO member_progress VALUES ('bare', 'ws', ?, ?, ?, 0, 'now')"
            " ON CONFLICT DO UPDATE SET novel = excluded.novel", (f"b{i % 500}", W, i % 24))
        await conn.execute_fetchall("COMMIT")
    try:
        return await side("SQLite", str(path), n, {"read": read, "write": write})
    finally:
        await conn.close()


async def pg_side(url: str, n: int) -> dict[str, tuple[float, float]]:
    pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
    sql = READ.format("$1", "$2", "$3", "$4")

    async def read(i: int) -> None:
        await pool.fetchrow(sql, "bench", "ws", f"m{i % 50}", W)

    async def write(i: int) -> None:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO member_progress VALUES ('bare', 'ws', $1, $2, $3, 0, 'now')"
                " ON CONFLICT (platform, workspace, user_id, work)"
                " DO UPDATE SET novel = excluded.novel", f"b{i % 500}", W, i % 24)
    try:
        return await side("PostgreSQL", url, n, {"read": read, "write": write})
    finally:
        await pool.close()


async def claim_side(where: str, n: int) -> float:
    async with await open_store(where) as store:
        return await claims(where, store, n)


async def workers(server: PgServer, count: int, reminders: int) -> float:
    url = await create_database(server)
    await seed(url, reminders)
    procs = list(await asyncio.gather(*(start_worker(url, f"w{i}", 300)
                                        for i in range(count))))
    try:
        started = time.perf_counter()
        go(procs)
        await until_count(url, "SELECT count(*) FROM reminders WHERE state <> 'sent'",
                          lambda left: left == 0, within=300, every=0.01)
        return reminders / (time.perf_counter() - started)
    finally:
        await stop(procs)


async def main(ops: int, reminders: int) -> None:
    server = PgServer.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            print("Store operations (median µs per call; bare library beside it):")
            lite = await sqlite_side(Path(folder), ops)
            pg_url = await create_database(server)
            pg = await pg_side(pg_url, ops)
            lite_claims, pg_claims = Path(folder) / "claims.db", await create_database(server)
            for where in (str(lite_claims), pg_claims):  # 2,000 due reminders to claim from
                if where == pg_claims:
                    await seed(pg_claims, 2000)
                else:
                    await seed_sqlite(where)
            claim = {"SQLite": await claim_side(str(lite_claims), ops // 10),
                     "PostgreSQL": await claim_side(pg_claims, ops // 10)}
        print()
        print("| operation | SQLite µs | bare aiosqlite µs | ratio | PostgreSQL µs |"
              " bare asyncpg µs | ratio |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for op in lite:
            (a, ab), (p, pb) = lite[op], pg[op]
            print(f"| {op} | {a:.0f} | {ab:.0f} | {a / ab:.1f} | {p:.0f} | {pb:.0f} |"
                  f" {p / pb:.1f} |")
        print("| claim 50 due reminders, then put each back (51 transactions) |"
              f" {claim['SQLite']:.0f} | | | {claim['PostgreSQL']:.0f} | | |")
        print()
        print(f"Reminders delivered per second, {reminders} due at once, PostgreSQL:")
        print("| workers | reminders/s |")
        print("|---:|---:|")
        for count in (1, 2, 4):
            print(f"| {count} | {await workers(server, count, reminders):.0f} |", flush=True)
    finally:
        server.stop()


async def seed_sqlite(path: str) -> None:
    """2,000 due reminders in a SQLite file, the same rows tests/workers.seed writes."""
    from datetime import UTC, datetime, timedelta

    from bot.core.nights import NightPlan, Target
    from bot.core.when import Wall

    start = (datetime.now(UTC) + timedelta(hours=2)).replace(second=0, microsecond=0,
                                                            tzinfo=None)
    due = int(time.time()) - 1
    async with await open_store(path) as store:
        for c in range(20):
            club = await store.create_club(Scope("test", "ws"), f"room-{c}",
                                           medium=Medium.BOTH, tz="UTC", host="h", work=W)
            for k in range(100):
                await store.add_night(club.id, NightPlan(None, Target(film=k + 1),
                                                         Wall(start, "UTC"), None, "h",
                                                         ((1, due),), W))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ops", type=int, default=2000)
    parser.add_argument("--reminders", type=int, default=2000)
    args = parser.parse_args()
    asyncio.run(main(args.ops, args.reminders))
