"""Every command in process, through the core and the real SQLite store, beside a no-op
command taking the same path. Prints p50/p99 per command and the ratio to the no-op; and
start-up with every installed work loaded, beside only parsing the same YAML files.

    .venv/bin/python bench/bench_core.py [--iterations N]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml

from bot.app import load_library, open_core
from bot.config import content_root
from bot.core import service
from bot.core.clubs import Scope
from bot.core.commands import Command, Group, build_registry
from bot.core.content.items import YAML_LOADER
from bot.core.reply import Draft, Part
from bot.core.service import Core, Invocation

SCOPE = Scope("bench", "local")
HOST = Invocation(SCOPE, "club", "host", is_admin=True)
MEMBER = Invocation(SCOPE, "club", "member")


async def _noop(call) -> Draft:  # the least a command can do on the same path
    return Draft(parts=(Part("ok"),))


LINES = [
    "/film cast", "/film crew", "/film release", "/film reception", "/film awards",
    "/film locations", "/film watch", "/book about", "/book structure", "/book honours",
    "/character kathy", "/character Tommy D.", "/character rut", "/setting hailsham",
    "/glossary guardians", "/theme", "/theme agency", "/theme what makes us human",
    "/compare", "/compare wristbands", "/prompt", "/prompt agency", "/search score",
    "/search Hailsham donation",
    "/progress", "/progress novel 7", "/progress film 1:10", "/club info", "/help",
    "/help club", "/about", "/nonsense", "/ask who composed the score?",
    "/ask when did it open in the UK?", "/ask what is a deferral?",
    "/ask who claimed to have seen Ruth's possible?", "/ask did the film win anything?",
    "/ask whats the weather in london",
]
HOST_LINES = ["/club progress novel 9", "/club spoilers tag", "/club spoilers hide"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def timed(core: Core, inv: Invocation, line: str, n: int) -> list[float]:
    for _ in range(20):  # warm up
        await core.run_text(inv, line)
    out = []
    for _ in range(n):
        start = time.perf_counter_ns()
        await core.run_text(inv, line)
        out.append((time.perf_counter_ns() - start) / 1e6)
    return out


async def startup(tmp: Path, runs: int = 7) -> tuple[float, float, int]:
    """Median seconds to load and check every installed work and open the store, the median
    to parse the same YAML files and nothing else (the bare library), and the works' count."""
    times, bare = [], []
    files = sorted(content_root().glob("*/*/*.yaml"))
    for i in range(runs):
        start = time.perf_counter()
        for path in files:
            yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
        bare.append(time.perf_counter() - start)
        start = time.perf_counter()
        library = load_library()
        async with open_core(tmp / f"start{i}.db", library=library):
            times.append(time.perf_counter() - start)
    return statistics.median(times), statistics.median(bare), len(library)


async def main(n: int, cold: bool) -> None:
    if cold:  # every reply computed afresh, as the first time a question is asked at a point
        service.REPLIES_KEPT = 0
    with tempfile.TemporaryDirectory() as tmp:
        start_s, bare_s, works = await startup(Path(tmp))
        registry = build_registry().with_command(
            Command("noop", None, "does nothing", _noop), Group("noop", "does nothing"))
        async with open_core(Path(tmp) / "bench.db", registry=registry,
                             rng=random.Random(1)) as core:
            await core.run_text(HOST, "/club create both")
            await core.run_text(HOST, "/club progress novel 12")
            await core.run_text(MEMBER, "/club join")
            noop = await timed(core, MEMBER, "/noop", n)
            base = statistics.median(noop)
            print(f"start-up, {works} works (load + validate content, open + migrate store): "
                  f"{start_s * 1000:.0f} ms (aim: under 500 ms); parsing their YAML alone: "
                  f"{bare_s * 1000:.0f} ms; ratio {start_s / bare_s:.2f}")
            print(f"{'command':50} {'p50 ms':>8} {'p99 ms':>8} {'x no-op':>8}")
            print(f"{'/noop':50} {base:8.3f} {percentile(noop, 0.99):8.3f} {1.0:8.2f}")
            worst = 0.0
            for inv, lines in ((MEMBER, LINES), (HOST, HOST_LINES)):
                for line in lines:
                    t = await timed(core, inv, line, n)
                    p50, p99 = statistics.median(t), percentile(t, 0.99)
                    worst = max(worst, p99)
                    print(f"{line:50} {p50:8.3f} {p99:8.3f} {p50 / base:8.2f}")
            print(f"worst p99: {worst:.3f} ms (aim: under 2 ms)"
                  + (" [cold: reply cache off]" if cold else
                     " [pure replies repeat from the cache; --cold for first asks]"))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=500)
    parser.add_argument("--cold", action="store_true",
                        help="turn the core's reply cache off: every reply computed afresh")
    args = parser.parse_args()
    asyncio.run(main(args.iterations, args.cold))
