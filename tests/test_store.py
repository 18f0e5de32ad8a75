"""The store contract, on both stores, and SQLite's own machinery: pragmas, migrations, every
port method, concurrency, closing, backup.

A test that takes ``store`` (or ``open_here``, ``peek``) runs twice: on a real SQLite file under
pytest's ``tmp_path`` and on a database of its own on the session's throwaway PostgreSQL server
(conftest.py). ``sqlite_only`` marks what is about SQLite itself. Every test closes every store
it opens (``async with``): an unclosed aiosqlite connection leaves a non-daemon thread behind.
Check ids (E-Q1...) refer to platform-contract.md §E.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import math
import re
import sqlite3
import sys
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import closing, contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.state import AdapterState
from bot.core.clubs import Club, ClubExists, LastHost, Scope, SpoilerMode
from bot.core.store import Store
from bot.core.timeline import Medium, Progress
from bot.store.postgres import PostgresStore
from bot.store.sqlite import (
    LATEST_VERSION,
    MIGRATIONS,
    MigrationFailed,
    SchemaTooNew,
    SqliteStore,
    StoreError,
    UnknownClub,
    split_sql,
)

Opener = Callable[..., Awaitable[SqliteStore]]  # either store: the port is the same
Peek = Callable[[str], Awaitable[list[tuple[Any, ...]]]]

W = "never-let-me-go"  # the work the rows are about
NOVEL_CHAPTERS, FILM_MINUTES = 23, 103  # its ranges (the store keeps any point from 0 up)
DISCORD = Scope("discord", "guild-1")
DISCORD_OTHER_GUILD = Scope("discord", "guild-2")
SLACK = Scope("slack", "guild-1")  # same workspace id, different platform


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "club.db"


@pytest.fixture
async def store(open_here: Opener) -> AsyncIterator[SqliteStore]:
    async with await open_here() as opened:
        yield opened


@pytest.fixture
async def club(store: SqliteStore) -> Club:
    return await store.create_club(DISCORD, "chan-1", medium=Medium.BOTH, tz="UTC", host="hana",
                                   work=W)


@contextmanager
def raw(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection, to look at the file from outside the store."""
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        yield conn


def user_version(path: Path) -> int:
    with raw(path) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def schema(path: Path) -> list[tuple[str, str, str | None]]:
    with raw(path) as conn:
        return conn.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()


def exists(path: Path) -> bool:
    return path.exists()


def worker_threads() -> list[threading.Thread]:
    # aiosqlite's worker threads are unnamed, so Python names them after their target.
    return [
        t for t in threading.enumerate() if "_connection_worker_thread" in t.name and t.is_alive()
    ]


@pytest.mark.parametrize("implementation", [SqliteStore, PostgresStore])
def test_each_store_matches_the_port_exactly(implementation: type) -> None:
    # Same names, parameters, defaults and annotations, so a drift in either shows up here.
    port_methods = [name for name in vars(Store) if not name.startswith("_")]
    assert port_methods
    for name in port_methods:
        port = inspect.signature(getattr(Store, name))
        ours = inspect.signature(getattr(implementation, name))
        assert ours == port, name
        assert inspect.iscoroutinefunction(getattr(implementation, name)), name


@pytest.mark.parametrize("implementation", [SqliteStore, PostgresStore])
def test_each_store_keeps_adapter_state_as_its_port_says(implementation: type) -> None:
    for name in ("get_state", "put_state", "claim_state"):
        port = inspect.signature(getattr(AdapterState, name))
        assert inspect.signature(getattr(implementation, name)) == port, name


# -- E-Q1: pragmas -------------------------------------------------------------------------------


@pytest.mark.sqlite_only
async def test_pragmas_on_open(store: SqliteStore, db_path: Path) -> None:
    assert await store.pragmas() == {
        "journal_mode": "wal",
        "synchronous": 2,  # FULL: commits survive power loss, not only a crash
        "busy_timeout": 5000,
        "foreign_keys": 1,
        "user_version": LATEST_VERSION,
    }
    with raw(db_path) as conn:  # WAL is persistent: another connection sees it too
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_open_creates_the_parent_directory(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "club.db"
    async with await SqliteStore.open(path):
        pass
    assert path.is_file()


@pytest.fixture
def not_a_database(db_path: Path) -> Path:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"this is not an SQLite database, just some text " * 100)
    return db_path


async def test_a_file_that_is_not_a_database_is_refused_cleanly(not_a_database: Path) -> None:
    with pytest.raises(StoreError, match="not a database") as raised:
        await SqliteStore.open(not_a_database)
    assert not isinstance(raised.value, sqlite3.Error)
    assert worker_threads() == []


async def test_in_memory_store_works() -> None:
    async with await SqliteStore.open(":memory:") as store:
        pragmas = await store.pragmas()
        assert pragmas["journal_mode"] == "memory"
        assert pragmas["foreign_keys"] == 1
        assert pragmas["user_version"] == LATEST_VERSION
        await store.set_member_progress(DISCORD, "u", W, novel=2)
        assert await store.member_progress(DISCORD, "u", W) == Progress(2, 0)


# -- E-Q5 / E-Q6: migrations ---------------------------------------------------------------------


def test_migration_files_are_numbered_and_explained() -> None:
    names = sorted(
        entry.name
        for entry in resources.files("bot.store.sqlite").joinpath("migrations").iterdir()
        if entry.name.endswith(".sql")
    )
    assert names, "no migrations packaged"
    for number, name in enumerate(names, start=1):
        assert re.fullmatch(rf"{number:04d}_[a-z0-9_]+\.sql", name)
        text = resources.files("bot.store.sqlite").joinpath("migrations", name).read_text("utf-8")
        assert text.startswith("-- why: "), f"{name} needs a one-line '-- why:' header"
    assert [version for version, _ in MIGRATIONS] == list(range(1, LATEST_VERSION + 1))


