"""``python -m bot store copy``: a populated SQLite file to PostgreSQL and back, every row and
id intact, the counts checked; a non-empty target refused unless --force."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.clubs import Scope, SpoilerMode
from bot.core.content.model import Depth
from bot.core.host_questions import HostQuestion
from bot.core.nights import Answer, NightPlan, Target
from bot.core.reading import Point
from bot.core.timeline import Medium, Progress
from bot.core.when import Repeat, Wall
from bot.core.wrapups import Finished, WrapupAnswer
from bot.store.copy import CopyRefused, copy_store
from bot.store.postgres import PostgresStore
from bot.store.sqlite import SqliteStore
from bot.store.tables import TABLES
from tests.helpers.pg_server import PgServer, create_database

W, R = "never-let-me-go", "remains-of-the-day"
SCOPE = Scope("discord", "guild")
REPO = Path(__file__).resolve().parents[1]


def plan(film: int, repeat: Repeat | None = None) -> NightPlan:
    due = int(datetime(2027, 1, 8, 18, 30, tzinfo=UTC).timestamp())
    return NightPlan("Part", Target(film=film), Wall(datetime(2027, 1, 8, 19, 30), "UTC"),
                     repeat, "hana", ((1, due), (24, due - 82800)), W)


async def populate(path: Path) -> None:
    async with await SqliteStore.open(path) as store:
        club = await store.create_club(SCOPE, "c1", medium=Medium.BOTH, tz="UTC", host="hana",
                                       work=W)
        gone = await store.create_club(SCOPE, "c0", medium=Medium.NOVEL, tz="UTC", host="x",
                                       work=W)
        other = await store.create_club(Scope("slack", "T1"), "C9", medium=Medium.FILM,
                                        tz="Europe/London", host="bo", work=R)
        await store.archive_club(gone.id, True)
        await store.join_club(club.id, "mo")
        await store.add_host(club.id, "mo")
        await store.set_club_progress(club.id, W, novel=5, film=30)
        await store.set_club_work(club.id, R)
        await store.set_spoiler_mode(other.id, SpoilerMode.TAG)
        await store.set_member_progress(SCOPE, "mo", W, novel=9)
        await store.set_member_progress(SCOPE, "mo", R, film=12)
        await store.set_member_settings(SCOPE, "mo", private=True, name="Mo")
        await store.set_club_pictures(club.id, members=True, images=True)
        await store.mark_prompt_used(club.id, W, "p1")
        await store.stage_host_questions(club.id, W, "hana", [
            HostQuestion(0, "A host's own question?", Depth.DEEP, 3, None)])
        await store.confirm_host_questions(club.id, W, "hana")
        night = await store.add_night(club.id, plan(10, Repeat.WEEKLY))
        second = await store.add_night(club.id, plan(11))
        await store.start_night(second.id, "hana")
        await store.take_night_prompt(second.id, club.id, lambda used, shown: "p2")
        await store.rsvp(night.id, "mo", Answer.GOING)
        await store.set_remind(night.id, "zed", True)
        await store.claim_due("discord", 2**40, limit=1, worker="w1")
        poll = await store.open_poll(other.id, "bo", [W, R])
        await store.cast_vote(poll.id, "bo", R)
        wrapup = await store.open_wrapup(club.id, W, "hana", reached_end=True)
        await store.answer_wrapup(wrapup.id, WrapupAnswer("mo", Finished.PARTLY, 4, "Kept", True))
        await store.close_wrapup(wrapup.id)
        await store.put_state("discord:synced:1:global", "digest")
        await store.put_state("slack:event:E1", "1", ttl=600)
        await store.stage_schedule(club.id, W, "hana", [
            Point(1, Target(novel=9), Wall(datetime(2027, 3, 12, 9, 0), "Europe/London"))])
        await store.confirm_schedule(club.id, W, "hana", 0)
        await store.follow_schedule(club.id, "mo", True)


async def table_rows(store: SqliteStore | PostgresStore) -> dict[str, list[tuple[object, ...]]]:
    return {t: sorted((await store.export_rows(t))[1], key=repr) for t in TABLES}


async def test_a_sqlite_file_goes_to_postgresql_and_back_unchanged(
        tmp_path: Path, pg_server: PgServer) -> None:
    first, back = tmp_path / "first.db", tmp_path / "back.db"
    await populate(first)
    url = await create_database(pg_server, migrated=False)  # copy migrates the target itself
    there = await copy_store(first, url)
    assert there.total > 20 and all(there.counts[t] for t in TABLES)
    again = await copy_store(url, back)
    assert again.counts == there.counts
    async with await SqliteStore.open(first) as a, await SqliteStore.open(back) as b, \
            await PostgresStore.open(url) as pg:
        assert await table_rows(a) == await table_rows(b)
        assert await table_rows(pg) == await table_rows(a)
        # Through the port, PostgreSQL answers as the file did.
        club_id = (await a.export_rows("clubs"))[1][0][0]
        for store in (b, pg):
            ctx = await store.context(SCOPE, "c1", "mo")
            assert ctx == await a.context(SCOPE, "c1", "mo")
            assert ctx.club is not None and ctx.club.hosts == ("hana", "mo")
            assert ctx.club.progress_in(W) == Progress(5, 11) and ctx.member_in(R) == \
                Progress(0, 12)
            assert await store.get_state("discord:synced:1:global") == "digest"
            assert ctx.club.chart_members and ctx.club.images
            assert await store.club_member_points(club_id, W) == await a.club_member_points(
                club_id, W)
            assert await store.club_wrapups(club_id) == await a.club_wrapups(club_id)
        # Ids go on after the copied ones: no new club takes an old one's id.
        newer = await pg.create_club(SCOPE, "c-new", medium=Medium.BOTH, tz="UTC", host="h",
                                     work=W)
        assert newer.id > max(row[0] for row in (await a.export_rows("clubs"))[1])


async def test_a_non_empty_target_is_refused_without_force(
        tmp_path: Path, pg_server: PgServer) -> None:
    source = tmp_path / "club.db"
    await populate(source)
    url = await create_database(pg_server)
    async with await PostgresStore.open(url) as pg:
        await pg.set_member_progress(Scope("console", "local"), "someone", W, novel=1)
    with pytest.raises(CopyRefused, match=r"not empty .*1 member_progress.*--force"):
        await copy_store(source, url)
    async with await PostgresStore.open(url) as pg:
        assert (await pg.row_counts())["clubs"] == 0  # nothing was copied
    copied = await copy_store(source, url, force=True)
    async with await PostgresStore.open(url) as pg:
        assert await pg.row_counts() == copied.counts
        assert await pg.member_progress(Scope("console", "local"), "someone", W) == Progress()


def test_the_command_line_copies_and_refuses_in_plain_words(
        tmp_path: Path, pg_server: PgServer) -> None:
    import asyncio

    source, target = tmp_path / "club.db", tmp_path / "copy.db"
    asyncio.run(populate(source))
    env = {**os.environ, "BOT_LOG_FILE": str(tmp_path / "bot.log")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot", "store", "copy", *args],
                              capture_output=True, text=True, cwd=REPO, env=env, timeout=120,
                              check=False)

    done = run(str(source), f"sqlite:///{target}")
    assert done.returncode == 0, done.stderr
    assert "the counts match" in done.stdout and "clubs: 3" in done.stdout
    refused = run(str(source), str(target))
    assert refused.returncode == 1
    assert "is not empty" in refused.stderr and "--force" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert run(str(source), str(target), "--force").returncode == 0
