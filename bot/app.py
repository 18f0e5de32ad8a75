"""The composition root: load the content, open the store, build the core, hand it over.

Every entry point (console, tests, benchmarks, and later Discord and Slack) builds the core
here and nowhere else.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from os import PathLike
from pathlib import Path

from bot.config import content_root
from bot.core.commands import Registry, build_registry
from bot.core.content import Content, load_content
from bot.core.service import Core
from bot.store.sqlite import SqliteStore


def load_pack(root: Path | None = None) -> Content:
    root = root or content_root()
    return load_content(root / "facts", root / "prompts")


@asynccontextmanager
async def open_core(
    db_path: str | PathLike[str],
    *,
    content: Content | None = None,
    registry: Registry | None = None,
    rng: random.Random | None = None,
    clock: Callable[[], datetime] | None = None,
) -> AsyncIterator[Core]:
    content = content or load_pack()
    store = await SqliteStore.open(db_path)
    try:
        core = Core(content, store, registry or build_registry(), rng=rng or random.Random())
        if clock is not None:
            core.clock = clock
        yield core
    finally:
        await store.close()


class StartupError(Exception):
    """The bot cannot start: the message says why, in words for the person starting it."""


@asynccontextmanager
async def service_core(db_path: str | PathLike[str]) -> AsyncIterator[Core]:
    """The core for a running service (console, Discord, Slack), with start-up failures
    turned into one plain message."""
    from bot.core.content import ContentInvalid
    from bot.store.sqlite import StoreError

    try:
        content = load_pack()
    except ContentInvalid as err:
        raise StartupError(f"The content does not load; run `python -m bot check`.\n{err}"
                           ) from None
    manager = open_core(db_path, content=content)
    try:
        core = await manager.__aenter__()
    except (OSError, StoreError) as err:
        text = str(err)  # the store's own errors already say which file
        if not text.lower().startswith("cannot open"):
            text = f"Cannot open the database at {db_path}: {text}"
        raise StartupError(text[:1].upper() + text[1:]) from None
    try:
        yield core
    finally:
        await manager.__aexit__(None, None, None)
