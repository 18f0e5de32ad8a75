"""Discord: our bot against a minimal discord.py bot, through the same fake Discord, one run.

Each bot runs in its own process, behind its own fake here; requests alternate between
them. Latency is from INTERACTION_CREATE sent to the interaction callback received. Peak
memory is each bot process's VmHWM; CPU is each bot process's own CPU time per interaction
(every thread, from /proc: what a loaded machine's other work cannot lengthen). The aim
(issue: Discord): our p50 within 1.3x of the minimal bot's. A second minimal bot answers a
constant embed and button the size of ours, to tell the cost of the answer's size from the
cost of our code (issue 20: p50 within 1.1x of it); a second of ours runs with the ops
metrics on (issue: run it like a service; aim: under 1.05 of ours without).

    .venv/bin/python bench/bench_discord.py [-n 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from fakes.fake_discord import FakeDiscord  # noqa: E402

# What members do most: content lookups, each with its options.
OURS = [("film cast", {}), ("character", {"character": "Kathy"}), ("theme", {}),
        ("glossary", {"term": "guardians"}), ("search", {"words": "score"})]


def cpu_ns(pid: int) -> int:
    """The CPU time a process has run, every thread of it, in nanoseconds (the scheduler's
    own count: other processes on a shared machine lengthen latency, not this)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError):
            continue
    return total


def peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


async def start_bot(fake: FakeDiscord, kind: str) -> subprocess.Popen[bytes]:
    # Started once, before anything is timed, so a blocking spawn costs nothing measured.
    proc = subprocess.Popen(  # noqa: ASYNC220
        [sys.executable, str(HERE / "discord_bot.py"), kind, str(fake.port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    await asyncio.wait_for(fake.ready.wait(), 30)
    while not fake.commands:  # synced  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.3)  # GUILD_CREATE parsed
    return proc


async def measure(n: int) -> dict[str, tuple[list[float], int, float]]:
    """Both bots up at once, each behind its own fake; requests alternate between them, so
    whatever else the machine does at a moment falls on both alike."""
    fakes = {"minimal": FakeDiscord(), "minimal-card": FakeDiscord(), "ours": FakeDiscord(),
             "ours-metrics": FakeDiscord()}
    calls = {"minimal": [("ping", {})], "minimal-card": [("card", {})], "ours": OURS,
             "ours-metrics": OURS}
    procs: dict[str, subprocess.Popen[bytes]] = {}
    times: dict[str, list[float]] = {kind: [] for kind in fakes}
    cpu: dict[str, int] = {}
    try:
        for kind, fake in fakes.items():
            await fake.start()
            procs[kind] = await start_bot(fake, kind if kind.startswith("ours") else
                                          kind.split("-")[0])
        for i in range(n + 50):
            if i == 50:
                cpu = {kind: cpu_ns(proc.pid) for kind, proc in procs.items()}
            for kind, fake in fakes.items():
                path, values = calls[kind][i % len(calls[kind])]
                exchange = await fake.interact(path, **values)
                assert exchange.type == 4 and exchange.callback_at is not None, exchange.sent
                if i >= 50:  # after a warm-up
                    times[kind].append((exchange.callback_at - exchange.created_at) * 1000)
        return {kind: (times[kind], peak_rss_kib(procs[kind].pid),
                       (cpu_ns(procs[kind].pid) - cpu[kind]) / n / 1e6) for kind in fakes}
    finally:
        for proc in procs.values():
            proc.terminate()
            proc.wait(10)
        for fake in fakes.values():
            await fake.stop()


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


async def main(n: int) -> None:
    results = await measure(n)
    print(f"{n} interactions each, sequential, alternating, INTERACTION_CREATE -> callback")
    print(f"{'bot':<13} {'p50 ms':>8} {'p99 ms':>8} {'peak MiB':>9} {'CPU ms':>7}")
    for kind, (times, rss, cpu) in results.items():
        print(f"{kind:<13} {statistics.median(times):8.2f} {pct(times, 99):8.2f} "
              f"{rss / 1024:9.1f} {cpu:7.3f}")
    p50 = {kind: statistics.median(times) for kind, (times, _rss, _cpu) in results.items()}
    cpu = {kind: spent for kind, (_times, _rss, spent) in results.items()}
    print(f"p50 ratio ours/minimal: {p50['ours'] / p50['minimal']:.2f} (aim: under 1.3)")
    print(f"p50 ratio ours/minimal-card (the same size of answer): "
          f"{p50['ours'] / p50['minimal-card']:.2f}")
    print(f"p50 ratio ours with metrics/ours without: {p50['ours-metrics'] / p50['ours']:.3f} "
          "(aim: under 1.05)")
    print(f"CPU per interaction, the bot's process: ours/minimal-card "
          f"{cpu['ours'] / cpu['minimal-card']:.2f}, ours with metrics/ours without "
          f"{cpu['ours-metrics'] / cpu['ours']:.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000)
    started = time.perf_counter()
    asyncio.run(main(parser.parse_args().n))
    print(f"({time.perf_counter() - started:.1f} s)")
