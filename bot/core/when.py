"""Times of discussion nights: plain words in, wall-clock times with a zone name out.

A night is kept as the local time the host meant ("19:30 in Europe/London") and its zone, never
as a bare UTC instant: a weekly 19:30 then stays 19:30 across a clock change, and the instant is
worked out again from the zone rules whenever it is needed. Parsing the words is dateparser's
job; what it cannot know (a time already past, a date that does not exist, one that could be
read two ways, a local time the clocks skip or pass twice) is checked here, with an answer a
host can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dateparser

from bot.core.errors import BadInput

FURTHEST = timedelta(days=2 * 366)  # a night further off than this is a typo
_SETTINGS_BASE = {
    "PREFER_DATES_FROM": "future",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "DATE_ORDER": "DMY",
    "STRICT_PARSING": False,
    # Only the parsers that read what people type; no timestamps or "no spaces" guessing.
    "PARSERS": ["relative-time", "absolute-time"],
}
_TIME_WORDS = re.compile(
    r"\b\d{1,2}[:.h]\d{2}\b|\b\d{1,2}\s*(?:am|pm)\b|\bnoon\b|\bmidday\b|\bmidnight\b", re.I)
_RELATIVE = re.compile(r"^\s*in\s+\d+\s*(?:min|minute|minutes|h|hr|hrs|hour|hours)\s*$", re.I)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")


class Repeat(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"  # the same weekday of the month: the first Friday stays the first Friday


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    """The zone for an IANA name, or a polite error."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput(f"`{name[:64]}` is not a time zone I know.",
                       hint="Use an IANA name such as `Europe/London` or `America/New_York`."
                       ) from None


def is_zone(name: str) -> bool:
    try:
        zone(name)
    except BadInput:
        return False
    return True


