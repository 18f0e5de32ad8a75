"""Pictures as values: what a drawing is given, already cut for whoever will see it.

The core decides every word and point a picture carries (a club's chart, a night's recap
card) and gates it as it gates text; ``bot.pictures`` only draws these values. Each value also
says the same in words (``alt``), for screen readers, notifications and the text reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.core.timeline import format_minute

UNREACHED = "a night at a point you haven't reached"
TITLE_MOST = 60  # a name or title longer than this is cut, in the picture and its words


def clip(text: str, most: int = TITLE_MOST) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class Span:
    """A named stretch of a lane: a part of the book (sections first..last) or a stretch of
    the film (minutes first..last). ``name`` is None where the viewer may not see it."""

    first: int
    last: int
    name: str | None


@dataclass(frozen=True, slots=True)
class Mark:
    """A member on a lane: a short label (a name or initials) at their point."""

    label: str
    point: int


@dataclass(frozen=True, slots=True)
class NightMark:
    """A scheduled night at its target point; ``label`` is its name, or ``UNREACHED``."""

    point: int
    when: str  # its date and time in the club's zone: `Fri 4 Dec 19:30`
    label: str
    reached: bool


@dataclass(frozen=True, slots=True)
class Lane:
    """One timeline of the chart: the book in sections, or the film in minutes."""

    medium: str  # "novel" or "film"
    noun: str  # what the lane is called: "novel", "film"
    unit: str  # "chapter", "section", "minute"
    length: int  # sections in the book, minutes in the film
    spans: tuple[Span, ...]
    club: int  # the club's agreed point
    club_text: str  # that point in the work's words, gated: "chapter 9 finished (Part One)"
    marks: tuple[Mark, ...]
    nights: tuple[NightMark, ...]

    def point_text(self, point: int) -> str:
        if self.medium == "film":
            return format_minute(point)
        return f"{self.unit} {point}"

    def span_text(self, span: Span) -> str:
        """`Part One (chapters 1-9)`, `Prologue (section 1)`, `The Mill Years (0:04-0:30)`."""
        if self.medium == "film":
            where = f"{format_minute(span.first)}-{format_minute(span.last)}"
        elif span.first == span.last:
            where = f"{self.unit} {span.first}"
        else:
            where = f"{self.unit}s {span.first}-{span.last}"
        return f"{span.name} ({where})"


@dataclass(frozen=True, slots=True)
class Chart:
    """`/club chart`: where the club, its members and its coming nights are."""

    work: str  # the work's title
    lanes: tuple[Lane, ...]
    tz: str  # the zone the nights' times are in
    hidden: int  # members with progress not shown (opted out, or members off the chart)
    hidden_why: str  # why they are not shown, in a short phrase
    whose: str  # "the club" or "you": whose progress cut the picture

    kind = "chart"
    image = True  # shown as a picture (a calendar file is attached, not shown)

    @property
    def filename(self) -> str:
        return "club-chart.png"

    def lines(self) -> tuple[str, ...]:
        """The chart in words, a line a lane, then the nights and who is not shown."""
        out = []
        for lane in self.lanes:
            spans = "; ".join(lane.span_text(s) for s in lane.spans if s.name)
            said = f"{lane.noun.capitalize()} ({lane.length} {lane.unit}s"
            said += f"; {spans})" if spans else ")"
            said += f": the club, {lane.club_text}"
            if lane.marks:
                said += "; " + ", ".join(f"{m.label} at {lane.point_text(m.point)}"
                                         for m in lane.marks)
            out.append(said + ".")
        nights = [(lane, n) for lane in self.lanes for n in lane.nights]
        for lane, night in nights:
            name = night.label[:1].upper() + night.label[1:]
            out.append(f"{name}: {night.when} ({self.tz}), through "
                       f"{lane.point_text(night.point)} of the {lane.noun}.")
        if not nights:
            out.append("No nights are scheduled.")
        if self.hidden:
            noun = "member" if self.hidden == 1 else "members"
            out.append(f"{self.hidden} {noun} not shown ({self.hidden_why}).")
        return tuple(out)

    @property
    def alt(self) -> str:
        return f"Chart of {self.work}, cut to {self.whose} progress. " + " ".join(self.lines())


@dataclass(frozen=True, slots=True)
class RecapCard:
    """A night's recap as a card: the work, the night, how many came, what was discussed."""

    work: str
    night: str  # its name, or ``UNREACHED``
    when: str
    came: int
    prompts: tuple[str, ...]  # the prompts discussed that this audience may read, clipped
    more: int  # prompts discussed that are not on the card (past the audience, or too many)

    kind = "recap"
    image = True

    @property
    def filename(self) -> str:
        return "night-recap.png"

    @property
    def alt(self) -> str:
        people = "1 person came" if self.came == 1 else f"{self.came} people came"
        said = f"Recap card: {self.night}, {self.work}, {self.when}. {people}."
        if self.prompts:
            said += " Discussed: " + " / ".join(self.prompts) + "."
        if self.more:
            said += f" {self.more} more prompt{'s' if self.more != 1 else ''} not on the card."
        return said


_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class FeedEvent:
    uid: str
    summary: str
    description: str
    local: datetime  # naive wall-clock time in ``tz``
    tz: str  # the night's own zone (a night keeps the zone it was made in)
    minutes: int
    cancelled: bool
    url: str | None


@dataclass(frozen=True, slots=True)
class Feed:
    """The calendar file's contents: the club's coming nights for one audience."""

    work: str
    tz: str  # the club's zone (each event has its night's own TZID, with its VTIMEZONE)
    events: tuple[FeedEvent, ...]
    made: datetime  # aware UTC: DTSTAMP
    whose: str  # "the club" or "your": whose progress cut the file

    kind = "calendar"
    image = False  # a file to attach, not a picture to show

    @property
    def filename(self) -> str:
        return "club-nights.ics"

    @property
    def sequence(self) -> int:
        """Minutes since 2020 when the file was made: a later copy of an event always wins."""
        return int((self.made - _EPOCH).total_seconds() // 60)

    def lines(self) -> tuple[str, ...]:
        if not self.events:
            return ("No nights or schedule targets are coming, so the calendar has none yet.",)
        out = []
        for event in self.events:
            when = f"{event.local:%a} {event.local.day} {event.local:%b %Y, %H:%M}"
            said = f"{event.summary}: {when} ({event.tz})"
            out.append(said + (" (cancelled)." if event.cancelled else "."))
        return tuple(out)

    @property
    def alt(self) -> str:
        count = sum(not e.cancelled for e in self.events)
        noun = "event" if count == 1 else "events"
        return (f"Calendar of {self.work}: {count} coming {noun}, cut to {self.whose} "
                "progress. " + " ".join(self.lines()))


@dataclass(frozen=True, slots=True)
class QuestionFile:
    """`/questions export`: the club's own questions as YAML, already cut to the host's
    progress (those past it are counted, not written)."""

    work: str
    content: bytes
    count: int
    held: int  # questions past the reader's point, left out

    kind = "questions"
    image = False

    @property
    def filename(self) -> str:
        return "club-questions.yaml"

    @property
    def alt(self) -> str:
        said = f"{self.count} of the club's questions on {self.work}, as YAML."
        if self.held:
            said += (f" {self.held} more open past your point and are left out; move on "
                     "with `/progress` to export them.")
        return said


# Every value a reply may carry beside its text; a ``Feed`` and a ``QuestionFile`` are files,
# not images.
Picture = Chart | RecapCard | Feed | QuestionFile