async def test_fresh_database_reaches_latest_version(db_path: Path) -> None:
    async with await SqliteStore.open(db_path):
        pass
    assert user_version(db_path) == LATEST_VERSION
    tables = {name for kind, name, _ in schema(db_path) if kind == "table"}
    assert {"member_progress", "clubs", "club_progress", "club_members", "club_prompts",
            "polls", "poll_votes"} <= tables


async def test_reopening_is_a_no_op(db_path: Path) -> None:
    async with await SqliteStore.open(db_path) as store:
        await store.set_member_progress(DISCORD, "u", W, novel=5)
    before = schema(db_path)
    async with await SqliteStore.open(db_path) as store:
        assert await store.member_progress(DISCORD, "u", W) == Progress(5, 0)
    assert schema(db_path) == before
    assert user_version(db_path) == LATEST_VERSION


async def test_several_stores_opening_a_new_file_at_once_all_succeed(tmp_path: Path) -> None:
    # Two bot processes starting together. Switching a new file to WAL can fail at once with
    # "locked" (no busy handler), so open() retries it; each migration re-reads user_version
    # under the write lock, so the losers skip it. 20 rounds: the race is a few percent a round.
    for round_ in range(20):
        path = tmp_path / f"race{round_}.db"
        results = await asyncio.gather(
            *(SqliteStore.open(path) for _ in range(3)), return_exceptions=True
        )
        for result in results:
            if isinstance(result, SqliteStore):
                await result.close()
        assert [r for r in results if isinstance(r, BaseException)] == []
        assert user_version(path) == LATEST_VERSION


