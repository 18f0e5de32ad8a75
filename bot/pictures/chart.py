"""`/club chart` drawn: a header, one lane per timeline the club follows (the book's parts or
named sections, the film's stretches), the club's point, members, nights; a legend.

Everything drawn comes from the ``Chart`` value the core built for its viewer; nothing here
reads content or decides what may be seen.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from bot.core.pictures import Chart, Lane, NightMark
from bot.core.timeline import format_minute
from bot.pictures import style
from bot.pictures.layout import (
    LABEL_WIDTH,
    LEFT,
    NIGHT_WIDTH,
    RIGHT,
    clusters,
    night_rows,
    x_of,
)

WIDTH = 1200
HEADER = 76
LANE = 246
FOOTER = 54
# Rows inside a lane, from its top: its title, three lines of members' names, the band of
# parts, the track, the section numbers, two rows of nights.
TITLE_Y, BAND_Y, BAND_H, TRACK_Y, TRACK_H = 6, 104, 26, 136, 12
NIGHTS_Y = 178
LINE_H = 17


def draw_chart(chart: Chart) -> Image.Image:
    height = HEADER + LANE * max(1, len(chart.lanes)) + FOOTER
    image = Image.new("RGB", (WIDTH, height), style.BACKGROUND)
    draw = ImageDraw.Draw(image)
    style.text(draw, (LEFT, 18), style.fit(chart.work, 30, 760), 30, style.TEXT)
    style.text(draw, (RIGHT, 22), f"cut to {chart.whose} progress", 17, style.MUTED, "ra")
    style.text(draw, (RIGHT, 44), f"times in {chart.tz}", 15, style.MUTED, "ra")
    for i, lane in enumerate(chart.lanes):
        _lane(draw, lane, HEADER + i * LANE)
    _footer(draw, chart, height - FOOTER + 14)
    return image


def _lane(draw: ImageDraw.ImageDraw, lane: Lane, top: int) -> None:
    draw.rounded_rectangle((LEFT - 20, top, RIGHT + 20, top + LANE - 12), 10, fill=style.PANEL)
    style.text(draw, (LEFT, top + TITLE_Y + 4),
               f"{lane.noun.capitalize()} · {lane.length} {lane.unit}s", 19, style.TEXT)
    style.text(draw, (RIGHT, top + TITLE_Y + 4),
               style.fit(f"Club: {lane.club_text}", 17, 560), 17, style.CLUB, "ra")
    _bands(draw, lane, top)
    _track(draw, lane, top)
    _members(draw, lane, top)
    _nights(draw, lane, top)


def _bands(draw: ImageDraw.ImageDraw, lane: Lane, top: int) -> None:
    y0, y1 = top + BAND_Y, top + BAND_Y + BAND_H
    for i, span in enumerate(lane.spans):
        # A book's part runs from the start of its first section to the end of its last.
        first = span.first - 1 if lane.medium == "novel" else span.first
        a, b = x_of(first, lane.length), x_of(span.last, lane.length)
        draw.rectangle((a, y0, b - 1, y1), fill=style.BAND[i % 2])
        name = span.name if span.name else "…"
        said = style.fit(name, 14, max(b - a - 8, 0))
        if said:
            style.text(draw, ((a + b) / 2, (y0 + y1) / 2), said, 14,
                       style.TEXT if span.name else style.MUTED, "mm")


def _track(draw: ImageDraw.ImageDraw, lane: Lane, top: int) -> None:
    y0, y1 = top + TRACK_Y, top + TRACK_Y + TRACK_H
    draw.rounded_rectangle((LEFT, y0, RIGHT, y1), 6, fill=style.TRACK)
    club = x_of(lane.club, lane.length)
    if lane.club > 0:
        draw.rounded_rectangle((LEFT, y0, max(club, LEFT + TRACK_H), y1), 6, fill=style.CLUB)
    for tick, said in _ticks(lane):
        at = x_of(tick, lane.length)
        draw.line((at, y1 + 2, at, y1 + 6), fill=style.MUTED)
        if said:
            style.text(draw, (at, y1 + 8), said, 12, style.MUTED, "ma")
    # The club's point: a marker through the band and the track.
    draw.line((club, top + BAND_Y - 4, club, y1 + 2), fill=style.CLUB, width=3)
    draw.polygon(((club - 8, top + BAND_Y - 12), (club + 8, top + BAND_Y - 12),
                  (club, top + BAND_Y - 2)), fill=style.CLUB)


def _ticks(lane: Lane) -> list[tuple[int, str]]:
    if lane.medium == "film":
        step = 15 if lane.length <= 150 else 30
        return [(m, format_minute(m)) for m in range(0, lane.length + 1, step)]
    every = max(1, round(lane.length / 24))
    return [(n, str(n) if n % every == 0 or n == lane.length else "")
            for n in range(1, lane.length + 1)]


def _members(draw: ImageDraw.ImageDraw, lane: Lane, top: int) -> None:
    bottom = top + BAND_Y - 14
    for cluster in clusters(lane.marks, lambda p: x_of(p, lane.length)):
        lines = cluster.labels
        y_first = bottom - LINE_H * len(lines)
        for at in cluster.points:
            draw.line((at, top + BAND_Y - 2, cluster.x, bottom + 2), fill=style.MEMBER)
            r = 5
            draw.ellipse((at - r, top + TRACK_Y - r - 1, at + r, top + TRACK_Y + r - 1),
                         fill=style.MEMBER, outline=style.BACKGROUND)
        for n, said in enumerate(lines):
            style.text(draw, (cluster.x, y_first + n * LINE_H),
                       style.fit(said, 14, LABEL_WIDTH), 14, style.MEMBER, "ma")


def _night_label(night: NightMark) -> str:
    return f"{night.when} · {night.label}"


def _nights(draw: ImageDraw.ImageDraw, lane: Lane, top: int) -> None:
    placed, unplaced = night_rows(lane.nights, lambda p: x_of(p, lane.length),
                                  lambda n: style.width(_night_label(n), 14) + 4)
    cy = top + TRACK_Y + TRACK_H / 2
    for night in lane.nights:
        at = x_of(night.point, lane.length)
        colour = style.NIGHT if night.reached else style.UNREACHED
        draw.polygon(((at, cy - 9), (at + 9, cy), (at, cy + 9), (at - 9, cy)), fill=colour,
                     outline=style.BACKGROUND)
    for item in placed:
        colour = style.NIGHT if item.night.reached else style.UNREACHED
        y = top + NIGHTS_Y + item.row * (LINE_H + 4)
        draw.line((item.x, cy + 10, item.x, y + 2), fill=colour)
        style.text(draw, (item.start, y), style.fit(_night_label(item.night), 14, NIGHT_WIDTH),
                   14, colour)
    if unplaced:
        style.text(draw, (RIGHT, top + LANE - 30), f"+{unplaced} more nights", 13,
                   style.MUTED, "ra")


def _footer(draw: ImageDraw.ImageDraw, chart: Chart, y: int) -> None:
    at = LEFT
    for colour, said in ((style.CLUB, "the club"), (style.MEMBER, "members"),
                         (style.NIGHT, "nights")):
        draw.rectangle((at, y + 3, at + 12, y + 15), fill=colour)
        style.text(draw, (at + 18, y), said, 15, style.MUTED)
        at += 30 + style.width(said, 15) + 20
    if chart.hidden:
        noun = "member" if chart.hidden == 1 else "members"
        style.text(draw, (RIGHT, y), style.fit(f"{chart.hidden} {noun} not shown "
                                               f"({chart.hidden_why})", 15, 760),
                   15, style.MUTED, "ra")
