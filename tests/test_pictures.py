"""Pictures drawn: the layout (positions, clusters that never overlap, "+N" when many sit on
one chapter, night labels in rows), real PNGs of sane size for every work, the cache, and the
console end to end (one console process for the module: a PNG file written, its path in
--json with the alt text; text mode prints the path)."""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MONDAY_NOON, ROOT
from PIL import Image

from bot.adapters.console import Console
from bot.app import load_library
from bot.core.call import Call, Deps, Invocation
from bot.core.chart import build_chart
from bot.core.clubs import Club, Context, MemberPoint, Scope, SpoilerMode
from bot.core.commands import build_registry
from bot.core.nights import Night, NightStatus, Target
from bot.core.pictures import Mark, NightMark, RecapCard
from bot.core.reply import Visibility
from bot.core.service import Core
from bot.core.timeline import Medium, Progress
from bot.core.when import Wall
from bot.pictures import png
from bot.pictures.layout import CLUSTER_GAP, LEFT, LINES, RIGHT, clusters, night_rows, x_of

LIBRARY = load_library(ROOT)
REGISTRY = build_registry()
SCOPE = Scope("test", "pictures")


def _x(length: int):
    return lambda point: x_of(point, length)


def test_points_sit_on_the_lane_in_proportion() -> None:
    assert x_of(0, 23) == LEFT and x_of(23, 23) == RIGHT
    assert x_of(99, 23) == RIGHT and x_of(-3, 23) == LEFT  # clamped
    assert LEFT < x_of(9, 23) < x_of(10, 23) < RIGHT


def test_ten_members_on_one_chapter_are_one_cluster_with_a_count() -> None:
    marks = [Mark(f"m{i}", 9) for i in range(10)]
    (cluster,) = clusters(marks, _x(23))
    assert cluster.count == 10 and len(cluster.labels) == LINES
    assert cluster.labels[-1] == f"+{10 - (LINES - 1)}"


def test_clusters_never_overlap_and_stay_on_the_lane() -> None:
    rng = random.Random(3)
    for _ in range(200):
        length = rng.choice((8, 23, 103, 134))
        marks = [Mark(f"m{i}", rng.randint(0, length)) for i in range(rng.randint(1, 200))]
        placed = clusters(marks, _x(length))
        assert sum(c.count for c in placed) == len(marks)
        for a, b in itertools.pairwise(placed):
            assert b.x - a.x >= CLUSTER_GAP - 1e-6
        assert all(LEFT <= c.x <= RIGHT for c in placed)
        assert all(len(c.labels) <= LINES for c in placed)


def test_night_labels_take_rows_without_overlapping() -> None:
    nights = [NightMark(p, f"Fri {p} Dec 19:30", "a night", True) for p in (3, 3, 4, 5, 20)]
    placed, unplaced = night_rows(nights, _x(23), lambda n: 200)
    assert len(placed) + unplaced == len(nights) and unplaced >= 1
    for row in {p.row for p in placed}:
        spans = sorted((p.start, p.start + 200) for p in placed if p.row == row)
        assert all(b[0] > a[1] for a, b in itertools.pairwise(spans))


def _call(work, club: Club) -> Call:
    deps = Deps(LIBRARY, None, REGISTRY, random.Random(1), lambda: MONDAY_NOON,  # type: ignore[arg-type]
                "test")
    command = REGISTRY.get("club chart")
    assert command is not None
    return Call(deps, Invocation(SCOPE, "room", "host"), Context(club, (), True, True), command,
                work, Visibility.PUBLIC, club.progress, club.mode, "the club")


