"""A graceful stop: SIGTERM (``docker stop``) and SIGINT (Ctrl-C) set one event; the service
leaves its run and the composition root closes everything in order (new commands turned
away, those in flight finished, the scheduler's batch delivered and marked, the platform
connection, then the store), and the process exits 0."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

log = logging.getLogger(__name__)
SIGNALS = (signal.SIGTERM, signal.SIGINT)


def on_signals(stop: asyncio.Event) -> None:
    """Set ``stop`` on SIGTERM or SIGINT (where the loop can take signal handlers)."""
    loop = asyncio.get_running_loop()

    def asked(name: str) -> None:
        if not stop.is_set():
            log.info("stopping on %s", name)
        stop.set()

    for sig in SIGNALS:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, asked, sig.name)


async def until(stop: asyncio.Event, work: asyncio.Future[object]) -> None:
    """Return when ``stop`` is set or ``work`` ends (re-raising what ``work`` raised)."""
    waiter = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({waiter, work}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
    if work.done():
        work.result()
