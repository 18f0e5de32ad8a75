"""`/club calendar`: the club's coming nights and schedule targets as an .ics file to import
into a calendar app.

In the channel the file is cut to the club's progress; `/club calendar mine` (or "Just me")
gives a copy only the caller sees, cut to their own. A night past the reader's point is in
the file, dated, but not named (``bot.core.calendar``).
"""

from __future__ import annotations

from dataclasses import replace

from bot.core.audience import audience
from bot.core.calendar import feed_for
from bot.core.call import Call
from bot.core.commands.common import require_club
from bot.core.registry import Command, Option, OptionKind
from bot.core.reply import Draft, Part, Visibility

FOOTER = ("Import the file into your calendar app; import a newer copy to update it (nights "
          "and schedule targets keep their own event, so nothing is doubled, and cancelled ones "
          "are marked so).")


async def calendar(call: Call, whose: str | None = None) -> Draft:
    club = require_club(call)
    if whose == "mine" and call.visibility is Visibility.PUBLIC:
        # Cut the file to the caller's own progress, as the private reply it becomes.
        progress, mode, who = audience(call.ctx, Visibility.PRIVATE, call.work)
        call = replace(call, visibility=Visibility.PRIVATE, progress=progress, mode=mode,
                       who=who)
    feed = await feed_for(call, club)
    return Draft(title=f"The club's calendar: {feed.work}",
                 parts=tuple(Part(line) for line in feed.lines()), footer=FOOTER,
                 picture=feed, visibility=call.visibility)


CLUB_COMMANDS = (
    Command("club", "calendar",
            "The club's coming nights and schedule targets as a calendar file (.ics)", calendar,
            (Option("whose", "mine: a copy only you see, cut to your own progress",
                    OptionKind.CHOICE, required=False, choices=("mine",)),),
            examples=("/club calendar", "/club calendar mine")),
)
