"""Text helpers the chat adapters share (no platform library here)."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.reply import GatedPart


def split_text(text: str, size: int, back_off: Callable[[str, int], int] | None = None
               ) -> list[str]:
    """Pieces of at most ``size`` characters, cut at a line, else a space, else anywhere.

    ``back_off(text, cut)`` may move a cut earlier so it does not fall inside something that
    must stay whole (a Discord escape, a Slack entity).
    """
    pieces: list[str] = []
    while len(text) > size:
        cut = text.rfind("\n", 0, size)
        if cut < size // 2:
            cut = text.rfind(" ", 0, size)
        if cut < size // 2:
            cut = size
        if back_off is not None:
            cut = back_off(text, cut)
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        pieces.append(text)
    return pieces


def opens_note(part: GatedPart) -> str:
    """Where a tagged part opens, said beside it: "opens at chapter 7 of the novel". When the
    point is itself a spoiler (an /ask answer), nothing is said beside it."""
    if part.point_inside:
        return "spoiler"
    return f"opens at {part.opens_text}" if part.opens_text else "held back"


def hidden_text(part: GatedPart) -> str:
    """The text that goes inside the spoiler: with its opening point when that point is
    itself a spoiler (the question plus "opens at chapter 23" would be the answer)."""
    if part.point_inside and part.opens_text:
        return f"{part.text} (opens at {part.opens_text})"
    return part.text
