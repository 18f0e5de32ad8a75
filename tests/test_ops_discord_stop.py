"""The Discord service stopping, as its launcher runs it (bot.app.serving with the ops, the
real discord.py client against the fake Discord): a command in flight when the stop comes is
deferred and then completed with its answer; one that arrives while the service drains is
told the bot is restarting; readiness and the gateway latency come from the client."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fakes.fake_discord import GUILD_ID, FakeDiscord
from fakes.slow_store import SlowStore

from bot.adapters.discord.client import ClubBot
from bot.app import serving
from bot.core.observe import RESTARTING
from bot.core.service import Core
from bot.ops import platforms, stopping
from bot.ops.metrics import Metrics
from bot.ops.service import Ops
from bot.ops.watch import Watch


async def test_a_stop_finishes_what_is_in_flight_and_turns_new_commands_away(
        tmp_path: Path) -> None:
    fake = FakeDiscord()
    await fake.start()
    metrics = Metrics()
    ops = Ops("discord", port=0, metrics=metrics, watch=Watch(metrics))
    slow: list[SlowStore] = []

    def build(core: Core, state: object) -> ClubBot:
        store = SlowStore(core.deps.store, 0.0)  # a busy disk, when the test says so
        slow.append(store)
        core.deps = type(core.deps)(**{**{f: getattr(core.deps, f)
                                          for f in core.deps.__slots__}, "store": store})
        return ClubBot(core, state=state, dev_guild=GUILD_ID)  # type: ignore[arg-type]

    def ready(bot: ClubBot) -> platforms.PlatformCheck:
        ops.before_scrape.append(platforms.discord_latency(bot, metrics))
        return platforms.discord_check(bot)

    try:
        with fake.point_at():
            async with serving(tmp_path / "club.db", "discord", build, ops=ops,
                               ready=ready) as bot:
                started = asyncio.create_task(bot.start("fake-token"))
                async with asyncio.timeout(15):
                    while not (await ops.platform_check())[0]:  # noqa: ASYNC110
                        await asyncio.sleep(0.02)
                assert (await ops.platform_check())[1].endswith("all connected")
                slow[0]._delay = 2.0
                in_flight = await fake.interact("about", wait=False)
                await asyncio.sleep(0.2)
                ops.stop.set()  # what SIGTERM does (bot.ops.stopping.on_signals)
                await stopping.until(ops.stop, started)
                # Leaving the block drains: a command arriving now is turned away politely.
                late = asyncio.create_task(fake.interact("film cast"))
            # The service is closed: the one in flight got its answer first, deferred.
            await started
            await asyncio.wait_for(in_flight.done.wait(), 5)
        assert in_flight.type == 5  # deferred past 1.5 s, then completed
        assert "About this bot" in in_flight.texts()
        turned = await late
        assert RESTARTING in turned.texts() and turned.final_ephemeral()
        assert fake.violations == []
    finally:
        await fake.stop()


async def test_the_gateway_latency_gauge_has_a_value_per_shard(tmp_path: Path) -> None:
    """Two shards on the fake gateway, heartbeating every 0.2 s: once each heartbeat has been
    acknowledged, /metrics shows a finite latency for shard 0 and for shard 1. Before any ACK
    (the fake withholding them) there is no latency to show, so no sample either."""
    import math

    import aiohttp
    from prometheus_client.parser import text_string_to_metric_families

    fake = FakeDiscord()
    fake.heartbeat_interval = 200
    fake.ack_heartbeats = False
    await fake.start()
    metrics = Metrics()
    ops = Ops("discord", port=0, metrics=metrics, watch=Watch(metrics))

    def ready(bot: ClubBot) -> platforms.PlatformCheck:
        ops.before_scrape.append(platforms.discord_latency(bot, metrics))
        return platforms.discord_check(bot)

    async def latencies() -> dict[str, float]:
        async with aiohttp.ClientSession() as session, session.get(
                f"http://127.0.0.1:{ops.bound}/metrics") as response:
            text = await response.text()
        return {s.labels["shard"]: s.value for f in text_string_to_metric_families(text)
                for s in f.samples if s.name == "bot_discord_gateway_latency_seconds"}

    try:
        with fake.point_at():
            async with serving(tmp_path / "club.db", "discord",
                               lambda core, state: ClubBot(
                                   core, state=state,  # type: ignore[arg-type]
                                   dev_guild=GUILD_ID, shard_count=2, shard_ids=[0, 1]),
                               ops=ops, ready=ready) as bot:
                started = asyncio.create_task(bot.start("fake-token"))
                async with asyncio.timeout(15):
                    while not (await ops.platform_check())[0]:  # noqa: ASYNC110
                        await asyncio.sleep(0.02)
                assert await latencies() == {}  # heartbeats sent, none acknowledged
                fake.ack_heartbeats = True
                async with asyncio.timeout(10):
                    while len(await latencies()) < 2:  # noqa: ASYNC110
                        await asyncio.sleep(0.05)
                found = await latencies()
                ops.stop.set()
                await stopping.until(ops.stop, started)
            await started
    finally:
        await fake.stop()
    assert fake.heartbeats_acked >= 2
    assert set(found) == {"0", "1"}
    assert all(math.isfinite(v) and 0 <= v < 5 for v in found.values()), found
