"""Where a request's CPU goes, ours against the floor that sends an answer of the same size:
cProfile on the loop thread's own CPU clock, each function's own time put in a category, in
microseconds a request (the README's tables, issue 20).

Discord reads the dumps ``profile_discord.py --cprofile card ours`` leaves in /tmp; Slack runs
Bolt's dispatch alone here (no HTTP), as ``profile_slack.py --dispatch`` does, for ours and
the card floor. cProfile's cost per call inflates every figure, most where calls are many and
small: read the differences.

    .venv/bin/python bench/profile_discord.py --cprofile -n 3000 card ours
    .venv/bin/python bench/cprofile_table.py discord [-n 3000]
    .venv/bin/python bench/cprofile_table.py slack [-n 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))

DISCORD = [
    ("the core and its store", r"/bot/(core|store)/"),
    ("ours: binding, client, responder, render", r"/bot/"),
    ("SQLite (the store's read)", r"sqlite3"),
    ("discord.py: the command tree", r"discord/app_commands/"),
    ("discord.py: gateway, state, interaction, member, response",
     r"discord/(gateway|state|client|shard|interactions|webhook|http|member|user|message)"),
    ("discord.py: embed and view to dicts", r"discord/(embeds|ui/|components)"),
    ("discord.py: the rest", r"discord/"),
    ("aiohttp, yarl, multidict", r"aiohttp|yarl|multidict"),
    ("asyncio (tasks, timers, turns of the loop)", r"asyncio/|_asyncio|contextvars|heapq"),
    ("JSON, logging, builtins and the rest", r""),
]
SLACK = [
    ("the core and its store", r"/bot/(core|store)/"),
    ("ours: middleware, listener, delivery, rendering", r"/bot/"),
    ("SQLite (the store's read)", r"sqlite3"),
    ("Bolt and slack_sdk", r"slack_bolt/|slack_sdk/|hmac"),
    ("JSON", r"json/"),
    ("logging", r"logging/"),
    ("asyncio (the answer's task, turns of the loop)",
     r"asyncio/|_asyncio|contextvars|heapq|selectors|epoll|_weakrefset"),
    ("builtins and the rest", r""),
]


def grouped(stats: pstats.Stats, rules: list[tuple[str, str]], skip: str = "") -> dict[str, float]:
    out: dict[str, float] = {}
    compiled = [(name, re.compile(rx)) for name, rx in rules]
    for (path, _line, func), (_cc, _nc, own, _cum, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = f"{path}:{func}"
        if skip and skip in where:
            continue
        name = next(n for n, rx in compiled if rx.search(where))
        out[name] = out.get(name, 0.0) + own
    return out


def show(title: str, rules: list[tuple[str, str]], floor: dict[str, float],
         ours: dict[str, float], n: int) -> None:
    print(f"{title:58} {'floor':>8} {'ours':>8} {'ours-floor':>10}")
    for name, _rx in rules:
        a, b = floor.get(name, 0.0) * 1e6 / n, ours.get(name, 0.0) * 1e6 / n
        print(f"{name:58} {a:8.1f} {b:8.1f} {b - a:+10.1f}")
    a, b = sum(floor.values()) * 1e6 / n, sum(ours.values()) * 1e6 / n
    print(f"{'all of it':58} {a:8.1f} {b:8.1f} {b - a:+10.1f}")


async def slack(n: int) -> None:
    from bench_slack import OURS, body
    from fakes.fake_slack import SECRET, FakeSlack, sign
    from slack_app import minimal
    from slack_bolt.request.async_request import AsyncBoltRequest
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.adapters.slack.app import SlackBot
    from bot.app import adapter_state, open_core

    fake = FakeSlack()
    await fake.start()
    found: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        async with open_core(Path(tmp) / "club.db") as core:
            apps = {"floor": minimal(fake.api, fast=True, card=True),
                    "ours": SlackBot(core, AsyncWebClient(token="xoxb-bench", base_url=fake.api),
                                     state=adapter_state(core), signing_secret=SECRET).app}
            for kind, app in apps.items():
                calls = OURS if kind == "ours" else [("/ping", "")]
                raws = [body(*calls[i % len(calls)], i) for i in range(50)]
                signed = [(raw, {"content-type": "application/x-www-form-urlencoded",
                                 **{k.lower(): v for k, v in sign(raw).items()}})
                          for raw in raws]
                profile = cProfile.Profile(time.thread_time)
                for timed in (False, True):  # a warm-up first
                    if timed:
                        profile.enable()
                    for i in range(n):
                        raw, headers = signed[i % len(signed)]
                        await app.async_dispatch(AsyncBoltRequest(body=raw, headers=headers))
                profile.disable()
                found[kind] = grouped(pstats.Stats(profile), SLACK, skip="cprofile_table")
    await fake.stop()
    show(f"Slack, Bolt's dispatch alone, us a request ({n})", SLACK, found["floor"],
         found["ours"], n)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("platform", choices=("discord", "slack"))
    parser.add_argument("-n", type=int, default=3000)
    args = parser.parse_args()
    if args.platform == "slack":
        asyncio.run(slack(args.n))
    else:
        show(f"Discord, us an interaction ({args.n})", DISCORD,
             grouped(pstats.Stats("/tmp/discord-card.prof"), DISCORD),
             grouped(pstats.Stats("/tmp/discord-ours.prof"), DISCORD), args.n)
