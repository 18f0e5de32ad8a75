"""The console adapter: in process, and as `python -m bot console` over a pipe."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.adapters.console import Console, split_line
from bot.core.service import Core

ROOT = Path(__file__).resolve().parent.parent


def _env(tmp_path: Path) -> dict[str, str]:
    # The default database lives in the user's data directory: keep it inside tmp_path.
    env = dict(os.environ, HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"))
    env.pop("BOT_DB_PATH", None)
    return env


def run_console(tmp_path: Path, lines: list[str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", "console", *args],
        input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=60,
        cwd=tmp_path, env=_env(tmp_path), check=False,
    )


def test_prefixes() -> None:
    plain = split_line("/film cast")
    assert (plain.user, plain.channel, plain.text) == ("you", "general", "/film cast")
    line = split_line("@sam #books /progress novel 3")
    assert (line.user, line.channel, line.text) == ("sam", "books", "/progress novel 3")
    assert split_line("#books @sam /help").user == "sam"
    with pytest.raises(ValueError, match="not a name"):
        split_line("@sa<m> /help")


async def test_console_lines_in_process(core: Core) -> None:
    console = Console(core)
    assert await console.handle("   ") is None
    created = await console.handle("#books /club create novel")
    assert "Club created" in created and "@you" in created and "<@" not in created
    denied = await console.handle("@sam #books /club progress novel 9")
    assert "Only a host" in denied
    assert "posted here" in await console.handle("#books /film cast")
    assert "only you see this" in await console.handle("@sam /progress")
    assert "Type a command" in await console.handle("@sam")


def test_pipe_reads_every_line_and_survives_bad_input(tmp_path: Path) -> None:
    result = run_console(tmp_path, [
        "/nonsense", "/progress novel 99", "/progress film 1:75", "x" * 10_000,
        "/progress novel 4\x01", "@sam /club spoilers off", "/progress novel 5", "/progress",
    ], "--db", str(tmp_path / "c.db"))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "don't know the command" in out
    assert "23 chapters" in out
    assert "00 to 59" in out
    assert "too long for a command" in out
    assert "control characters" in out
    assert "no club in this channel" in out
    assert "chapter 5 finished" in out
    assert "Traceback" not in out + result.stderr


def test_json_mode_prints_one_object_per_reply(tmp_path: Path) -> None:
    result = run_console(tmp_path, [
        "/club create both", "/character ruth", "@sam /progress novel 2", "/film bogus",
    ], "--db", ":memory:", "--json")
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(replies) == 4
    assert replies[0]["command"] == "club create" and replies[0]["visibility"] == "public"
    ruth = replies[1]
    assert ruth["title"] == "Ruth" and ruth["withheld"]["count"] >= 1
    assert ruth["audience"] == {"who": "the club", "novel": 0, "film": 0, "mode": "hide"}
    assert ruth["parts"] == []  # at 0/0 every part of Ruth's card is held back
    assert ruth["fields"][0]["label"] == "In the film"
    assert {"label", "text", "state"} <= set(ruth["fields"][0])
    assert replies[2]["user"] == "sam" and replies[2]["visibility"] == "private"
    assert replies[3]["kind"] == "error"


def test_default_database_is_in_the_data_directory(tmp_path: Path) -> None:
    result = run_console(tmp_path, ["/progress novel 3"])
    assert result.returncode == 0, result.stderr
    assert list((tmp_path / "data").rglob("club.db"))
    assert not list(tmp_path.glob("*.db"))


def test_a_saved_write_survives_kill_9(tmp_path: Path) -> None:
    db = tmp_path / "club.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "console", "--db", str(db), "--json"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=tmp_path, env=_env(tmp_path),
    )
    try:
        assert proc.stdin and proc.stdout
        proc.stdin.write("@sam /progress novel 12\n")
        proc.stdin.flush()
        deadline = time.monotonic() + 30
        line = proc.stdout.readline()
        assert time.monotonic() < deadline
        reply = json.loads(line)
        assert reply["title"] == "Saved your novel progress"
        # Told it succeeded: kill at once, with no chance to clean up.
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream:
                stream.close()
    again = run_console(tmp_path, ["@sam /progress"], "--db", str(db), "--json")
    assert "chapter 12 finished" in json.loads(again.stdout.splitlines()[0])["text"]


def test_console_reads_from_an_in_memory_stream(tmp_path: Path) -> None:
    out = io.StringIO()

    async def go() -> None:
        from bot.app import open_core

        async with open_core(tmp_path / "x.db") as core:
            await Console(core, out=out).run(io.StringIO("/about\n/quit\n/help\n"),
                                             interactive=False)

    import asyncio

    asyncio.run(go())
    assert "About this bot" in out.getvalue()
    assert "Commands" not in out.getvalue()  # stopped at /quit


def test_interactive_on_a_terminal(tmp_path: Path) -> None:
    """On a terminal the console greets, prompts, answers and leaves on /quit."""
    import pty
    import select

    controller, terminal = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "console", "--db", str(tmp_path / "t.db")],
        stdin=terminal, stdout=terminal, stderr=subprocess.PIPE, cwd=tmp_path,
        env=_env(tmp_path), close_fds=True,
    )
    os.close(terminal)
    seen = b""

    def read_until(marker: bytes, timeout: float = 30) -> None:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while marker not in seen:
            left = deadline - time.monotonic()
            assert left > 0, seen.decode(errors="replace")
            ready, _, _ = select.select([controller], [], [], left)
            if ready:
                seen += os.read(controller, 65536)

    try:
        read_until(b"> ")
        assert b"Type /help" in seen
        os.write(controller, b"/about\n")
        read_until(b"About this bot")
        os.write(controller, b"/quit\n")
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(controller)
        if proc.stderr:
            proc.stderr.close()


def test_a_database_that_cannot_open_gets_a_plain_message(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-db"
    bad.write_bytes(b"this is not sqlite" * 100)
    result = run_console(tmp_path, ["/about"], "--db", str(bad))
    assert result.returncode == 1
    assert "Cannot open the database" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_unexpected_errors_go_to_the_log_file_not_the_terminal(tmp_path: Path) -> None:
    log_file = tmp_path / "bot.log"
    script = (
        # Inject a fault deep in the core, after the handler has run.
        "import sys; from bot.__main__ import main; import bot.core.service as s;\n"
        "s.Core._cite = lambda *args: (_ for _ in ()).throw(RuntimeError('disk on fire'))\n"
        "sys.exit(main(['console', '--db', ':memory:']))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], input="/about\n/about\n",
                            capture_output=True, text=True, timeout=60, cwd=ROOT,
                            env=dict(_env(tmp_path), BOT_LOG_FILE=str(log_file)), check=False)
    assert result.returncode == 0
    assert result.stdout.count("something went wrong") == 2
    assert "Traceback" not in result.stdout + result.stderr
    assert "disk on fire" not in result.stdout + result.stderr
    logged = log_file.read_text()
    assert "Traceback" in logged
    assert "disk on fire" in logged
