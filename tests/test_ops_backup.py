"""Backups and the health command, as a host runs them: `python -m bot backup PATH` while a
writer keeps committing, `python -m bot restore PATH` (refused while a service holds the
database), and `python -m bot health` against a real side server, ready and not."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

from conftest import CONSOLE

from bot.app import open_core
from bot.core.call import Invocation
from bot.core.library import Library
from bot.ops.backup import holding, row_counts
from bot.ops.health import Checks, ops_app, serving_ops
from tests.helpers.pg_server import PgServer, create_database, server_bin

REPO = Path(__file__).resolve().parents[1]
WRITER = REPO / "tests" / "helpers" / "store_writer.py"
TIMEOUT = 60.0


def env(**extra: str) -> dict[str, str]:
    out = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    out.pop("BOT_OPS_PORT", None)
    return {**out, **extra}


async def bot(*args: str, **extra: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, env=env(**extra), cwd=REPO,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), TIMEOUT)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def counts(db: Path) -> dict[str, int]:
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return row_counts(conn)


async def test_a_backup_under_write_load_restores_to_the_same_rows(tmp_path: Path) -> None:
    db = tmp_path / "live" / "club.db"
    db.parent.mkdir()
    writer = await asyncio.create_subprocess_exec(
        sys.executable, str(WRITER), str(db), "loop", env=env(), cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    assert writer.stdout is not None
    try:
        async def committed() -> int:
            line = await asyncio.wait_for(writer.stdout.readline(), TIMEOUT)
            assert line.startswith(b"OK"), line
            return int(line.split()[1])

        while await committed() < 200:  # a database with rows, still being written
            pass
        acked_before = await committed()
        code, out, err = await bot("backup", str(tmp_path / "backups" / "club.db"),
                                   "--db", str(db))
    finally:
        writer.kill()
        rest, _err = await writer.communicate()
    # The last commit it reported before it was killed (its lines lag behind in the pipe).
    acked_after = int(rest.splitlines()[-1].split()[1]) if rest.strip() else acked_before
    assert code == 0, err
    assert "integrity ok" in out
    backup = tmp_path / "backups" / "club.db"
    copied = counts(backup)
    # Every commit acknowledged before the backup began is in it; none after it ended.
    members = copied["member_progress"]
    assert acked_before + 1 <= members <= acked_after + 1

    restored = tmp_path / "restored" / "club.db"
    code, out, err = await bot("restore", str(backup), "--db", str(restored))
    assert code == 0, err
    assert counts(restored) == copied  # identical row counts, table by table

    # Again over a database with rows: the one replaced is kept beside it.
    code, out, err = await bot("restore", str(backup), "--db", str(db))
    assert code == 0, err
    assert counts(db) == copied
    assert counts(db.with_name("club.db.before-restore"))["member_progress"] >= members


async def test_a_backup_refuses_to_overwrite_and_a_restore_refuses_a_database_in_use(
        tmp_path: Path, library: Library) -> None:
    db = tmp_path / "club.db"
    async with open_core(db, library=library):
        pass
    target = tmp_path / "backup.db"
    assert (await bot("backup", str(target), "--db", str(db)))[0] == 0
    code, _out, err = await bot("backup", str(target), "--db", str(db))
    assert code == 1 and "exists already" in err
    with holding(db):  # what every running service holds
        code, _out, err = await bot("restore", str(target), "--db", str(db))
    assert code == 1 and "in use by a running bot" in err
    assert not db.with_name("club.db.before-restore").exists()  # nothing was touched
    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_text("not a database, " * 100)
    code, _out, err = await bot("restore", str(not_a_db), "--db", str(db))
    assert code == 1 and "not a database" in err
    code, _out, err = await bot("backup", str(tmp_path / "pg.dump"), "--db",
                                "postgresql://nobody@127.0.0.1:1/none",
                                PATH=str(tmp_path))  # no pg_dump on this PATH
    assert code == 1 and "pg_dump, which is not installed" in err


async def test_the_health_command(tmp_path: Path, library: Library) -> None:
    up = {"ok": True}

    async def platform() -> tuple[bool, str]:
        return up["ok"], "connected" if up["ok"] else "gateway not connected yet"

    async with open_core(tmp_path / "club.db", library=library) as core, \
            serving_ops(ops_app(Checks(core, platform), None), 0, "127.0.0.1") as port:
        code, out, _err = await bot("health", "--port", str(port))
        assert code == 0 and "store: answered" in out and "2 works loaded" in out
        up["ok"] = False
        code, _out, err = await bot("health", "--port", str(port))
        assert code == 1 and "platform: gateway not connected yet" in err
        # Live only: the process answers, whatever the platform does.
        assert (await bot("health", "--live", "--port", str(port)))[0] == 0
        code, out, _err = await bot("health", BOT_OPS_PORT=str(port))  # the port from env
        assert code == 1 and "not ready" in _err
    code, _out, err = await bot("health", "--port", str(port))  # nothing listens now
    assert code == 1 and "no answer" in err
    code, _out, err = await bot("health")  # BOT_OPS_PORT unset: nothing to ask
    assert code == 2 and "BOT_OPS_PORT is not set" in err



async def tool(path: Path, *args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        str(path), *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), TIMEOUT)
    return int(proc.returncode or 0), out.decode(), err.decode()


async def _pg_rows(url: str) -> dict[str, int]:
    import asyncpg

    from bot.store.tables import TABLES

    conn = await asyncpg.connect(url)
    try:
        return {t: int(await conn.fetchval(f'SELECT count(*) FROM "{t}"'))
                for t in (*TABLES, "schema_version")}
    finally:
        await conn.close()


async def test_a_pg_dump_backup_restores_to_the_same_rows(
        pg_server: PgServer, library: Library, tmp_path: Path) -> None:
    """`python -m bot backup` on PostgreSQL runs the real pg_dump (the test server's own, found
    as the tests find initdb), and what it wrote restores with pg_restore into a fresh
    database with the same rows, table by table."""
    url = await create_database(pg_server)
    async with open_core(url, library=library) as core:
        for channel in ("general", "nights", "films"):
            host = Invocation(CONSOLE, channel, "you", is_admin=True)
            assert (await core.run_text(host, "/club create")).kind == "ok"
            await core.run_text(Invocation(CONSOLE, channel, "member"), "/progress novel 4")
    rows = await _pg_rows(url)
    assert rows["clubs"] == 3 and rows["member_progress"] >= 1
    tools = server_bin()
    dump = tmp_path / "club.dump"
    code, out, err = await bot("backup", str(dump), "--db", url,
                               PATH=f"{tools}{os.pathsep}{os.environ.get('PATH', '')}")
    assert code == 0, err
    assert "integrity pg_dump" in out and dump.read_bytes()[:5] == b"PGDMP"  # custom format
    code, listed, err = await tool(tools / "pg_restore", "--list", str(dump))
    assert code == 0, err
    assert all(f"TABLE public {t} " in listed for t in ("clubs", "member_progress", "nights"))

    fresh = await create_database(pg_server, migrated=False)
    code, _out, err = await tool(tools / "pg_restore", "--no-owner", "--exit-on-error",
                                 "--dbname", fresh, str(dump))
    assert code == 0, err
    assert await _pg_rows(fresh) == rows
