"""`python -m bot discord|slack` without a server: missing or bad settings, the invite link."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import discord

from bot.adapters.discord.invite import PERMISSIONS


def _run_cli(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DISCORD_")}
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          cwd=tmp_path, env={**clean, "BOT_DB_PATH": str(tmp_path / "x.db"),
                                             **env},
                          timeout=60, check=False)


def test_without_a_token_the_bot_says_what_is_missing(tmp_path: Path) -> None:
    result = _run_cli(["discord"], tmp_path)
    assert result.returncode == 2
    assert "DISCORD_TOKEN is not set" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "x.db").exists()


def test_a_bad_dev_guild_is_named(tmp_path: Path) -> None:
    result = _run_cli(["discord"], tmp_path, DISCORD_TOKEN="x", DISCORD_DEV_GUILD="my server")
    assert result.returncode == 2
    assert "DISCORD_DEV_GUILD must be a numeric Discord id" in result.stderr
    assert "Traceback" not in result.stderr


def test_invite_prints_the_install_url(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DISCORD_APPLICATION_ID=123456789012345678\n")
    result = _run_cli(["discord", "--invite"], tmp_path)
    assert result.returncode == 0, result.stderr
    url = result.stdout.strip()
    assert url.startswith("https://discord.com/oauth2/authorize?client_id=123456789012345678")
    assert "scope=bot+applications.commands" in url
    assert f"permissions={PERMISSIONS.value}" in url
    assert discord.Permissions(
        send_messages=True, embed_links=True, create_public_threads=True,
        send_messages_in_threads=True, create_events=True) == PERMISSIONS  # and nothing more


def test_slack_without_tokens_says_what_is_missing(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    for args, missing in ((["slack"], "SLACK_BOT_TOKEN and SLACK_APP_TOKEN are not set"),
                          (["slack", "--http"], "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET")):
        result = subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True,
                                text=True, cwd=tmp_path, env=clean, timeout=60, check=False)
        assert result.returncode == 2, result.stderr
        assert missing in result.stderr
        assert "manifest.yml" in result.stderr
        assert "Traceback" not in result.stderr + result.stdout
