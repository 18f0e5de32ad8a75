"""The store port: what the core needs from persistence. The core depends on this, never on a
database driver; ``bot.store.sqlite`` (aiosqlite) and ``bot.store.postgres`` (asyncpg)
implement it.

Ids are text and every row is scoped by platform and workspace, so a Discord guild, a Slack team
and the console never see each other's data. Progress is kept per work (a work's id is its
pack's folder name): a member's own, and a club's in each work it has taken up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from bot.core.clubs import Club, Context, MemberPoint, Poll, Scope, SpoilerMode
from bot.core.host_questions import HostQuestion
from bot.core.nights import Answer, Due, Night, NightPlan, NightPrompt, NightStatus, Rsvp
from bot.core.reading import Nudge, Point
from bot.core.timeline import Medium, Progress
from bot.core.wrapups import Wrapup, WrapupAnswer


class Store(Protocol):
    async def context(self, scope: Scope, channel: str, user: str) -> Context: ...

    async def member_progress(self, scope: Scope, user: str, work: str) -> Progress: ...

    async def set_member_progress(
        self, scope: Scope, user: str, work: str, *, novel: int | None = None,
        film: int | None = None,
    ) -> Progress: ...

    async def reset_member_progress(self, scope: Scope, user: str, work: str) -> None: ...

    async def club(self, scope: Scope, channel: str) -> Club | None: ...

    async def club_by_id(self, club_id: int) -> Club | None: ...

    async def clubs_of(self, scope: Scope, user: str) -> tuple[Club, ...]:
        """The clubs this member belongs to in this workspace, oldest first."""
        ...

    async def create_club(
        self, scope: Scope, channel: str, *, medium: Medium, tz: str, host: str, work: str
    ) -> Club: ...

    async def join_club(self, club_id: int, user: str) -> bool: ...

    async def leave_club(self, club_id: int, user: str) -> bool: ...

    async def set_club_progress(
        self, club_id: int, work: str, *, novel: int | None = None, film: int | None = None
    ) -> Progress: ...

    async def set_club_work(self, club_id: int, work: str) -> None:
        """The club moves to ``work``; its progress in every work it has read is kept."""
        ...

    async def set_club_medium(self, club_id: int, medium: Medium) -> Progress:
        """Follow ``medium``. A timeline the club did not follow before, or does not follow
        now, goes back to 0 in every work: progress kept from before never opens anything
        later. Returns the progress in the work the club reads now."""
        ...

    async def set_spoiler_mode(self, club_id: int, mode: SpoilerMode) -> None: ...

    async def add_host(self, club_id: int, user: str) -> bool: ...

    async def remove_host(self, club_id: int, user: str) -> bool: ...

    async def used_prompts(self, club_id: int, work: str) -> frozenset[str]: ...

    async def mark_prompt_used(self, club_id: int, work: str, prompt_id: str) -> None: ...

    async def take_prompt(
        self, club_id: int, work: str, choose: Callable[[frozenset[str]], str | None]
    ) -> str | None:
        """In one write transaction: read the prompts the club has had, let ``choose`` (pure,
        no I/O) pick one from them, mark it used. Two at once never pick the same prompt."""
        ...

    # -- discussion nights (every multi-row change is one transaction) ---------------------

    async def night(self, night_id: int) -> Night | None: ...

    async def club_nights(self, club_id: int, statuses: Sequence[NightStatus], *,
                          limit: int = 25, newest_first: bool = False,
                          since: int | None = None) -> tuple[Night, ...]:
        """The club's nights in these states (starting at ``since`` or later), by time."""
        ...

    async def rsvps(self, night_id: int) -> tuple[Rsvp, ...]: ...

    async def night_prompts(self, night_id: int) -> tuple[NightPrompt, ...]: ...

    async def add_night(self, club_id: int, plan: NightPlan) -> Night:
        """Raises DuplicateNight if the club has a night scheduled or running on the same
        target at the same time (checked in the same transaction as the write)."""
        ...

    async def edit_night(self, night_id: int, plan: NightPlan) -> Night:
        """Raises StaleNight unless the night is still scheduled, DuplicateNight if the change
        would make it another night's twin."""
        ...

    async def cancel_night(self, night_id: int, successor: NightPlan | None, *,
                           end_series: int | None = None) -> Night: ...

    async def claim_series(self, platform: str, now: int, limit: int = 100, *,
                           worker: str = "", lease: int = 300) -> tuple[Night, ...]:
        """Claim for ``worker``, until ``now + lease``, nights of a series that have begun,
        whose next night is not made yet and that no live claim holds: workers claiming at
        once get disjoint nights; a dead worker's are taken over when its lease runs out."""
        ...

    async def continue_series(self, night_id: int, successor: NightPlan, *,
                              worker: str = "") -> Night | None:
        """Make a series' next night, once, if ``worker`` still holds the night's claim:
        None if it was made already or another worker took the claim over."""
        ...

    async def rsvp(self, night_id: int, user: str, answer: Answer) -> Night: ...

    async def set_remind(self, night_id: int, user: str, remind: bool) -> None: ...

    async def check_in(self, night_id: int, user: str) -> bool: ...

    async def start_night(self, night_id: int, host: str) -> Night:
        """Raises NightTaken if another night runs, StaleNight if this one is not scheduled."""
        ...

    async def end_night(self, night_id: int) -> Night: ...

    async def set_thread(self, night_id: int, thread: str) -> None: ...

    async def take_night_prompt(
        self, night_id: int, club_id: int,
        choose: Callable[[frozenset[str], tuple[NightPrompt, ...]], str | None],
        *, skip_last: bool = False,
    ) -> tuple[str | None, tuple[NightPrompt, ...]]: ...

    async def claim_due(self, platform: str, now: int, limit: int = 200, *,
                        worker: str = "", lease: int = 300) -> tuple[Due, ...]:
        """Claim for ``worker``, until ``now + lease`` (seconds), the reminders due by ``now``
        and those whose lease has run out (their worker died mid-send): pending -> sending.
        Workers claiming at once get disjoint rows; a live lease is never taken over."""
        ...

    async def claimed(self, platform: str, now: int, *, worker: str = "",
                      lease: int = 300) -> tuple[Due, ...]:
        """At start-up: take over, as ``claim_due`` does, what was left in sending with its
        lease run out by ``now``, and ``worker``'s own claims whatever their lease (the same
        worker restarted: nobody else can be sending them)."""
        ...

    async def renew_claims(self, ids: Sequence[int], *, worker: str,
                           until: int) -> frozenset[int]:
        """Extend ``worker``'s claims on these reminders to ``until`` (a batch still being
        sent); returns those it still holds. One taken over or finished meanwhile is left be."""
        ...

    async def finish_reminders(self, sent: Sequence[int], skipped: Sequence[int]) -> None:
        """Mark a tick's reminders sent or skipped, in one transaction."""
        ...

    async def retry_reminder(self, reminder_id: int) -> None:
        """A claimed reminder that could not be delivered goes back to pending."""
        ...

    async def next_due(self, platform: str) -> int | None: ...

    async def set_club_tz(self, club_id: int, tz: str) -> None: ...

    async def set_reminder_hours(self, club_id: int, hours: tuple[int, ...],
                                 plan: Callable[[Night], NightPlan]) -> int: ...

    async def archive_club(self, club_id: int, archived: bool) -> tuple[Night, ...]:
        """Archive (or reopen); archiving cancels the scheduled nights (returned)."""
        ...

    # -- votes on a club's next work -----------------------------------------------------

    async def open_poll(self, club_id: int, host: str, choices: Sequence[str]) -> Poll:
        """Raises PollOpen if the club has an open vote already."""
        ...

    async def open_poll_of(self, club_id: int) -> Poll | None: ...

    async def latest_poll_of(self, club_id: int) -> Poll | None:
        """The club's most recent vote, open or closed."""
        ...

    async def cast_vote(self, poll_id: int, user: str, work: str) -> Poll:
        """One answer per member, replaced by a later one; the poll as it now stands."""
        ...

    async def vote_of(self, poll_id: int, user: str) -> str | None: ...

    async def close_poll(self, poll_id: int) -> Poll: ...

    # -- pictures: the club's chart and who is on it ---------------------------------------

    async def club_member_points(self, club_id: int, work: str) -> tuple[MemberPoint, ...]:
        """The club's members who have set their own progress in ``work``, with their name
        and whether they keep it private, in the order they joined."""
        ...

    async def set_member_settings(self, scope: Scope, user: str, *, private: bool | None = None,
                                  name: str | None = None) -> bool:
        """Keep a member off charts and lists of who is where (``private``), and what the
        platform calls them (``name``); None leaves a setting as it is. Returns whether the
        member is private now (False for one never set)."""
        ...

    async def set_club_pictures(self, club_id: int, *, members: bool | None = None,
                                images: bool | None = None) -> None:
        """Show members on the club's chart; attach pictures (recap cards) to replies. None
        leaves a setting as it is."""
        ...

    # -- a club's own questions (`/prompt upload`) ------------------------------------------

    async def stage_host_questions(self, club_id: int, work: str, user: str,
                                   questions: Sequence[HostQuestion]) -> int:
        """Keep ``user``'s upload as a dry run awaiting their confirm, numbered after the
        club's questions; it replaces what that host staged before (another host's dry run
        is theirs). Returns how many were staged."""
        ...

    async def confirm_host_questions(self, club_id: int, work: str, user: str) -> int:
        """Add ``user``'s staged upload to the club's pool; how many (0: they staged none)."""
        ...

    async def host_questions(self, club_id: int, work: str, *, staged: str | None = None
                             ) -> tuple[HostQuestion, ...]:
        """The club's confirmed questions in ``work`` (``staged``: instead, the upload that
        host has awaiting a confirm), by number."""
        ...

    async def remove_host_question(self, club_id: int, number: int) -> bool:
        """Take a confirmed question out of the pool; False if the club has none with that
        number. Its number is never given to another question (prompts had are kept by id)."""
        ...

    # -- a club's wrap-up of a work and its history (`/club wrapup`, `/club history`) ---------

    async def open_wrapup(self, club_id: int, work: str, host: str, *,
                          reached_end: bool) -> Wrapup:
        """Raises WrapupOpen if the club has a wrap-up open already (checked in the write)."""
        ...

    async def open_wrapup_of(self, club_id: int) -> Wrapup | None: ...

    async def answer_wrapup(self, wrapup_id: int, answer: WrapupAnswer) -> Wrapup:
        """One answer per member, replaced by a later one while the wrap-up is open (a closed
        one is left as it was); the wrap-up as it now stands."""
        ...

    async def close_wrapup(self, wrapup_id: int) -> Wrapup: ...

    async def club_wrapups(self, club_id: int) -> tuple[Wrapup, ...]:
        """Every wrap-up the club has had, open or closed, oldest first."""
        ...

    async def club_works_read(self, club_id: int) -> tuple[tuple[str, str], ...]:
        """(work, when the club took it up, ISO 8601) for each work it has read, oldest
        first."""
        ...

    # -- a club's reading schedule (`/club schedule`) ------------------------------------------

    async def stage_schedule(self, club_id: int, work: str, user: str,
                             points: Sequence[Point]) -> None:
        """Keep ``user``'s plan as a dry run awaiting their confirm (replacing theirs)."""
        ...

    async def reading_schedule(self, club_id: int, work: str, *, staged: str | None = None
                               ) -> tuple[Point, ...]:
        """The club's schedule in ``work`` by number (``staged``: that host's dry run)."""
        ...

    async def confirm_schedule(self, club_id: int, work: str, user: str, now: int) -> int:
        """Make ``user``'s dry run the club's schedule, replacing the one before; how many
        points (0: none staged). A point's nudge is due a day before it; one already due by
        ``now`` is skipped, and one the schedule before had already sent is not sent again."""
        ...

    async def shift_schedule(self, club_id: int, work: str, points: Sequence[Point],
                             now: int) -> int:
        """Move these points (by number) to their new times; their nudges are due again a day
        before (skipped if that is past ``now``). How many moved."""
        ...

    async def clear_schedule(self, club_id: int, work: str) -> int: ...

    async def follow_schedule(self, club_id: int, user: str, on: bool) -> None:
        """Turn ``user``'s schedule reminders on or off."""
        ...

    async def schedule_followers(self, club_id: int) -> tuple[str, ...]: ...

    async def claim_nudges(self, platform: str, now: int, limit: int = 50, *,
                           worker: str = "", lease: int = 300, mine: bool = False
                           ) -> tuple[Nudge, ...]:
        """Claim the schedule nudges due by ``now`` on ``platform`` (and claims whose lease
        ran out; ``mine``: instead, those ``worker`` left when it stopped), as reminders are
        claimed: pending -> sending by ``worker`` until ``now + lease``."""
        ...

    async def renew_nudges(self, ids: Sequence[int], *, worker: str,
                           until: int) -> frozenset[int]: ...

    async def finish_nudges(self, sent: Sequence[int], skipped: Sequence[int]) -> None: ...

    async def retry_nudge(self, nudge_id: int) -> None: ...

    async def next_nudge(self, platform: str) -> int | None: ...

    async def database_bytes(self) -> int | None:
        """How big the database is (for the admin status), or None when it cannot say."""
        ...

    async def close(self) -> None: ...
