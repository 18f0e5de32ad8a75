"""Two Discord shard processes (``python -m bot discord``, BOT_SHARD_COUNT=2, one with
BOT_SHARD_IDS=0 and one with 1) against the fake Discord, on one PostgreSQL database.

The fake, like Discord, sends each guild's interactions on the gateway connection of the
shard that owns it, ``(guild_id >> 22) % 2``. Each command is answered once, by the process
holding that shard (the fake finds the process from the answer's TCP connection), and only
the process with BOT_SYNC_COMMANDS=1 syncs the commands.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio
from fakes.fake_discord import GUILD_ID, OTHER_GUILD, FakeDiscord, owner

from tests.helpers.pg_server import PgServer, create_database

pytestmark = [pytest.mark.asyncio(loop_scope="module"),
              pytest.mark.skipif(sys.platform != "linux", reason="finds processes in /proc")]

REPO = Path(__file__).resolve().parents[1]
SHARD = REPO / "tests" / "helpers" / "discord_shard.py"
COUNT = 2


@dataclass
class Shards:
    fake: FakeDiscord
    procs: dict[int, asyncio.subprocess.Process]  # shard id -> its process
    url: str
    synced_by: int | None  # the process that sent the command sync


def process_of(port: int, pids: list[int]) -> int | None:
    """Which of ``pids`` holds the TCP connection whose local port is ``port``."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(fields[9])
    for pid in pids:
        with os.scandir(f"/proc/{pid}/fd") as fds:
            for fd in fds:
                try:
                    if os.readlink(fd.path).removeprefix("socket:[").rstrip("]") in inodes:
                        return pid
                except OSError:
                    continue
    return None


async def start(fake: FakeDiscord, url: str, shard: int, sync: bool
                ) -> asyncio.subprocess.Process:
    env = {**os.environ, "DISCORD_TOKEN": "fake-token", "BOT_DATABASE_URL": url,
           "BOT_SHARD_COUNT": str(COUNT), "BOT_SHARD_IDS": str(shard),
           "BOT_SYNC_COMMANDS": "1" if sync else "0",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    for name in ("DISCORD_DEV_GUILD", "BOT_OPS_PORT", "BOT_DB_PATH"):
        env.pop(name, None)
    return await asyncio.create_subprocess_exec(
        sys.executable, str(SHARD), str(fake.port), cwd=REPO, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shards(pg_server: PgServer) -> AsyncIterator[Shards]:
    url = await create_database(pg_server)
    fake = FakeDiscord()
    fake.add_guild(OTHER_GUILD)
    await fake.start()
    procs = {0: await start(fake, url, 0, sync=True), 1: await start(fake, url, 1, sync=False)}
    synced_by: int | None = None
    try:
        async with asyncio.timeout(60):
            while not (len({g.shard for g in fake.gateways if g.shard}) == COUNT
                       and fake.sync_calls):
                if fake.sync_calls and not synced_by:  # while its connection is open
                    synced_by = process_of(fake.sync_calls[0].peer,
                                           [p.pid for p in procs.values()])
                for proc in procs.values():
                    if proc.returncode is not None:
                        assert proc.stderr is not None
                        raise RuntimeError((await proc.stderr.read()).decode()[-2000:])
                await asyncio.sleep(0.05)
        synced_by = synced_by or process_of(fake.sync_calls[0].peer,
                                            [p.pid for p in procs.values()])
        await asyncio.sleep(0.5)  # a second sync, were one coming, would be seen
        yield Shards(fake, procs, url, synced_by)
    finally:
        for proc in procs.values():
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs.values():
            try:
                await asyncio.wait_for(proc.wait(), 15)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        await fake.stop()


async def test_each_process_identifies_its_own_shard(shards: Shards) -> None:
    assert sorted(tuple(i["shard"]) for i in shards.fake.identifies) == [(0, COUNT), (1, COUNT)]
    assert owner(GUILD_ID, COUNT) != owner(OTHER_GUILD, COUNT)  # one guild on each shard


@pytest.mark.parametrize("guild", [GUILD_ID, OTHER_GUILD])
async def test_a_guild_is_answered_once_by_the_process_holding_its_shard(
        shards: Shards, guild: int) -> None:
    fake = shards.fake
    mine = owner(guild, COUNT)
    exchange = await fake.interact("about", guild=guild)
    await asyncio.sleep(0.3)  # time for a second answer, were one to come
    assert exchange.shard == (mine, COUNT)
    callbacks = [s for s in exchange.sent if s.path.endswith("/callback")]
    assert len(callbacks) == 1 and "About this bot" in exchange.texts()
    pids = [p.pid for p in shards.procs.values()]
    assert process_of(callbacks[0].peer, pids) == shards.procs[mine].pid
    assert fake.violations == []


async def test_each_shard_writes_to_the_one_database(shards: Shards) -> None:
    """A club made on each shard's guild, by its own process, lands in the one database."""
    import asyncpg

    for guild in (GUILD_ID, OTHER_GUILD):
        made = await shards.fake.interact("club create", guild=guild, channel="nightly",
                                          permissions=1 << 5, medium="both")
        assert "club" in made.texts().lower()
    conn = await asyncpg.connect(shards.url)
    try:
        rows = await conn.fetch("SELECT workspace FROM clubs WHERE platform = 'discord'")
    finally:
        await conn.close()
    assert sorted(r[0] for r in rows) == sorted([str(GUILD_ID), str(OTHER_GUILD)])


async def test_only_the_process_told_to_syncs_the_commands(shards: Shards) -> None:
    assert len(shards.fake.sync_calls) == 1
    assert shards.synced_by == shards.procs[0].pid  # the one with BOT_SYNC_COMMANDS=1
