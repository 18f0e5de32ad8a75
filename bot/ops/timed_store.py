"""The store, timed: every call of the store port counted by method and one in
``STORE_SAMPLE`` timed into ``bot_store_query_seconds``; and the reminders the scheduler
claims and marks counted (due, sent, dropped, late, and how late) from what passes through.
The store itself is unchanged."""

from __future__ import annotations

import functools
import inspect
import itertools
import logging
import time
from bisect import bisect_left
from collections.abc import Callable, Sequence
from typing import Any

from bot.core.nights import Due
from bot.ops.metrics import LATE_AFTER, STORE_SAMPLE, Metrics

log = logging.getLogger("bot.ops.store")
SLOW_CALL = 0.25  # seconds: a store call slower than this is logged
_REMINDERS = frozenset({"claim_due", "claimed", "finish_reminders"})


class TimedStore:
    """Stands where the store stands (the core sees the same port); ``inner`` is the store."""

    def __init__(self, inner: Any, metrics: Metrics, *, clock: Callable[[], float] = time.time
                 ) -> None:
        self.inner = inner
        self._metrics = metrics
        self._clock = clock
        self._claimed: dict[int, tuple[str, float]] = {}  # reminder id -> (platform, due at)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if name.startswith("_") or not callable(attr) or name in ("close", "closed"):
            return attr
        m = self._metrics
        wrapped = _timed(attr, m.query_seconds.bounds, m.query_seconds.row((name,)),
                         m.store_calls.cell((name,)),
                         self._after(name) if name in _REMINDERS else None)
        setattr(self, name, wrapped)  # built once per method: later calls skip __getattr__
        return wrapped

    def _after(self, name: str) -> Callable[[tuple[Any, ...], Any], None]:
        if name == "finish_reminders":
            return lambda args, _result: self._finished(*args[:2])
        return lambda args, result: self._due(args[0], result)

    def _due(self, platform: str, dues: Sequence[Due]) -> None:
        for due in dues:
            at = due.night.wall.instant().timestamp() - due.hours * 3600
            self._claimed[due.id] = (platform, at)
        if dues:
            self._metrics.reminders.inc((platform, "due"), len(dues))

    def _finished(self, sent: Sequence[int], skipped: Sequence[int]) -> None:
        m, now = self._metrics, self._clock()
        for reminder in sent:
            platform, at = self._claimed.pop(reminder, ("?", now))
            m.reminders.inc((platform, "sent"))
            late = max(0.0, now - at)
            m.reminder_lateness.observe((platform,), late)
            if late > LATE_AFTER:
                m.reminders.inc((platform, "late"))
        for reminder in skipped:
            platform, _at = self._claimed.pop(reminder, ("?", now))
            m.reminders.inc((platform, "dropped"))


def _timed(method: Callable[..., Any], bounds: tuple[float, ...], row: list[float],
           calls: list[float], after: Callable[[tuple[Any, ...], Any], None] | None
           ) -> Callable[..., Any]:
    """The method, counted, and timed into its histogram row one call in ``STORE_SAMPLE``
    (and always when its result is read for the reminders)."""
    if not inspect.iscoroutinefunction(method):
        return method
    clock = time.perf_counter

    async def timed(*args: Any, **kwargs: Any) -> Any:
        start = clock()
        try:
            result = await method(*args, **kwargs)
        finally:
            spent = clock() - start
            row[bisect_left(bounds, spent)] += 1
            row[-1] += spent
            if spent > SLOW_CALL:  # with the request id of the interaction that waited
                log.warning("slow store call", extra={"method": method.__name__,
                                                      "duration_ms": round(spent * 1000, 1)})
        if after is not None:
            after(args or tuple(kwargs.values()), result)
        return result

    if after is not None:  # its result is read: every call goes through ``timed``
        @functools.wraps(method)
        def every(*args: Any, **kwargs: Any) -> Any:
            calls[0] += 1
            return timed(*args, **kwargs)

        return every
    turns = itertools.cycle(range(STORE_SAMPLE))  # 0 first: the first call is timed

    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if next(turns):
            return method(*args, **kwargs)  # its own coroutine, awaited by the caller
        return timed(*args, **kwargs)

    return call
