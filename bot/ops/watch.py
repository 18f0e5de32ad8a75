"""The core's observer (``bot.core.observe.Observer``): each command counted and timed once,
at the core's entry point, its request id and fields set for the logs, and the count of those
in flight kept, so a stop can turn new ones away and wait for the rest."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot.core.call import Invocation
from bot.core.commands.discuss import DECLINED
from bot.core.observe import Outcome
from bot.core.reply import PartState, Reply
from bot.ops import logs
from bot.ops.metrics import Metrics

log = logging.getLogger("bot.ops.commands")
UNKNOWN = "unknown"  # the label of words that named no command


class Watch:
    def __init__(self, metrics: Metrics | None) -> None:
        self.metrics = metrics
        self.stopping = False
        self._running = 0
        self._idle = asyncio.Event()
        self._idle.set()
        # Labelled children kept by their label values: .labels() takes a lock each time.
        self._counters: dict[tuple[str, str, str], Any] = {}
        self._timers: dict[tuple[str, str], Any] = {}

    @property
    def running(self) -> int:
        return self._running

    def admit(self, inv: Invocation, command: str) -> bool:
        if self.stopping:
            log.info("turned away while stopping", extra={"command": command or UNKNOWN})
            return False
        self._running += 1
        self._idle.clear()
        logs.enter_command(inv.scope.platform, command or UNKNOWN, inv.scope.workspace)
        return True

    def done(self, inv: Invocation, command: str, outcome: Outcome, seconds: float,
             reply: Reply) -> None:
        self._running -= 1
        if self._running == 0:
            self._idle.set()
        platform = inv.scope.platform
        path = command or UNKNOWN
        if self.metrics is not None:
            self._count(platform, path, outcome, seconds, reply)
        if outcome is Outcome.ERROR:
            level = logging.WARNING
        else:
            level = logging.INFO if log.isEnabledFor(logging.INFO) else 0
        if level:
            log.log(level, "command", extra={"outcome": outcome.value,
                                             "duration_ms": round(seconds * 1000, 3)})
        logs.leave_command()

    def _count(self, platform: str, path: str, outcome: Outcome, seconds: float,
               reply: Reply) -> None:
        m = self.metrics
        assert m is not None
        key = (platform, path, outcome.value)
        counter = self._counters.get(key)
        if counter is None:
            counter = self._counters[key] = m.commands.labels(*key)
        counter.inc()
        family = path.split(" ", 1)[0]
        timer = self._timers.get((platform, family))
        if timer is None:
            timer = self._timers[(platform, family)] = m.command_seconds.labels(platform, family)
        timer.observe(seconds)
        tagged = sum(1 for p in reply.parts if p.state is PartState.TAG)
        hidden = reply.withheld.count if reply.withheld else 0
        if hidden or tagged:
            m.replies_gated.labels(platform).inc()
            if hidden:
                m.parts_withheld.labels(platform, "hidden").inc(hidden)
            if tagged:
                m.parts_withheld.labels(platform, "tagged").inc(tagged)
        if (family == "ask" and outcome is Outcome.OK and reply.parts
                and reply.parts[0].text.startswith(DECLINED)):
            m.ask_declined.labels(platform).inc()

    async def drain(self, grace: float) -> int:
        """Turn new commands away and wait (up to ``grace`` seconds) for those in flight;
        returns how many were still running when the wait ended."""
        self.stopping = True
        try:
            await asyncio.wait_for(self._idle.wait(), grace)
        except TimeoutError:
            log.warning("%d commands still running after %.0f s", self._running, grace)
        return self._running
