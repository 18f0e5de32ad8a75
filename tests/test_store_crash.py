"""E-Q4: a commit the store reported survives the writer being killed.

A subprocess writes through ``SqliteStore``, says ``OK`` once its commits returned, and is then
killed with SIGKILL (or leaves with ``os._exit``), so nothing is closed or checkpointed. On reopen
every acknowledged row must be there and ``PRAGMA integrity_check`` must say ``ok``.

Power loss cannot be simulated here; the store runs ``synchronous=FULL`` so that the WAL is
fsynced on every commit (platform-contract.md §C1).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from pathlib import Path

import pytest

from bot.core.clubs import Scope
from bot.core.timeline import Progress
from bot.store.sqlite import SqliteStore

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")

REPO = Path(__file__).resolve().parents[1]
WRITER = REPO / "tests" / "helpers" / "store_writer.py"
W = "never-let-me-go"  # the work the rows are about
SCOPE = Scope("console", "local")
ROWS = (("alice", 7, 42), ("bob", 8, 43), ("carol", 23, 103))
TIMEOUT = 30.0


@asynccontextmanager
async def writer(db: Path, mode: str) -> AsyncIterator[asyncio.subprocess.Process]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(WRITER),
        str(db),
        mode,
        cwd=db.parent,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield proc
    finally:
        if proc.returncode is None:
            proc.kill()
        await asyncio.wait_for(proc.communicate(), TIMEOUT)


async def read_line(proc: asyncio.subprocess.Process) -> str:
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), TIMEOUT)
    if not line:  # the writer died before saying OK: show why
        assert proc.stderr is not None
        err = await asyncio.wait_for(proc.stderr.read(), TIMEOUT)
        pytest.fail(f"writer exited early:\n{err.decode(errors='replace')}")
    return line.decode().strip()


def integrity(db: Path) -> str:
    with closing(sqlite3.connect(db)) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


async def assert_rows_survived(db: Path) -> None:
    async with await SqliteStore.open(db) as store:
        assert await store.integrity_check() == "ok"
        for user, novel, film in ROWS:
            assert await store.member_progress(SCOPE, user, W) == Progress(novel, film)
    assert integrity(db) == "ok"


async def test_acknowledged_write_survives_sigkill(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    async with writer(db, "block") as proc:
        assert await read_line(proc) == "OK"
        proc.send_signal(signal.SIGKILL)
        assert await asyncio.wait_for(proc.wait(), TIMEOUT) == -signal.SIGKILL
    # Nothing was checkpointed: the rows live only in the WAL, which reopening must recover.
    wal = db.with_name(db.name + "-wal")
    assert wal.exists()
    assert wal.stat().st_size > 0
    await assert_rows_survived(db)


async def test_acknowledged_write_survives_os_exit(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    async with writer(db, "exit") as proc:
        assert await read_line(proc) == "OK"
        assert await asyncio.wait_for(proc.wait(), TIMEOUT) == 0
    await assert_rows_survived(db)


async def test_killed_mid_stream_keeps_every_acknowledged_write(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    acknowledged = -1
    async with writer(db, "loop") as proc:
        while acknowledged < 25:
            line = await read_line(proc)
            assert line.startswith("OK ")
            acknowledged = int(line.split()[1])
        proc.send_signal(signal.SIGKILL)  # while it is in the middle of further writes
        await asyncio.wait_for(proc.wait(), TIMEOUT)
    assert integrity(db) == "ok"
    async with await SqliteStore.open(db) as store:
        assert await store.integrity_check() == "ok"
        for i in range(acknowledged + 1):
            assert await store.member_progress(SCOPE, f"u{i}", W) == Progress(i % 24, i % 104)
