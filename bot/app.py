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
import gc
import logging
import random
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from bot.adapters.state import AdapterState
from bot.config import content_root, default_work, worker_id
from bot.core.commands import Registry, build_registry
from bot.core.content import Content
from bot.core.content.loader import load_library as load_works
from bot.core.library import Library, UnknownWork
from bot.core.scheduler import Courier, Scheduler
from bot.core.service import Core
from bot.store.open import open_store

if TYPE_CHECKING:
    from bot.core.observe import Observer
    from bot.core.status import StatusSource
    from bot.ops.health import PlatformCheck
    from bot.ops.metrics import Metrics
    from bot.ops.service import Ops

log = logging.getLogger(__name__)


def load_library(root: Path | None = None, default: str | None = None) -> Library:
    """Every work under ``root`` (the content folder), loaded and checked; the default work is
    ``default``, else ``BOT_DEFAULT_WORK``, else the one its pack marks as default."""
    from bot.meaning import load as load_meaning

    root = root or content_root()
    return Library.of(load_works(root), default or default_work(), load_meaning(root))


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
    metrics: Metrics | None = None,
    observer: Observer | None = None,
    status: StatusSource | None = None,
) -> AsyncIterator[Core]:
    """The core on the store at ``db_path``: over ``library``, or a library of the one work
    ``content`` (tests), or every installed work. With ``metrics`` the store is timed and
    every command counted (``observer``: who is told of commands; by default, the metrics)."""
    library = library or (Library.of([content]) if content else load_library())
    store = await open_store(db_path, legacy_work=legacy_work(library))
    inner = store
    if metrics is not None:
        from bot.ops.timed_store import TimedStore
        from bot.ops.watch import Watch

        now = clock or _utc_now
        store = TimedStore(store, metrics, clock=lambda: now().timestamp())
        observer = observer or Watch(metrics)
    try:
        yield Core(library, store, registry or build_registry(), rng=rng, clock=clock,
                   observer=observer, status=status)
    finally:
        await inner.close()


def adapter_state(core: Core) -> AdapterState:
    """What adapters keep of their own lives in the same database as the core's rows (one file
    to back up), behind its own small port."""
    state: AdapterState = core.store  # type: ignore[assignment]  # each store implements both
    return state


def _utc_now() -> datetime:
    return datetime.now(UTC)


class StartupError(Exception):
    """The bot cannot start: the message says why, in words for the person starting it."""


@asynccontextmanager
async def service_core(db_path: str | PathLike[str], ops: Ops | None = None
                       ) -> AsyncIterator[Core]:
    """The core for a running service (console, Discord, Slack), with start-up failures
    turned into one plain message; observed, timed and with its status as ``ops`` says."""
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
            core = await stack.enter_async_context(open_core(
                db_path, library=library, metrics=ops.metrics if ops else None,
                observer=ops.watch if ops else None, status=ops.status if ops else None))
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
async def scheduling(core: Core, platform: str, courier: Courier, *,
                     metrics: Metrics | None = None, grace: float = 8.0
                     ) -> AsyncIterator[Scheduler]:
    """The platform's scheduler running beside its adapter. On the way out, before the
    adapter closes, it finishes the batch in hand (delivered and marked sent) within
    ``grace`` seconds, and is cancelled only past that (recovery sends the rest again)."""
    from bot.ops.service import MeteredScheduler

    scheduler = MeteredScheduler(core.deps, platform, courier, worker=worker_id())
    scheduler.metrics = metrics
    task = asyncio.create_task(scheduler.run(), name=f"scheduler:{platform}")
    try:
        yield scheduler
    finally:
        scheduler.stop()
        if scheduler.started:  # still waiting for its platform: nothing in hand to finish
            try:
                await asyncio.wait_for(asyncio.shield(task), grace)
            except TimeoutError:
                log.warning("the scheduler's batch did not finish in %.0f s; cancelled",
                            grace)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@asynccontextmanager
async def serving(db_path: str | PathLike[str], platform: str,
                  build: Callable[[Core, AdapterState], A], *, ops: Ops | None = None,
                  ready: Callable[[A], PlatformCheck] | None = None) -> AsyncIterator[A]:
    """A whole service: store and core, the adapter ``build`` makes from them (entered as a
    context if it is one, as a discord.py client is), the ops side server (health, readiness
    from ``ready``, metrics) when ``ops`` has a port, and its scheduler.

    It stops in the reverse order: new commands turned away and those in flight finished,
    the scheduler's batch delivered and marked, the side server, the adapter (its platform
    connection and what follows its answers), then the store."""
    from bot.ops.backup import BackupError, holding
    from bot.ops.service import Ops

    ops = ops or Ops(platform)
    ops.where = str(db_path)
    async with AsyncExitStack() as stack:
        try:
            stack.enter_context(holding(db_path))  # a restore refuses a database in use
        except BackupError as err:
            raise StartupError(str(err)) from None
        core = await stack.enter_async_context(service_core(db_path, ops))
        ops.store = core.store
        # A service builds each work's /ask index before it connects (half a second for two
        # works, which the first question would otherwise wait for, inside the platform's 3 s)
        # and before its heap is frozen, so the index is frozen with the rest of the content.
        for work in core.library:
            _ = work.answerer
        adapter = build(core, adapter_state(core))
        if isinstance(adapter, AbstractAsyncContextManager):
            await stack.enter_async_context(adapter)
        if ready is not None:
            ops.platform_check = ready(adapter)
        if ops.port is not None:
            await _side_server(stack, core, ops)
        scheduler = await stack.enter_async_context(scheduling(
            core, platform, adapter.courier, metrics=ops.metrics, grace=ops.grace))
        ops.worker = scheduler.worker  # the name its claims carry, for the admin status
        stack.push_async_callback(ops.watch.drain, ops.grace)
        stack.enter_context(frozen_heap())
        yield adapter


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """What a service has built by the time it serves (the works' content above all, most of
    its objects) lives as long as it does: moved out of the garbage collector's generations
    (``gc.freeze``), it is no longer walked by every full collection, which on Discord cost
    about 10 us an interaction more than the same-size bot's (bench/profile_discord.py). It
    is still freed as before when nothing refers to it; only a cycle among those objects
    waits for the way out, where they go back to the collector."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


async def _side_server(stack: AsyncExitStack, core: Core, ops: Ops) -> None:
    """Health, readiness and metrics on the ops port, until the stack closes."""
    from bot.ops.health import Checks, ops_app, serving_ops

    checks = Checks(core, ops.platform_check, ops.before_scrape)
    try:
        ops.bound = await stack.enter_async_context(
            serving_ops(ops_app(checks, ops.metrics), ops.port or 0))
    except OSError as err:
        raise StartupError(f"The ops port {ops.port} cannot be opened ({err.strerror}); "
                           "set BOT_OPS_PORT to a free one, or to off.") from None
    log.info("health, readiness and metrics on port %d", ops.bound)
