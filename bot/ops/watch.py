"""The core's observer (``bot.core.observe.Observer``): each command counted and timed once,
at the core's entry point, its request id and fields set for the logs, and the count of those
in flight kept, so a stop can turn new ones away and wait for the rest.

It runs on every command, so its path is kept short: plain dict and list updates, no call it
can do without (the benchmark holds it to 5% of the cheapest command)."""

from __future__ import annotations

import asyncio
import logging
from bisect import bisect_left

from bot.core.call import Invocation
from bot.core.clubs import SpoilerMode
from bot.core.commands.discuss import DECLINED
from bot.core.observe import Outcome
from bot.core.reply import PartState, Reply
from bot.ops import logs
from bot.ops.metrics import Metrics

log = logging.getLogger("bot.ops.commands")
UNKNOWN = "unknown"  # the label of words that named no command
_REQUEST, _EDGE, _IDS, _CLUB_AT = logs.REQUEST, logs.Request, logs.ids, logs.CLUB_AT
# Looked up once: an enum member read through its class costs a lookup on every command.
_TAGGED = PartState.TAG
_TAG, _OK, _REFUSED, _ERROR = SpoilerMode.TAG, Outcome.OK, Outcome.REFUSED, Outcome.ERROR


class Watch:
    def __init__(self, metrics: Metrics | None) -> None:
        self.metrics = metrics
        self.stopping = False
        self._running = 0
        self._idle: asyncio.Event | None = None  # made by drain(), set when none are left
        # Read once: logging is set up before a service builds its Watch.
        self._info = log.isEnabledFor(logging.INFO)
        # platform -> command -> the cells its counts and latency go to
        self._slots: dict[str, dict[str, _Slot]] = {}
        if metrics is not None:  # read when scraped, not kept up to date on every command
            metrics.in_flight.read = lambda: {(): float(self._running)}

    @property
    def running(self) -> int:
        return self._running

    def arrived(self, platform: str) -> None:
        logs.new_request(platform)  # admit() then fills in the command, in place

    def admit(self, inv: Invocation, command: str) -> bool:
        if self.stopping:
            log.info("turned away while stopping", extra={"command": command or UNKNOWN})
            return False
        self._running += 1
        scope = inv.scope
        request = _REQUEST.get()
        if type(request) is _EDGE:  # the adapter began it: this command runs inside it
            request.platform, request.command = scope.platform, command or UNKNOWN
            request.workspace, request.club = scope.workspace, None  # not read yet
        else:  # a request of its own
            _REQUEST.set([next(_IDS), scope.platform, command or UNKNOWN, scope.workspace, None])
        return True

    def placed(self, club: int | None) -> None:
        request = _REQUEST.get()
        if type(request) is _EDGE:
            request.club = club
        elif request is not None:
            request[_CLUB_AT] = club

    def done(self, inv: Invocation, command: str, outcome: Outcome, seconds: float,
             reply: Reply) -> None:
        self._running -= 1
        if self._idle is not None and not self._running:
            self._idle.set()
        if self.metrics is not None:
            # By platform, then command: two lookups of strings (their hashes kept) cost less
            # than building and hashing a tuple key.
            slots = self._slots.get(inv.scope.platform)
            slot = slots.get(command) if slots is not None else None
            if slot is None:
                slot = self._slot(inv.scope.platform, command)
            # By identity, not by hash: an enum member hashes in Python, on every command.
            (slot.ok if outcome is _OK else slot.refused if outcome is _REFUSED
             else slot.error)[0] += 1
            row = slot.row
            row[bisect_left(slot.bounds, seconds)] += 1
            row[-1] += seconds
            if reply.audience.mode is _TAG:
                slot.gated(reply)
            elif (withheld := reply.withheld) is not None and withheld.count:
                slot.replies[0] += 1
                slot.hidden[0] += withheld.count
            if slot.ask and outcome is _OK:
                self._declined(platform=inv.scope.platform, reply=reply)
        if outcome is _ERROR:
            log.warning("command", extra={"outcome": outcome.value,
                                          "duration_ms": round(seconds * 1000, 3)})
        elif self._info:
            log.info("command", extra={"outcome": outcome.value,
                                       "duration_ms": round(seconds * 1000, 3)})

    def _slot(self, platform: str, command: str) -> _Slot:
        assert self.metrics is not None
        slot = _Slot(self.metrics, platform, command or UNKNOWN)
        self._slots.setdefault(platform, {})[command] = slot
        return slot

    def _declined(self, platform: str, reply: Reply) -> None:
        if self.metrics is not None and reply.parts and reply.parts[0].text.startswith(DECLINED):
            self.metrics.ask_declined.inc((platform,))

    async def drain(self, grace: float) -> int:
        """Turn new commands away and wait (up to ``grace`` seconds) for those in flight;
        returns how many were still running when the wait ended."""
        self.stopping = True
        if not self._running:
            return 0
        self._idle = asyncio.Event()
        try:
            await asyncio.wait_for(self._idle.wait(), grace)
        except TimeoutError:
            log.warning("%d commands still running after %.0f s", self._running, grace)
        return self._running


class _Slot:
    """Where one command's numbers go on one platform, looked up once."""

    __slots__ = ("ask", "bounds", "error", "hidden", "ok", "refused", "replies", "row",
                 "tagged")

    def __init__(self, m: Metrics, platform: str, command: str) -> None:
        self.ok, self.refused, self.error = (m.commands.cell((platform, command, o.value))
                                             for o in (_OK, _REFUSED, _ERROR))
        self.row = m.command_seconds.row((platform, command.split(" ", 1)[0]))
        self.bounds = m.command_seconds.bounds
        self.replies = m.replies_gated.cell((platform,))
        self.hidden = m.parts_withheld.cell((platform, "hidden"))
        self.tagged = m.parts_withheld.cell((platform, "tagged"))
        self.ask = command == "ask"

    def gated(self, reply: Reply) -> None:
        tagged = (sum(1 for p in reply.parts if p.state is _TAGGED)
                  if reply.audience.mode is _TAG else 0)
        hidden = reply.withheld.count if reply.withheld is not None else 0
        if hidden or tagged:
            self.replies[0] += 1
            self.hidden[0] += hidden
            self.tagged[0] += tagged
