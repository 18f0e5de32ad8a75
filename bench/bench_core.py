"""Every command in process, through the core and the real SQLite store, beside a no-op
command taking the same path. Prints p50/p99 per command and the ratio to the no-op;
start-up with every installed work loaded, beside only parsing the same YAML files; then the
same commands on two cores side by side, one with the ops metrics on (every command counted
and timed, store calls counted and sampled) and one without, and the ratio of their times.

    .venv/bin/python bench/bench_core.py [--iterations N] [--metrics-only [--aa]]

``--aa`` runs the metrics comparison with both cores *without* metrics: the control, which
shows how far the figures swing when nothing differs.
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
from bot.ops.metrics import Metrics

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
            await _club(core)
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


async def _club(core: Core) -> None:
    await core.run_text(HOST, "/club create both")
    await core.run_text(HOST, "/club progress novel 12")
    await core.run_text(MEMBER, "/club join")


async def metrics_cost(n: int, rounds: int = 7, control: bool = False) -> float:
    """Metrics on against off, in the same run: the two cores take turns, call by call, so
    whatever else the machine does falls on both alike. Wall time, and the event loop
    thread's own CPU time (which other processes on a shared machine cannot lengthen).

    The ratio that counts is the command mix's (the sum of every command's p50 without
    metrics, and what the metrics add to each): what the metrics add to the bot's work. The
    n calls of each command are spread over ``rounds`` rounds, each going once over every
    command, so no command's calls all fall in one stretch of the machine's other work; each
    round's ratio is printed as a range. The commands that write, and /prompt, take most of
    the mix and their p50s swing by tens of microseconds from run to run, metrics or not,
    hence the paired differences below.

    The metrics do the same few steps for every command (the in-flight count, the request
    id, the outcome count, a histogram bucket, one store call in four timed), so what they
    add is one fixed cost a command: the median over commands of their paired differences.
    The headline ratio is the mix plus that cost for each command. Summed command by
    command instead, the writes' differences dominate, and they swing by 30-45 us between two
    identical cores (``--aa``: a state of the two SQLite files, not of the code; one write
    run gave -35 us in its first half and +45 us in its second), more than the metrics'
    whole cost; that sum is printed beside it. Per command, the geometric mean of the ratios
    is printed too: a reply repeated from the core's cache takes a few tens of microseconds,
    so the same few microseconds weigh most there."""
    lines = [(MEMBER, x) for x in LINES] + [(HOST, x) for x in HOST_LINES]
    each = max(1, n // rounds)
    # kind ("wall", "cpu") -> core ("off", "on") -> command -> round -> nanoseconds per call
    spent: dict[str, dict[str, list[list[list[int]]]]] = {
        kind: {name: [[[] for _ in range(rounds)] for _ in lines] for name in ("off", "on")}
        for kind in ("wall", "cpu")}
    with tempfile.TemporaryDirectory() as tmp:
        # Metrics on is opened first: were the order to favour one, it would favour "off".
        async with open_core(Path(tmp) / "on.db", rng=random.Random(1),
                             metrics=None if control else Metrics()) as on, \
                open_core(Path(tmp) / "off.db", rng=random.Random(1)) as off:
            for core in (off, on):
                await _club(core)
            for inv, line in lines:  # warm up
                for _ in range(20):
                    for core in (off, on):
                        await core.run_text(inv, line)
            for round_ in range(rounds):
                for c, (inv, line) in enumerate(lines):
                    for i in range(each):
                        pair = (("off", off), ("on", on)) if i % 2 else (("on", on), ("off", off))
                        for name, core in pair:
                            start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
                            await core.run_text(inv, line)
                            spent["wall"][name][c][round_].append(time.perf_counter_ns() - start)
                            spent["cpu"][name][c][round_].append(
                                time.thread_time_ns() - start_cpu)
    print(f"metrics {'off/off (the control)' if control else 'on/off'}, {len(lines)} commands "
          f"x {each * rounds} calls each, taking turns, in {rounds} rounds:")
    mix = 0.0
    for kind, label in (("wall", "wall time"), ("cpu", "loop CPU")):
        on, off = spent[kind]["on"], spent[kind]["off"]
        pooled_on = [[x for r in cmd for x in r] for cmd in on]
        pooled_off = [[x for r in cmd for x in r] for cmd in off]
        base = [statistics.median(cmd) / 1000 for cmd in pooled_off]
        # What the metrics add to a command: the median of its calls' paired differences
        # (each call with metrics minus the call beside it without). Both calls of a pair
        # meet the machine in the same state and, the two cores' rngs seeded alike, draw
        # the same prompt: what the two have in common cancels, where a difference of two
        # p50s keeps the swings of each (an A/A run, both cores without metrics, swung
        # 0.96-1.05 that way).
        added = [statistics.median(a - b for a, b in zip(x, y, strict=True)) / 1000
                 for x, y in zip(pooled_on, pooled_off, strict=True)]
        fixed = statistics.median(added)
        steady = (sum(base) + len(base) * fixed) / sum(base)
        summed = (sum(base) + sum(added)) / sum(base)
        per_round = [
            1 + sum(statistics.median(a - b for a, b in zip(x[r], y[r], strict=True))
                    for x, y in zip(on, off, strict=True))
            / sum(statistics.median(y[r]) for y in off) for r in range(rounds)]
        p50_on = [statistics.median(cmd) / 1000 for cmd in pooled_on]
        mix = mix or steady
        per = statistics.geometric_mean([(b + a) / b for a, b in zip(added, base, strict=True)])
        print(f"  {label:9}: command mix {sum(base) / 1000:.3f} ms + {len(base)} x {fixed:.1f} us "
              f"= {steady:.3f} (aim: under 1.05); each command's own difference summed "
              f"{summed:.3f} (rounds {min(per_round):.3f}-{max(per_round):.3f}); per command "
              f"(geometric mean) {per:.3f} (p50s alone: mix {sum(p50_on) / sum(base):.3f})")
    return mix


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=500)
    parser.add_argument("--cold", action="store_true",
                        help="turn the core's reply cache off: every reply computed afresh")
    parser.add_argument("--metrics-only", action="store_true",
                        help="only the metrics on/off comparison")
    parser.add_argument("--aa", action="store_true",
                        help="the control: both cores of the metrics comparison without them")
    parser.add_argument("--rounds", type=int, default=7,
                        help="rounds the metrics comparison's calls are spread over")
    args = parser.parse_args()
    if not args.metrics_only:
        asyncio.run(main(args.iterations, args.cold))
    elif args.cold:
        service.REPLIES_KEPT = 0
    asyncio.run(metrics_cost(args.iterations, args.rounds, args.aa))
