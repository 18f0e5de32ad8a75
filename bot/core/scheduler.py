"""The scheduler: reminders before nights, and the next night of each series.

One per running adapter, for that adapter's platform, run beside it by the composition root
(the Discord and Slack services may share a database; each sends only its own). A tick claims
what is due in one transaction (pending -> sending, a lease for this ``worker`` of ``lease``
seconds), delivers it through the adapter's ``Courier`` and marks it sent, so two ticks (or
several worker processes) never send the same reminder. A crash between the claim and the mark
leaves the row in ``sending``: once its lease has run out any worker's tick takes it over (a
live worker renews its batch's lease while it sends, so only a dead one's runs out), and
``recover()`` at start-up takes at once what this same worker (by name) left, and delivers it
again with the same idempotency key (the reminder's id), so a reminder is never lost; the
courier looks for the message that key already posted (by its stored id, or Slack's ts) and
posts it once. Series nights are claimed the same way before their next night is made.

Reminders that can no longer help are dropped, not sent late: one for a night already started,
cancelled or begun, and an earlier one when a later one is due too (after a long outage only the
"1 hour before" goes out, not "tomorrow" as well).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from bot.core.call import Deps
from bot.core.clubs import Scope, SpoilerMode
from bot.core.effects import Effect, NightChanged
from bot.core.library import Work
from bot.core.night_cards import covers, private_reminder, reminder_draft
from bot.core.nights import Due, NightStatus
from bot.core.nudges import nudge_reply
from bot.core.planning import successor
from bot.core.reading import Nudge
from bot.core.reply import Reply, Visibility
from bot.core.spoilers import effective_mode, gate

log = logging.getLogger(__name__)

INTERVAL = 30.0  # seconds between ticks at most; a tick also runs when the next reminder is due
# Reminders claimed per transaction: a backlog (after an outage) is worked through in batches,
# so no single claim holds the write lock for long.
BATCH = 50
# Seconds a claim is this worker's: far longer than a batch takes to send, so no live worker's
# claim is taken over, and short enough that a dead worker's reminders go out minutes late.
LEASE = 300


@dataclass(frozen=True, slots=True)
class Notice:
    """A message the bot posts on its own: to a club's channel, or privately to one member."""

    scope: Scope
    channel: str  # the club's channel
    reply: Reply
    key: str  # stable per reminder and recipient: a platform may drop a repeat of it
    to: str | None = None  # a member, for a private notice


class Courier(Protocol):
    """What an adapter gives the scheduler: a way to post, and to carry out effects."""

    async def ready(self) -> None:
        """Return once posts can be made (Discord: logged in); the scheduler waits for it."""
        ...

    async def deliver(self, notice: Notice) -> None:
        """Post it; raise if it could not be posted (it will be tried again)."""
        ...

    async def apply(self, scope: Scope, effects: Sequence[Effect]) -> None: ...


class Renew(Protocol):
    """A store's way to extend a worker's claims (reminders', or schedule nudges')."""

    async def __call__(self, ids: Sequence[int], *, worker: str,
                       until: int) -> frozenset[int]: ...


