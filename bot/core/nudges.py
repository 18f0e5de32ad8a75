"""A schedule nudge: the private note a member who turned schedule reminders on gets a day
before each target of the club's reading schedule, cut to that member's own progress (the
target is named only if they have reached it, as everywhere the schedule is shown)."""

from __future__ import annotations

from dataclasses import replace

from bot.core.calendar import covers, target_reveal
from bot.core.clubs import SpoilerMode
from bot.core.library import Work
from bot.core.reading import Nudge
from bot.core.reply import Draft, Part, Reply, Visibility
from bot.core.spoilers import Decision, decide, effective_mode, gate
from bot.core.timeline import Progress


def nudge_draft(nudge: Nudge, mine: Progress, work: Work) -> Draft:
    point = nudge.point
    reached = decide(target_reveal(point.target), mine, SpoilerMode.HIDE) is Decision.SHOW
    said = covers(point.target, work.timeline, reached)
    timeline = work.timeline
    place = (timeline.describe_book(mine.novel) if point.target.novel is not None
             else timeline.describe_film(mine.film))
    state = "You're there already." if reached else f"You're at {place}."
    return Draft(
        title=f"Reading schedule: target {point.number} tomorrow",
        parts=(Part(f"The club in <#{nudge.channel}> aims to have read {said} by "
                    f"{point.wall.stamp()}. {state}"),),
        footer="You asked for these nudges; `/club schedule remind off` stops them.",
        visibility=Visibility.PRIVATE)


def nudge_reply(nudge: Nudge, mine: Progress, work: Work) -> Reply:
    draft = nudge_draft(nudge, mine, work)
    mode = effective_mode(SpoilerMode.HIDE, Visibility.PRIVATE)
    return replace(gate(draft, mine, mode, who="you", timeline=work.timeline,
                        command="club schedule reminder"), work=work.title)
