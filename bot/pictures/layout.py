"""Where things go on a chart, worked out apart from drawing so it can be tested: a lane's
x for a point, members gathered into clusters that never overlap, night labels in rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.core.pictures import Mark, NightMark

LEFT = 60
RIGHT = 1150
CLUSTER_GAP = 92  # px: member labels closer than this are one cluster (labels are narrower)
LABEL_WIDTH = 86  # px a member's label may take
LINES = 3  # lines of names a cluster shows; past that its last line is "+N"
NIGHT_ROWS = 2
NIGHT_WIDTH = 420  # px a night's label may take ("a night at a point you haven't reached")


def x_of(point: int, length: int, left: int = LEFT, right: int = RIGHT) -> float:
    """The x of a point on a lane of ``length`` (clamped to the lane)."""
    if length <= 0:
        return float(left)
    return left + (right - left) * min(max(point, 0), length) / length


@dataclass(frozen=True, slots=True)
class Cluster:
    x: float  # where its label block is centred
    points: tuple[float, ...]  # the x of each distinct point in it, for the dots
    labels: tuple[str, ...]  # at most LINES lines: names, then "+N"
    count: int  # members in it


def clusters(marks: Sequence[Mark], x: Callable[[int], float], *, gap: float = CLUSTER_GAP,
             left: float = LEFT, right: float = RIGHT) -> tuple[Cluster, ...]:
    """Members gathered left to right into clusters at least ``gap`` apart: ten on one
    chapter are one cluster, `sam`, `jo` and `+8`. Each cluster's block is centred on its
    members and kept inside the lane and clear of its neighbour."""
    ordered = sorted(marks, key=lambda m: (m.point, m.label))
    groups: list[list[Mark]] = []
    for mark in ordered:
        if groups and x(mark.point) - x(groups[-1][0].point) < gap:
            groups[-1].append(mark)
        else:
            groups.append([mark])
    while True:
        out = _placed(groups, x, gap, left, right)
        # Pushed clear of its neighbour past the lane's end: it joins that neighbour.
        if len(out) < 2 or out[-1].x <= right - gap / 2 + 0.5:
            return out
        groups[-2:] = [groups[-2] + groups[-1]]


def _placed(groups: list[list[Mark]], x: Callable[[int], float], gap: float, left: float,
            right: float) -> tuple[Cluster, ...]:
    out: list[Cluster] = []
    for group in groups:
        xs = tuple(dict.fromkeys(x(m.point) for m in group))
        centre = min(max(sum(xs) / len(xs), left + gap / 2), right - gap / 2)
        if out and centre - out[-1].x < gap:
            centre = out[-1].x + gap
        names = [m.label for m in group]
        if len(names) > LINES:
            names = [*names[:LINES - 1], f"+{len(names) - (LINES - 1)}"]
        out.append(Cluster(centre, xs, tuple(names), len(group)))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Placed:
    night: NightMark
    x: float  # its point
    row: int
    start: float  # where its label begins


def night_rows(nights: Sequence[NightMark], x: Callable[[int], float],
               label_width: Callable[[NightMark], float], *, right: float = RIGHT
               ) -> tuple[tuple[Placed, ...], int]:
    """Each night's label in the first row where it does not overlap another; the nights
    with no room are counted (the chart says "+N more nights")."""
    ends = [float("-inf")] * NIGHT_ROWS
    placed: list[Placed] = []
    unplaced = 0
    for night in sorted(nights, key=lambda n: (n.point, n.when)):
        at = x(night.point)
        size = min(label_width(night), NIGHT_WIDTH)
        start = min(at - 6, right - size)
        row = next((r for r in range(NIGHT_ROWS) if start > ends[r] + 12), None)
        if row is None:
            unplaced += 1
            continue
        ends[row] = start + size
        placed.append(Placed(night, at, row, start))
    return tuple(placed), unplaced
