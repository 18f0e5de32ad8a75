"""Pictures drawn from the core's picture values (``bot.core.pictures``), as PNG bytes.

A calendar (``bot.core.pictures.Feed``, built in ``bot.core.calendar``) is written as an
.ics file (``ics``) and goes the same way: ``file_bytes`` gives a reply's file, whichever.

Outside the core: adapters call ``file_bytes`` and send the bytes their platform's way. The core
has already cut every value for its viewer, so a picture shows nothing its text would not.
Drawn with Pillow: a chart is a few hundred shapes and words, which Pillow draws in a few
milliseconds with its own bundled font, where a plotting library would take far longer to
start and to draw. A PNG is kept for each value drawn, so the same chart (nothing changed in
the club's progress, members or nights) is not drawn twice.
"""

from __future__ import annotations

import io
from functools import lru_cache

from bot.core.pictures import Chart, Feed, Picture, QuestionFile, RecapCard
from bot.pictures.card import draw_card
from bot.pictures.chart import draw_chart
from bot.pictures.ics import ics

KEPT = 128  # drawn pictures kept; a value is small, a PNG some tens of KB


@lru_cache(maxsize=KEPT)
def png(picture: Chart | RecapCard) -> bytes:
    image = draw_chart(picture) if isinstance(picture, Chart) else draw_card(picture)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()


def file_bytes(picture: Picture) -> bytes:
    """A reply's file as its platform sends it: a picture's PNG, a calendar's .ics."""
    if isinstance(picture, Feed):
        return ics(picture)
    if isinstance(picture, QuestionFile):
        return picture.content
    return png(picture)


__all__ = ["file_bytes", "png"]
