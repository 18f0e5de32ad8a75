"""Four scheduler worker processes on one PostgreSQL database, 2,000 reminders due in the same
minute, and one worker killed with SIGKILL in the middle: every reminder is delivered, and
posted exactly once.

Claims are leases (FOR UPDATE SKIP LOCKED, claimed_by, lease_until): the live workers never
take each other's claims; the dead one's are taken over once its lease runs out (2 s here) and
sent again with the same idempotency key, which the fake platform, like Discord's nonce check,
posts once. Only a reminder the dead worker held can have been attempted twice.
"""

from __future__ import annotations

import asyncio
import signal
import sys

import asyncpg
import pytest

from tests.helpers.pg_server import PgServer, create_database
from tests.workers import go, seed, start_worker, stop, until_count

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")

REMINDERS = 2000
LEASE = 2


async def test_four_workers_and_a_kill_deliver_every_reminder_once(pg_server: PgServer) -> None:
    url = await create_database(pg_server)
    await seed(url, REMINDERS)
    names = [f"worker-{i}" for i in range(4)]
    procs = list(await asyncio.gather(*(start_worker(url, n, LEASE, 0.002) for n in names)))
    try:
        go(procs)
        await until_count(url, "SELECT count(*) FROM attempts", lambda n: n >= REMINDERS // 4,
                          within=20, every=0.02)
        # Kill the worker holding the most claims right now: mid-batch, not between two.
        busiest = await fetch(url, "SELECT claimed_by FROM reminders WHERE state = 'sending'"
                                   " GROUP BY claimed_by ORDER BY count(*) DESC LIMIT 1")
        victim = str(busiest[0][0]) if busiest else names[0]
        dead = procs[names.index(victim)]
        dead.send_signal(signal.SIGKILL)
        await dead.wait()
        # Each claim it held, with the second (unix, whole) at which its lease runs out.
        held = {str(key): float(until) for key, until in await fetch(
            url, f"SELECT 'r' || id, lease_until FROM reminders WHERE state = 'sending'"
                 f" AND claimed_by = '{victim}'")}
        await until_count(url, "SELECT count(*) FROM reminders WHERE state <> 'sent'",
                          lambda n: n == 0, within=25)
    finally:
        await stop(procs)

    ids = {r[0] for r in await fetch(url, "SELECT 'r' || id FROM reminders")}
    assert len(ids) == REMINDERS
    posts = await fetch(url, "SELECT key, worker FROM posts")
    assert {key for key, _ in posts} == ids  # none lost, each posted once
    attempts = await fetch(url, "SELECT key, count(*), array_agg(worker) FROM attempts"
                                " GROUP BY key")
    repeated = {key: workers for key, n, workers in attempts if n > 1}
    # A second attempt only of what the dead worker held, by a live one, once.
    assert set(repeated) <= set(held)
    assert all(len(w) == 2 and victim in w for w in repeated.values())
    by = {w for _k, w in posts}
    assert victim in by and len(by) >= 3  # the dead one had posted, and the others go on
    if held:  # its claims waited out their lease, then went to the others
        survivors = {w for key, n, ws in attempts for w in ws if key in held} - {victim}
        assert survivors
        # Never taken over early: a live worker's attempt at a held claim comes after the
        # lease ran out (measured against the lease itself, not a wall-clock guess of it).
        taken = await fetch(url, f"SELECT key, at FROM attempts WHERE worker <> '{victim}'")
        assert all(float(at) >= held[str(key)] for key, at in taken if key in held)


async def fetch(url: str, sql: str) -> list[tuple[object, ...]]:
    conn = await asyncpg.connect(url)
    try:
        return [tuple(r) for r in await conn.fetch(sql)]
    finally:
        await conn.close()