async def test_newer_schema_refuses_to_open(db_path: Path) -> None:
    async with await SqliteStore.open(db_path):
        pass
    with raw(db_path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    before = schema(db_path)
    with pytest.raises(SchemaTooNew, match="newer version"):
        await SqliteStore.open(db_path)
    assert user_version(db_path) == LATEST_VERSION + 1
    assert schema(db_path) == before
    assert worker_threads() == []  # the refused open closed its connection


async def test_failing_migration_on_a_fresh_database_changes_nothing(db_path: Path) -> None:
    broken = [(1, "CREATE TABLE half_done (x INTEGER);\nINSERT INTO no_such_table VALUES (1);")]
    with pytest.raises(MigrationFailed, match="migration 1"):
        await SqliteStore.open(db_path, migrations=broken)
    assert user_version(db_path) == 0
    assert schema(db_path) == []
    assert worker_threads() == []


async def test_failing_migration_leaves_version_and_schema_unchanged(db_path: Path) -> None:
    async with await SqliteStore.open(db_path) as store:
        await store.set_member_progress(DISCORD, "u", W, film=9)
    before = schema(db_path)
    broken = [
        *MIGRATIONS,
        (
            LATEST_VERSION + 1,
            "-- why: a migration that fails half way\n"
            "CREATE TABLE extra (x INTEGER);\n"
            "ALTER TABLE member_progress ADD COLUMN nickname TEXT;\n"
            "INSERT INTO extra VALUES ('oops'); SELECT * FROM missing_table;\n",
        ),
    ]
    with pytest.raises(MigrationFailed):
        await SqliteStore.open(db_path, migrations=broken)
    assert user_version(db_path) == LATEST_VERSION
    assert schema(db_path) == before
    async with await SqliteStore.open(db_path) as store:
        assert await store.member_progress(DISCORD, "u", W) == Progress(0, 9)


async def test_a_later_migration_is_applied_with_its_version(db_path: Path) -> None:
    async with await SqliteStore.open(db_path):
        pass
    extra = [*MIGRATIONS, (LATEST_VERSION + 1, "CREATE TABLE extra (x INTEGER);")]
    async with await SqliteStore.open(db_path, migrations=extra) as store:
        assert (await store.pragmas())["user_version"] == LATEST_VERSION + 1
    assert "extra" in {name for _, name, _ in schema(db_path)}
    with pytest.raises(SchemaTooNew):  # and the old code now refuses the file
        await SqliteStore.open(db_path)


async def test_migration_numbers_must_have_no_gaps(db_path: Path) -> None:
    with pytest.raises(ValueError, match="no gaps"):
        await SqliteStore.open(db_path, migrations=[(1, "SELECT 1;"), (3, "SELECT 1;")])
    assert not exists(db_path)  # refused before touching the disk


def test_split_sql_respects_strings_comments_and_triggers() -> None:
    script = """-- why: header; with a semicolon
    CREATE TABLE t (x TEXT DEFAULT ';');
    /* block; comment */
    CREATE TRIGGER tr AFTER INSERT ON t BEGIN
        UPDATE t SET x = 'a;b';
        DELETE FROM t WHERE x = '';
    END;
    SELECT 1
    """
    statements = split_sql(script)
    assert len(statements) == 3
    assert statements[1].startswith("/* block; comment */")
    assert statements[1].rstrip().endswith("END;")
    assert statements[2] == "SELECT 1\n    ;"
    with pytest.raises(ValueError, match="incomplete"):
        split_sql("SELECT 'unterminated")


# -- members -------------------------------------------------------------------------------------


async def test_member_progress_defaults_to_not_started(store: SqliteStore) -> None:
    assert await store.member_progress(DISCORD, "nobody", W) == Progress(0, 0)


async def test_partial_progress_updates_keep_the_other_timeline(store: SqliteStore) -> None:
    assert await store.set_member_progress(DISCORD, "u", W, novel=4) == Progress(4, 0)
    assert await store.set_member_progress(DISCORD, "u", W, film=61) == Progress(4, 61)
    assert await store.set_member_progress(DISCORD, "u", W, novel=9) == Progress(9, 61)
    assert await store.set_member_progress(DISCORD, "u", W, novel=0, film=0) == Progress(0, 0)
    assert await store.member_progress(DISCORD, "u", W) == Progress(0, 0)


async def test_progress_update_with_nothing_changes_nothing(
    store: SqliteStore, peek: Peek
) -> None:
    assert await store.set_member_progress(DISCORD, "u", W) == Progress(0, 0)
    # No row was created for a no-op.
    assert await peek("SELECT count(*) FROM member_progress") == [(0,)]


async def test_negative_progress_is_refused_before_writing(store: SqliteStore) -> None:
    # A work's own ranges are the core's to check (its timeline); the store refuses only
    # what no work has.
    with pytest.raises(ValueError, match="below the start"):
        await store.set_member_progress(DISCORD, "u", W, film=-1)
    with pytest.raises(ValueError, match="below the start"):
        await store.set_club_progress(1, W, novel=-1)
    assert await store.set_member_progress(DISCORD, "u", W, novel=NOVEL_CHAPTERS,
                                           film=FILM_MINUTES) == Progress(NOVEL_CHAPTERS,
                                                                          FILM_MINUTES)


async def test_progress_is_kept_per_work(store: SqliteStore, club: Club) -> None:
    await store.set_member_progress(DISCORD, "u", W, novel=7)
    await store.set_member_progress(DISCORD, "u", "another", novel=2, film=130)
    assert await store.member_progress(DISCORD, "u", W) == Progress(7, 0)
    assert await store.member_progress(DISCORD, "u", "another") == Progress(2, 130)
    ctx = await store.context(DISCORD, "chan-1", "u")
    assert ctx.mine == (("another", Progress(2, 130)), (W, Progress(7, 0)))
    await store.set_club_progress(club.id, W, novel=9)
    await store.set_club_work(club.id, "another")
    await store.set_club_progress(club.id, "another", novel=3)
    moved = await store.club(DISCORD, "chan-1")
    assert moved is not None and moved.work == "another"
    assert moved.progress == Progress(3, 0) and moved.progress_in(W) == Progress(9, 0)
    await store.set_club_work(club.id, W)  # back again: its progress there was kept
    back = await store.club(DISCORD, "chan-1")
    assert back is not None and back.progress == Progress(9, 0)
    await store.reset_member_progress(DISCORD, "u", W)
    assert await store.member_progress(DISCORD, "u", "another") == Progress(2, 130)


async def test_member_progress_is_per_scope(store: SqliteStore) -> None:
    await store.set_member_progress(DISCORD, "u", W, novel=3)
    await store.set_member_progress(DISCORD_OTHER_GUILD, "u", W, novel=7)
    await store.set_member_progress(SLACK, "u", W, film=20)
    assert await store.member_progress(DISCORD, "u", W) == Progress(3, 0)
    assert await store.member_progress(DISCORD_OTHER_GUILD, "u", W) == Progress(7, 0)
    assert await store.member_progress(SLACK, "u", W) == Progress(0, 20)


async def test_reset_member_progress(store: SqliteStore) -> None:
    await store.set_member_progress(DISCORD, "u", W, novel=3, film=30)
    await store.set_member_progress(SLACK, "u", W, novel=5)
    await store.reset_member_progress(DISCORD, "u", W)
    assert await store.member_progress(DISCORD, "u", W) == Progress(0, 0)
    assert await store.member_progress(SLACK, "u", W) == Progress(5, 0)
    await store.reset_member_progress(DISCORD, "never-seen", W)  # not an error


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    updates=st.lists(
        st.tuples(
            st.none() | st.integers(0, NOVEL_CHAPTERS), st.none() | st.integers(0, FILM_MINUTES)
        ),
        max_size=8,
    )
)
async def test_progress_updates_match_a_simple_model(
    updates: list[tuple[int | None, int | None]],
) -> None:
    async with await SqliteStore.open(":memory:") as store:
        model = Progress()
        for novel, film in updates:
            model = Progress(
                model.novel if novel is None else novel, model.film if film is None else film
            )
            assert await store.set_member_progress(SLACK, "u", W, novel=novel, film=film) == model
        assert await store.member_progress(SLACK, "u", W) == model


# -- clubs ---------------------------------------------------------------------------------------


async def test_context_without_a_club(store: SqliteStore) -> None:
    ctx = await store.context(DISCORD, "chan-1", "u")
    assert ctx.club is None
    assert ctx.member_in(W) == Progress(0, 0)
    assert (ctx.is_host, ctx.is_member) == (False, False)
    await store.set_member_progress(DISCORD, "u", W, novel=6)
    assert (await store.context(DISCORD, "chan-1", "u")).member_in(W) == Progress(6, 0)


async def test_create_club_makes_the_creator_its_host(store: SqliteStore, club: Club) -> None:
    assert club.scope == DISCORD
    assert club.channel == "chan-1"
    assert club.medium is Medium.BOTH
    assert club.progress == Progress(0, 0)
    assert club.mode is SpoilerMode.HIDE
    assert club.tz == "UTC"
    assert club.hosts == ("hana",)
    assert club.member_count == 1
    assert club.created_by == "hana"
    assert club.created_at.endswith("+00:00")
    assert await store.club(DISCORD, "chan-1") == club  # what it returned is what is stored