def big_chart(work_id: str, members: int = 200):
    """A chart of a club of ``members`` spread over the work, with a season of nights."""
    work = LIBRARY.get(work_id)
    assert work is not None
    end = work.timeline.end
    rng = random.Random(5)
    club = Club(1, SCOPE, "room", Medium.BOTH if end.film else Medium.NOVEL, work.id,
                ((work.id, Progress(end.novel // 2, end.film // 3)),), SpoilerMode.HIDE,
                "Europe/London", ("host",), members, "host", "2027-01-01", chart_members=True)
    points = [MemberPoint(f"user{i}", f"Reader {i}" if i % 3 else f"r{i}",
                          Progress(rng.randint(0, end.novel), rng.randint(0, end.film)),
                          i % 7 == 0) for i in range(members)]
    nights = [Night(n, 1, work.id, f"Night title {n}", Target(novel=min(end.novel, n * 2)),
                    Wall(MONDAY_NOON.replace(tzinfo=None, day=4 + n), "Europe/London"), None,
                    NightStatus.SCHEDULED, "host") for n in range(1, 7)]
    return build_chart(_call(work, club), club, points, nights)


@pytest.mark.parametrize("work_id", [w.id for w in LIBRARY])
def test_a_chart_is_a_png_a_phone_can_read(work_id: str) -> None:
    chart = big_chart(work_id)
    data = png(chart)
    image = Image.open(io.BytesIO(data))
    image.verify()
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.mode == "RGB"
    assert image.width == 1200 and 300 <= image.height <= 650
    assert len(data) < 200_000
    # Not a blank: the club's amber and the members' teal are both drawn.
    colours = {c for _n, c in image.getcolors(maxcolors=1 << 20) or []}
    assert (242, 165, 65) in colours and (108, 195, 213) in colours


def test_the_same_chart_is_drawn_once() -> None:
    chart = big_chart(LIBRARY.default.id, members=20)
    assert png(chart) is png(chart)
    again = big_chart(LIBRARY.default.id, members=21)
    assert png(again) != png(chart)


def test_a_recap_card_is_a_png() -> None:
    card = RecapCard("A work", "Night #2 · Part One", "Fri 8 Jan 2027, 19:00 GMT", 4,
                     ("A prompt " * 30, "Another prompt?"), 2)
    image = Image.open(io.BytesIO(png(card)))
    assert image.format == "PNG" and image.size == (1000, 460)
    assert "4 people came" in card.alt and "2 more prompts" in card.alt


# -- the console ------------------------------------------------------------------------------

LINES_TYPED = [
    "/club create both Europe/London",
    "@sam /club join", "@sam /progress novel 12",
    "/club progress novel 9",
    '/session schedule novel 20 at 2027-02-05 19:00 "The last chapters"',
    "/club chart",
    "@sam /club chart members on",
    "@sam /club images on",
    "#elsewhere /club chart",
]


@pytest.fixture(scope="module")
def console_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], Path]:
    """One console process for the module, in --json, writing pictures to a folder."""
    home = tmp_path_factory.mktemp("console-pictures")
    pictures = home / "pictures"
    env = dict(os.environ, HOME=str(home), XDG_DATA_HOME=str(home / "data"))
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--db", ":memory:", "--json",
         "--pictures", str(pictures)],
        input="\n".join(LINES_TYPED) + "\n", capture_output=True, text=True, timeout=60,
        cwd=home, env=env, check=False)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()], pictures


def test_the_console_writes_the_chart_and_gives_its_path(console_run) -> None:
    replies, pictures = console_run
    chart = next(r for r in replies if r["command"] == "club chart")
    picture = chart["picture"]
    assert picture["kind"] == "chart" and Path(picture["path"]).parent == pictures
    with Image.open(picture["path"]) as image:
        assert image.format == "PNG" and image.width == 1200
    assert "the last chapters" not in picture["alt"].lower()
    assert "a night at a point you haven't reached" in picture["alt"].lower()
    assert "the last chapters" not in chart["text"].lower()


def test_the_console_answers_bad_chart_lines_politely(console_run) -> None:
    replies, _pictures = console_run
    refused, images, nowhere = replies[-3:]
    assert refused["kind"] == "error" and "Only a host" in refused["text"]
    assert images["kind"] == "error" and "Only a host" in images["text"]
    assert nowhere["kind"] == "error" and "no club in this channel" in nowhere["text"]
    assert refused["picture"] is None and nowhere["picture"] is None


async def test_text_mode_prints_where_the_picture_is(core: Core, tmp_path: Path) -> None:
    console = Console(core, out=io.StringIO(), pictures=tmp_path)
    await console.handle("/club create both")
    shown = await console.handle("/club chart")
    assert shown is not None
    (written,) = await asyncio.to_thread(lambda: list(tmp_path.glob("chart-*.png")))
    assert f"[picture: {written}]" in shown
    with Image.open(written) as image:
        assert image.format == "PNG"


async def test_a_picture_that_cannot_be_written_costs_only_the_picture(core: Core,
                                                                        tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    await asyncio.to_thread(blocked.write_text, "not a folder")
    console = Console(core, out=io.StringIO(), pictures=blocked / "pictures")
    await console.handle("/club create both")
    shown = await console.handle("/club chart")
    assert shown is not None and "[picture not written]" in shown
    assert "Where the club is" in shown
