"""A club's wrap-up of a work, as values: each member's answer (did they finish, a 1-5 rating,
one optional line, whether they want to be named), the wrap-up itself and its aggregate.

A member's line is their own text, posted to the channel: ``clean_line`` keeps it plain words
(no markup, no mentions) and bounded before it is ever stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.words import unmarked

LINE_MAX = 200  # characters of a member's one line
RATINGS = (1, 2, 3, 4, 5)


class Finished(StrEnum):
    FINISHED = "finished"
    PARTLY = "partly"
    DIDNT = "didnt"

    @property
    def said(self) -> str:
        return {"finished": "finished", "partly": "partly read",
                "didnt": "didn't read"}[self.value]


# What members type for each (`/club wrapup answer didn't 2`), folded to lower case.
FINISHED_WORDS = {
    **{w: Finished.FINISHED for w in ("finished", "finish", "done", "yes", "all")},
    **{w: Finished.PARTLY for w in ("partly", "partial", "part", "some", "half")},
    **{w: Finished.DIDNT for w in ("didnt", "didn't", "didn’t", "not", "no", "none")},
}


def clean_line(text: str | None) -> str | None:
    """A member's line as it may be shown: plain words only (no markup, no mentions such as
    ``@everyone`` or ``<!channel>``), on one line, at most ``LINE_MAX`` characters."""
    if text is None:
        return None
    text = unmarked("".join(c if c.isprintable() else " " for c in text))
    if len(text) > LINE_MAX:
        text = text[: LINE_MAX - 1].rstrip() + "…"
    return text or None


@dataclass(frozen=True, slots=True)
class WrapupAnswer:
    user: str
    finished: Finished
    rating: int  # 1-5
    line: str | None = None  # already cleaned
    named: bool = False  # the member chose to be named beside their line


@dataclass(frozen=True, slots=True)
class Wrapup:
    """A wrap-up of one work in one club: open until a host closes it."""

    id: int
    club_id: int
    work: str
    opened_by: str
    opened_at: str  # ISO 8601, UTC
    closed_at: str | None = None
    reached_end: bool = False  # the club had reached the end of the work when it opened
    answers: tuple[WrapupAnswer, ...] = ()

    @property
    def open(self) -> bool:
        return self.closed_at is None

    def answer_of(self, user: str) -> WrapupAnswer | None:
        return next((a for a in self.answers if a.user == user), None)

    def counts(self) -> dict[Finished, int]:
        return {f: sum(a.finished is f for a in self.answers) for f in Finished}

    def distribution(self) -> dict[int, int]:
        return {r: sum(a.rating == r for a in self.answers) for r in RATINGS}

    @property
    def mean(self) -> float | None:
        if not self.answers:
            return None
        return sum(a.rating for a in self.answers) / len(self.answers)


class WrapupOpen(Exception):
    """The club already has a wrap-up open."""
