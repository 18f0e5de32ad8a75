"""PostgreSQL's own machinery, on the session's throwaway server: migrations applied once under
an advisory lock however many workers start at once, a newer schema refused, a failing
migration rolled back, and plain words when the server or the driver is missing. The port's
contract itself runs on both stores in test_store.py and test_store_rules.py."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from bot.core.clubs import Scope
from bot.core.timeline import Progress
from bot.store.errors import MigrationFailed, SchemaTooNew, StoreError
from bot.store.open import open_store
from bot.store.postgres import LATEST_VERSION, MIGRATIONS, PostgresStore
from tests.helpers.pg_server import PgServer, create_database

W = "never-let-me-go"
SCOPE = Scope("discord", "g")
REPO = Path(__file__).resolve().parents[1]


async def tables(url: str) -> set[str]:
    conn = await asyncpg.connect(url)
    try:
        return {r[0] for r in await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    finally:
        await conn.close()


async def version(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval("SELECT version FROM schema_version"))
    finally:
        await conn.close()


async def test_ten_workers_starting_at_once_migrate_a_new_database_once(
        pg_server: PgServer) -> None:
    url = await create_database(pg_server, migrated=False)
    assert await tables(url) == set()
    stores = await asyncio.gather(*(PostgresStore.open(url, pool_size=2) for _ in range(10)),
                                  return_exceptions=True)
    try:
        assert [s for s in stores if isinstance(s, BaseException)] == []
        assert await version(url) == LATEST_VERSION
        assert {"member_progress", "clubs", "club_progress", "club_members", "club_prompts",
                "nights", "reminders", "polls", "poll_votes", "adapter_state",
                "schema_version"} <= await tables(url)
        first, second = stores[0], stores[1]
        assert isinstance(first, PostgresStore) and isinstance(second, PostgresStore)
        await first.set_member_progress(SCOPE, "u", W, novel=4)
        assert await second.member_progress(SCOPE, "u", W) == Progress(4, 0)
    finally:
        for store in stores:
            if isinstance(store, PostgresStore):
                await store.close()


async def test_a_newer_schema_is_refused(pg_server: PgServer) -> None:
    url = await create_database(pg_server)
    conn = await asyncpg.connect(url)
    await conn.execute("UPDATE schema_version SET version = $1", LATEST_VERSION + 1)
    await conn.close()
    with pytest.raises(SchemaTooNew, match="newer version"):
        await PostgresStore.open(url)


async def test_a_failing_migration_changes_nothing(pg_server: PgServer) -> None:
    url = await create_database(pg_server)
    async with await PostgresStore.open(url) as store:
        await store.set_member_progress(SCOPE, "u", W, film=9)
    before = await tables(url)
    broken = [*MIGRATIONS, (LATEST_VERSION + 1,
                            "CREATE TABLE half_done (x INTEGER); SELECT * FROM missing_table;")]
    with pytest.raises(MigrationFailed, match=f"migration {LATEST_VERSION + 1}"):
        await PostgresStore.open(url, migrations=broken)
    assert await tables(url) == before
    assert await version(url) == LATEST_VERSION
    async with await open_store(url) as store:  # picked by the address's scheme
        assert await store.member_progress(SCOPE, "u", W) == Progress(0, 9)
        assert await store.integrity_check() == "ok"


async def test_an_unreachable_server_is_a_store_error_without_the_password() -> None:
    with pytest.raises(StoreError) as raised:
        await PostgresStore.open("postgresql://bot:s3cret-word@127.0.0.1:1/club")
    assert "s3cret-word" not in str(raised.value)
    assert "cannot open the database at postgresql://bot:***@127.0.0.1:1/club" in str(
        raised.value)


def test_without_asyncpg_the_bot_says_which_extra_to_install(tmp_path: Path) -> None:
    code = ("import sys; sys.modules['asyncpg'] = None\n"  # as if the extra were not installed
            "from bot.__main__ import main\n"
            "sys.exit(main(['console', '--db', 'postgresql://bot:pw@127.0.0.1:1/club']))\n")
    env = {**os.environ, "BOT_LOG_FILE": str(tmp_path / "bot.log")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, env=env, input="", timeout=60, check=False)
    said = done.stdout + done.stderr
    assert done.returncode != 0
    assert "PostgreSQL" in said and "pip install -e '.[postgres]'" in said, said
    assert "Traceback" not in said and "pw@" not in said
