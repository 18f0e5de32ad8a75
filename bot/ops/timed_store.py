"""The store, timed: every call of the store port observed in ``bot_store_query_seconds`` by
method, and the reminders the scheduler claims and marks counted (due, sent, dropped, late,
and how late) from what passes through; the store itself is unchanged."""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Callable, Sequence
from typing import Any

from bot.core.nights import Due
from bot.ops.metrics import LATE_AFTER, Metrics

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
        timer = self._metrics.query_seconds.labels(name)
        wrapped = _timed(attr, timer, self._after(name) if name in _REMINDERS else None)
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
            self._metrics.reminders.labels(platform, "due").inc(len(dues))

    def _finished(self, sent: Sequence[int], skipped: Sequence[int]) -> None:
        m, now = self._metrics, self._clock()
        for reminder in sent:
            platform, at = self._claimed.pop(reminder, ("?", now))
            m.reminders.labels(platform, "sent").inc()
            late = max(0.0, now - at)
            m.reminder_lateness.labels(platform).observe(late)
            if late > LATE_AFTER:
                m.reminders.labels(platform, "late").inc()
        for reminder in skipped:
            platform, _at = self._claimed.pop(reminder, ("?", now))
            m.reminders.labels(platform, "dropped").inc()


def _timed(method: Callable[..., Any], timer: Any,
           after: Callable[[tuple[Any, ...], Any], None] | None) -> Callable[..., Any]:
    @functools.wraps(method)
    async def call(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            result = await method(*args, **kwargs)
        finally:
            timer.observe(time.perf_counter() - start)
        if after is not None:
            after(args or tuple(kwargs.values()), result)
        return result

    return call if inspect.iscoroutinefunction(method) else method