@dataclass(frozen=True, slots=True)
class Wall:
    """A wall-clock time in a named zone: what a night is stored as."""

    local: datetime  # naive
    tz: str

    def instant(self) -> datetime:
        """The UTC instant, by today's zone rules. A time the clocks skip is read as the same
        time after the change (02:30 in a gap becomes 03:30); one they pass twice, the first."""
        aware = self.local.replace(tzinfo=zone(self.tz), fold=0)
        return aware.astimezone(UTC)

    def timestamp(self) -> int:
        return int(self.instant().timestamp())

    def iso(self) -> str:
        return self.local.isoformat(timespec="minutes")

    def label(self) -> str:
        """`Fri 4 Dec 2026, 19:30 GMT`: the time in the club's zone, for plain text."""
        aware = self.instant().astimezone(zone(self.tz))
        return f"{aware:%a} {aware.day} {aware:%b %Y, %H:%M} {aware.tzname()}"

    def stamp(self) -> str:
        """The neutral time token: adapters show it in each reader's own time (Discord
        ``<t:…>``, Slack ``<!date^…>``); plain text shows the label."""
        return stamp(self.timestamp(), self.label())

    def shifted(self, repeat: Repeat) -> Wall:
        """The next night of a series: same wall-clock time, so 19:30 stays 19:30."""
        if repeat is Repeat.WEEKLY:
            return Wall(self.local + timedelta(days=7), self.tz)
        if repeat is Repeat.FORTNIGHTLY:
            return Wall(self.local + timedelta(days=14), self.tz)
        return Wall(_same_weekday_next_month(self.local), self.tz)

    def before(self, hours: int) -> datetime:
        """When a reminder `hours` before is due (UTC). Whole days count on the wall clock,
        so "a day before" a Sunday 19:00 is Saturday 19:00 even across a clock change; other
        offsets are elapsed time ("an hour before" is always sixty minutes)."""
        if hours % 24 == 0:
            return Wall(self.local - timedelta(days=hours // 24), self.tz).instant()
        return self.instant() - timedelta(hours=hours)


def stamp(timestamp: int, label: str) -> str:
    return f"<t:{timestamp}|{label}>"


STAMP = re.compile(r"<t:(\d{1,12})\|([^<>|]{1,80})>")


def _same_weekday_next_month(local: datetime) -> datetime:
    nth = (local.day - 1) // 7  # 0 = first
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    first = local.replace(year=year, month=month, day=1)
    offset = (local.weekday() - first.weekday()) % 7
    day = 1 + offset + 7 * nth
    while True:  # a fifth Friday that month lacks becomes its last Friday
        try:
            return first.replace(day=day)
        except ValueError:
            day -= 7


def parse_when(text: str, tz: str, now: datetime) -> Wall:
    """`friday 19:30`, `2026-12-04 19:30`, `tomorrow 8pm`, `in 2 hours` in the zone `tz`."""
    words = " ".join(text.split())
    where = zone(tz)
    local_now = now.astimezone(where).replace(tzinfo=None)
    if not words:
        raise BadInput("Say when, for example `friday 19:30` or `2026-12-04 19:30`.")
    _check_dates(words)
    relative = bool(_RELATIVE.match(words))
    if not relative and not _TIME_WORDS.search(words):
        raise BadInput(f"{_q(words)} has no time of day in it.",
                       hint="Add one, for example `friday 19:30` or `saturday 7pm`.")
    if relative:
        # Elapsed time from now, so "in 2 hours" is two real hours even across a clock change.
        base = now.astimezone(UTC).replace(tzinfo=None)
        found = _parse(words, base)
        local = (found.replace(tzinfo=UTC).astimezone(where).replace(tzinfo=None)
                 if found else None)
    else:
        local = _parse(words, local_now)
    if local is None:
        raise BadInput(f"I can't read {_q(words)} as a date and time.",
                       hint="Try `friday 19:30`, `tomorrow 8pm` or `2026-12-04 19:30`.")
    local = local.replace(second=0, microsecond=0)
    wall = Wall(local, tz)
    if wall.instant() <= now:
        raise BadInput(f"{_q(words)} is {wall.label()}, which has already passed.",
                       hint="Give a time in the future.")
    _check_clock_change(wall, words)
    at = wall.instant()
    if at - now > FURTHEST:
        raise BadInput(f"{wall.label()} is more than two years away.",
                       hint="Schedule nights up to two years ahead.")
    return wall


@lru_cache(maxsize=1024)
def _parse_cached(words: str, base: datetime) -> datetime | None:
    settings = {**_SETTINGS_BASE, "RELATIVE_BASE": base}
    return dateparser.parse(words, languages=["en"], settings=settings)


def _parse(words: str, base: datetime) -> datetime | None:
    return _parse_cached(words.lower(), base.replace(second=0, microsecond=0))


def _check_dates(words: str) -> None:
    for match in _ISO_DATE.finditer(words):
        year, month, day = (int(g) for g in match.groups())
        try:
            datetime(year, month, day)
        except ValueError:
            raise BadInput(f"{_q(match[0])} is not a date on the calendar.",
                           hint="Check the month and the day (YYYY-MM-DD).") from None
    for match in _NUMERIC_DATE.finditer(_ISO_DATE.sub(" ", words)):
        a, b = int(match[1]), int(match[2])
        if a != b and a <= 12 and b <= 12:
            raise BadInput(
                f"{_q(match[0])} could be read two ways ({_day_month(a, b)} or "
                f"{_day_month(b, a)}).",
                hint="Write the month in words (`4 March`) or as YYYY-MM-DD.")


def _day_month(day: int, month: int) -> str:
    return f"{day} {datetime(2000, month, 1):%B}"


def _check_clock_change(wall: Wall, words: str) -> None:
    where = zone(wall.tz)
    first = wall.local.replace(tzinfo=where, fold=0)
    second = wall.local.replace(tzinfo=where, fold=1)
    if first.utcoffset() == second.utcoffset():
        return
    back = first.astimezone(UTC).astimezone(where).replace(tzinfo=None)
    if back != wall.local:
        raise BadInput(f"{_q(words)} does not happen in {wall.tz}: the clocks go forward "
                       "past it that night.", hint="Pick a time an hour or more later.")
    raise BadInput(f"{_q(words)} happens twice in {wall.tz}: the clocks go back that night.",
                   hint="Pick a time outside the hour the clocks repeat.")


def _q(text: str) -> str:
    clean = "".join(c for c in text if c.isprintable() and c not in "`<>")[:60]
    return f"`{clean}`"


def from_iso(local: str, tz: str) -> Wall:
    return Wall(datetime.fromisoformat(local), tz)
