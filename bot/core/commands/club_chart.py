"""`/club chart` (a picture of where the club, its members and its nights are) and the
host's settings for pictures: `/club chart members on|off`, `/club images on|off`."""

from __future__ import annotations

from bot.core.call import Call
from bot.core.chart import chart_for
from bot.core.commands.common import require_club
from bot.core.errors import NotAllowed
from bot.core.registry import Command, Option, OptionKind
from bot.core.reply import Draft, Part

ON_OFF = ("on", "off")


async def chart(call: Call, members: str | None = None) -> Draft:
    club = require_club(call)
    if members is not None:
        return await _members(call, members == "on")
    drawn = await chart_for(call, club)
    footer = ("Members are on the chart only if a host shows them (`/club chart members on`) "
              "and they have not opted out (`/progress private on`).")
    return Draft(title=f"Where the club is: {drawn.work}",
                 parts=tuple(Part(line) for line in drawn.lines()), footer=footer,
                 picture=drawn)


async def _members(call: Call, on: bool) -> Draft:
    club = require_club(call)
    if not (call.ctx.is_host or call.inv.is_admin):
        raise NotAllowed("Only a host of this channel's club can choose whether members are "
                         "shown on the chart.",
                         hint="See the chart with `/club chart`; keep yourself off it with "
                              "`/progress private on`.")
    await call.store.set_club_pictures(club.id, members=on)
    text = ("Members who have set their progress are now shown on `/club chart`, by name or "
            "initials, unless they opted out with `/progress private on`." if on else
            "Members are no longer shown on `/club chart`: only how many have set progress.")
    return Draft(title="The club's chart", parts=(Part(text),))


async def images(call: Call, setting: str) -> Draft:
    club = require_club(call)
    on = setting == "on"
    await call.store.set_club_pictures(club.id, images=on)
    text = ("Recaps of this club's nights now come with a card image beside the text." if on
            else "Recaps of this club's nights come as text only.")
    return Draft(title="Pictures", parts=(Part(text),),
                 footer="`/club chart` always draws its picture, whatever this setting.")


CLUB_COMMANDS = (
    Command("club", "chart", "A picture of where the club, its members and its nights are",
            chart,
            (Option("members", "Hosts: show members on the chart (on) or only a count (off)",
                    OptionKind.CHOICE, required=False, keyword=True, choices=ON_OFF),),
            examples=("/club chart", "/club chart members on")),
    Command("club", "images", "Hosts: attach a card image to night recaps (on or off)", images,
            (Option("setting", "on or off", OptionKind.CHOICE, choices=ON_OFF),),
            host_only=True, examples=("/club images on",)),
)
