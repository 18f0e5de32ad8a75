"""Does a command get slower as works are installed? The same commands, in clubs on the two
installed works, with those two alone and with 18 more (copies of them under other ids and
titles) in a temp content folder. Prints p50/p99 per command for each, and the ratio 20/2;
the same run times a bare dict look-up among 2 and 20 keys as the floor.

    .venv/bin/python bench/bench_works.py [--iterations N] [--copies N]

Replies are computed afresh (the core's reply cache off), so the figures are the work each
command does, not a cache hit.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import AsyncExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import load_library, open_core
from bot.config import content_root
from bot.core import service
from bot.core.clubs import Scope
from bot.core.service import Core, Invocation

SCOPE = Scope("bench", "local")
FIRST, SECOND = "never-let-me-go", "remains-of-the-day"
# (channel, line): clubs on each installed work, and a channel with no club.
LINES = [
    ("first", "/character kathy"), ("first", "/search score"), ("first", "/prompt"),
    ("first", "/ask who composed the score?"), ("first", "/progress book 3"),
    ("first", "/club info"), ("first", "/works"), ("first", "/help"),
    ("second", "/character stevens"), ("second", "/setting darlington hall"),
    ("second", "/ask who directed the film?"),
    ("first", "/ask who directed the remains of the day"),  # names another installed work
    ("first", f"/film cast work:{SECOND}"), ("none", "/about"),
]
COMPLETE = [("first", "character", "character", "ka"), ("first", "club work", "next_work", "re")]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def library_of(root: Path, copies: int) -> Path:
    """A content folder with the installed works linked and ``copies`` more, copied."""
    for top in ("facts", "prompts"):
        (root / top).mkdir(parents=True)
        for work in (content_root() / top).iterdir():
            (root / top / work.name).symlink_to(work)
    for n in range(copies):
        source = (FIRST, SECOND)[n % 2]
        ident = f"{source}-copy-{n:02d}"
        for top in ("facts", "prompts"):
            shutil.copytree(content_root() / top / source, root / top / ident)
        work = root / "facts" / ident / "work.yaml"
        text = work.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^id: .*$", f"id: {ident}", text)
        text = re.sub(r"(?m)^(\s*title: )(.*)$", rf"\1\2 (copy {n:02d})", text)
        text = re.sub(r"(?m)^(default|aliases): .*$", "", text)
        work.write_text(text, encoding="utf-8")
    return root


async def _once(core: Core, inv: Invocation, line: str) -> float:
    start = time.perf_counter_ns()
    await core.run_text(inv, line)
    return (time.perf_counter_ns() - start) / 1e6


async def _complete_once(core: Core, inv: Invocation, path: str, option: str,
                         typed: str) -> float:
    start = time.perf_counter_ns()
    await core.complete(inv, path, option, typed)
    return (time.perf_counter_ns() - start) / 1e6


async def _club(root: Path, db: Path, stack: AsyncExitStack) -> tuple[Core, float, int]:
    start = time.perf_counter()
    library = load_library(root)
    core = await stack.enter_async_context(open_core(db, library=library))
    loaded = time.perf_counter() - start
    host = {c: Invocation(SCOPE, c, "host", is_admin=True) for c in ("first", "second")}
    await core.run_text(host["first"], f"/club create both work:{FIRST}")
    await core.run_text(host["second"], f"/club create both work:{SECOND}")
    await core.run_text(host["first"], "/club progress book 12 film 60")
    await core.run_text(host["second"], "/club progress book 4 film 60")
    return core, loaded, len(library)


async def measure(roots: tuple[Path, Path], tmp: Path, n: int
                  ) -> tuple[list[tuple[int, float]], dict[str, tuple[list[float], ...]]]:
    """Both libraries open at once; each command timed on one then the other, in turn, so a
    noisy moment on the machine falls on both."""
    async with AsyncExitStack() as stack:
        clubs = [await _club(root, tmp / f"{i}.db", stack) for i, root in enumerate(roots)]
        cores = [core for core, _, _ in clubs]
        figures: dict[str, tuple[list[float], ...]] = {}
        for channel, line in LINES:
            inv = (Invocation(SCOPE, channel, "host", is_admin=True) if channel != "none"
                   else Invocation(SCOPE, channel, "member"))
            times: tuple[list[float], ...] = ([], [])
            for core in cores:  # warm up (and build the /ask index of the work asked about)
                for _ in range(10):
                    await core.run_text(inv, line)
            for _ in range(n):
                for k, core in enumerate(cores):
                    times[k].append(await _once(core, inv, line))
            figures[f"#{channel} {line}"] = times
        for channel, path, option, typed in COMPLETE:
            inv = Invocation(SCOPE, channel, "host", is_admin=True)
            times = ([], [])
            for _ in range(n):
                for k, core in enumerate(cores):
                    times[k].append(await _complete_once(core, inv, path, option, typed))
            figures[f"#{channel} complete /{path} {option}={typed!r}"] = times
    return [(works, loaded) for _, loaded, works in clubs], figures


def bare(keys: int, n: int) -> float:
    table = {f"work-{i}": i for i in range(keys)}
    start = time.perf_counter_ns()
    for _ in range(n):
        table.get("work-1")
    return (time.perf_counter_ns() - start) / 1e6 / n


async def main(n: int, copies: int) -> None:
    service.REPLIES_KEPT = 0  # every reply computed afresh
    with tempfile.TemporaryDirectory() as tmp:
        roots = (library_of(Path(tmp) / "few", 0), library_of(Path(tmp) / "many", copies))
        starts, figures = await measure(roots, Path(tmp), n)
    (a, load_a), (b, load_b) = starts
    print(f"start-up: {a} works {load_a * 1000:.0f} ms, {b} works {load_b * 1000:.0f} ms")
    print(f"bare dict look-up: {a} keys {bare(a, 100_000) * 1e3:.3f} us, "
          f"{b} keys {bare(b, 100_000) * 1e3:.3f} us")
    print(f"{'command':62} {f'{a} p50':>8} {f'{b} p50':>8} {f'{a} p99':>8} {f'{b} p99':>8} "
          f"{'ratio':>6}")
    ratios = []
    for name, (few, many) in figures.items():
        p50a, p50b = statistics.median(few), statistics.median(many)
        ratios.append(p50b / p50a)
        print(f"{name[:62]:62} {p50a:8.3f} {p50b:8.3f} {percentile(few, 0.99):8.3f} "
              f"{percentile(many, 0.99):8.3f} {p50b / p50a:6.2f}")
    print(f"median ratio of p50 ({b} works / {a}): {statistics.median(ratios):.2f}; "
          f"worst {max(ratios):.2f} (aim: about 1)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--copies", type=int, default=18, help="works added to the two")
    args = parser.parse_args()
    asyncio.run(main(args.iterations, args.copies))
