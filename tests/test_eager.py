"""bot.adapters.eager: a coroutine run at once up to its first wait, the rest awaited later
behaves as the coroutine itself would (results, errors, cancellation, context)."""

from __future__ import annotations

import asyncio
import contextvars

import pytest

from bot.adapters.eager import Started, start

SEEN: contextvars.ContextVar[str] = contextvars.ContextVar("seen", default="")


async def quick() -> int:
    SEEN.set("quick")
    return 7


async def slow(gate: asyncio.Future[int]) -> int:
    SEEN.set("slow")
    value = await gate
    await asyncio.sleep(0)
    return value + 1


async def fails() -> None:
    raise ValueError("at once")


async def test_a_coroutine_that_never_waits_is_done_at_once() -> None:
    ready, value = start(quick())
    assert ready and value == 7


async def test_one_that_waits_finishes_when_awaited() -> None:
    gate: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    ready, rest = start(slow(gate))
    assert not ready and isinstance(rest, Started)
    asyncio.get_running_loop().call_soon(gate.set_result, 41)
    assert await rest == 42


async def test_its_rest_runs_in_a_task_too() -> None:
    gate: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    context = contextvars.copy_context()
    ready, rest = start(slow(gate), context)
    assert not ready and isinstance(rest, Started)
    assert SEEN.get() == ""  # the first step ran in the context given, not the caller's
    task = asyncio.get_running_loop().create_task(rest.finish(), context=context)
    gate.set_result(1)
    assert await task == 2
    assert context[SEEN] == "slow"


async def test_an_error_at_once_is_raised_at_once() -> None:
    with pytest.raises(ValueError, match="at once"):
        start(fails())


async def test_a_failed_wait_reaches_the_coroutine() -> None:
    gate: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    _ready, rest = start(slow(gate))
    gate.set_exception(KeyError("gone"))
    with pytest.raises(KeyError):
        await rest  # type: ignore[misc]


async def test_a_cancelled_task_cancels_the_coroutine() -> None:
    gate: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    _ready, rest = start(slow(gate))
    assert isinstance(rest, Started)
    task = asyncio.ensure_future(rest.finish())
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert gate.cancelled()  # the coroutine's own wait was cancelled, as with a plain await
