"""Shared fixtures: the real content pack, and a core on a real SQLite file under tmp_path."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import load_library, open_core
from bot.core.clubs import Scope
from bot.core.content import Content
from bot.core.library import Library
from bot.core.nights import NightStatus
from bot.core.reply import Reply
from bot.core.service import Core, Invocation

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