async def test_context_for_host_member_and_outsider(store: SqliteStore, club: Club) -> None:
    await store.join_club(club.id, "mo")
    await store.set_member_progress(DISCORD, "mo", W, novel=2, film=15)

    host = await store.context(DISCORD, "chan-1", "hana")
    assert (host.is_host, host.is_member) == (True, True)
    assert host.club is not None
    assert host.club.member_count == 2

    member = await store.context(DISCORD, "chan-1", "mo")
    assert (member.is_host, member.is_member) == (False, True)
    assert member.member_in(W) == Progress(2, 15)

    outsider = await store.context(DISCORD, "chan-1", "zed")
    assert (outsider.is_host, outsider.is_member) == (False, False)
    assert outsider.club == host.club
    assert outsider.member_in(W) == Progress(0, 0)


async def test_club_is_none_for_a_channel_without_one(store: SqliteStore, club: Club) -> None:
    assert await store.club(DISCORD, "chan-2") is None


async def test_create_club_twice_raises_club_exists_and_changes_nothing(
    store: SqliteStore, club: Club
) -> None:
    with pytest.raises(ClubExists) as raised:
        await store.create_club(
            DISCORD, "chan-1", medium=Medium.NOVEL, tz="Europe/London", host="x", work=W)
    assert not isinstance(raised.value, sqlite3.Error)
    assert await store.club(DISCORD, "chan-1") == club
    assert not (await store.context(DISCORD, "chan-1", "x")).is_member


async def test_same_channel_id_in_other_scopes_is_another_club(
    store: SqliteStore, club: Club
) -> None:
    other_guild = await store.create_club(
        DISCORD_OTHER_GUILD, "chan-1", medium=Medium.NOVEL, tz="UTC", host="ann", work=W)
    slack = await store.create_club(SLACK, "chan-1", medium=Medium.FILM, tz="UTC", host="bo",
                                    work=W)
    assert len({club.id, other_guild.id, slack.id}) == 3
    await store.set_club_progress(slack.id, W, film=40)
    assert (await store.club(DISCORD, "chan-1")) == club
    slack_now = await store.club(SLACK, "chan-1")
    assert slack_now is not None
    assert slack_now.progress == Progress(0, 40)
    assert slack_now.hosts == ("bo",)
    assert not (await store.context(SLACK, "chan-1", "hana")).is_member


async def test_join_and_leave(store: SqliteStore, club: Club) -> None:
    assert await store.join_club(club.id, "mo") is True
    assert await store.join_club(club.id, "mo") is False
    assert (await store.context(DISCORD, "chan-1", "mo")).is_member
    assert await store.leave_club(club.id, "mo") is True
    assert await store.leave_club(club.id, "mo") is False
    assert not (await store.context(DISCORD, "chan-1", "mo")).is_member


async def test_the_only_host_cannot_leave(store: SqliteStore, club: Club) -> None:
    await store.join_club(club.id, "mo")
    with pytest.raises(LastHost):
        await store.leave_club(club.id, "hana")
    after = await store.club(DISCORD, "chan-1")
    assert after is not None
    assert after.hosts == ("hana",)
    assert after.member_count == 2


async def test_a_host_can_leave_when_another_host_remains(store: SqliteStore, club: Club) -> None:
    assert await store.add_host(club.id, "mo") is True
    assert await store.leave_club(club.id, "hana") is True
    after = await store.club(DISCORD, "chan-1")
    assert after is not None
    assert after.hosts == ("mo",)
    assert after.member_count == 1


async def test_add_host(store: SqliteStore, club: Club) -> None:
    assert await store.add_host(club.id, "new") is True  # not a member yet: becomes both
    ctx = await store.context(DISCORD, "chan-1", "new")
    assert (ctx.is_host, ctx.is_member) == (True, True)
    await store.join_club(club.id, "mo")
    assert await store.add_host(club.id, "mo") is True  # member promoted
    assert await store.add_host(club.id, "mo") is False  # already a host
    after = await store.club(DISCORD, "chan-1")
    assert after is not None
    assert after.hosts == ("hana", "new", "mo")  # in the order they joined
    assert after.member_count == 3


async def test_remove_host(store: SqliteStore, club: Club) -> None:
    assert await store.remove_host(club.id, "stranger") is False
    await store.join_club(club.id, "mo")
    assert await store.remove_host(club.id, "mo") is False  # a member, not a host
    with pytest.raises(LastHost):
        await store.remove_host(club.id, "hana")
    await store.add_host(club.id, "mo")
    assert await store.remove_host(club.id, "hana") is True
    ctx = await store.context(DISCORD, "chan-1", "hana")
    assert (ctx.is_host, ctx.is_member) == (False, True)  # still a member
    assert ctx.club is not None
    assert ctx.club.hosts == ("mo",)


async def test_set_club_progress_changes_only_the_given_timeline(
    store: SqliteStore, club: Club
) -> None:
    assert await store.set_club_progress(club.id, W, novel=5) == Progress(5, 0)
    assert await store.set_club_progress(club.id, W, film=33) == Progress(5, 33)
    assert await store.set_club_progress(club.id, W) == Progress(5, 33)
    after = await store.club(DISCORD, "chan-1")
    assert after is not None
    assert after.progress == Progress(5, 33)


async def test_set_spoiler_mode(store: SqliteStore, club: Club) -> None:
    for mode in (SpoilerMode.TAG, SpoilerMode.OFF, SpoilerMode.HIDE):
        await store.set_spoiler_mode(club.id, mode)
        after = await store.club(DISCORD, "chan-1")
        assert after is not None
        assert after.mode is mode