class Scheduler:
    def __init__(self, deps: Deps, platform: str, courier: Courier, *,
                 interval: float = INTERVAL, worker: str | None = None,
                 lease: int = LEASE) -> None:
        self.deps = deps
        self.platform = platform
        self.courier = courier
        self.interval = interval
        # The name its claims carry: the same after a restart (the host's name unless the
        # root gives one), so recover() may take its own claims back at once; several
        # workers on one host must each be given their own.
        self.worker = worker or socket.gethostname()
        self.lease = lease
        self._stopping = asyncio.Event()
        self.started = False  # past the courier's ready(): a stop waits for its batch

    def stop(self) -> None:
        """Finish the batch in hand (delivered and marked sent), then leave ``run``."""
        self._stopping.set()

    @property
    def now(self) -> datetime:
        return self.deps.clock()

    async def recover(self) -> int:
        """Deliver what a crash left claimed but unsent. Run once, before the first tick."""
        sent, _failed = await self._send(await self.deps.store.claimed(
            self.platform, int(self.now.timestamp()), worker=self.worker, lease=self.lease))
        return sent + await self._nudge(mine=True)

    async def tick(self) -> int:
        """Do everything due now; returns how many reminders (and schedule nudges) went
        out."""
        await self._continue_series()
        return await self._remind() + await self._nudge()

    async def _remind(self) -> int:
        sent = 0
        while True:
            dues = await self.deps.store.claim_due(self.platform, int(self.now.timestamp()),
                                                   limit=BATCH, worker=self.worker,
                                                   lease=self.lease)
            done, failed = await self._send(dues)
            sent += done
            # A full batch means more may wait; a failure means the platform is in trouble,
            # and what failed is back in pending: the next tick (not this one) tries again.
            # A stop waits for this batch only; the rest stay pending for the next start.
            if len(dues) < BATCH or failed or self._stopping.is_set():
                return sent

    async def run(self) -> None:
        """Tick until stopped (or cancelled). Never raises: a failed tick is logged and
        tried again."""
        await self.courier.ready()
        self.started = True
        try:
            await self.recover()
        except Exception:
            log.exception("scheduler recovery failed on %s", self.platform)
        while not self._stopping.is_set():
            try:
                await self.tick()
                wait = self.interval
                due = min((d for d in (await self.deps.store.next_due(self.platform),
                                       await self.deps.store.next_nudge(self.platform))
                           if d is not None), default=None)
                # Wake for the next reminder; one already due after a tick is a failed
                # delivery, tried again after the interval, not at once.
                if due is not None and due > self.now.timestamp():
                    wait = min(wait, max(0.5, due - self.now.timestamp()))
            except Exception:
                log.exception("scheduler tick failed on %s", self.platform)
                wait = self.interval
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), wait)

    # -- series -------------------------------------------------------------------------------

    async def _continue_series(self) -> None:
        store, now = self.deps.store, self.now
        for night in await store.claim_series(self.platform, int(now.timestamp()),
                                              worker=self.worker, lease=self.lease):
            club = await store.club_by_id(night.club_id)
            plan = successor(club, night, now) if club else None
            if club is None or plan is None:
                continue
            made = await store.continue_series(night.id, plan, worker=self.worker)
            if made is not None:
                work = self._work(made.work)
                await self._apply(club.scope, (NightChanged(
                    made, club.channel, covers(made, work.timeline), work.title),))

    def _work(self, work_id: str) -> Work:
        """The installed work a night is about (the default, should its pack be gone)."""
        return self.deps.library.get(work_id) or self.deps.library.default

    async def _apply(self, scope: Scope, effects: Sequence[Effect]) -> None:
        try:
            await self.courier.apply(scope, effects)
        except Exception:
            log.exception("carrying out %s failed", effects)

    # -- reminders ----------------------------------------------------------------------------

    async def _send(self, dues: Sequence[Due]) -> tuple[int, int]:
        """Deliver claimed reminders, then mark them all in one transaction (a crash before
        that mark makes recover() deliver them again, which Discord drops by nonce)."""
        store, now = self.deps.store, self.now
        # Of one night's due reminders only the latest (fewest hours before) is worth sending.
        latest: dict[int, Due] = {}
        for due in dues:
            kept = latest.get(due.night.id)
            if kept is None or due.hours < kept.hours:
                latest[due.night.id] = due
        sent: list[int] = []
        skipped: list[int] = []
        failed = 0
        held = {due.id for due in dues}  # this worker's claims, kept alive while it sends
        renewing = (asyncio.create_task(self._renew(held, self.deps.store.renew_claims))
                    if dues else None)
        try:
            for due in dues:
                night = due.night
                if due.id not in held:  # taken over (this worker stalled): the taker sends it
                    continue
                if (latest[night.id] is not due or night.status is not NightStatus.SCHEDULED
                        or night.wall.instant() <= now):
                    skipped.append(due.id)
                    continue
                try:
                    await self._deliver(due)
                except Exception:
                    # Back to pending: the next tick tries again (until the night begins).
                    log.exception("reminder %d for night %d could not be delivered", due.id,
                                  night.id)
                    await store.retry_reminder(due.id)
                    failed += 1
                    continue
                sent.append(due.id)
        finally:
            if renewing is not None:
                renewing.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewing
            await store.finish_reminders(sent, skipped)
        return len(sent), failed

    async def _renew(self, held: set[int], renew: Renew) -> None:
        """While a batch is sent, extend its claims well before their lease runs out (sent
        ones too: they stay claimed until the batch is marked), so a slow batch (a
        rate-limited channel, many DMs) is never taken over by another worker and sent twice.
        Claims it no longer holds are dropped from ``held``."""
        while held:
            # Leases end on a whole second, so one may have a second less than asked.
            await asyncio.sleep(max(0.1, (self.lease - 1) / 3))
            try:
                kept = await renew(
                    sorted(held), worker=self.worker,
                    until=int(self.now.timestamp()) + self.lease)
            except Exception:  # the next round tries again; the lease has time left
                log.warning("renewing %d reminder claims failed", len(held), exc_info=True)
                continue
            lost = held - kept
            if lost:
                log.warning("reminder claims %s were taken over; not sending them", sorted(lost))
                held.intersection_update(kept)

    async def _deliver(self, due: Due) -> None:
        scope = Scope(self.platform, due.workspace)
        work = self._work(due.night.work)
        timeline = work.timeline
        draft = reminder_draft(due, self.now, timeline)
        mode = effective_mode(due.mode, Visibility.PUBLIC)
        # The work's title heads a reminder as it heads the night's card.
        reply = replace(gate(draft, due.progress, mode, who="the club", timeline=timeline,
                             command="session reminder"), work=work.title)
        await self.courier.deliver(Notice(scope, due.channel, reply, key=f"r{due.id}"))
        for user in due.remind:
            # After the channel's post nothing may fail the reminder (it would be posted
            # again): one member's closed DMs, or anything else, is logged and passed over.
            try:
                mine = await self.deps.store.member_progress(scope, user, due.night.work)
                private = replace(gate(private_reminder(due, self.now, timeline), mine,
                                       effective_mode(SpoilerMode.HIDE, Visibility.PRIVATE),
                                       who="you", timeline=timeline,
                                       command="session reminder"), work=work.title)
                await self.courier.deliver(
                    Notice(scope, due.channel, private, key=f"r{due.id}u{user}", to=user))
            except Exception:
                log.warning("private reminder %d to %s failed", due.id, user, exc_info=True)

    # -- schedule nudges ----------------------------------------------------------------------

    async def _nudge(self, *, mine: bool = False) -> int:
        """Send the reading schedule's due nudges, claimed and marked as reminders are: one a
        day before each target, privately to each member who turned them on."""
        store, now = self.deps.store, self.now
        nudges = await store.claim_nudges(self.platform, int(now.timestamp()), limit=BATCH,
                                          worker=self.worker, lease=self.lease, mine=mine)
        if not nudges:
            return 0
        held = {n.id for n in nudges}
        renewing = asyncio.create_task(self._renew(held, store.renew_nudges))
        sent: list[int] = []
        skipped: list[int] = []
        try:
            for nudge in nudges:
                if nudge.id not in held:  # taken over: the taker sends it
                    continue
                if nudge.point.wall.instant() <= now:  # its day has come: too late to help
                    skipped.append(nudge.id)
                    continue
                if await self._deliver_nudge(nudge):
                    sent.append(nudge.id)
                else:  # nobody could be reached (the platform is down): try again later
                    await store.retry_nudge(nudge.id)
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
            await store.finish_nudges(sent, skipped)
        return len(sent)

    async def _deliver_nudge(self, nudge: Nudge) -> bool:
        """Whether it reached anyone it was for (or was for nobody)."""
        scope = Scope(self.platform, nudge.workspace)
        work = self._work(nudge.work)
        reached = not nudge.followers
        for user in nudge.followers:
            # One member's closed DMs, or anything else, is logged and passed over: the
            # others' nudges must not be sent twice for it.
            try:
                mine = await self.deps.store.member_progress(scope, user, nudge.work)
                await self.courier.deliver(Notice(scope, nudge.channel,
                                                  nudge_reply(nudge, mine, work),
                                                  key=f"s{nudge.id}u{user}", to=user))
                reached = True
            except Exception:
                log.warning("schedule nudge %d to %s failed", nudge.id, user, exc_info=True)
        return reached
