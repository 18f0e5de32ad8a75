"""Where a Discord interaction's time goes: pyinstrument on our bot and on the minimal bot
answering a constant embed and button the size of ours (``card``), the same interactions as
bench_discord.py.

The bot runs in this process, under the profiler; the fake Discord runs in a process of its
own and drives the interactions, saying on its stdout when to start and stop. Writes
bench/profiles/discord-<bot>.txt: the table, then the call tree.

    .venv/bin/pip install pyinstrument   # a dev tool, not a dependency
    .venv/bin/python bench/profile_discord.py [-n 2000] [--cprofile] [card|ours|minimal ...]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import sys
from pathlib import Path

from pyinstrument import Profiler

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))

from bench_discord import OURS  # noqa: E402
from profiling import IDLE, categorize, flat, save, table  # noqa: E402

RULES = [
    (IDLE, r"selectors\.py$", r"^select$"),
    ("the core (and its store)", r"/bot/(core|store)/", ""),
    ("embed rendering (ours)", r"/bot/adapters/(discord/render|text)\.py$", ""),
    ("JSON encoding and decoding", r"/json/|orjson", ""),
    ("asyncio tasks and timers", r"asyncio/(tasks|timeouts)\.py$|events\.py$", r"call_later|"
     r"cancel|TimerHandle|ensure_future|create_task"),
    ("our binding and responder", r"/bot/", ""),
    ("discord.py: the gateway (read, parse, dispatch)", r"discord/(gateway|state|client)\.py$",
     ""),
    ("discord.py: the command tree (lookup, options)", r"discord/app_commands/", ""),
    ("discord.py: embed and view to dicts", r"discord/(embeds|ui/|components)", ""),
    ("discord.py: the response (build, HTTP)", r"discord/(interactions|http|webhook)", ""),
    ("discord.py: the rest", r"/discord/", ""),
    ("logging", r"/logging/", ""),
    ("aiohttp: websocket and HTTP client", r"aiohttp/|multidict|yarl", ""),
]
CALLERS = "raw_decode|loads|get_str_query|epoll"  # whose callers --cprofile lists
CALLS = {"ours": OURS, "minimal": [("ping", {})], "card": [("card", {})]}


async def drive(kind: str, n: int) -> None:
    """The fake Discord, in its own process: it prints its port, waits for the bot, warms it
    up, then sends n interactions between a "start" and a "stop" line."""
    from fakes.fake_discord import FakeDiscord

    fake = FakeDiscord()
    await fake.start()
    print(fake.port, flush=True)
    await asyncio.wait_for(fake.ready.wait(), 30)
    while not fake.commands:  # synced  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.3)  # GUILD_CREATE parsed
    calls = CALLS[kind]
    sizes: list[int] = []
    for i in range(n + 100):
        if i == 100:  # after a warm-up
            print("start", flush=True)
            await asyncio.sleep(0.05)
        path, values = calls[i % len(calls)]
        exchange = await fake.interact(path, **values)
        assert exchange.type == 4 and exchange.callback_at is not None, exchange.sent
        if i >= 100:
            sizes.append(len(repr(exchange.callback)))
    print("stop", sum(sizes) / len(sizes), flush=True)
    await asyncio.sleep(0.3)
    await fake.stop()


async def main(kind: str, n: int, deterministic: bool = False) -> None:
    from discord_bot import main as run_bot

    driver = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--drive", kind, str(n), stdout=asyncio.subprocess.PIPE)
    assert driver.stdout is not None
    port = int(await driver.stdout.readline())
    bot = asyncio.create_task(run_bot("minimal" if kind == "card" else kind, port))
    assert (await driver.stdout.readline()).strip() == b"start"
    if deterministic:  # cProfile: exact calls and their own time, for comparing two bots
        import cProfile
        import io
        import pstats
        import time

        # The loop thread's own CPU clock: time the machine's other work takes from the bot
        # (a shared 2-core machine) is not counted to whichever function it fell in.
        exact = cProfile.Profile(time.thread_time)
        exact.enable()
        stopped = (await driver.stdout.readline()).split()
        exact.disable()
        exact.dump_stats(f"/tmp/discord-{kind}.prof")  # the raw counts, for diffing two bots
        out = io.StringIO()
        stats = pstats.Stats(exact, stream=out)
        stats.sort_stats("tottime").print_stats(60)
        stats.print_callers(CALLERS)
        stats.sort_stats("cumtime").print_stats("/bot/", 40)
        await driver.wait()
        bot.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await bot
        text = re.sub(r"/\S*?/(site-packages|python3\.\d+)/", "", out.getvalue())
        print("->", save(f"discord-{kind}-cprofile", text.replace(str(HERE.parent) + "/", ""),
                         f"Discord, {kind}: cProfile over {n} interactions"))
        return
    profiler = Profiler(interval=0.0002, async_mode="disabled")
    profiler.start()
    stopped = (await driver.stdout.readline()).split()
    profiler.stop()
    await driver.wait()
    bot.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await bot
    summary = table(f"Discord, {kind} (the callback's payload about {float(stopped[1]):.0f} "
                    f"characters)", categorize(profiler.last_session.root_frame(), RULES), n)
    text = profiler.output_text(unicode=False, color=False, show_all=False) + "\n" + flat(
        profiler)
    print(summary)
    print("->", save(f"discord-{kind}", text, summary))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument("bots", nargs="*", default=["card", "ours"])
    parser.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--cprofile", action="store_true",
                        help="cProfile instead (exact counts; slower, for comparing bots)")
    args = parser.parse_args()
    if args.drive:  # the fake's process: KIND N
        kind, n = args.bots
        asyncio.run(drive(kind, int(n)))
        sys.exit()
    for bot_kind in args.bots:
        asyncio.run(main(bot_kind, args.n, args.cprofile))
