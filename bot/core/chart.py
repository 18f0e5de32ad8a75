"""What `/club chart` draws, worked out and gated here: the lanes of the work's own timeline,
the club's point, its members' marks and its coming nights.

The gate is the one every reply has (``Call.sees``): a part, section or film stretch is named
only to a viewer who has reached its start (a stretch from its ``named_from``); a night's name
only to one who has reached its target; the club's point is worded only as far as the viewer
has got. Members appear only where the host turned them on and they did not opt out; the rest
are a count. Positions are not story, so every mark and night sits at its real point.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.call import Call
from bot.core.clubs import Club, MemberPoint, follows
from bot.core.content.model import Prompt
from bot.core.nights import Night, NightStatus
from bot.core.pictures import (
    UNREACHED,
    Chart,
    Lane,
    Mark,
    NightMark,
    RecapCard,
    Span,
    clip,
)
from bot.core.timeline import Medium, Reveal, format_minute
from bot.core.work import Timeline
from bot.core.zones import zone

PROMPTS_ON_CARD = 5
PROMPT_MOST = 240  # characters of a prompt on a recap card (the drawing wraps it)
NIGHTS_SHOWN = 8  # the coming nights a chart places (a weekly series makes many)
LABEL_MOST = 10  # a name longer than this is shown as its initials


def mark_label(user: str, name: str | None) -> str:
    """A member as a chart shows them: a short name, else its initials."""
    said = " ".join((name or "").split()) or (user if _name_like(user) else "")
    if not said:
        return "member"
    if len(said) <= LABEL_MOST:
        return said
    words = said.split()
    if len(words) > 1:
        return "".join(w[0] for w in words[:3]).upper()
    return said[:LABEL_MOST - 1] + "…"


def _name_like(user: str) -> bool:
    # A console name ("sam") reads as a name; a platform id (a snowflake, U0123ABC) does not.
    return not user.isdigit() and not (user[:1] in "UW" and user[1:].isalnum()
                                       and user[1:].upper() == user[1:])


def _book_spans(call: Call, timeline: Timeline) -> tuple[Span, ...]:
    book = timeline.book
    if book.parts:
        named = [(p.first, p.last, p.name) for p in book.parts]
    elif any(s.named for s in book.sections):
        named = [(s.number, s.number, s.name) for s in book.sections]
    else:
        return ()
    # A name is seen from the start of what it names: all before it finished.
    return tuple(Span(first, last, clip(name) if call.sees(Reveal(novel=first - 1)) else None)
                 for first, last, name in named)


def _film_spans(call: Call, timeline: Timeline) -> tuple[Span, ...]:
    assert timeline.film is not None
    return tuple(Span(s.first, s.last,
                      clip(s.name) if call.sees(Reveal(film=s.named_from)) else None)
                 for s in timeline.film.stretches)


def _club_text(call: Call, timeline: Timeline, medium: Medium, point: int) -> str:
    """The club's point, in the work's words as far as the viewer may read them (a member
    behind the club, asking privately, gets the bare number)."""
    if medium is Medium.NOVEL:
        if call.sees(Reveal(novel=point)):
            return timeline.describe_book(point).split(": ", 1)[1]
        return f"{timeline.book.unit} {point} finished"
    if call.sees(Reveal(film=point)):
        return timeline.describe_film(point).split(": ", 1)[1]
    return f"{format_minute(point)} watched"


def _when(night: Night, tz: str) -> str:
    local = night.wall.instant().astimezone(zone(tz))
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def _night_marks(call: Call, nights: Sequence[Night], medium: Medium, tz: str
                 ) -> tuple[NightMark, ...]:
    out = []
    for night in nights:
        point = night.target.novel if medium is Medium.NOVEL else night.target.film
        if point is None:
            continue
        reveal = Reveal(novel=point) if medium is Medium.NOVEL else Reveal(film=point)
        reached = call.sees(reveal)
        out.append(NightMark(point, _when(night, tz), clip(night.name) if reached else UNREACHED,
                             reached))
    return tuple(out)


def build_chart(call: Call, club: Club, members: Sequence[MemberPoint],
                nights: Sequence[Night]) -> Chart:
    """The chart's inputs for this call's audience (pure: the store was read before)."""
    work = call.work
    timeline = work.timeline
    point = club.progress_in(work.id)
    shown = [m for m in members if club.chart_members and not m.private]
    coming = [n for n in nights if n.work == work.id
              and n.status in (NightStatus.SCHEDULED, NightStatus.RUNNING)][:NIGHTS_SHOWN]
    lanes = []
    if follows(club.medium, Medium.NOVEL):
        book = timeline.book
        lanes.append(Lane(
            "novel", book.noun, book.unit, book.count, _book_spans(call, timeline),
            point.novel, _club_text(call, timeline, Medium.NOVEL, point.novel),
            tuple(Mark(mark_label(m.user, m.name), min(m.progress.novel, book.count))
                  for m in shown if m.progress.novel or not m.progress.film),
            _night_marks(call, coming, Medium.NOVEL, club.tz)))
    if follows(club.medium, Medium.FILM) and timeline.film is not None:
        lanes.append(Lane(
            "film", "film", "minute", timeline.film.minutes, _film_spans(call, timeline),
            point.film, _club_text(call, timeline, Medium.FILM, point.film),
            tuple(Mark(mark_label(m.user, m.name), min(m.progress.film, timeline.minutes))
                  for m in shown if m.progress.film),
            _night_marks(call, coming, Medium.FILM, club.tz)))
    hidden = len(members) - len(shown)
    why = ("they keep their progress private" if club.chart_members
           else "a host can show members with `/club chart members on`")
    return Chart(work.title, tuple(lanes), club.tz, hidden, why,
                 "your" if call.who == "you" else f"{call.who}'s")


async def chart_for(call: Call, club: Club) -> Chart:
    """Read what the chart needs (members' points, coming nights), then build it."""
    members = await call.store.club_member_points(club.id, call.work.id)
    nights = await call.store.club_nights(club.id, (NightStatus.RUNNING, NightStatus.SCHEDULED),
                                          limit=NIGHTS_SHOWN * 4)
    return build_chart(call, club, members, nights)


def recap_card(call: Call, night: Night, work: str, discussed: Sequence[Prompt], came: int
               ) -> RecapCard:
    """A night's recap as a card for this call's audience: the night named only if they have
    reached its target, and only the prompts they may read (the rest counted)."""
    target = night.target
    reveal = Reveal(novel=target.novel) if target.novel is not None else Reveal(film=target.film)
    seen = [p for p in discussed if call.sees(p.reveal)]
    return RecapCard(work, clip(night.name) if call.sees(reveal) else UNREACHED,
                     night.wall.label(), came,
                     tuple(clip(p.text, PROMPT_MOST) for p in seen[:PROMPTS_ON_CARD]),
                     len(discussed) - min(len(seen), PROMPTS_ON_CARD))
