"""What a reply asks the platform to do besides showing it: open the night's thread, post into
it, keep a Discord scheduled event in step. Neutral, like the reply: each adapter carries them
out its own way (a Discord thread, a Slack thread under the opening message, a marked channel on
the console) or, where the platform has no such thing, leaves them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.nights import Night


@dataclass(frozen=True, slots=True)
class OpenThread:
    """This reply opens the night: post it, start the night's thread from it, and keep the
    thread's reference with ``store.set_thread``."""

    night: int
    name: str  # spoiler-free: the night's name


@dataclass(frozen=True, slots=True)
class InThread:
    """Post this reply in the night's thread (``thread`` is what the adapter kept, if any)."""

    night: int
    thread: str | None


@dataclass(frozen=True, slots=True)
class CloseThread:
    night: int
    thread: str | None


@dataclass(frozen=True, slots=True)
class NightChanged:
    """A night was scheduled, edited, started, ended or cancelled (calendar-like mirrors,
    such as Discord's scheduled events, follow it)."""

    night: Night
    channel: str
    covers: str = ""  # what it discusses, in its work's words, for a calendar's description
    work: str = ""  # the title of the work it is about


Effect = OpenThread | InThread | CloseThread | NightChanged
