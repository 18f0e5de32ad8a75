"""A throwaway PostgreSQL server for the tests: ``initdb`` into a temporary folder, ``pg_ctl``
on a free loopback port, stopped and deleted at the end. Started once per test session.

``initdb`` and ``pg_ctl`` refuse to run as root, so as root they run as the ``postgres`` user
(``runuser``), which then owns the folder. No PostgreSQL installed is an error, never a skip:
CI installs it (.ci/run), and a developer is told how.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

USER = "postgres"  # the superuser initdb makes; trust authentication on loopback only


class NoPostgres(RuntimeError):
    pass


def server_bin() -> Path:
    """The newest installed PostgreSQL's bin folder (Debian's layout, or initdb on PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise NoPostgres("the PostgreSQL server is not installed (no initdb): install it, e.g. "
                     "`apt-get install postgresql`; the store's tests run on both stores")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    folder: Path
    port: int
    bin: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    @classmethod
    def start(cls) -> PgServer:
        bindir = server_bin()
        folder = Path(tempfile.mkdtemp(prefix="nlmg-pg-"))
        as_root = os.geteuid() == 0
        if as_root:
            shutil.chown(folder, USER)
        server = cls(folder, _free_port(), bindir)
        server._run("initdb", "-D", str(folder / "data"), "-A", "trust", "-U", USER,
                    "--no-sync", "-E", "UTF8", "--no-locale")
        # Durability is not what these tests are about (the server is never killed): no fsync.
        options = (f"-p {server.port} -c listen_addresses=127.0.0.1 -k {folder}"
                   " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                   " -c max_connections=300")
        try:
            server._run("pg_ctl", "-D", str(folder / "data"), "-o", options,
                        "-l", str(folder / "server.log"), "-w", "-t", "30", "start")
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return server

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w",
                      "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", USER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60,
                              cwd=self.folder, check=False)
        if done.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise NoPostgres(f"{tool} failed ({done.returncode}): {done.stderr.strip()}\n{tail}")


_TEMPLATE = "nlmg_migrated"


async def create_database(server: PgServer, *, migrated: bool = True) -> str:
    """A new database on the server, empty or already migrated (a copy of a template migrated
    once per session, which is much faster than migrating every test's database), by URL."""
    import asyncio
    import itertools

    import asyncpg

    from bot.store.postgres import PostgresStore

    admin = await asyncpg.connect(server.url())
    try:
        if migrated and not getattr(server, "_template_ready", False):
            await admin.execute(f"CREATE DATABASE {_TEMPLATE}")
            await (await PostgresStore.open(server.url(_TEMPLATE))).close()
            server._template_ready = True  # type: ignore[attr-defined]
        counter = getattr(server, "_made", None) or itertools.count(1)
        server._made = counter  # type: ignore[attr-defined]
        name = f"t{next(counter)}"
        template = _TEMPLATE if migrated else "template0"
        for attempt in range(50):
            try:
                await admin.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
                break
            except asyncpg.ObjectInUseError:  # the template's last backend is still leaving
                if attempt == 49:
                    raise
                await asyncio.sleep(0.02)
        return server.url(name)
    finally:
        await admin.close()


async def take_database(server: PgServer) -> str:
    """A migrated database with no rows: one a finished test gave back, or a new one. Reusing
    them keeps the server's folder small (a copy of the template is 8 MB, and deleting a
    thousand of them at the end of the session took longer than the tests)."""
    free: list[str] = getattr(server, "_free", [])
    server._free = free  # type: ignore[attr-defined]
    return free.pop() if free else await create_database(server)


async def give_back(server: PgServer, url: str) -> None:
    """Empty the database (every table, ids from 1 again) for the next test, if it still has
    this bot's schema and nothing else; otherwise leave it be."""
    import asyncpg

    from bot.store.postgres import LATEST_VERSION
    from bot.store.tables import TABLES

    conn = await asyncpg.connect(url)
    try:
        version = await conn.fetchval("SELECT version FROM schema_version")
        extra = await conn.fetchval(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            " AND NOT (tablename = ANY($1::text[]))", [*TABLES, "schema_version"])
        if version != LATEST_VERSION or extra:
            return
        await conn.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY")
    except asyncpg.PostgresError:
        return
    finally:
        await conn.close()
    server._free.append(url)  # type: ignore[attr-defined]
