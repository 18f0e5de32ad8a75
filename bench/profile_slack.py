"""Where a Slack request's time goes: pyinstrument on our Bolt app and on the minimal fast
one (``process_before_response``), the same signed slash commands as bench_slack.py.

The app runs in this process, under the profiler (the fake Web API beside it, idle once
auth.test has been answered); the client runs in a process of its own. Writes
bench/profiles/slack-<app>-c<concurrency>.txt: the table, then the call tree.

    .venv/bin/pip install pyinstrument   # a dev tool, not a dependency
    .venv/bin/python bench/profile_slack.py [-n 2000] [-c 1] [apps ...]
    .venv/bin/python bench/profile_slack.py --dispatch [-n 2000]   # CPU time, no HTTP
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web
from pyinstrument import Profiler
from slack_sdk.web.async_client import AsyncWebClient

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))

from bench_slack import OURS, body, free_port  # noqa: E402
from fakes.fake_slack import SECRET, FakeSlack, sign  # noqa: E402
from profiling import IDLE, categorize, flat, save, table  # noqa: E402
from slack_app import minimal  # noqa: E402

RULES = [
    (IDLE, r"selectors\.py$", r"^select$"),
    ("the core (and its store)", r"/bot/(core|store)/", ""),
    ("Block Kit rendering (ours)", r"/bot/adapters/(slack/render|text)\.py$", ""),
    ("JSON encoding and decoding", r"/json/", ""),
    ("asyncio tasks, wait_for, shield", r"asyncio/(tasks|timeouts)\.py$", ""),
    ("our middleware, listener, delivery", r"/bot/", ""),
    ("Bolt: signature check", r"request_verification|slack_sdk/signature", ""),
    ("Bolt: argument injection", r"slack_bolt/kwargs_injection", ""),
    ("Bolt: matching listeners", r"slack_bolt/(listener_matcher|listener/async_listener\.py)",
     r"matches"),
    ("logging", r"/logging/", ""),
    ("Bolt: the rest of its request handling", r"slack_bolt/|slack_sdk/", ""),
    ("aiohttp: the HTTP server", r"aiohttp/|multidict|yarl", ""),
]


async def drive(url: str, kind: str, n: int, concurrency: int) -> None:
    """The client, in its own process: warm up, then n requests between two marks."""
    calls = OURS if kind.startswith("ours") else [("/ping", "")]
    sizes: list[int] = []
    base = url.rsplit("/slack/", 1)[0]
    async with aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        async def one(i: int) -> None:
            raw = body(*calls[i % len(calls)], i)
            async with session.post(url, data=raw.encode(), headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    **sign(raw)}) as response:
                sizes.append(len(await response.read()))
                assert response.status == 200, response.status

        for i in range(100):  # warm-up
            await one(i)
        sizes.clear()
        await session.post(f"{base}/profile/start")
        queue = list(range(n))

        async def worker() -> None:
            while queue:
                await one(queue.pop())

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        await session.post(f"{base}/profile/stop", data=str(sum(sizes) / len(sizes)))


async def main(kind: str, n: int, concurrency: int) -> None:
    fake = FakeSlack()
    await fake.start()
    with tempfile.TemporaryDirectory() as tmp:
        if kind.startswith("ours"):
            from bot.adapters.slack.app import SlackBot
            from bot.app import adapter_state, frozen_heap, open_core, scheduling

            async with open_core(Path(tmp) / "club.db") as core:
                bot = SlackBot(core, AsyncWebClient(token="xoxb-bench", base_url=fake.api),
                               state=adapter_state(core), signing_secret=SECRET)
                async with scheduling(core, "slack", bot.courier):
                    with frozen_heap():  # as the service runs it (bot.app.serving)
                        profiler, size = await serve(bot.app.web_app(path="/slack/events"),
                                                     kind, n, concurrency)
        else:
            app = minimal(fake.api, fast=True, card=kind == "minimal-card")
            profiler, size = await serve(app.web_app(path="/slack/events"), kind, n,
                                         concurrency)
    await fake.stop()
    summary = table(f"Slack, {kind}, {concurrency} at once (mean ack body {size:.0f} bytes)",
                    categorize(profiler.last_session.root_frame(), RULES), n)
    text = profiler.output_text(unicode=False, color=False, show_all=False) + "\n" + flat(
        profiler)
    print(summary)
    print("->", save(f"slack-{kind}-c{concurrency}", text, summary))


async def serve(app: web.Application, kind: str, n: int, concurrency: int
                ) -> tuple[Profiler, float]:
    profiler = Profiler(interval=0.0002, async_mode="disabled")
    done: asyncio.Future[float] = asyncio.get_running_loop().create_future()

    async def mark(request: web.Request) -> web.Response:
        if request.match_info["what"] == "start":
            profiler.start()
        else:
            profiler.stop()
            done.set_result(float(await request.text()))
        return web.Response(text="ok")

    app.router.add_post("/profile/{what}", mark)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port, backlog=1024).start()
    client = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--drive", f"http://127.0.0.1:{port}/slack/events", kind,
        str(n), str(concurrency))
    size = await done
    await client.wait()
    await runner.cleanup()
    return profiler, size


async def dispatch_cpu(n: int, rounds: int = 5) -> None:
    """Bolt's dispatch alone (no HTTP), CPU time per request, apps taking turns: a figure the
    other work on a shared machine moves far less than wall-clock time."""
    from slack_bolt.request.async_request import AsyncBoltRequest

    from bot.adapters.slack.app import SlackBot
    from bot.app import adapter_state, open_core

    fake = FakeSlack()
    await fake.start()
    with tempfile.TemporaryDirectory() as tmp:
        async with open_core(Path(tmp) / "club.db") as core:
            apps = {"minimal-fast": minimal(fake.api, fast=True),
                    "minimal-card": minimal(fake.api, fast=True, card=True),
                    "ours": SlackBot(core, AsyncWebClient(token="xoxb-bench", base_url=fake.api),
                                     state=adapter_state(core), signing_secret=SECRET).app}
            signed = {}
            for kind in apps:
                calls = OURS if kind == "ours" else [("/ping", "")]
                raws = [body(*calls[i % len(calls)], i) for i in range(50)]
                signed[kind] = [(raw, {"content-type": "application/x-www-form-urlencoded",
                                       **{k.lower(): v for k, v in sign(raw).items()}})
                                for raw in raws]
            spent: dict[str, list[float]] = {kind: [] for kind in apps}
            for round_ in range(rounds + 1):
                for kind, app in apps.items():
                    requests = signed[kind]
                    start = time.process_time()
                    for i in range(n):
                        raw, headers = requests[i % len(requests)]
                        response = await app.async_dispatch(AsyncBoltRequest(body=raw,
                                                                             headers=headers))
                        assert response.status == 200, response.status
                    if round_:  # the first round warms up
                        spent[kind].append((time.process_time() - start) / n * 1000)
    await fake.stop()
    print(f"Bolt's dispatch alone, CPU ms per request (median of {rounds} rounds of {n}):")
    for kind, values in spent.items():
        print(f"  {kind:<13} {statistics.median(values):.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument("-c", type=int, default=1, help="requests at once")
    parser.add_argument("apps", nargs="*", default=["minimal-fast", "minimal-card", "ours"],
                        help="minimal-fast, minimal-card, ours (ours-<label> saves under "
                             "that label: ours-before on an earlier checkout)")
    parser.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--dispatch", action="store_true",
                        help="CPU time of Bolt's dispatch alone (no HTTP, no profiler)")
    args = parser.parse_args()
    if args.drive:  # the client process: URL KIND N C
        url, kind, n, c = args.apps
        asyncio.run(drive(url, kind, int(n), int(c)))
        sys.exit()
    if args.dispatch:
        asyncio.run(dispatch_cpu(args.n))
        sys.exit()
    for kind in args.apps:
        asyncio.run(main(kind, args.n, args.c))
