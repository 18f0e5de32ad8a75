"""Pictures drawn from the core's picture values (``bot.core.pictures``), as PNG bytes.

Outside the core: adapters call ``png`` and send the bytes their platform's way. The core
has already cut every value for its viewer, so a picture shows nothing its text would not.
Drawn with Pillow: a chart is a few hundred shapes and words, which Pillow draws in a few
milliseconds with its own bundled font, where a plotting library would take far longer to
start and to draw. A PNG is kept for each value drawn, so the same chart (nothing changed in
the club's progress, members or nights) is not drawn twice.
"""

from __future__ import annotations

import io
from functools import lru_cache

from bot.core.pictures import Chart, Picture
from bot.pictures.card import draw_card
from bot.pictures.chart import draw_chart

KEPT = 128  # drawn pictures kept; a value is small, a PNG some tens of KB


@lru_cache(maxsize=KEPT)
def png(picture: Picture) -> bytes:
    image = draw_chart(picture) if isinstance(picture, Chart) else draw_card(picture)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()


__all__ = ["png"]
