"""Slack: signed slash commands over HTTP to our Bolt app and to minimal Bolt apps, one run.

Each app runs in its own process (the fake Slack Web API runs here, for auth.test). N signed
requests to each at concurrency 1 and 20, in rounds of 60 that take turns between the apps;
throughput and p50/p99 of each. The aim (issue 20): our throughput at least 0.8 of
minimal-fast's. "minimal" acks a constant string with Bolt's
defaults (it polls for the ack every 10 ms); "minimal-fast" sets process_before_response, as
we do; "minimal-card" is minimal-fast acking a constant Block Kit card the size of our mean
answer (about 3.2 KB), which tells the cost of the answer's size apart from our code's.
Beside throughput, each app process's own CPU time per request (every thread, from /proc),
which a loaded machine's other work cannot lower; its floor ratio reads like throughput's.

    .venv/bin/python bench/bench_slack.py [-n 600]
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from fakes.fake_slack import TEAM, FakeSlack, sign  # noqa: E402

OURS = [("/film", "cast"), ("/character", "Kathy"), ("/theme", ""),
        ("/glossary", "guardians"), ("/nlmg-search", "score")]
KINDS = ("minimal", "minimal-fast", "minimal-card", "ours")
ROUND = 60  # requests to one app before the next app's turn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def body(command: str, text: str, n: int) -> str:
    return urlencode({"team_id": TEAM, "channel_id": "CBENCH", "user_id": f"U{n % 50}",
                      "command": command, "text": text, "trigger_id": f"t{n}",
                      "response_url": "http://127.0.0.1:9/unused", "api_app_id": "A1"})


async def one(session: aiohttp.ClientSession, url: str, raw: str) -> float:
    start = time.perf_counter()
    async with session.post(url, data=raw.encode(), headers={
            "Content-Type": "application/x-www-form-urlencoded", **sign(raw)}) as response:
        await response.read()
        assert response.status == 200, response.status
    return (time.perf_counter() - start) * 1000


async def run(session: aiohttp.ClientSession, url: str, calls: list[tuple[str, str]],
              first: int, n: int, concurrency: int) -> tuple[list[float], float]:
    """n requests, concurrency at once: their latencies and the seconds they took."""
    queue = list(range(first, first + n))
    times: list[float] = []

    async def worker() -> None:
        while queue:
            i = queue.pop()
            times.append(await one(session, url, body(*calls[i % len(calls)], i)))

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return times, time.perf_counter() - start


def cpu_ns(pid: int) -> int:
    """The CPU time a process has run, every thread of it, in nanoseconds (the scheduler's
    own count: other processes on a shared machine lower throughput, not this)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError):
            continue
    return total


async def alternating(urls: dict[str, str], pids: dict[str, int], n: int, concurrency: int
                      ) -> dict[str, tuple[list[float], float, float]]:
    """n requests to each app, in rounds that take turns between the apps, so that whatever
    else the machine does at a moment falls on all of them alike."""
    sessions = {kind: aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency))
                for kind in urls}
    calls = {kind: OURS if kind == "ours" else [("/ping", "")] for kind in urls}
    times: dict[str, list[float]] = {kind: [] for kind in urls}
    spent = dict.fromkeys(urls, 0.0)
    cpu = dict.fromkeys(urls, 0)
    try:
        for kind, url in urls.items():
            for i in range(30):  # warm-up
                await one(sessions[kind], url, body(*calls[kind][i % len(calls[kind])], i))
        for first in range(0, n, ROUND):
            for kind, url in urls.items():
                before = cpu_ns(pids[kind])
                got, seconds = await run(sessions[kind], url, calls[kind], first,
                                         min(ROUND, n - first), concurrency)
                cpu[kind] += cpu_ns(pids[kind]) - before
                times[kind] += got
                spent[kind] += seconds
    finally:
        for session in sessions.values():
            await session.close()
    return {kind: (times[kind], n / spent[kind], cpu[kind] / n / 1e6) for kind in urls}


async def main(n: int) -> None:
    fake = FakeSlack()
    await fake.start()
    procs = []
    urls, pids = {}, {}
    try:
        for kind in KINDS:
            port = free_port()
            # Started before anything is timed.
            procs.append(subprocess.Popen(  # noqa: ASYNC220
                [sys.executable, str(HERE / "slack_app.py"), kind, str(port), fake.api],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            urls[kind] = f"http://127.0.0.1:{port}/slack/events"
            pids[kind] = procs[-1].pid
        async with aiohttp.ClientSession() as session:
            for url in urls.values():
                for _ in range(300):
                    try:
                        await one(session, url, body("/ping", "", 0))
                        break
                    except (aiohttp.ClientError, AssertionError):
                        await asyncio.sleep(0.05)
        print(f"{n} signed slash commands per run; latency in ms, throughput in requests/s")
        print(f"{'app':<13} {'conc':>4} {'p50':>7} {'p99':>7} {'req/s':>8} {'CPU ms':>7}")
        results, cpus = {}, {}
        for concurrency in (1, 20):
            measured = await alternating(urls, pids, n, concurrency)
            for kind, (times, rate, cpu) in measured.items():
                results[(kind, concurrency)] = rate
                cpus[(kind, concurrency)] = cpu
                print(f"{kind:<13} {concurrency:>4} {statistics.median(times):7.2f} "
                      f"{statistics.quantiles(times, n=100)[98]:7.2f} {rate:8.0f} {cpu:7.3f}")
        for concurrency in (1, 20):
            ours = results[("ours", concurrency)]
            plain = ours / results[("minimal", concurrency)]
            fast = ours / results[("minimal-fast", concurrency)]
            card = ours / results[("minimal-card", concurrency)]
            print(f"concurrency {concurrency}: ours/minimal {plain:.2f}, ours/minimal-fast "
                  f"{fast:.2f} (aim: at least 0.8), ours/minimal-card {card:.2f}; "
                  f"CPU per request, minimal-fast/ours "
                  f"{cpus[('minimal-fast', concurrency)] / cpus[('ours', concurrency)]:.2f}")
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)
        await fake.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=600)
    asyncio.run(main(parser.parse_args().n))