async def test_unknown_club_ids_raise_unknown_club(store: SqliteStore) -> None:
    for call in (
        store.join_club(999, "u"),
        store.add_host(999, "u"),
        store.set_club_progress(999, W, novel=1),
        store.set_spoiler_mode(999, SpoilerMode.TAG),
        store.mark_prompt_used(999, W, "p"),
    ):
        with pytest.raises(UnknownClub):
            await call
    assert await store.leave_club(999, "u") is False
    assert await store.remove_host(999, "u") is False
    assert await store.used_prompts(999, W) == frozenset()


async def test_prompts(store: SqliteStore, club: Club) -> None:
    other = await store.create_club(DISCORD, "chan-2", medium=Medium.NOVEL, tz="UTC", host="x",
                                    work=W)
    assert await store.used_prompts(club.id, W) == frozenset()
    await store.mark_prompt_used(club.id, W, "p1")
    await store.mark_prompt_used(club.id, W, "p1")  # idempotent
    await store.mark_prompt_used(club.id, W, "p2")
    used = await store.used_prompts(club.id, W)
    assert used == frozenset({"p1", "p2"})
    assert isinstance(used, frozenset)
    assert await store.used_prompts(other.id, W) == frozenset()


async def test_mark_prompt_used_again_refreshes_used_at(
    store: SqliteStore, club: Club, peek: Peek
) -> None:
    await store.mark_prompt_used(club.id, W, "p1")
    first = await peek("SELECT used_at FROM club_prompts")
    await store.mark_prompt_used(club.id, W, "p1")
    second = await peek("SELECT used_at FROM club_prompts")
    assert len(first) == len(second) == 1
    assert second[0][0] > first[0][0]


@pytest.mark.sqlite_only
async def test_schema_checks_back_up_the_code(store: SqliteStore, db_path: Path) -> None:
    # Values the code already refuses are refused by the schema too, and foreign keys cascade.
    club = await store.create_club(DISCORD, "c", medium=Medium.FILM, tz="UTC", host="h", work=W)
    await store.mark_prompt_used(club.id, W, "p")
    with raw(db_path) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        for sql in (
            "UPDATE club_progress SET novel = -1",
            "UPDATE club_progress SET film = -1",
            "UPDATE clubs SET medium = 'audiobook'",
            "UPDATE clubs SET spoiler_mode = 'maybe'",
            "INSERT INTO member_progress VALUES ('discord', 'g', 'u', 'w', -1, 0, 'now')",
            "INSERT INTO club_members VALUES (12345, 'u', 0, 'now')",
        ):
            with pytest.raises(sqlite3.IntegrityError):
                conn.execute(sql)
        conn.execute("DELETE FROM clubs WHERE id = ?", (club.id,))
        assert conn.execute("SELECT count(*) FROM club_members").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM club_prompts").fetchone()[0] == 0


# -- E-Q2: concurrency ---------------------------------------------------------------------------


async def test_fifty_concurrent_writes_all_succeed(store: SqliteStore, club: Club) -> None:
    writes = [
        *(store.set_member_progress(DISCORD, f"u{i}", W, novel=i % 24, film=i) for i in range(25)),
        *(store.join_club(club.id, f"m{i}") for i in range(20)),
        *(store.mark_prompt_used(club.id, W, f"p{i % 3}") for i in range(5)),
    ]
    results = await asyncio.gather(*writes, return_exceptions=True)
    assert [r for r in results if isinstance(r, BaseException)] == []
    for i in range(25):
        assert await store.member_progress(DISCORD, f"u{i}", W) == Progress(i % 24, i)
    after = await store.club(DISCORD, "chan-1")
    assert after is not None
    assert after.member_count == 21
    assert await store.used_prompts(club.id, W) == frozenset({"p0", "p1", "p2"})


async def test_two_stores_on_one_file_read_then_write_without_locking_errors(
    open_here: Opener,
) -> None:
    async with (
        await open_here() as first,
        await open_here() as second,
    ):
        club = await first.create_club(DISCORD, "c", medium=Medium.BOTH, tz="UTC", host="owner",
                                       work=W)

        async def churn(store: SqliteStore, name: str) -> None:
            # leave_club and remove_host read the host count, then write: the race E-Q2 is about.
            for i in range(15):
                await store.join_club(club.id, name)
                await store.add_host(club.id, name)
                await store.set_member_progress(DISCORD, name, W, novel=i % 24)
                await store.remove_host(club.id, name)
                await store.leave_club(club.id, name)

        results = await asyncio.gather(
            *(
                churn(store, f"{tag}{n}")
                for n in range(4)
                for tag, store in (("a", first), ("b", second))
            ),
            return_exceptions=True,
        )
        assert [r for r in results if isinstance(r, BaseException)] == []
        final = await second.club(DISCORD, "c")
        assert final is not None
        assert final.hosts == ("owner",)
        assert final.member_count == 1


async def test_racing_hosts_across_processes_never_leave_a_club_hostless(
        open_here: Opener) -> None:
    async with (
        await open_here() as first,
        await open_here() as second,
    ):
        for round_ in range(10):
            club = await first.create_club(
                DISCORD, f"c{round_}", medium=Medium.NOVEL, tz="UTC", host="a", work=W)
            await first.add_host(club.id, "b")
            results = await asyncio.gather(
                first.leave_club(club.id, "a"),
                second.remove_host(club.id, "b"),
                return_exceptions=True,
            )
            assert sorted(type(r).__name__ for r in results) == ["LastHost", "bool"]
            after = await second.club(DISCORD, f"c{round_}")
            assert after is not None
            assert len(after.hosts) == 1


