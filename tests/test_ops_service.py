"""A real service process stopped with SIGTERM: `python -m bot slack --http` on a real SQLite
file, against the fake Slack (Web API and response_url) over loopback, with its ops side
server on. It is stopped while a slash command is in flight (Slack is slow to say who its
member is) and while its scheduler is half-way through a batch of reminders (Slack is slow to
take each post). Nothing acknowledged may be lost: the command's ack arrives and its club is
there after a restart; nothing may be sent twice: each reminder is posted once, across the
stop and the restart. Its logs are one JSON object a line, with a request id shared by the
adapter's and the core's lines, and none carries a token, the signing secret or typed text."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from fakes.fake_slack import ADMIN, SECRET, TEAM, FakeSlack

from bot.app import open_core
from bot.core.call import Invocation
from bot.core.clubs import Scope
from bot.core.library import Library

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGTERM")

REPO = Path(__file__).resolve().parents[1]
TOKEN = "xoxb-ops-fake-token-0123456789"
CLUBS = [f"CREMIND{i}" for i in range(8)]  # a club each, with a reminder due
MARKER = "zebracornish"  # typed by a member: no log line may carry it
POST_DELAY = 0.5  # seconds Slack takes per post: a batch of 8 takes 4


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


APP_TOKEN = "xapp-1-A0CLUB-ops-fake-app-token"


class Service:
    def __init__(self, db: Path, fake: FakeSlack, *, socket: bool = False) -> None:
        self.db, self.fake, self.socket = db, fake, socket
        self.port, self.ops = free_port(), free_port()
        self.logs: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    @asynccontextmanager
    async def running(self) -> AsyncIterator[asyncio.subprocess.Process]:
        env = {**os.environ, "PYTHONPATH": str(REPO), "SLACK_BOT_TOKEN": TOKEN,
               "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": self.fake.api,
               "BOT_OPS_PORT": str(self.ops), "BOT_LOG_FORMAT": "json",
               "BOT_CONTENT_DIR": str(REPO), "BOT_ENV_FILE": str(self.db.parent / "none.env"),
               "SLACK_APP_TOKEN": APP_TOKEN}
        mode = [] if self.socket else ["--http", "--port", str(self.port)]
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "slack", *mode, "--db", str(self.db), env=env,
            cwd=self.db.parent, stderr=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL)
        reader = asyncio.create_task(self._read(proc))
        try:
            await self.ready()
            yield proc
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
            await reader

    async def _read(self, proc: asyncio.subprocess.Process) -> None:
        assert proc.stderr is not None
        async for line in proc.stderr:
            self.logs.append(line.decode(errors="replace"))

    async def ready(self) -> None:
        async with aiohttp.ClientSession() as session, asyncio.timeout(30):
            while True:
                try:
                    async with session.get(f"http://127.0.0.1:{self.ops}/readyz") as r:
                        if r.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)

    async def metric(self, name: str) -> float:
        async with aiohttp.ClientSession() as session, session.get(
                f"http://127.0.0.1:{self.ops}/metrics") as r:
            text = await r.text()
        return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                   if line.startswith(name))

    async def stop(self, proc: asyncio.subprocess.Process) -> int:
        proc.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(proc.wait(), 10)  # compose's stop_grace_period


def reminder_posts(fake: FakeSlack) -> list[str]:
    return [c["channel"] for c in fake.called("chat.postMessage") if c["channel"] in CLUBS]


async def health(port: int) -> int:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "health", "--port", str(port), cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    return await asyncio.wait_for(proc.wait(), 30)


async def clubs_with_reminders_due(db: Path, library: Library) -> None:
    """Eight clubs whose nights start in 40 minutes, scheduled two hours ago: each has its
    1-hour reminder due now (the 24-hour one had passed when it was scheduled)."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    start = now + timedelta(minutes=40)
    async with open_core(db, library=library, clock=lambda: now - timedelta(hours=2)) as core:
        for channel in CLUBS:
            host = Invocation(Scope("slack", TEAM), channel, ADMIN, is_admin=True, tz="UTC")
            assert (await core.run_text(host, "/club create")).kind == "ok"
            made = await core.run_text(
                host, f"/session schedule novel 9 at {start:%Y-%m-%d %H:%M}")
            assert made.kind == "ok", made.texts()


def text_of(ack: dict[str, Any]) -> str:
    return json.dumps(ack.get("blocks") or [], ensure_ascii=False) + ack.get("text", "")


