"""The neutral reply: what a command returns before and after the spoiler gate.

Handlers build a ``Draft`` whose parts carry reveal points. The core passes it through the
spoiler engine (``spoilers.gate``), which turns it into a ``Reply``: withheld parts are gone
(only a count and the point at which they open remain), tagged parts are marked. Adapters only
ever see a ``Reply``, so they can choose *how* to hide a tagged part but never *whether*.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.core.clubs import SpoilerMode
from bot.core.timeline import SAFE, Reveal

if TYPE_CHECKING:
    from bot.core.effects import Effect
    from bot.core.pictures import Picture


class Visibility(StrEnum):
    PUBLIC = "public"  # a channel message: gated by the club's progress
    PRIVATE = "private"  # ephemeral / one user: gated by that member's own progress


class Kind(StrEnum):
    OK = "ok"
    ERROR = "error"


class PartState(StrEnum):
    SHOW = "show"
    TAG = "tag"


@dataclass(frozen=True, slots=True)
class Part:
    """A piece of a draft reply: text (light markdown), an optional label, its reveal point."""

    text: str
    label: str | None = None
    reveal: Reveal = SAFE
    sources: tuple[str, ...] = ()


JUST_ME = "Just me"  # the label of the button that gives a channel reply privately


@dataclass(frozen=True, slots=True)
class Action:
    """A button: a fixed, spoiler-free label and the command a click runs, as data.

    An adapter runs ``Core.run(path, dict(args))``; ``private`` runs it for the clicker alone,
    cut to their own progress (Discord's "Just me", an ephemeral Slack answer).
    """

    label: str
    path: str
    args: tuple[tuple[str, str], ...] = ()
    private: bool = False
    # A click opens the command's form (``Command.form``) first, and runs the command with
    # the answers (platforms with forms); typed, it is the command as it stands.
    form: bool = False

    @property
    def command(self) -> str:
        """The same command as a person would type it."""
        return " ".join((f"/{self.path}", *(value for _name, value in self.args)))


@dataclass(frozen=True, slots=True)
class Draft:
    title: str | None = None
    parts: tuple[Part, ...] = ()
    fields: tuple[Part, ...] = ()
    footer: str | None = None
    actions: tuple[Action, ...] = ()
    visibility: Visibility = Visibility.PUBLIC
    kind: Kind = Kind.OK
    effects: tuple[Effect, ...] = ()
    # The point where a hidden part opens is itself a spoiler here (an /ask answer: "does X
    # die?" + "opens at chapter 23" is the answer), so it goes inside the spoiler.
    points_hidden: bool = False
    # A picture beside the text, its inputs already cut for this reply's audience (the
    # handler builds it with ``Call.sees``); the text parts say the same in words. A calendar
    # file (``Feed``, not an image) goes the same way, attached rather than shown.
    picture: Picture | None = None


@dataclass(frozen=True, slots=True)
class GatedPart:
    text: str
    label: str | None
    state: PartState
    # For a tagged part: where it opens, as a point and in the work's words ("chapter 7 of
    # the novel"), so an adapter can say so.
    opens: Reveal | None = None
    sources: tuple[str, ...] = ()
    opens_text: str | None = None
    # Show ``opens`` only inside the spoiler with the text, never beside it.
    point_inside: bool = False


@dataclass(frozen=True, slots=True)
class Withheld:
    """What the hide mode left out: how many parts and the earliest point on each timeline."""

    count: int
    novel: int | None
    film: int | None
    opens: str  # the earliest points, in the work's words

    def describe(self) -> str:
        noun = "part" if self.count == 1 else "parts"
        verb = "opens at" if self.count == 1 else "open from"
        return f"{self.count} {noun} held back for spoilers: {verb} {self.opens}."


@dataclass(frozen=True, slots=True)
class Audience:
    """Whose progress cut this reply, and how spoilers are shown to them."""

    progress_novel: int
    progress_film: int
    mode: SpoilerMode
    who: str  # "the club", "you", "everyone here"
    progress_text: str = ""  # "novel: chapter 7 finished (Part One), film: not started"


@dataclass(frozen=True, slots=True)
class Reply:
    title: str | None
    parts: tuple[GatedPart, ...]
    fields: tuple[GatedPart, ...]
    footer: str | None
    actions: tuple[Action, ...]
    visibility: Visibility
    kind: Kind
    withheld: Withheld | None
    audience: Audience
    command: str = ""
    # Display names of the sources behind the parts shown (never of withheld ones).
    sources: tuple[str, ...] = ()
    effects: tuple[Effect, ...] = ()
    work: str | None = None  # the title of the work the reply is about, for its heading
    # To draw beside the text (``bot.pictures``), with its alt; or a calendar file to attach.
    picture: Picture | None = None

    def audience_note(self) -> str:
        """Who this reply is for and whose progress cut it, in a sentence (chat adapters put
        it in a footer or a context line)."""
        a = self.audience
        where = "Only you see this" if self.visibility is Visibility.PRIVATE else "Posted here"
        whose = "your" if a.who == "you" else f"{a.who}'s"
        return f"{where}; cut to {whose} progress: {a.progress_text}; spoilers {a.mode.value}"

    def texts(self) -> list[str]:
        """Every string this reply carries (for tests and length checks)."""
        out = [self.title or "", self.footer or ""]
        for part in (*self.parts, *self.fields):
            out.extend((part.label or "", part.text))
        out.extend(s for a in self.actions for s in (a.label, a.command))
        out.extend(self.sources)
        if self.withheld:
            out.append(self.withheld.describe())
        if self.picture is not None:
            out.append(self.picture.alt)
        return out
