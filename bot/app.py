"""The composition root: load the content, open the store, build the core, hand it to an
adapter, and run the scheduler beside it.

Every entry point (console, Discord, Slack, the tests and the benchmarks) builds the core here
and nowhere else, and ``serving`` owns every lifetime of a running service in one
``AsyncExitStack``: the store, the core, the adapter and its scheduler start in that order and
stop in the reverse one, so no reminder is mid-delivery when its platform connection closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from datetime import datetime
from os import PathLike
from pathlib import Path
from typing import Protocol, TypeVar

from bot.adapters.state import AdapterState
from bot.config import content_root, default_work, worker_id
from bot.core.commands import Registry, build_registry
from bot.core.content import Content
from bot.core.content.loader import load_library as load_works
from bot.core.library import Library, UnknownWork
from bot.core.scheduler import Courier, Scheduler
from bot.core.service import Core
from bot.store.open import open_store

log = logging.getLogger(__name__)


def load_library(root: Path | None = None, default: str | None = None) -> Library:
    """Every work under ``root`` (the content folder), loaded and checked; the default work is
    ``default``, else ``BOT_DEFAULT_WORK``, else the one its pack marks as default."""
    contents = load_works(root or content_root())
    return Library.of(contents, default or default_work())


def load_pack(root: Path | None = None) -> Content:
    """The default work's pack alone (tests and benchmarks that need one work)."""
    return load_library(root).default.content


def legacy_work(library: Library) -> str:
    """The work a database from before the bot served several works belongs to: the one the
    content marks as default (the first work), whatever BOT_DEFAULT_WORK says."""
    marked = next((w.id for w in library if w.info.default), None)
    return marked or next(iter(library)).id


@asynccontextmanager
async def open_core(
    db_path: str | PathLike[str],
    *,
    library: Library | None = None,
    content: Content | None = None,
    registry: Registry | None = None,
    rng: random.Random | None = None,
    clock: Callable[[], datetime] | None = None,
) -> AsyncIterator[Core]:
    """The core on the store at ``db_path``: over ``library``, or a library of the one work
    ``content`` (tests), or every installed work."""
    library = library or (Library.of([content]) if content else load_library())
    store = await open_store(db_path, legacy_work=legacy_work(library))
    try:
        yield Core(library, store, registry or build_registry(), rng=rng, clock=clock)
    finally:
        await store.close()


def adapter_state(core: Core) -> AdapterState:
    """What adapters keep of their own lives in the same database as the core's rows (one file
    to back up), behind its own small port."""
    state: AdapterState = core.store  # type: ignore[assignment]  # each store implements both
    return state


class StartupError(Exception):
    """The bot cannot start: the message says why, in words for the person starting it."""


@asynccontextmanager
async def service_core(db_path: str | PathLike[str]) -> AsyncIterator[Core]:
    """The core for a running service (console, Discord, Slack), with start-up failures
    turned into one plain message."""
    from bot.core.content import ContentInvalid
    from bot.store.errors import DriverMissing, StoreError
    from bot.store.open import UnknownStore, shown

    try:
        library = load_library()
    except ContentInvalid as err:
        raise StartupError(f"The content does not load; run `python -m bot check`.\n{err}"
                           ) from None
    except UnknownWork as err:
        raise StartupError(f"BOT_DEFAULT_WORK names {err}, which is not installed.") from None
    async with AsyncExitStack() as stack:
        try:
            core = await stack.enter_async_context(open_core(db_path, library=library))
        except DriverMissing as err:
            text = str(err)
            raise StartupError(text[:1].upper() + text[1:]) from None
        except (OSError, StoreError, UnknownStore) as err:
            text = str(err)  # the store's own errors already say which file
            if not text.lower().startswith("cannot open"):
                text = f"Cannot open the database at {shown(db_path)}: {text}"
            raise StartupError(text[:1].upper() + text[1:]) from None
        yield core


class Adapter(Protocol):
    """What the root needs of an adapter: the courier its scheduler posts through."""

    @property
    def courier(self) -> Courier: ...


A = TypeVar("A", bound=Adapter)


@asynccontextmanager
async def scheduling(core: Core, platform: str, courier: Courier) -> AsyncIterator[Scheduler]:
    """The platform's scheduler running beside its adapter; stopped (its tick cancelled) on
    the way out, before the adapter closes."""
    scheduler = Scheduler(core.deps, platform, courier, worker=worker_id())
    task = asyncio.create_task(scheduler.run(), name=f"scheduler:{platform}")
    try:
        yield scheduler
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@asynccontextmanager
async def serving(db_path: str | PathLike[str], platform: str,
                  build: Callable[[Core, AdapterState], A]) -> AsyncIterator[A]:
    """A whole service: store and core, the adapter ``build`` makes from them (entered as a
    context if it is one, as a discord.py client is), and its scheduler."""
    async with AsyncExitStack() as stack:
        core = await stack.enter_async_context(service_core(db_path))
        adapter = build(core, adapter_state(core))
        if isinstance(adapter, AbstractAsyncContextManager):
            await stack.enter_async_context(adapter)
        await stack.enter_async_context(scheduling(core, platform, adapter.courier))
        yield adapter
