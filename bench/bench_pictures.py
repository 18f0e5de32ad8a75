"""`/club chart` for a club of 200 members with a season of nights, on the real SQLite store:
the core's answer (store reads, the gated inputs), the drawing and PNG encoding (uncached),
and a cached draw, beside bare Pillow making and encoding a blank image of the same size.
Prints p50/p99, the ratio to bare Pillow, and the PNG's size. The issue's bar: under 100 ms
to render, under 200 KB.

    .venv/bin/python bench/bench_pictures.py [--iterations N] [--members N]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image

from bot.app import load_library, open_core
from bot.core.clubs import Scope
from bot.core.pictures import Chart
from bot.core.service import Core, Invocation
from bot.pictures import png

ROOT = Path(__file__).resolve().parent.parent
SCOPE = Scope("bench", "local")
HOST = Invocation(SCOPE, "club", "host", is_admin=True)


def _times(run: Callable[[], object], iterations: int) -> list[float]:
    out = []
    for _ in range(iterations):
        started = time.perf_counter()
        run()
        out.append((time.perf_counter() - started) * 1000)
    return out


def _line(name: str, ms: list[float], floor: float | None = None) -> str:
    p50 = statistics.median(ms)
    p99 = sorted(ms)[max(0, int(len(ms) * 0.99) - 1)]
    ratio = f"  x{p50 / floor:5.1f} bare Pillow" if floor else ""
    return f"{name:<34} p50 {p50:7.2f} ms  p99 {p99:7.2f} ms{ratio}"


async def _club(core: Core, members: int) -> None:
    await core.run_text(HOST, "/club create both Europe/London")
    await core.run_text(HOST, "/club progress novel 9 film 35")
    await core.run_text(HOST, "/club chart members on")
    for i in range(members):
        member = Invocation(SCOPE, "club", f"m{i}", name=f"Reader {i}")
        await core.run_text(member, "/club join")
        await core.run_text(member, f"/progress novel {i % 24}")
        if i % 3 == 0:
            await core.run_text(member, f"/progress film {i % 104}")
        if i % 11 == 0:
            await core.run_text(member, "/progress private on")
    for n, chapter in enumerate((9, 12, 17, 20, 23), start=1):
        await core.run_text(HOST, f'/session schedule novel {chapter} at 2027-02-{n + 1:02d} '
                                  f'19:30 "Night {n}"')


async def main(iterations: int, members: int) -> None:
    library = load_library(ROOT)
    with tempfile.TemporaryDirectory() as folder:
        async with open_core(Path(folder) / "club.db", library=library) as core:
            await _club(core, members)
            answers: list[float] = []
            chart: Chart | None = None
            for _ in range(iterations):
                started = time.perf_counter()
                reply = await core.run_text(HOST, "/club chart")
                answers.append((time.perf_counter() - started) * 1000)
                assert isinstance(reply.picture, Chart), reply.texts()
                chart = reply.picture
    assert chart is not None
    draw = png.__wrapped__  # the drawing itself, past the cache
    data = draw(chart)
    height = Image.open(io.BytesIO(data)).height

    def bare() -> bytes:
        out = io.BytesIO()
        Image.new("RGB", (1200, height), (28, 38, 40)).save(out, format="PNG",
                                                             compress_level=6)
        return out.getvalue()

    floor = statistics.median(_times(bare, iterations))
    drawn = _times(lambda: draw(chart), iterations)
    png(chart)
    cached = _times(lambda: png(chart), iterations)
    print(f"/club chart, {members} members, {len(chart.lanes)} lanes, "
          f"{sum(len(lane.nights) for lane in chart.lanes)} nights; {iterations} runs")
    print(_line("bare Pillow: new + PNG encode", _times(bare, iterations)))
    print(_line("core: /club chart (store, gate)", answers, floor))
    print(_line("draw + PNG encode (uncached)", drawn, floor))
    print(_line("draw, cached", cached, floor))
    total = statistics.median(answers) + statistics.median(drawn)
    print(f"answer + draw p50 {total:.1f} ms (bar: 100 ms); PNG {len(data) / 1024:.0f} KB "
          f"(bar: 200 KB), 1200x{height}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--members", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(main(args.iterations, args.members))
