"""Crash-test writer for tests/test_store_crash.py: writes through the store, then dies unclean.

    python store_writer.py DB_PATH MODE

MODE ``block``: write three rows, print ``OK``, then wait to be killed (SIGKILL).
MODE ``exit``: write three rows, print ``OK``, then ``os._exit`` at once (no close, no atexit).
MODE ``loop``: keep writing row ``u<i>`` and print ``OK <i>`` after each commit until killed.

The store is never closed: the point is what survives a process that dies without cleanup.
"""

from __future__ import annotations

import asyncio
import os
import sys

from bot.core.clubs import Scope
from bot.store.sqlite import SqliteStore

W = "never-let-me-go"  # the work the rows are about
SCOPE = Scope("console", "local")
ROWS = (("alice", 7, 42), ("bob", 8, 43), ("carol", 23, 103))


async def main(path: str, mode: str) -> None:
    store = await SqliteStore.open(path)
    if mode == "loop":
        i = 0
        while True:
            await store.set_member_progress(SCOPE, f"u{i}", W, novel=i % 24, film=i % 104)
            print(f"OK {i}", flush=True)
            i += 1
    for user, novel, film in ROWS:
        await store.set_member_progress(SCOPE, user, W, novel=novel, film=film)
    print("OK", flush=True)
    if mode == "exit":
        os._exit(0)
    await asyncio.Event().wait()  # blocked until the test kills us


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
