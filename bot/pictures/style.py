"""The look every picture shares: its colours and fonts, and text fitted to a width.

A dark slate background with light text reads on Discord's and Slack's light and dark themes
alike (the picture brings its own background). The club's point is amber, members teal,
nights violet; a night the viewer has not reached is grey. The font is the one Pillow ships
(``ImageFont.load_default(size)``, an open FreeType font), so nothing is read from the system.
"""

from __future__ import annotations

from functools import cache

from PIL import ImageDraw, ImageFont

BACKGROUND = (28, 38, 40)
PANEL = (38, 52, 55)
BAND = ((52, 70, 74), (44, 60, 64))  # alternating parts of a lane
TRACK = (70, 88, 92)
TEXT = (236, 240, 238)
MUTED = (160, 174, 172)
CLUB = (242, 165, 65)
MEMBER = (108, 195, 213)
NIGHT = (199, 146, 234)
UNREACHED = (130, 140, 140)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@cache
def font(size: int) -> Font:
    return ImageFont.load_default(size=size)


def width(text: str, size: int) -> float:
    return font(size).getlength(text)


def fit(text: str, size: int, most: float) -> str:
    """``text`` cut with an ellipsis to fit ``most`` pixels at ``size``."""
    if width(text, size) <= most:
        return text
    while text and width(text + "…", size) > most:
        text = text[:-1]
    return text.rstrip() + "…" if text else ""


def wrap(text: str, size: int, most: float, lines: int) -> list[str]:
    """``text`` in at most ``lines`` lines of ``most`` pixels, the last cut if it must be."""
    out: list[str] = []
    line = ""
    words = text.split()
    for i, word in enumerate(words):
        trial = f"{line} {word}".strip()
        if width(trial, size) <= most:
            line = trial
            continue
        if line:
            out.append(line)
        line = word
        if len(out) == lines - 1:
            out.append(fit(" ".join(words[i:]), size, most))
            return out
    if line:
        out.append(fit(line, size, most))
    return out[:lines]


def text(draw: ImageDraw.ImageDraw, xy: tuple[float, float], said: str, size: int,
         colour: tuple[int, int, int], anchor: str = "la") -> None:
    draw.text(xy, said, fill=colour, font=font(size), anchor=anchor)
