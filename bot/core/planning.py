"""Working out a night to store: its wall-clock time, its reminders' due times, and the next
night of a series. Pure: the commands and the scheduler share it."""

from __future__ import annotations

from datetime import datetime

from bot.core.clubs import Club
from bot.core.nights import Night, NightPlan, Target
from bot.core.when import Repeat, Wall


def plan_for(club: Club, *, title: str | None, target: Target, wall: Wall,
             repeat: Repeat | None, created_by: str, now: datetime,
             work: str | None = None) -> NightPlan:
    """A night to store, with its reminders: the club's hours, those still ahead. The night
    is about ``work`` (the club's, unless said)."""
    reminders = tuple(
        (hours, int(due.timestamp())) for hours in club.reminders
        if (due := wall.before(hours)) > now)
    fitted = repeat.fitted(wall.local) if repeat else None
    return NightPlan(title, target, wall, fitted, created_by, reminders, work or club.work)


def successor(club: Club, night: Night, now: datetime) -> NightPlan | None:
    """The series' next night after ``night``: the first of its dates still ahead."""
    if night.repeat is None:
        return None
    wall = night.wall.shifted(night.repeat)
    while wall.instant() <= now:
        wall = wall.shifted(night.repeat)
    return plan_for(club, title=night.title, target=night.target, wall=wall,
                    repeat=night.repeat, created_by=night.created_by, now=now, work=night.work)