@pytest.mark.sqlite_only
async def test_a_write_waits_for_another_connections_lock(
    store: SqliteStore, db_path: Path
) -> None:
    # busy_timeout: a write blocked by another process's transaction waits instead of failing.
    with raw(db_path) as other:
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO member_progress VALUES"
                      " ('slack', 'T', 'x', 'never-let-me-go', 1, 1, 'now')")
        asyncio.get_running_loop().call_later(0.3, other.execute, "COMMIT")
        started = time.monotonic()
        assert await store.set_member_progress(DISCORD, "u", W, novel=1) == Progress(1, 0)
        assert time.monotonic() - started >= 0.25
    assert await store.member_progress(Scope("slack", "T"), "x", W) == Progress(1, 1)


def test_a_deferred_transaction_would_fail_where_immediate_waits(db_path: Path) -> None:
    # Why the store says BEGIN IMMEDIATE: a deferred read-then-write transaction that another
    # connection commits under fails at once, busy_timeout or not (SQLITE_BUSY_SNAPSHOT).
    db_path.parent.mkdir(parents=True)
    with raw(db_path) as a, raw(db_path) as b:
        a.execute("PRAGMA journal_mode = WAL")
        a.execute("CREATE TABLE t (x INTEGER)")
        a.execute("INSERT INTO t VALUES (0)")
        for conn in (a, b):
            conn.execute("PRAGMA busy_timeout = 5000")
        a.execute("BEGIN")
        a.execute("SELECT x FROM t").fetchall()
        b.execute("UPDATE t SET x = 1")
        started = time.monotonic()
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            a.execute("UPDATE t SET x = 2")
        assert time.monotonic() - started < 1  # no waiting: the timeout does not help
        a.execute("ROLLBACK")


# -- E-Q3: closing -------------------------------------------------------------------------------


async def test_close_leaves_no_worker_thread(db_path: Path) -> None:
    store = await SqliteStore.open(db_path)
    assert worker_threads() != []
    await store.set_member_progress(DISCORD, "u", W, novel=1)
    await store.close()
    assert worker_threads() == []
    assert store.closed
    await store.close()  # a second close is harmless
    with pytest.raises(StoreError, match="closed"):
        await store.member_progress(DISCORD, "u", W)


async def test_an_error_inside_async_with_still_closes(db_path: Path) -> None:
    opened: list[SqliteStore] = []

    async def use_then_fail() -> None:
        async with await SqliteStore.open(db_path) as store:
            opened.append(store)
            await store.set_member_progress(DISCORD, "u", W, novel=1)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await use_then_fail()
    assert opened[0].closed
    assert worker_threads() == []


async def test_a_failed_write_rolls_back_and_the_store_stays_usable(
    store: SqliteStore, club: Club
) -> None:
    with pytest.raises(LastHost):
        await store.leave_club(club.id, "hana")
    # The rolled-back transaction is not left open: the next write works.
    assert await store.join_club(club.id, "mo") is True


async def test_a_cancelled_write_leaves_no_open_transaction(store: SqliteStore, club: Club) -> None:
    for _ in range(20):
        task = asyncio.create_task(store.join_club(club.id, "mo"))
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await store.leave_club(club.id, "mo")
    assert await store.join_club(club.id, "mo") is True


# -- E-Q7: backup --------------------------------------------------------------------------------


@pytest.mark.sqlite_only
async def test_backup_while_writing_is_consistent_and_restores(
    store: SqliteStore, club: Club, tmp_path: Path
) -> None:
    async def keep_writing() -> None:
        for i in range(40):
            await store.set_member_progress(DISCORD, f"w{i}", W, novel=i % 24)

    target = tmp_path / "backups" / "club-backup.db"
    writer = asyncio.create_task(keep_writing())
    await asyncio.sleep(0)
    await store.backup(target)
    await writer

    with raw(target) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    await store.backup(tmp_path / "backups" / "after.db")
    async with await SqliteStore.open(tmp_path / "backups" / "after.db") as restored:
        assert await restored.integrity_check() == "ok"
        assert await restored.club(DISCORD, "chan-1") == club
        for i in range(40):
            assert await restored.member_progress(DISCORD, f"w{i}", W) == Progress(i % 24, 0)


async def test_take_prompt_never_gives_two_callers_the_same_prompt(open_here: Opener) -> None:
    scope = Scope("discord", "g1")
    async with await open_here() as one, await open_here() as two:
        club = await one.create_club(scope, "c", medium=Medium.BOTH, tz="UTC", host="h", work=W)
        prompts = [f"p{i}" for i in range(20)]

        def first_unused(used: frozenset[str]) -> str | None:
            return next((p for p in prompts if p not in used), None)

        taken = await asyncio.gather(*(store.take_prompt(club.id, W, first_unused)
                                       for _ in range(10) for store in (one, two)))
        assert sorted(taken) == sorted(prompts)
        assert await one.take_prompt(club.id, W, first_unused) is None
        assert await one.used_prompts(club.id, W) == frozenset(prompts)


async def test_adapter_state_is_saved_and_replaced(store: SqliteStore,
                                                  open_here: Opener) -> None:
    assert await store.get_state("discord:synced:1:global") is None
    await store.put_state("discord:synced:1:global", "abc")
    await store.put_state("discord:synced:1:global", "def")
    assert await store.get_state("discord:synced:1:global") == "def"
    await store.close()
    async with await open_here() as again:
        assert await again.get_state("discord:synced:1:global") == "def"


