"""Discord shards across processes: BOT_SHARD_COUNT and BOT_SHARD_IDS give a process its
shards, and only the process told to (BOT_SYNC_COMMANDS=1, or one running every shard) syncs
the commands. The real client against the fake Discord identifies with its shard and syncs
nothing when another process does."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes.fake_discord import GUILD_ID, FakeDiscord
from helpers.discord_world import running

from bot.app import open_core
from bot.config import SettingError, Shards, shards
from bot.core.content import Content


@pytest.mark.parametrize(("env", "expected"), [
    ({}, Shards(None, None, True)),
    ({"BOT_SHARD_COUNT": "4"}, Shards(4, None, True)),
    ({"BOT_SHARD_COUNT": "4", "BOT_SHARD_IDS": "0-1"}, Shards(4, (0, 1), False)),
    ({"BOT_SHARD_COUNT": "8", "BOT_SHARD_IDS": "0,2,5-7", "BOT_SYNC_COMMANDS": "1"},
     Shards(8, (0, 2, 5, 6, 7), True)),
    ({"BOT_SYNC_COMMANDS": "0"}, Shards(None, None, False)),
])
def test_shard_settings(monkeypatch: pytest.MonkeyPatch, env: dict[str, str],
                        expected: Shards) -> None:
    for name in ("BOT_SHARD_COUNT", "BOT_SHARD_IDS", "BOT_SYNC_COMMANDS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert shards() == expected


@pytest.mark.parametrize(("env", "said"), [
    ({"BOT_SHARD_COUNT": "zero"}, "whole number"),
    ({"BOT_SHARD_COUNT": "0"}, "whole number"),
    ({"BOT_SHARD_IDS": "0-1"}, "needs BOT_SHARD_COUNT"),
    ({"BOT_SHARD_COUNT": "2", "BOT_SHARD_IDS": "1-2"}, "not within shards 0 to 1"),
    ({"BOT_SHARD_COUNT": "2", "BOT_SHARD_IDS": "one"}, "like 0-3"),
    ({"BOT_SYNC_COMMANDS": "maybe"}, "1 or 0"),
])
def test_bad_shard_settings_are_named(monkeypatch: pytest.MonkeyPatch, env: dict[str, str],
                                      said: str) -> None:
    for name in ("BOT_SHARD_COUNT", "BOT_SHARD_IDS", "BOT_SYNC_COMMANDS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingError, match=said):
        shards()


async def test_a_shard_process_identifies_its_shard_and_leaves_sync_to_another(
        pack: Content, tmp_path: Path) -> None:
    count = 2
    mine = (GUILD_ID >> 22) % count  # the shard Discord sends this guild's events to
    fake = FakeDiscord()
    await fake.start()
    try:
        with fake.point_at():
            async with open_core(tmp_path / "club.db", content=pack) as core:
                async with running(fake, core, shard_count=count, shard_ids=[mine],
                                   sync_commands=False) as bot:
                    assert bot.shard_ids == [mine]
                    assert fake.identifies[-1]["shard"] == [mine, count]
                    assert fake.sync_calls == [] and bot.last_sync_sent is False
                async with running(fake, core, shard_count=count, shard_ids=[mine],
                                   sync_commands=True):
                    pass
                assert len(fake.sync_calls) == 1  # the process told to sync did, once
    finally:
        await fake.stop()