async def test_sigterm_loses_nothing_acknowledged_and_sends_nothing_twice(
        tmp_path: Path, library: Library) -> None:
    db = tmp_path / "club.db"
    await clubs_with_reminders_due(db, library)
    fake = FakeSlack()
    await fake.start()
    try:
        fake.post_delay = POST_DELAY
        service = Service(db, fake)
        async with service.running() as proc:
            assert await health(service.ops) == 0
            # Acknowledged before the stop: a member's progress, typed with a marker.
            ack, _ = await fake.command(service.url, "/progress", "novel 5", user="UMEMBER")
            assert "chapter 5" in text_of(ack)
            await fake.command(service.url, "/ask", f"who is {MARKER}?", user="UMEMBER")
            # In flight at the stop: a club created while users.info takes 1.5 s.
            fake.users_info_delay = 1.5
            asked = len(fake.called("users.info"))
            creating = asyncio.create_task(
                fake.command(service.url, "/club", "create", user=ADMIN, channel="CNEW"))
            async with asyncio.timeout(10):
                while len(fake.called("users.info")) == asked or not reminder_posts(fake):  # noqa: ASYNC110
                    await asyncio.sleep(0.02)
            posted_at_stop = len(reminder_posts(fake))
            assert posted_at_stop < len(CLUBS)  # the batch is half-way
            assert await service.stop(proc) == 0
            created, _ = await creating  # its ack came, though the service was stopping
            assert "club" in text_of(created).lower() and created.get("response_type")
            # ... and within Slack's 3 s, though the stop came while it waited on Slack.
            assert fake.violations == []
        fake.users_info_delay = 0.0
        # The scheduler finished its batch and marked it: every reminder went out, once.
        assert sorted(reminder_posts(fake)) == sorted(CLUBS)
        assert await health(service.ops) == 1  # nothing answers now

        async with service.running() as proc:
            async with asyncio.timeout(10):  # its first tick (after recovery) has run
                while await service.metric("bot_scheduler_tick_seconds_count") < 1:  # noqa: ASYNC110
                    await asyncio.sleep(0.1)
            assert sorted(reminder_posts(fake)) == sorted(CLUBS)  # nothing sent again
            info, _ = await fake.command(service.url, "/club", "info", channel="CNEW")
            assert "no club" not in text_of(info).lower()
            mine, _ = await fake.command(service.url, "/progress", "", user="UMEMBER")
            assert "chapter 5" in text_of(mine)
            assert await service.metric("bot_slack_acks_late_total") == 0
            assert await service.stop(proc) == 0
        assert fake.violations == []  # no ack past 3 s, no response_url overused
    finally:
        await fake.stop()

    lines = [line for line in service.logs if line.strip()]
    assert all(line.startswith("{") for line in lines), [x for x in lines if x[:1] != "{"]
    events = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "event"} <= e.keys() for e in events)
    for secret in (TOKEN, SECRET, MARKER):
        assert not [line for line in lines if secret in line], secret
    commands = {e["request_id"]: e for e in events if e["event"] == "command"}
    edges = [e for e in events if e["event"] == "slack request answered"]
    shared = [e for e in edges if e.get("request_id") in commands]
    assert any(commands[e["request_id"]].get("command") == "club create" for e in shared)
    assert any(e["event"] == "stopping on SIGTERM" for e in events)


async def test_socket_mode_is_ready_when_connected_and_stops_cleanly(tmp_path: Path) -> None:
    fake = FakeSlack()
    await fake.start()
    try:
        service = Service(tmp_path / "club.db", fake, socket=True)
        async with service.running() as proc:  # ready: its websocket is connected
            assert fake.socket_ready.is_set()
            body, _n = fake.command_body("/about", "")
            acked = await fake.envelope("slash_commands", body)
            assert "About this bot" in json.dumps(acked)
            assert await service.stop(proc) == 0
    finally:
        await fake.stop()
    assert not [line for line in service.logs if APP_TOKEN in line or TOKEN in line]
    about = [json.loads(line) for line in service.logs if '"event": "command"' in line]
    assert [(e["command"], e["platform"]) for e in about] == [("about", "slack")]
    assert about[0]["request_id"]  # Socket Mode requests get theirs from the Bolt middleware
    assert any('"stopping on SIGTERM"' in line for line in service.logs)


async def test_a_restore_is_refused_while_a_service_runs_on_the_database(
        tmp_path: Path, library: Library) -> None:
    """A real `python -m bot slack --http` holds its database: `python -m bot restore` into
    it is refused and changes nothing (no file replaced, no rows lost, the service still
    answering), and once the service has stopped the same restore goes through."""
    import sqlite3
    from contextlib import closing

    from bot.ops.backup import row_counts

    db = tmp_path / "club.db"
    await clubs_with_reminders_due(db, library)
    backup = tmp_path / "backup.db"
    assert await bot_command("backup", str(backup), "--db", str(db)) == 0

    def rows() -> dict[str, int]:  # the service's own rows (adapter_state moves as it runs)
        with closing(sqlite3.connect(db)) as conn:
            return {t: n for t, n in row_counts(conn).items() if t != "adapter_state"}

    fake = FakeSlack()
    await fake.start()
    try:
        service = Service(db, fake)
        async with service.running() as proc:
            made, _ = await fake.command(service.url, "/club", "create", user=ADMIN,
                                         channel="CAFTER")  # a row the backup lacks
            assert "club" in text_of(made).lower()
            held = rows()
            assert await bot_command("restore", str(backup), "--db", str(db)) == 1
            assert rows() == held  # the backup was not copied in
            assert not db.with_name("club.db.before-restore").exists()
            info, _ = await fake.command(service.url, "/club", "info", channel="CAFTER")
            assert "no club" not in text_of(info).lower()  # still serving, on its rows
            assert await service.stop(proc) == 0
    finally:
        await fake.stop()
    assert await bot_command("restore", str(backup), "--db", str(db)) == 0  # now it may
    assert rows()["clubs"] == held["clubs"] - 1


async def bot_command(*args: str) -> int:
    """``python -m bot ARGS`` as a host runs it beside the service; its exit code."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    _out, err = await asyncio.wait_for(proc.communicate(), 60)
    if proc.returncode == 1:
        assert b"in use by a running bot" in err or args[0] != "restore", err
    return int(proc.returncode or 0)