async def test_context_reads_see_every_commit_at_once(db_path: Path) -> None:
    """context() reads on its own read-only connection: it must see what another store (or
    process) committed a moment ago, and never what is still uncommitted."""
    scope = Scope("test", "fresh")
    async with await SqliteStore.open(db_path) as reader, \
            await SqliteStore.open(db_path) as writer:
        assert (await reader.context(scope, "room", "sam")).member_in(W) == Progress()
        await writer.set_member_progress(scope, "sam", W, novel=7)
        assert (await reader.context(scope, "room", "sam")).member_in(W) == Progress(7, 0)
        with raw(db_path) as conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("UPDATE member_progress SET novel = 9 WHERE user_id = 'sam'")
            # Uncommitted: not seen, and the read does not wait for the writer.
            assert (await reader.context(scope, "room", "sam")).member_in(W) == Progress(7, 0)
            conn.rollback()


async def test_a_kept_context_gives_way_to_any_commit_in_any_process(db_path: Path) -> None:
    """context() keeps its answer while the database is unchanged: the same answer again,
    until a commit anywhere (this store, another store, another process) changes it."""
    scope = Scope("test", "kept")
    async with await SqliteStore.open(db_path) as store, \
            await SqliteStore.open(db_path) as other:
        club = await store.create_club(scope, "room", medium=Medium.BOTH, tz="UTC", host="ann",
                                       work=W)
        first = await store.context(scope, "room", "sam")
        assert await store.context(scope, "room", "sam") is first  # kept, not read again
        assert not first.is_member
        await store.join_club(club.id, "sam")  # this store's own write
        joined = await store.context(scope, "room", "sam")
        assert joined.is_member and joined.club is not None and joined.club.member_count == 2
        await other.set_club_progress(club.id, W, novel=4)  # another connection's
        assert (await store.context(scope, "room", "sam")).club.read == ((W, Progress(4, 0)),)
        # Another process, writing with nothing of ours.
        script = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None);"
                  " c.execute(\"UPDATE club_progress SET novel = 11\"); c.close()")
        proc = await asyncio.create_subprocess_exec(sys.executable, "-c", script, str(db_path))
        assert await proc.wait() == 0
        assert (await store.context(scope, "room", "sam")).club.read == ((W, Progress(11, 0)),)
        with raw(db_path) as conn:  # uncommitted: neither seen nor kept over the commit
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("UPDATE club_progress SET novel = 12")
            assert (await store.context(scope, "room", "sam")).club.read[0][1].novel == 11
            conn.commit()
        assert (await store.context(scope, "room", "sam")).club.read[0][1].novel == 12


@pytest.mark.sqlite_only
async def test_context_does_not_wait_for_the_worker(store: SqliteStore) -> None:
    """The hot read takes neither the worker thread nor the lock a write holds."""
    async with store._lock:  # as a write transaction in progress would
        context = await asyncio.wait_for(store.context(Scope("t", "w"), "room", "sam"), 1)
        assert await asyncio.wait_for(store.get_state("nothing"), 1) is None
    assert context.member_in(W) == Progress()


async def test_an_in_memory_store_reads_through_its_own_connection() -> None:
    async with await SqliteStore.open(":memory:") as store:
        await store.set_member_progress(Scope("t", "m"), "sam", W, film=30)
        assert (await store.context(Scope("t", "m"), "room", "sam")).member_in(W) == Progress(0, 30)


async def test_a_state_key_is_claimed_once(store: SqliteStore) -> None:
    results = await asyncio.gather(*(store.claim_state("slack:event:E1", "x") for _ in range(5)))
    assert sorted(results) == [False, False, False, False, True]
    assert await store.get_state("slack:event:E1") == "x"


async def test_clubs_of_a_member(store: SqliteStore) -> None:
    scope = Scope("test", "clubs")
    first = await store.create_club(scope, "one", medium=Medium.NOVEL, tz="UTC", host="ann", work=W)
    await store.create_club(scope, "two", medium=Medium.FILM, tz="UTC", host="bob", work=W)
    third = await store.create_club(scope, "three", medium=Medium.BOTH, tz="UTC", host="bob",
                                    work=W)
    await store.join_club(third.id, "ann")
    assert [(c.id, c.channel) for c in await store.clubs_of(scope, "ann")] == [
        (first.id, "one"), (third.id, "three")]
    assert await store.clubs_of(Scope("test", "other"), "ann") == ()


# -- adapter state with a time to live ----------------------------------------------------------


class Clock:
    """A wall clock (unix seconds) that moves only when a test moves it."""

    def __init__(self, now: float = 1_800_000_000.5) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def timed(open_here: Opener, clock: Clock) -> AsyncIterator[SqliteStore]:
    async with await open_here(clock=clock) as opened:
        yield opened


async def state_rows(peek: Peek) -> list[tuple[str, str, int | None]]:
    return await peek("SELECT key, value, expires_at FROM adapter_state ORDER BY key")


@pytest.mark.parametrize("where", ["file", "memory"])  # the fast reader, and the worker
async def test_an_expired_state_value_reads_as_absent(
        where: str, db_path: Path, clock: Clock) -> None:
    path = db_path if where == "file" else ":memory:"
    async with await SqliteStore.open(path, clock=clock) as store:
        await store.put_state("discord:button:1", "abc", ttl=30)
        clock.now += 29.9
        assert await store.get_state("discord:button:1") == "abc"
        clock.now += 1
        assert await store.get_state("discord:button:1") is None
        await store.put_state("discord:button:1", "def", ttl=30)  # a put after expiry: live
        assert await store.get_state("discord:button:1") == "def"
        await store.put_state("discord:button:1", "ghi")  # replaced without ttl: for good
        clock.now += 10 * 365 * 86400
        assert await store.get_state("discord:button:1") == "ghi"


