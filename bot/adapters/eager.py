"""A coroutine run at once, up to its first wait: what Python 3.12's eager tasks do, on 3.11.

Nearly every answer the core gives never waits (its store read is on a read-only connection,
its reply often kept), so the machinery around it for a slow one (on Discord, the timer that
defers the interaction) is set only when the first step of the work did wait. The rest must be
awaited in the task that started it: an ``asyncio.timeout`` entered in the first step belongs
to that task (so Slack, whose slow answers go on in a task of their own after the ack, does
not use this on Python 3.11). The rest of the coroutine then runs as it would have:
``Started`` hands on to the awaiting task every future the coroutine waits for, and every
value and exception the task sends back, as ``await`` itself does.
"""

from __future__ import annotations

import contextvars
from collections.abc import Coroutine, Generator
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Started(Generic[T]):
    """A coroutine that waited in its first step: awaiting this (in any task) runs the rest."""

    __slots__ = ("_coro", "_yielded")

    def __init__(self, coro: Coroutine[Any, Any, T], yielded: Any) -> None:
        self._coro = coro
        self._yielded = yielded  # what its first step waits on (a future, or None: a yield)

    def __await__(self) -> Generator[Any, Any, T]:
        coro, yielded = self._coro, self._yielded
        self._yielded = None
        while True:
            try:
                sent = yield yielded
            except GeneratorExit:
                coro.close()
                raise
            except BaseException as exc:  # a cancellation, or the future's error
                try:
                    yielded = coro.throw(exc)
                except StopIteration as stop:
                    return stop.value  # type: ignore[no-any-return]
            else:
                try:
                    yielded = coro.send(sent)
                except StopIteration as stop:
                    return stop.value  # type: ignore[no-any-return]

    async def finish(self) -> T:
        """The rest, as a coroutine (for ``create_task``)."""
        return await self


def start(coro: Coroutine[Any, Any, T], context: contextvars.Context | None = None
          ) -> tuple[bool, T | Started[T]]:
    """Run ``coro`` up to its first wait, in ``context`` if given (a task's own, as a task
    made with it would), else in the caller's. (True, its result) when it finished; (False,
    ``Started``) when it waits. Its exception, if it raises at once, is raised here."""
    try:
        yielded = context.run(coro.send, None) if context is not None else coro.send(None)
    except StopIteration as stop:
        return True, stop.value
    return False, Started(coro, yielded)
