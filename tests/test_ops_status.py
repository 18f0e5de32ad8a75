"""/status for hosts: the running service's numbers, privately; every installed work listed
from the library; the store's kind and size; the last backup once one was taken."""

from __future__ import annotations

import asyncio
import gc
import os
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import CONSOLE, MONDAY_NOON, flat, say
from fakes.fake_discord import GUILD_ID, FakeDiscord

from bot.adapters.discord.client import ClubBot
from bot.app import open_core, serving
from bot.core.call import Invocation
from bot.core.clubs import Scope
from bot.core.library import Library
from bot.core.reply import Visibility
from bot.core.service import Core
from bot.ops import platforms, stopping
from bot.ops.commands import backup_main
from bot.ops.service import Ops
from tests.helpers.pg_server import PgServer, give_back, server_bin, take_database


async def test_status_for_hosts_only_with_the_service_numbers(library: Library,
                                                              tmp_path: Path) -> None:
    db = tmp_path / "club.db"
    ops = Ops("console", started=datetime(2027, 1, 4, 9, 30, tzinfo=UTC), where=str(db))
    async with open_core(db, library=library, rng=random.Random(1), clock=lambda: MONDAY_NOON,
                         status=ops.status) as core:
        ops.store = core.store
        await say(core, "/club create")
        refused = await say(core, "/status", user="member")
        assert refused.kind == "error" and "Only a host" in flat(refused)
        # A host who is no admin may read it; it is only ever theirs to see.
        await say(core, "/club hosts add member")
        shown = await core.run_text(Invocation(CONSOLE, "general", "member"), "/status")
        assert shown.kind == "ok" and shown.visibility is Visibility.PRIVATE
        text = flat(shown)
        assert all(w.title in text and w.id in text for w in library)  # every work, by name
        assert "Up\n2 h 30 min" in text
        assert "sqlite, " in text and "KB" in text
        assert "Last backup\nnone recorded" in text
        assert core.version in text

        code = await asyncio.to_thread(backup_main, tmp_path / "b.db", str(db))
        assert code == 0
        again = flat(await say(core, "/status"))
        assert "Last backup\nnone recorded" not in again and " UTC (" in again


async def test_status_outside_a_service(core) -> None:  # type: ignore[no-untyped-def]
    text = flat(await say(core, "/status"))
    assert "not running as a service" in text and "Works loaded" in text


async def test_status_names_the_shards_and_the_worker(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The connections line of a real Discord service (the root's serving, the discord.py
    client on the fake gateway): its shards, and the worker name its scheduler claims
    reminders with (BOT_WORKER_ID)."""
    monkeypatch.setenv("BOT_WORKER_ID", "club-worker-7")
    fake = FakeDiscord()
    await fake.start()
    ops = Ops("discord")
    built: list[Core] = []

    def build(core: Core, state: object) -> ClubBot:
        built.append(core)
        return ClubBot(core, state=state, dev_guild=GUILD_ID)  # type: ignore[arg-type]

    try:
        with fake.point_at():
            async with serving(tmp_path / "club.db", "discord", build, ops=ops,
                               ready=platforms.discord_check) as bot:
                started = asyncio.create_task(bot.start("fake-token"))
                async with asyncio.timeout(15):
                    while not (await ops.platform_check())[0]:  # noqa: ASYNC110
                        await asyncio.sleep(0.02)
                host = Invocation(Scope("discord", str(GUILD_ID)), "100", "1", is_admin=True)
                shown = await built[0].run_text(host, "/status")
                # Built before serving, and frozen with the rest of what the service built.
                assert all(w.answering for w in built[0].library) and gc.get_freeze_count()
                ops.stop.set()
                await stopping.until(ops.stop, started)
            await started
    finally:
        await fake.stop()
    assert shown.kind == "ok", shown.texts()
    assert ("Connections\nDiscord, 1 shard, all connected; reminders sent by worker "
            "`club-worker-7`") in flat(shown)


async def test_status_on_postgresql_sizes_the_database_and_records_a_pg_dump(
        library: Library, pg_server: PgServer, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """On PostgreSQL the store sizes itself (pg_database_size, through the store port) and a
    `python -m bot backup` by pg_dump records its time as the SQLite one does."""
    monkeypatch.setenv("PATH", f"{server_bin()}{os.pathsep}{os.environ.get('PATH', '')}")
    url = await take_database(pg_server)
    try:
        ops = Ops("console", started=datetime(2027, 1, 4, 9, 30, tzinfo=UTC), where=url)
        async with open_core(url, library=library, rng=random.Random(1),
                             clock=lambda: MONDAY_NOON, status=ops.status) as core:
            ops.store = core.store
            text = flat(await say(core, "/status"))
            assert "postgresql, " in text and "size unknown" not in text
            assert " MB" in text  # an empty PostgreSQL database is some megabytes
            assert "Last backup\nnone recorded" in text
            code = await asyncio.to_thread(backup_main, tmp_path / "club.dump", url)
            assert code == 0 and (tmp_path / "club.dump").stat().st_size > 0
            again = flat(await say(core, "/status"))
            assert "Last backup\nnone recorded" not in again and " UTC (" in again
    finally:
        await give_back(pg_server, url)


async def test_about_for_a_host_adds_the_status_numbers_privately(
        library: Library, tmp_path: Path) -> None:
    """The issue's "/about for admins": a host or an admin of a running service gets /about
    with the status numbers, only for them; a member the same public /about as ever, also
    when a host asked first (a kept reply is never given across), and /status still works."""
    db = tmp_path / "club.db"
    ops = Ops("console", started=datetime(2027, 1, 4, 9, 30, tzinfo=UTC), where=str(db))
    async with open_core(db, library=library, rng=random.Random(1), clock=lambda: MONDAY_NOON,
                         status=ops.status) as core, \
            open_core(tmp_path / "plain.db", library=library, rng=random.Random(1),
                      clock=lambda: MONDAY_NOON) as plain:
        ops.store = core.store
        await say(core, "/club create")
        public = await say(plain, "/about", user="member")  # no service: the plain /about
        assert public.visibility is Visibility.PUBLIC
        for who, admin in (("you", True), ("member", False), ("you", True)):
            if who == "member":
                member = await say(core, "/about", user="member")
                assert member.visibility is Visibility.PUBLIC
                assert flat(member) == flat(public)  # unchanged: no numbers, no host line
                continue
            shown = await say(core, "/about", user=who, admin=admin)
            assert shown.kind == "ok" and shown.visibility is Visibility.PRIVATE
            text = flat(shown)
            assert "About this bot" in text and "How spoilers work" in text
            assert "Up\n2 h 30 min" in text and "sqlite, " in text and "KB" in text
            assert "Last backup\nnone recorded" in text and "Connections" in text
        # A club host who is no admin is a host too; a member of another channel is not.
        await say(core, "/club hosts add member")
        host = await core.run_text(Invocation(CONSOLE, "general", "member"), "/about")
        assert host.visibility is Visibility.PRIVATE and "Up\n2 h 30 min" in flat(host)
        other = await core.run_text(Invocation(CONSOLE, "elsewhere", "member"), "/about")
        assert other.visibility is Visibility.PUBLIC and "Up\n" not in flat(other)
        # /status is as it was: the numbers alone, for hosts.
        status = await say(core, "/status")
        assert status.visibility is Visibility.PRIVATE and "About this bot" not in flat(status)
        assert "Up\n2 h 30 min" in flat(status)
        # /help says so.
        assert "hosts also see the service's numbers, privately" in flat(
            await say(core, "/help"))
