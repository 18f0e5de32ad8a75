"""The store's part of a club's wrap-ups (``open_wrapup`` ... ``club_works_read``), on both
stores (``open_here``, conftest.py): one open per club, answers replaced while it is open and
never after it closes, the history oldest first; and migration 11 on a SQLite database from
the release before it (and PostgreSQL's 7 on one from before it) keeps every club, member
and vote."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.core.clubs import Scope
from bot.core.timeline import Medium
from bot.core.wrapups import Finished, WrapupAnswer, WrapupOpen
from bot.store.sqlite import MIGRATIONS, SqliteStore
from tests.helpers.pg_server import PgServer, create_database

W = "never-let-me-go"
R = "remains-of-the-day"
SLACK = Scope("slack", "T1")
Opener = Callable[..., Awaitable[Any]]


async def test_one_open_answers_replaced_then_closed(open_here: Opener) -> None:
    async with await open_here() as store:
        club = await store.create_club(SLACK, "chan", medium=Medium.BOTH, tz="UTC",
                                       host="hana", work=W)
        other = await store.create_club(SLACK, "else", medium=Medium.BOTH, tz="UTC",
                                        host="hana", work=W)
        assert await store.open_wrapup_of(club.id) is None
        opened = await store.open_wrapup(club.id, W, "hana", reached_end=True)
        assert opened.open and opened.reached_end and opened.answers == ()
        with pytest.raises(WrapupOpen):
            await store.open_wrapup(club.id, W, "sam", reached_end=False)
        assert (await store.open_wrapup(other.id, W, "hana", reached_end=False)).open
        await store.answer_wrapup(opened.id, WrapupAnswer("sam", Finished.PARTLY, 2))
        now = await store.answer_wrapup(opened.id, WrapupAnswer("sam", Finished.FINISHED, 5,
                                                                "A fine ending", True))
        now = await store.answer_wrapup(opened.id, WrapupAnswer("hana", Finished.DIDNT, 1))
        assert now.answer_of("sam") == WrapupAnswer("sam", Finished.FINISHED, 5,
                                                    "A fine ending", True)
        assert len(now.answers) == 2 and now.mean == 3.0
        assert await store.open_wrapup_of(club.id) == now
        closed = await store.close_wrapup(opened.id)
        assert not closed.open and closed.closed_at is not None
        late = await store.answer_wrapup(opened.id, WrapupAnswer("mo", Finished.PARTLY, 3))
        assert late.answers == closed.answers  # closed: nothing more is taken
        assert await store.open_wrapup_of(club.id) is None
        again = await store.open_wrapup(club.id, W, "hana", reached_end=False)
        assert [w.id for w in await store.club_wrapups(club.id)] == [opened.id, again.id]
        assert (await store.club_wrapups(other.id))[0].answers == ()


async def test_the_works_a_club_has_read_oldest_first(open_here: Opener) -> None:
    async with await open_here() as store:
        club = await store.create_club(SLACK, "chan", medium=Medium.BOTH, tz="UTC",
                                       host="hana", work=W)
        await store.set_club_work(club.id, R)
        read = await store.club_works_read(club.id)
        assert [w for w, _at in read] == [W, R] and all(at for _w, at in read)


async def test_a_database_from_the_release_before_keeps_everything(tmp_path: Path) -> None:
    db = tmp_path / "club.db"
    before = [m for m in MIGRATIONS if m[0] <= 9]  # the release: migrations 1-9
    async with await SqliteStore.open(db, migrations=before) as old:
        made = await old.create_club(SLACK, "chan", medium=Medium.BOTH, tz="UTC",
                                     host="hana", work=W)
        await old.join_club(made.id, "sam")
        await old.set_club_progress(made.id, W, novel=23)
        poll = await old.open_poll(made.id, "hana", [W, R])
        await old.cast_vote(poll.id, "sam", R)
    async with await SqliteStore.open(db) as store:
        club = await store.club_by_id(made.id)
        assert club is not None and club.member_count == 2 and club.progress.novel == 23
        assert (await store.latest_poll_of(made.id)) is not None
        assert await store.club_wrapups(made.id) == ()
        assert [w for w, _ in await store.club_works_read(made.id)] == [W]
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == MIGRATIONS[-1][0] >= 11


async def test_a_postgresql_database_from_the_release_before_keeps_everything(
        pg_server: PgServer) -> None:
    from bot.store.postgres import PostgresStore
    from bot.store.postgres.migrate import MIGRATIONS as PG_MIGRATIONS

    url = await create_database(pg_server, migrated=False)
    before = [m for m in PG_MIGRATIONS if m[0] <= 5]  # the release: migrations 1-5
    async with await PostgresStore.open(url, migrations=before) as old:
        made = await old.create_club(SLACK, "chan", medium=Medium.BOTH, tz="UTC",
                                     host="hana", work=W)
        await old.join_club(made.id, "sam")
        await old.set_club_progress(made.id, W, novel=23)
        poll = await old.open_poll(made.id, "hana", [W, R])
        await old.cast_vote(poll.id, "sam", R)
    async with await PostgresStore.open(url) as store:
        club = await store.club_by_id(made.id)
        assert club is not None and club.member_count == 2 and club.progress.novel == 23
        assert (await store.latest_poll_of(made.id)) is not None
        assert await store.club_wrapups(made.id) == ()
        assert await store.schema_version() == PG_MIGRATIONS[-1][0] >= 7
        opened = await store.open_wrapup(made.id, W, "hana", reached_end=True)
        assert opened.id >= 1
