"""Which work a command is about, and whose progress in it cuts the reply.

The work: the one a `work` option names; else one the command's words name outright (`/ask
who directed the glass orchard`); else the club's in this channel; else the library's
default. The audience: a channel reply is cut to the club's progress in that work (the start
where there is no club), a private one to the member's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.core.clubs import Context, SpoilerMode
from bot.core.errors import NotFound
from bot.core.library import Library, Work
from bot.core.registry import WORK_OPTION, Command, quote
from bot.core.reply import Visibility
from bot.core.spoilers import effective_mode
from bot.core.timeline import START, Progress
from bot.core.work import Timeline


def work_for(library: Library, command: Command, args: Mapping[str, Any],
             ctx: Context) -> Work:
    named = args.get(WORK_OPTION)
    if isinstance(named, str) and named.strip():
        found = library.find(named)
        if found is None:
            raise NotFound(f"I don't have a work called {quote(named)}.",
                           hint="I have: " + "; ".join(library.suggest("")) + ". "
                                "`/works` lists them.")
        return found
    said = args.get(command.work_from) if command.work_from else None
    if isinstance(said, str) and (found := library.named_in(said)) is not None:
        return found
    if ctx.club is not None and (club_work := library.get(ctx.club.work)) is not None:
        return club_work
    return library.default


def audience(ctx: Context, visibility: Visibility, work: Work
             ) -> tuple[Progress, SpoilerMode, str]:
    channel_mode = ctx.club.mode if ctx.club else SpoilerMode.HIDE
    mode = effective_mode(channel_mode, visibility)
    if visibility is Visibility.PRIVATE:
        return fit(ctx.member_in(work.id), work.timeline), mode, "you"
    if ctx.club:
        return fit(ctx.club.progress_in(work.id), work.timeline), mode, "the club"
    return START, mode, "this channel"


def fit(progress: Progress, timeline: Timeline) -> Progress:
    """Progress kept within the work's ranges (a pack may have been shortened since)."""
    end = timeline.end
    if progress.novel <= end.novel and progress.film <= end.film:
        return progress
    return Progress(min(progress.novel, end.novel), min(progress.film, end.film))
