"""The logs a service writes: one JSON object a line, a request id begun where an
interaction arrives and carried through the core to the store, and no secret in any line or
traceback."""

from __future__ import annotations

import io
import json
import logging
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CONSOLE, MONDAY_NOON
from fakes.slow_store import SlowStore

from bot.app import open_core
from bot.core.call import Invocation
from bot.core.library import Library
from bot.ops import logs
from bot.ops.metrics import Metrics
from bot.ops.timed_store import TimedStore
from bot.ops.watch import Watch

TOKEN = "xoxb-123456789012-abcdefghijkl"
SECRET = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.formatter("json"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_no_secret_reaches_a_line_or_a_traceback(captured: io.StringIO) -> None:
    log = logging.getLogger("bot.test")
    log.warning("connecting with %s", TOKEN)
    try:
        raise RuntimeError(f"signature {SECRET} did not match; other token xoxp-99999999-zzzz")
    except RuntimeError:
        log.exception("request failed")
    text = captured.getvalue()
    assert TOKEN not in text and SECRET not in text and "xoxp-99999999" not in text
    first, second = lines(captured)
    assert first["event"] == f"connecting with {logs.MASK}" and first["level"] == "warning"
    assert "RuntimeError" in str(second["error"])  # the traceback, in one field
    assert {"time", "level", "event", "logger"} <= first.keys()


async def test_a_request_id_follows_one_interaction_to_the_store(
        captured: io.StringIO, library: Library, tmp_path: Path) -> None:
    metrics = Metrics()
    async with open_core(tmp_path / "club.db", library=library, rng=random.Random(1),
                         clock=lambda: MONDAY_NOON, observer=Watch(metrics)) as core:
        # The store is slow (a busy disk): its timing wrapper says so, in the request.
        core.deps = type(core.deps)(**{**{f: getattr(core.deps, f)
                                          for f in core.deps.__slots__},
                                       "store": TimedStore(SlowStore(core.store, 0.3),
                                                           metrics)})
        edge = logs.new_request("console")  # what an adapter does as an interaction arrives
        await core.run_text(Invocation(CONSOLE, "general", "you", is_admin=True), "/about")
        other = logs.new_request("console")
        await core.run_text(Invocation(CONSOLE, "general", "you"), "/help")
    found = lines(captured)
    slow = [e for e in found if e["event"] == "slow store call"]
    done = [e for e in found if e["event"] == "command"]
    assert [str(e["request_id"]).endswith(f"-{edge.number:x}") for e in slow] == [True]
    assert slow[0]["method"] == "context" and slow[0]["command"] == "about"
    assert [(e["command"], e["outcome"]) for e in done] == [("about", "ok"), ("help", "ok")]
    assert done[0]["request_id"] == slow[0]["request_id"] != done[1]["request_id"]
    assert str(done[1]["request_id"]).endswith(f"-{other.number:x}")
    assert all(e["platform"] == "console" and e["workspace"] == "local" for e in done)


async def test_a_command_in_a_club_logs_its_club(captured: io.StringIO, library: Library,
                                                 tmp_path: Path) -> None:
    async with open_core(tmp_path / "club.db", library=library, rng=random.Random(1),
                         clock=lambda: MONDAY_NOON, observer=Watch(Metrics())) as core:
        you = Invocation(CONSOLE, "general", "you", is_admin=True)
        logs.new_request("console")
        await core.run_text(Invocation(CONSOLE, "elsewhere", "you"), "/help")
        logs.new_request("console")
        await core.run_text(you, "/club create both")
        logs.new_request("console")
        await core.run_text(you, "/club info")
        logs.new_request("console")
        await core.run_text(Invocation(CONSOLE, "elsewhere", "you"), "/help")
        # Requests the core begins itself (no adapter's edge), one after another in one task:
        # words that name no command never read the club, so they name none.
        await core.run_text(you, "/club info")
        await core.run_text(you, "/nonsense")
        club = (await core.store.context(CONSOLE, "general", "you")).club
    assert club is not None
    done = [e for e in lines(captured) if e["event"] == "command"]
    # No club where there is none, and never the last command's.
    assert [(e["command"], e.get("club")) for e in done] == [
        ("help", None), ("club create", str(club.id)), ("club info", str(club.id)),
        ("help", None), ("club info", str(club.id)), ("unknown", None)]


async def test_a_discord_request_begins_as_the_interaction_arrives(
        captured: io.StringIO, library: Library, tmp_path: Path) -> None:
    """On the real discord.py client against the fake Discord: the adapter begins the request
    when an interaction reaches it (as the Slack listener does at its edge), so its own line
    at arrival, before the core runs, carries the id the core's command line then logs; two
    interactions get two ids."""
    from fakes.fake_discord import FakeDiscord
    from helpers.discord_world import running

    logging.getLogger("bot.adapters.discord").setLevel(logging.DEBUG)
    fake = FakeDiscord()
    await fake.start()
    try:
        async with open_core(tmp_path / "club.db", library=library, rng=random.Random(1),
                             clock=lambda: MONDAY_NOON, observer=Watch(Metrics())) as core:
            with fake.point_at():
                async with running(fake, core):
                    captured.seek(0)
                    captured.truncate()  # the start-up's lines are no interaction's
                    assert "About this bot" in (await fake.interact("about")).texts()
                    await fake.interact("film cast")
    finally:
        logging.getLogger("bot.adapters.discord").setLevel(logging.NOTSET)
        await fake.stop()
    found = lines(captured)
    arrived = [e for e in found if str(e["event"]).startswith("interaction arrived")]
    done = [e for e in found if e["event"] == "command"]
    assert [e["event"].split(":")[1].split(" from")[0] for e in arrived] == [  # type: ignore[union-attr]
        " /about", " /film cast"]
    assert [e["logger"] for e in arrived] == ["bot.adapters.discord.client"] * 2
    assert [found.index(a) < found.index(d) for a, d in zip(arrived, done, strict=True)
            ] == [True, True]  # the adapter's line came first, before the core ran
    assert [e.get("request_id") for e in arrived] == [e["request_id"] for e in done]
    assert done[0]["request_id"] != done[1]["request_id"]
    assert [(e["platform"], e["command"]) for e in done] == [("discord", "about"),
                                                             ("discord", "film cast")]
    assert all(e["platform"] == "discord" for e in arrived)
