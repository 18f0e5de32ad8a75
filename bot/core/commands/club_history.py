"""`/club history`: every work the club has read (when it took it up, when its wrap-up closed,
the nights it held on it, who said they would come and who came, and what the club gave it),
then its last nights. A work follows the club as `/club work` and the next-work vote move it:
each work it takes up has its own line."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.call import Call
from bot.core.clubs import Club
from bot.core.commands.common import require_club
from bot.core.commands.session_common import night_work
from bot.core.night_cards import covers
from bot.core.nights import Answer, Night, NightStatus
from bot.core.reply import Draft, Part
from bot.core.wrapups import Wrapup

NIGHTS_SHOWN = 10
EVERY_NIGHT = 10_000  # more nights than a club holds


def _date(club: Club, iso: str) -> str:
    """A stored UTC time as a day in the club's zone (`3 Dec 2026`)."""
    try:
        when = datetime.fromisoformat(iso).astimezone(ZoneInfo(club.tz))
    except (ValueError, KeyError):
        return iso[:10]
    return f"{when.day} {when:%b %Y}"


async def _attendance(call: Call, nights: list[Night]) -> tuple[int, int]:
    """RSVPs of `going` and check-ins over these nights."""
    going = came = 0
    for night in nights:
        rsvps = await call.store.rsvps(night.id)
        going += sum(r.answer is Answer.GOING for r in rsvps)
        came += sum(r.here for r in rsvps)
    return going, came


def _rating(wrapup: Wrapup | None) -> str:
    if wrapup is None:
        return "no wrap-up yet"
    if wrapup.mean is None:
        return "wrapped up, nobody rated it"
    counts = wrapup.counts()
    said = ", ".join(f"{n} {f.said}" for f, n in counts.items() if n)
    early = "" if wrapup.reached_end else ", wrapped up before the end"
    return f"rated {wrapup.mean:.1f} of 5 by {len(wrapup.answers)} ({said}{early})"


async def _works(call: Call, club: Club, ended: list[Night]) -> list[Part]:
    wrapups = [w for w in await call.store.club_wrapups(club.id) if not w.open]
    parts = []
    for work_id, started in await call.store.club_works_read(club.id):
        work = call.deps.library.get(work_id)
        last = next((w for w in reversed(wrapups) if w.work == work_id), None)
        nights = [n for n in ended if n.work == work_id]
        going, came = await _attendance(call, nights)
        dates = f"started {_date(club, started)}"
        if last is not None and last.closed_at:
            dates += f", ended {_date(club, last.closed_at)}"
        elif work_id == club.work:
            dates += ", reading now"
        plural = "" if len(nights) == 1 else "s"
        parts.append(Part(f"{dates} · {len(nights)} night{plural} held · {going} said they "
                          f"would come, {came} came · {_rating(last)}",
                          label=work.title if work else work_id))
    return parts


async def history(call: Call) -> Draft:
    club = require_club(call)
    ended = list(await call.store.club_nights(club.id, (NightStatus.ENDED,),
                                              limit=EVERY_NIGHT, newest_first=True))
    parts = await _works(call, club, ended)
    for night in ended[:NIGHTS_SHOWN]:
        prompts = [p for p in await call.store.night_prompts(night.id) if not p.skipped]
        came = [r for r in await call.store.rsvps(night.id) if r.here]
        plural = "" if len(prompts) == 1 else "s"
        work = night_work(call, night)
        about = f"{work.title}: " if work is not call.work else ""
        parts.append(Part(f"{night.wall.stamp()} · covered {about}"
                          f"{covers(night, work.timeline)} · {len(prompts)} prompt{plural} · "
                          f"{len(came)} came", label=night.name))
    if not ended:
        parts.append(Part("No nights have ended here yet. A host schedules one with "
                          "`/session schedule`."))
    return Draft(title="The club's history", parts=tuple(parts),
                 footer="A night's recap: `/session show ID`; a wrap-up's result: "
                        "`/club wrapup results`.")
