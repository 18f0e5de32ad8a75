"""Shared fixtures: the real content pack, and a core on a real SQLite file under tmp_path."""

from __future__ import annotations

import asyncio
import random
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import load_library, open_core
from bot.core.clubs import Scope
from bot.core.content import Content
from bot.core.library import Library
from bot.core.nights import NightStatus
from bot.core.reply import Reply
from bot.core.service import Core, Invocation
from tests.helpers.pg_server import PgServer, give_back, take_database

ROOT = Path(__file__).resolve().parent.parent
CONSOLE = Scope("console", "local")
W = "never-let-me-go"  # the default work's id, as the store keeps it
R = "remains-of-the-day"  # the second work's


@pytest.fixture(scope="session")
def library() -> Library:
    """Every installed work."""
    return load_library(ROOT)


@pytest.fixture(scope="session")
def pack(library: Library) -> Content:
    """The default work's pack (Never Let Me Go)."""
    return library.default.content


# Nights are scheduled in words ("friday 19:30"): tests read them at a fixed time, a Monday
# noon, so that no weekday or hour of the real clock changes what they mean.
MONDAY_NOON = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
async def core(pack: Content, tmp_path: Path) -> AsyncIterator[Core]:
    async with open_core(tmp_path / "club.db", content=pack, rng=random.Random(7),
                         clock=lambda: MONDAY_NOON) as core:
        yield core


@pytest.fixture
async def works_core(library: Library, tmp_path: Path) -> AsyncIterator[Core]:
    """A core over every installed work, on a real SQLite file."""
    async with open_core(tmp_path / "club.db", library=library, rng=random.Random(7),
                         clock=lambda: MONDAY_NOON) as core:
        yield core


async def say(core: Core, text: str, *, user: str = "you", channel: str = "general",
              admin: bool | None = None, private: bool = False) -> Reply:
    """Run a line as the console would (the default user `you` is its admin)."""
    inv = Invocation(CONSOLE, channel, user, is_admin=(user == "you") if admin is None else admin,
                     private=private)
    return await core.run_text(inv, text)


def flat(reply: Reply) -> str:
    return "\n".join(reply.texts())


@pytest.fixture(autouse=True)
def keeps_platform_rules(request: pytest.FixtureRequest) -> Iterator[None]:
    """After every test on a fake platform: no interaction answered twice, late, or followed
    up unanswered (Discord), no ack past its time or malformed message (Slack)."""
    yield
    if "world" in request.fixturenames:
        fake = getattr(request.getfixturevalue("world"), "fake", None)
        assert fake is None or fake.violations == []


async def night_thread(core: Core, scope: Scope, channel: str) -> str:
    """The thread an adapter kept for the channel's running night: it keeps it just after
    answering, so a test waits (up to 5 s) for it."""
    club = await core.store.club(scope, channel)
    assert club is not None
    async with asyncio.timeout(5):
        while True:
            running = await core.store.club_nights(club.id, (NightStatus.RUNNING,), limit=1)
            if running and running[0].thread:
                return running[0].thread
            await asyncio.sleep(0.01)


# -- one contract suite, two stores ---------------------------------------------------------------
# A test that asks for ``store_kind`` (through ``open_here``, ``store_url`` or a fixture built on
# them) runs once on each store. ``@pytest.mark.sqlite_only`` keeps a test about SQLite's own
# machinery (pragmas, files, WAL, its worker thread) to SQLite.

STORE_KINDS = ("sqlite", "postgres")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "store_kind" in metafunc.fixturenames:
        only = metafunc.definition.get_closest_marker("sqlite_only")
        metafunc.parametrize("store_kind", ["sqlite"] if only else list(STORE_KINDS))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The session's own PostgreSQL server, started the first time a test needs it."""
    server = PgServer.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def store_url(store_kind: str, tmp_path: Path,
                    request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """This test's own database: a file under tmp_path, or an empty migrated database on the
    server (emptied again afterwards for a later test)."""
    if store_kind == "sqlite":
        yield str(tmp_path / "data" / "club.db")
        return
    server = request.getfixturevalue("pg_server")
    url = await take_database(server)
    yield url
    await give_back(server, url)


@pytest.fixture
def open_here(store_kind: str, store_url: str) -> Callable[..., Awaitable[Any]]:
    """Open (another) store on this test's database; keyword arguments go to ``open()``."""
    async def opener(**options: Any) -> Any:
        if store_kind == "sqlite":
            from bot.store.sqlite import SqliteStore
            return await SqliteStore.open(store_url, **options)
        from bot.store.postgres import PostgresStore
        return await PostgresStore.open(store_url, **options)
    return opener


@pytest.fixture
def peek(store_kind: str, store_url: str) -> Callable[[str], Awaitable[list[tuple[Any, ...]]]]:
    """Rows of a query run from outside the store, on a connection of its own."""
    async def rows(sql: str) -> list[tuple[Any, ...]]:
        if store_kind == "sqlite":
            with closing(sqlite3.connect(store_url)) as conn:
                return [tuple(r) for r in conn.execute(sql).fetchall()]
        import asyncpg
        conn = await asyncpg.connect(store_url)
        try:
            return [tuple(r) for r in await conn.fetch(sql)]
        finally:
            await conn.close()
    return rows
