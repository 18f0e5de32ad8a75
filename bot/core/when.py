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
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo

from bot.core.errors import BadInput
from bot.core.zones import zone

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
_UNIT = r"(?:min|mins|minute|minutes|h|hr|hrs|hour|hours)"
_RELATIVE = re.compile(rf"^in\s+\d+\s*{_UNIT}(?:\s+(?:and\s+)?\d+\s*{_UNIT})?$", re.I)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_ONLY_TIME = re.compile(r"^(?:at\s+)?(?:\d{1,2}[:.h]\d{2}|\d{1,2}(?::\d{2})?\s*(?:am|pm)"
                        r"|noon|midday|midnight)$", re.I)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
# Every word a WHEN may use. Anything else ("next week", "EST", "+05:00") would be dropped by
# the parser without a word, and the night quietly put somewhere else.
_WORDS = frozenset({
    *_WEEKDAYS, *(d[:3] for d in _WEEKDAYS), "tues", "thur", "thurs", *_MONTHS,
    *(m[:3] for m in _MONTHS), "sept", "today", "tonight", "tomorrow", "yesterday", "next",
    "weds", "this", "at", "on", "in", "the", "of", "and", "am", "pm", "noon", "midday",
    "midnight", "morning", "afternoon", "evening", "night",
    "min", "mins", "minute", "minutes", "h", "hr", "hrs", "hour", "hours", "st", "nd", "rd",
    "th"})
_TOKEN = re.compile(r"[a-z]+|\d+|[:./-]", re.I)
_ZONE_HINT = ("Times are read in the club's time zone; leave the zone out (hosts change it "
              "with `/club timezone`).")