async def test_an_expired_claim_can_be_claimed_again_by_exactly_one(
        timed: SqliteStore, clock: Clock) -> None:
    assert await timed.claim_state("slack:event:E1", "first", ttl=60) is True
    assert await timed.claim_state("slack:event:E1", "again", ttl=60) is False
    clock.now += 60  # expires_at is whole seconds, rounded up: a row lives at least its ttl
    assert await timed.claim_state("slack:event:E1", "again", ttl=60) is False
    clock.now += 0.5  # expired; the prune ran at +60, so the claim itself replaces the row
    results = await asyncio.gather(
        *(timed.claim_state("slack:event:E1", f"retry-{i}", ttl=60) for i in range(5)))
    assert sorted(results) == [False, False, False, False, True]
    assert await timed.get_state("slack:event:E1") == f"retry-{results.index(True)}"
    assert await timed.claim_state("slack:event:E1", "late", ttl=60) is False  # the new claim lives


async def test_state_without_a_ttl_is_kept_forever(
        timed: SqliteStore, clock: Clock, peek: Peek) -> None:
    await timed.put_state("discord:synced:1:global", "digest")
    assert await timed.claim_state("slack:trigger:T1:x", "note") is True
    clock.now += 50 * 365 * 86400
    await timed.put_state("other", "x", ttl=1)  # a state write, so a prune runs
    assert await timed.get_state("discord:synced:1:global") == "digest"
    assert await timed.claim_state("slack:trigger:T1:x", "again") is False
    assert await state_rows(peek) == [
        ("discord:synced:1:global", "digest", None), ("other", "x", math.ceil(clock.now + 1)),
        ("slack:trigger:T1:x", "note", None)]


async def test_expired_state_rows_are_deleted_at_most_once_a_minute(
        timed: SqliteStore, clock: Clock, peek: Peek) -> None:
    await timed.put_state("a", "1", ttl=10)
    await timed.claim_state("b", "1", ttl=10)
    await timed.put_state("keep", "1")
    clock.now += 30
    assert await timed.get_state("a") is None
    assert len(await state_rows(peek)) == 3  # reads never delete
    await timed.put_state("c", "1", ttl=60)  # 30 s since the last prune: not yet
    assert [key for key, _, _ in await state_rows(peek)] == ["a", "b", "c", "keep"]
    clock.now += 30
    await timed.claim_state("d", "1")  # a minute since the last prune: expired rows go
    assert [key for key, _, _ in await state_rows(peek)] == ["c", "d", "keep"]
    clock.now += 60  # c expired too
    await timed.put_state("keep", "2")
    assert await state_rows(peek) == [("d", "1", None), ("keep", "2", None)]


async def test_a_ttl_must_be_positive(timed: SqliteStore, peek: Peek) -> None:
    for ttl in (0, -5):
        with pytest.raises(ValueError, match="ttl"):
            await timed.put_state("k", "v", ttl=ttl)
        with pytest.raises(ValueError, match="ttl"):
            await timed.claim_state("k", "v", ttl=ttl)
    assert await state_rows(peek) == []


async def test_state_written_at_schema_version_3_survives_the_upgrade(
        db_path: Path, clock: Clock) -> None:
    async with await SqliteStore.open(db_path, migrations=MIGRATIONS[:3]) as old:
        assert (await old.pragmas())["user_version"] == 3
    with raw(db_path) as conn:  # as the version-3 release's put_state and claim_state wrote them
        for key, value in (("discord:synced:1:global", "digest"), ("slack:event:E9", "1"),
                           ("slack:trigger:T1:abc", "note")):
            conn.execute(
                "INSERT INTO adapter_state (key, value, updated_at) VALUES (:key, :value, :now)"
                " ON CONFLICT (key) DO NOTHING RETURNING 1",
                {"key": key, "value": value, "now": "2026-01-01T00:00:00.000000+00:00"})
        before = conn.execute("SELECT key, value, updated_at FROM adapter_state").fetchall()
    async with await SqliteStore.open(db_path, clock=clock) as store:
        assert (await store.pragmas())["user_version"] == LATEST_VERSION
        clock.now += 50 * 365 * 86400
        await store.put_state("new", "x", ttl=1)  # a prune runs, and keeps them all
        for key, value, _ in before:
            assert await store.get_state(key) == value
        assert await store.claim_state("slack:event:E9", "again") is False
    with raw(db_path) as conn:
        assert conn.execute("SELECT key, value, updated_at FROM adapter_state"
                            " WHERE key != 'new'").fetchall() == before
        assert conn.execute("SELECT count(*) FROM adapter_state WHERE key != 'new'"
                            " AND expires_at IS NULL").fetchone()[0] == len(before)


def test_the_sqlite_store_is_imported_only_through_its_package() -> None:
    """bot/store/sqlite/__init__.py is the one face; its modules are private to it."""
    root = Path(__file__).resolve().parents[1]
    inside = root / "bot" / "store" / "sqlite"
    for folder in ("bot", "tests", "bench"):
        for path in sorted((root / folder).rglob("*.py")):
            if inside in path.parents:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                for name in names:
                    assert not name.startswith("bot.store.sqlite."), f"{path}: {name}"
                    assert name != "bot.store.sqlite_nights", f"{path}: {name}"
