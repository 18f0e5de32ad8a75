"""The real store with every context read made slow (a busy disk), for deadline tests."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any


class SlowStore:
    def __init__(self, inner: Any, delay: float) -> None:
        self._inner, self._delay = inner, delay

    async def context(self, *args: Any) -> Any:
        await asyncio.sleep(self._delay)
        return await self._inner.context(*args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def slowed(monkeypatch: Any, core: Any, delay: float) -> None:
    """Make the core's store slow for the rest of a test (monkeypatch puts it back)."""
    monkeypatch.setattr(core, "deps", replace(core.deps, store=SlowStore(core.deps.store, delay)))
