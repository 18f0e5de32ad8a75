"""A night as people see it: its card, its answer buttons, and its reminders. Pure drafts:
the commands and the scheduler both build them."""

from __future__ import annotations

from datetime import datetime

from bot.core.nights import Due, Night, NightStatus
from bot.core.reply import Action, Draft, Part, Visibility
from bot.core.work import Timeline


def rsvp_actions(night: Night, *, remind: bool = True) -> tuple[Action, ...]:
    """The answer buttons on a night's card (and, without Remind me, on its reminders)."""
    ref = (("night", str(night.id)),)
    answers = (Action("Going", "session rsvp", (("answer", "going"), *ref), private=True),
               Action("Maybe", "session rsvp", (("answer", "maybe"), *ref), private=True),
               Action("Can't come", "session rsvp", (("answer", "no"), *ref), private=True))
    if not remind:
        return answers
    return (*answers,
            Action("Remind me", "session remind", (("setting", "on"), *ref), private=True))


def covers(night: Night, timeline: Timeline) -> str:
    """What the night discusses, in its work's terms: `the novel through chapter 9`."""
    return timeline.describe_target(night.target.novel, night.target.film)


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def night_fields(night: Night, timeline: Timeline) -> tuple[Part, ...]:
    fields = [Part(night.wall.stamp(), label="When"),
              Part(_upper_first(covers(night, timeline)), label="Covers")]
    if night.repeat:
        fields.append(Part(f"{night.repeat.describe(night.wall.local)}, at "
                           f"{night.wall.local:%H:%M} {night.wall.tz}", label="Repeats"))
    fields.append(Part(night.counts(), label="RSVPs"))
    return tuple(fields)


def night_card(night: Night, timeline: Timeline, title: str, *, lead: str | None = None,
               footer: str | None = None) -> Draft:
    parts = (Part(lead),) if lead else ()
    actions = rsvp_actions(night) if night.status is NightStatus.SCHEDULED else ()
    return Draft(title=f"{title}: {night.name}", parts=parts, fields=night_fields(night, timeline),
                 footer=footer, actions=actions)


def how_soon(due: Due, now: datetime) -> str:
    minutes = max(1, round((due.night.wall.instant() - now).total_seconds() / 60))
    if minutes < 90:
        return f"in {minutes} minutes" if minutes != 60 else "in an hour"
    hours = round(minutes / 60)
    return "tomorrow" if 20 <= hours <= 28 else f"in {hours} hours"


def reminder_draft(due: Due, now: datetime, timeline: Timeline) -> Draft:
    night = due.night
    return Draft(
        title=f"Reminder: {night.name}",
        parts=(Part(f"{night.name} starts {night.wall.stamp()}, {how_soon(due, now)}."),
               Part(f"We'll discuss {covers(night, timeline)}: get there first, and nothing "
                    "past it will come up.")),
        fields=(Part(night.counts(), label="RSVPs"),),
        actions=rsvp_actions(night, remind=False),
    )


def private_reminder(due: Due, now: datetime, timeline: Timeline) -> Draft:
    night = due.night
    return Draft(
        title=f"Reminder: {night.name}",
        parts=(Part(f"{night.name} in <#{due.channel}> starts {night.wall.stamp()}, "
                    f"{how_soon(due, now)}. It covers {covers(night, timeline)}."),),
        footer="You asked for this reminder; `/session remind off` stops them.",
        visibility=Visibility.PRIVATE,
    )