class Repeat(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"  # the same weekday of the month: the first Friday stays the first Friday
    # The last such weekday: what "monthly" means for a night first set on a 29th-31st (a
    # fifth Thursday, say), which not every month has.
    MONTHLY_LAST = "monthly-last"

    @classmethod
    def typed(cls) -> tuple[str, ...]:
        """The words a host types."""
        return (cls.WEEKLY.value, cls.FORTNIGHTLY.value, cls.MONTHLY.value)

    def describe(self, local: datetime) -> str:
        day = f"{local:%A}"
        if self is Repeat.MONTHLY:
            nth = ("first", "second", "third", "fourth")[(local.day - 1) // 7]
            return f"monthly, on the {nth} {day}"
        if self is Repeat.MONTHLY_LAST:
            return f"monthly, on the last {day}"
        return self.value

    def fitted(self, local: datetime) -> Repeat:
        """The rule a night on this date keeps (monthly on a 29th-31st: the last weekday)."""
        if self is Repeat.MONTHLY and local.day > 28:
            return Repeat.MONTHLY_LAST
        return self


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

    def exists(self) -> bool:
        """False for a local time the clocks skip (02:30 on the night they go forward)."""
        return self.instant().astimezone(zone(self.tz)).replace(tzinfo=None) == self.local

    def as_typed(self) -> str:
        """The label of the time as typed, even one the clocks skip (which ``label`` would
        give as the time it is read as, later)."""
        if self.exists():
            return self.label()
        local = self.local
        return f"{local:%a} {local.day} {local:%b %Y, %H:%M} ({self.tz})"

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
        return Wall(_same_weekday_next_month(self.local, last=repeat is Repeat.MONTHLY_LAST),
                    self.tz)

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


def _same_weekday_next_month(local: datetime, *, last: bool) -> datetime:
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    first = local.replace(year=year, month=month, day=1)
    day = 1 + (local.weekday() - first.weekday()) % 7  # the first such weekday
    if not last:  # the first to fourth, which every month has
        return first.replace(day=day + 7 * min((local.day - 1) // 7, 3))
    while True:  # the last: step on until the month runs out
        try:
            first.replace(day=day + 7)
        except ValueError:
            return first.replace(day=day)
        day += 7


def has_time(text: str) -> bool:
    """Whether the words give a time of day (`friday 19:30`), not a day alone (`friday`)."""
    return bool(_TIME_WORDS.search(_dotted_times(" ".join(text.split()))))


def parse_when(text: str, tz: str, now: datetime, *, on: date | None = None) -> Wall:
    """`friday 19:30`, `2026-12-04 19:30`, `tomorrow 8pm`, `in 2 hours` in the zone `tz`.
    ``on``: the date a time alone means (an edit keeps the night's day: `at 20:00`)."""
    words = _tidy(text)
    if not words:
        raise BadInput("Say when, for example `friday 19:30` or `2026-12-04 19:30`.")
    where = zone(tz)
    local_now = now.astimezone(where).replace(tzinfo=None)
    _check_words(words, tz)
    relative = bool(_RELATIVE.match(words))
    if not relative:
        _check_absolute(words)
    local, meant = _read(words, where, now, local_now, relative=relative, on=on)
    local = _today_if_meant(words, local.replace(second=0, microsecond=0), local_now)
    local = _day_of_next_month(words, local, local_now)
    _check_typed_time(words, local, relative)
    _check_weekday(words, local)
    wall = Wall(local, tz)
    if wall.instant() <= now:
        raise BadInput(f"{_q(words)} is {wall.as_typed()}, which has already passed.",
                       hint="Give a time in the future.")
    if relative and wall.instant() != meant:
        # Kept as a wall-clock time, an instant in the hour the clocks repeat would be read
        # as its first pass: refuse rather than keep the night an hour early.
        raise BadInput(f"{_q(words)} lands in the time repeated when the clocks go back in "
                       f"{tz}.",
                       hint="Give a clock time instead, such as `tomorrow 02:30`.")
    if not relative:
        _check_clock_change(wall, words)
    _check_ahead(words, wall, now, local_now)
    return wall


def _tidy(text: str) -> str:
    """The spellings people type that the parser reads otherwise, put its way."""
    words = " ".join(text.split())
    words = re.sub(r"(\d)T(\d)", r"\1 \2", words)  # ISO 8601's `2026-12-04T19:30`
    words = re.sub(r"\b([ap])\.m\.?(?=\s|$)", r"\1m", words, flags=re.I)  # `7:30 p.m.`
    words = _dotted_times(words)
    # Day names the parser does not know, as it does.
    return re.sub(r"\b(?:(weds)|(thurs?)|(tues))\b",
                  lambda m: "wed" if m[1] else "thu" if m[2] else "tue", words, flags=re.I)


def _check_absolute(words: str) -> None:
    """A clock time, not a time from now: its dates must read one way, and it needs a time
    of day."""
    if words.lower().startswith("in "):
        raise BadInput(f"I can't read {_q(words)} as a time from now.",
                       hint="Say it as `in 2 hours`, `in 90 minutes` or `in 1 hour 30 minutes`.")
    _check_dates(words)
    if not _TIME_WORDS.search(words):
        bare = re.search(r"\bat\s+(\d{1,2})$", words, re.I)
        if bare and 1 <= int(bare[1]) <= 12:
            raise BadInput(f"Is {_q(bare[0])} {bare[1]} am or {bare[1]} pm?",
                           hint=f"Say `{bare[1]}pm` or `{int(bare[1]) + 12}:00`.")
        raise BadInput(f"{_q(words)} has no time of day in it.",
                       hint="Add one with a colon or am/pm, such as `friday 19:30` or "
                            "`saturday 7pm`.")


def _read(words: str, where: ZoneInfo, now: datetime, local_now: datetime, *, relative: bool,
          on: date | None) -> tuple[datetime, datetime | None]:
    """(the local wall-clock time the words name, the instant a relative time names)."""
    meant: datetime | None = None
    if relative:
        # Elapsed time from now, so "in 2 hours" is two real hours even across a clock change.
        base = now.astimezone(UTC).replace(tzinfo=None)
        found = _parse(words.replace(" and ", " "), base)
        meant = found.replace(tzinfo=UTC, second=0, microsecond=0) if found else None
        local = meant.astimezone(where).replace(tzinfo=None) if meant else None
    elif on is not None and _ONLY_TIME.match(words):
        clock = _parse(words, local_now)
        local = datetime.combine(on, clock.time()) if clock else None
    else:
        local = _parse(words, local_now)
    if local is None:
        raise BadInput(f"I can't read {_q(words)} as a date and time.",
                       hint="Try `friday 19:30`, `tomorrow 8pm` or `2026-12-04 19:30`.")
    return local, meant


def _check_ahead(words: str, wall: Wall, now: datetime, local_now: datetime) -> None:
    local = wall.local
    if not re.search(r"\b\d{4}\b", words) and local.year > local_now.year and (
            local.month, local.day) == (local_now.month, local_now.day):
        # `6 march 19:30` said on 6 March at 20:00: not next year's, but already past.
        raise BadInput(f"{_q(words)} was earlier today.",
                       hint="Give a time still ahead, or add the year if you mean next year.")
    if wall.instant() - now > FURTHEST:
        raise BadInput(f"{wall.label()} is more than two years away.",
                       hint="Schedule nights up to two years ahead.")


def _check_words(words: str, tz: str) -> None:
    if re.search(r"(?:^|\s)[+-]\d{1,2}(?::?\d{2})?\b|\bz\b", words, re.I) and not re.match(
            r"^in\s", words, re.I):
        raise BadInput(f"{_q(words)} has a time-zone offset in it; this club's nights are in "
                       f"{tz}.", hint=_ZONE_HINT)
    tokens = _TOKEN.findall(words)
    for first, second in pairwise(tokens):
        if first.isalpha() and first.lower() == second.lower():
            # The parser drops a stray word without a word (`at at friday` is read as Friday).
            raise BadInput(f"{_q(words)} says {_q(first)} twice: `{first} {second}` is not a "
                           "time.", hint="Say it once, for example `friday at 19:30`.")
    for token in tokens:
        word = token.lower()
        if word.isalpha() and word not in _WORDS:
            if (word.upper() == token and len(word) in (3, 4)) or word in {"utc", "gmt"}:
                raise BadInput(f"{_q(words)} names a time zone ({_q(token)}); this club's "
                               f"nights are in {tz}.", hint=_ZONE_HINT)
            raise BadInput(f"I can't read {_q(token)} in {_q(words)}.",
                           hint="Use a day (`friday`, `tomorrow`, `2026-12-04`, `4 December`) "
                                "and a time (`19:30`, `7pm`), or `in 2 hours`.")


_DOTTED = re.compile(r"\b(\d{1,2})[.h](\d{2})(?![\d./-])(\s*(?:am|pm)\b)?", re.I)


def _dotted_times(words: str) -> str:
    """`19.30`, `7.30pm`, `19h30` as `19:30`: when it is the only time given (or has am/pm),
    it is a time, not a date (`10.05` alone is five past ten)."""
    found = list(_DOTTED.finditer(words))
    others = len(re.findall(r"\b\d{1,2}:\d{2}\b|\b\d{1,2}\s*(?:am|pm)\b", words, re.I))
    out = words
    for match in reversed(found):
        hour, minute = int(match[1]), int(match[2])
        if minute < 60 and (match[3] or (others == 0 and len(found) == 1 and hour < 24)):
            out = out[:match.start()] + f"{match[1]}:{match[2]}{match[3] or ''}" + \
                out[match.end():]
    return out


_TYPED = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b|\b(\d{1,2}):(\d{2})\b", re.I)


def _check_typed_time(words: str, local: datetime, relative: bool) -> None:
    """The parser sometimes drops a time it could not place and keeps the clock's; the time
    of day typed must be the one read."""
    if relative:
        return
    match = _TYPED.search(words)
    if match is None:
        hour = 12 if re.search(r"\b(?:noon|midday)\b", words, re.I) else 0 if re.search(
            r"\bmidnight\b", words, re.I) else None
        minute = 0
    elif match[3]:
        hour, minute = int(match[1]) % 12 + (12 if match[3].lower() == "pm" else 0), int(
            match[2] or 0)
    else:
        hour, minute = int(match[4]), int(match[5])
    if hour is not None and (local.hour, local.minute) != (hour, minute):
        raise BadInput(f"I can't read {_q(words)} as a date and time.",
                       hint="Try `friday 19:30`, `tomorrow 8pm` or `2026-12-04 19:30`.")


def _day_of_next_month(words: str, local: datetime, local_now: datetime) -> datetime:
    """`the 4th at 19:30` on the 30th is next month's 4th, not this month's, already past."""
    lowered = words.lower()
    if (local >= local_now or not re.search(r"\b\d{1,2}(?:st|nd|rd|th)\b", lowered)
            or any(re.search(rf"\b{m[:3]}", lowered) for m in _MONTHS)
            or (_NUMERIC_DATE.search(words) and not re.search(r"\d:\d", words))):
        return local
    year, month = local.year, local.month
    for _ in range(3):  # the next month that has that day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        try:
            return local.replace(year=year, month=month)
        except ValueError:
            continue
    return local


def _named_days(words: str) -> list[int]:
    lowered = words.lower()
    return [i for i, day in enumerate(_WEEKDAYS)
            if re.search(rf"\b(?:{day}|{day[:3]})\b", lowered)]


def _today_if_meant(words: str, local: datetime, local_now: datetime) -> datetime:
    """`tuesday 19:30`, said on a Tuesday afternoon, is this evening, not next week."""
    named = _named_days(words)
    today = datetime.combine(local_now.date(), local.time())
    if (named == [local_now.weekday()] and "next" not in words.lower()
            and local.date() == local_now.date() + timedelta(days=7) and today > local_now):
        return today
    return local


def _check_weekday(words: str, local: datetime) -> None:
    """`monday 2026-12-25`: the parser keeps the date and drops the day; say so instead."""
    named = _named_days(words)
    if len(named) == 1 and named[0] != local.weekday():
        raise BadInput(f"{_q(words)}: {local.day} {local:%B %Y} is a "
                       f"{_WEEKDAYS[local.weekday()].capitalize()}, not a "
                       f"{_WEEKDAYS[named[0]].capitalize()}.",
                       hint="Give the day or the date, or make them agree.")


@lru_cache(maxsize=1024)
def _parse_cached(words: str, base: datetime) -> datetime | None:
    settings = {**_SETTINGS_BASE, "RELATIVE_BASE": base}
    import dateparser  # here, not at import: it loads its language data (~60 ms) on import

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
    others = len(_TIME_WORDS.findall(words))
    for match in _NUMERIC_DATE.finditer(_ISO_DATE.sub(" ", words)):
        if ":" in match[0]:
            continue
        if re.fullmatch(r"\d{1,2}\.\d{2}", match[0]) and others == 1 and int(match[2]) < 60:
            continue  # `friday 10.05`: the only time in it, so a time (10:05), not a date
        a, b = int(match[1]), int(match[2])
        if b > 12 or a > 31 or not a or not b:
            raise BadInput(f"{_q(match[0])} is not a date: I read dates as day/month.",
                           hint="Write the month in words (`13 January`) or as YYYY-MM-DD.")
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
    jump = (second.utcoffset() or timedelta()) - (first.utcoffset() or timedelta())
    if not jump:
        return
    # The jump is the zone's own (30 minutes on Lord Howe Island), not always an hour.
    after = _first_after_change(wall)
    if jump > timedelta():
        raise BadInput(f"{_q(words)} does not happen in {wall.tz}: the clocks go forward from "
                       f"{after - jump:%H:%M} to {after:%H:%M} that night.",
                       hint=f"Pick {after:%H:%M} or later.")
    raise BadInput(f"{_q(words)} happens twice in {wall.tz}: the clocks go back from "
                   f"{after:%H:%M} to {after + jump:%H:%M} that night.",
                   hint=f"Pick a time before {after + jump:%H:%M}, or from {after:%H:%M} on.")


def _first_after_change(wall: Wall) -> datetime:
    """The first wall-clock minute after the span a clock change skips or repeats."""
    where = zone(wall.tz)
    local = wall.local
    # A span is at most a few hours of minutes.
    while (local.replace(tzinfo=where, fold=0).utcoffset()
           != local.replace(tzinfo=where, fold=1).utcoffset()):
        local += timedelta(minutes=1)
    return local


def _q(text: str) -> str:
    clean = "".join(c for c in text if c.isprintable() and c not in "`<>")[:60]
    return f"`{clean}`"


def from_iso(local: str, tz: str) -> Wall:
    return Wall(datetime.fromisoformat(local), tz)
