"""A worker that dies between "sent" and "marked", and the worker that takes its claims over,
for the couriers' retry tests: the first delivers its batch and then never marks it (its
store's ``finish_reminders`` is where it dies), so its claims wait out their lease and the
second delivers them again with the same keys."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pytest

from bot.core.call import Deps
from bot.core.scheduler import Courier, Scheduler

LEASE = 60


class Died(Exception):
    """The worker's process ended here (kill -9)."""


class MarksNothing:
    """The store as the dying worker sees it: everything but the mark after its posts."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def finish_reminders(self, sent: Sequence[int], skipped: Sequence[int]) -> None:
        raise Died


async def crash_after_sending(deps: Deps, platform: str, courier: Courier) -> None:
    """One tick of a worker that posts what is due and dies before marking it."""
    dying = Scheduler(replace(deps, store=MarksNothing(deps.store)), platform, courier,
                      worker="crashed", lease=LEASE)
    with pytest.raises(Died):
        await dying.tick()


def taker(deps: Deps, platform: str, courier: Courier) -> Scheduler:
    """Another worker, ticking once the dead one's lease has run out."""
    return Scheduler(deps, platform, courier, worker="taker", lease=LEASE)
