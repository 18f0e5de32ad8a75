"""A database written by the release before works (schema version 4: migrations 0001-0004)
opens under this one with every row intact and attached to Never Let Me Go, the work that
release served, and the bot goes on serving its clubs as before.

The database is built as that release left it: its migrations only, then rows in every table
of its schema, written with plain SQL in that schema's columns (no code of today's store)."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.console import Console
from bot.app import open_core
from bot.core.clubs import Scope, SpoilerMode
from bot.core.content import CardKind, Content
from bot.core.library import Library
from bot.core.nights import Answer, NightPrompt, Rsvp
from bot.core.scheduler import Scheduler
from bot.core.timeline import Medium, Progress
from bot.store.sqlite import LATEST_VERSION, MIGRATIONS, SqliteStore
from tests.conftest import CONSOLE, MONDAY_NOON, R, W
from tests.test_nights import Recorder

BEFORE_WORKS = MIGRATIONS[:4]  # the schema of the release before works
DISCORD = Scope("discord", "9001")
CREATED = "2026-11-01T10:00:00+00:00"
LONDON = "Europe/London"

# member progress: (platform, workspace, user, novel, film)
MEMBERS = [("console", "local", "you", 7, 0), ("console", "local", "sam", 23, 103),
           ("console", "local", "kim", 0, 45), ("discord", "9001", "4242", 12, 60)]
# clubs: (id, platform, workspace, channel, medium, novel, film, mode, tz, archived, hours)
CLUBS = [(1, "console", "local", "general", "both", 7, 0, "hide", LONDON, None, "24,1"),
         # Its night runs, so it is at the night's target; it was at 64 before (prior_film).
         (2, "console", "local", "films", "film", 0, 60, "tag", "UTC", None, "2"),
         (4, "discord", "9001", "777", "novel", 17, 0, "off", "America/New_York",
          "2026-12-01T00:00:00+00:00", "")]
# members of clubs: (club, user, host)
CLUB_MEMBERS = [(1, "you", 1), (1, "sam", 0), (1, "kim", 0), (2, "kim", 1), (2, "you", 1),
                (4, "4242", 1)]
USED = {1: ["art-warmup-01", "ch10-warmup-1"], 4: ["mortality-warmup-01"]}


def _unix(local: str, tz: str) -> int:
    return int(datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(tz)).timestamp())


# nights: (id, club, title, target novel, target film, local start, tz, repeat, status,
#          thread, prior novel, prior film)
NIGHTS = [
    (1, 1, "Part One", 9, None, "2026-12-04T19:30", LONDON, None, "ended", "t-1", 7, 0),
    (2, 1, None, 12, None, "2027-01-08T19:30", LONDON, "weekly", "scheduled", None, None,
     None),
    (3, 1, None, None, 30, "2027-01-09T20:00", LONDON, None, "cancelled", None, None, None),
    (5, 2, "Film night", None, 60, "2027-01-04T11:00", "UTC", None, "running", "t-5", 0, 64),
]
# rsvps: (night, user, answer, remind, here)
RSVPS = [(1, "sam", "going", 0, 1), (1, "kim", None, 0, 1), (2, "sam", "going", 1, 0),
         (2, "kim", "maybe", 0, 0), (2, "lee", "no", 0, 0), (5, "kim", "going", 0, 1)]
# reminders: (id, night, platform, hours, state)
REMINDERS = [(1, 1, "console", 24, "sent"), (2, 1, "console", 1, "skipped"),
             (3, 2, "console", 24, "pending"), (4, 2, "console", 1, "pending")]
# night prompts: (night, seq, prompt, skipped)
NIGHT_PROMPTS = [(1, 1, "ch01-warmup-1", 0), (1, 2, "ch05-deep-1", 1), (1, 3, "ch09-deep-1", 0),
                 (5, 1, "film-warmup-01", 0)]
# adapter state: (key, value, expires_at)
STATE = [("discord:synced:9001", "digest", None), ("nlmg:k:abc", "club info", None),
         ("slack:event:E1", "1", 4_102_444_800)]


def _due(night: int, hours: int) -> int:
    local, tz = next((n[5], n[6]) for n in NIGHTS if n[0] == night)
    return _unix(local, tz) - hours * 3600


@contextmanager
def raw(db: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(db, isolation_level=None)) as conn:
        yield conn


async def _release_before_works(db: Path) -> None:
    async with await SqliteStore.open(db, migrations=BEFORE_WORKS) as old:
        assert (await old.pragmas())["user_version"] == 4
    with raw(db) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.executemany("INSERT INTO members VALUES (?, ?, ?, ?, ?, ?)",
                         [(*m, CREATED) for m in MEMBERS])
        conn.executemany(
            "INSERT INTO clubs (id, platform, workspace, channel_id, medium, novel, film,"
            " spoiler_mode, tz, created_by, created_at, archived_at, reminder_hours)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'you', ?, ?, ?)",
            [(*c[:9], CREATED, c[9], c[10]) for c in CLUBS])
        # A club made and deleted before: its id (3) must never be handed out again.
        conn.execute("INSERT INTO clubs (id, platform, workspace, channel_id, medium, tz,"
                     " created_by, created_at) VALUES (3, 'console', 'local', 'gone', 'both',"
                     " 'UTC', 'you', ?)", (CREATED,))
        conn.execute("DELETE FROM clubs WHERE id = 3")
        conn.executemany("INSERT INTO club_members VALUES (?, ?, ?, ?)",
                         [(*m, CREATED) for m in CLUB_MEMBERS])
        conn.executemany("INSERT INTO club_prompts VALUES (?, ?, ?)",
                         [(club, p, CREATED) for club, ps in USED.items() for p in ps])
        conn.executemany(
            "INSERT INTO nights (id, club_id, title, target_novel, target_film, local_start,"
            " tz, starts_at, repeat, status, created_by, created_at, thread, prior_novel,"
            " prior_film) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'you', ?, ?, ?, ?)",
            [(*n[:7], _unix(n[5], n[6]), n[7], n[8], CREATED, *n[9:]) for n in NIGHTS])
        conn.execute("INSERT INTO nights (id, club_id, target_novel, local_start, tz,"
                     " starts_at, created_by, created_at) VALUES (6, 1, 3, '2027-02-01T19:00',"
                     " 'UTC', 0, 'you', ?)", (CREATED,))
        conn.execute("DELETE FROM nights WHERE id = 6")  # nor a night's id (6)
        conn.executemany("INSERT INTO rsvps VALUES (?, ?, ?, ?, ?, ?)",
                         [(*r, CREATED) for r in RSVPS])
        conn.executemany(
            "INSERT INTO reminders (id, night_id, platform, hours, due_at, state, done_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(i, n, p, h, _due(n, h), s, CREATED if s != "pending" else None)
             for i, n, p, h, s in REMINDERS])
        conn.executemany("INSERT INTO night_prompts VALUES (?, ?, ?, ?, ?)",
                         [(*p, CREATED) for p in NIGHT_PROMPTS])
        conn.executemany("INSERT INTO adapter_state VALUES (?, ?, ?, ?)",
                         [(k, v, CREATED, e) for k, v, e in STATE])


@pytest.fixture
async def db(tmp_path: Path) -> Path:
    path = tmp_path / "club.db"
    await _release_before_works(path)
    return path


async def test_every_row_is_intact_through_the_store(db: Path, library: Library) -> None:
    async with open_core(db, library=library, clock=lambda: MONDAY_NOON) as core:
        store = core.store
        for platform, workspace, user, novel, film in MEMBERS:
            scope = Scope(platform, workspace)
            assert await store.member_progress(scope, user, W) == Progress(novel, film)
            assert await store.member_progress(scope, user, R) == Progress()
        for cid, platform, workspace, channel, medium, novel, film, mode, tz, archived, hours \
                in CLUBS:
            club = await store.club(Scope(platform, workspace), channel)
            assert club is not None and club.id == cid
            assert club.work == W and club.read == ((W, Progress(novel, film)),)
            assert (club.medium, club.mode, club.tz) == (Medium(medium), SpoilerMode(mode), tz)
            assert club.archived == (archived is not None)
            assert club.reminders == tuple(int(h) for h in hours.split(",") if h)
            assert set(club.hosts) == {u for c, u, h in CLUB_MEMBERS if c == cid and h}
            assert club.member_count == sum(1 for c, _u, _h in CLUB_MEMBERS if c == cid)
            assert await store.used_prompts(cid, W) == frozenset(USED.get(cid, ()))
            assert await store.used_prompts(cid, R) == frozenset()
        assert [c.channel for c in await store.clubs_of(CONSOLE, "you")] == ["general",
                                                                            "films"]
        for nid, cid, title, novel, film, local, tz, repeat, status, thread, *_ in NIGHTS:
            night = await store.night(nid)
            assert night is not None and night.work == W and night.club_id == cid
            assert (night.title, night.target.novel, night.target.film) == (title, novel, film)
            assert (night.wall.local.isoformat(timespec="minutes"), night.wall.tz) == (local, tz)
            assert (night.repeat.value if night.repeat else None, night.status.value,
                    night.thread) == (repeat, status, thread)
            assert set(await store.rsvps(nid)) == {
                Rsvp(u, Answer(a) if a else None, bool(m), bool(h))
                for n, u, a, m, h in RSVPS if n == nid}
            assert await store.night_prompts(nid) == tuple(
                NightPrompt(s, p, bool(k)) for n, s, p, k in NIGHT_PROMPTS if n == nid)
        assert await store.night(3) is not None and await store.night(6) is None
        # The pending reminders fall due as they would have: the first a day before night 2.
        assert await store.next_due("console") == _due(2, 24)
        for key, value, _expires in STATE:
            assert await store.get_state(key) == value


async def test_every_row_is_intact_in_the_tables(db: Path, library: Library) -> None:
    untouched = ("club_members", "rsvps", "reminders", "night_prompts", "adapter_state")
    with raw(db) as conn:
        kept = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
                for t in untouched}
    assert all(kept.values())
    async with open_core(db, library=library, clock=lambda: MONDAY_NOON):
        pass
    with raw(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for table, rows in kept.items():  # tables the migration did not rebuild
            now = conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            # Later migrations may add columns (reminders' lease): the old ones are intact.
            assert [row[:len(rows[0])] for row in now] == rows
        assert sorted(conn.execute(
            "SELECT platform, workspace, user_id, work, novel, film FROM member_progress"
        ).fetchall()) == sorted((*m[:3], W, *m[3:]) for m in MEMBERS)
        assert conn.execute("SELECT id, work, channel_id, medium, spoiler_mode, tz, archived_at,"
                            " reminder_hours FROM clubs ORDER BY id").fetchall() == [
            (c[0], W, c[3], c[4], c[7], c[8], c[9], c[10]) for c in CLUBS]
        assert conn.execute("SELECT club_id, work, novel, film, started_at FROM club_progress"
                            " ORDER BY club_id").fetchall() == [
            (c[0], W, c[5], c[6], CREATED) for c in CLUBS]
        assert sorted(conn.execute("SELECT club_id, work, prompt_id FROM club_prompts")
                      .fetchall()) == sorted((c, W, p) for c, ps in USED.items() for p in ps)
        assert conn.execute("SELECT id, work, club_id, target_novel, target_film, status,"
                            " prior_novel, prior_film FROM nights ORDER BY id").fetchall() == [
            (n[0], W, n[1], n[3], n[4], n[8], n[10], n[11]) for n in NIGHTS]
        assert conn.execute("SELECT count(*) FROM polls").fetchone()[0] == 0
        # Ids handed out before are never handed out again, even those of deleted rows.
        assert dict(conn.execute("SELECT name, seq FROM sqlite_sequence WHERE name IN"
                                 " ('clubs', 'nights')").fetchall()) == {"clubs": 4,
                                                                        "nights": 6}


async def test_the_bot_serves_the_club_as_before(db: Path, library: Library,
                                                 pack: Content) -> None:
    async with open_core(db, library=library, rng=random.Random(2),
                         clock=lambda: MONDAY_NOON) as core:
        console = Console(core)
        info = await console.handle("/club info") or ""
        assert "Work: Never Let Me Go" in info and "Novel: chapter 7 finished (Part One)" in info
        tommy = next(c for c in pack.cards_of(CardKind.CHARACTER) if c.name == "Tommy")
        card = await console.handle("/character tommy") or ""
        for part in tommy.parts:
            assert (part.text in card) == part.reveal.visible_at(Progress(7, 0)), part.text
        mine = await console.handle("@sam /progress") or ""
        assert "Novel: finished" in mine and "Film: finished" in mine
        listed = await console.handle("/session list") or ""
        assert "Night #2" in listed and "covers the novel through chapter 12" in listed
        assert "1 going · 1 maybe · 1 can't come" in listed
        history = await console.handle("/club history") or ""
        assert "Night #1 · Part One" in history and "2 prompts · 2 came" in history
        # The running night goes on and, ended, gives the club its progress back.
        ended = await console.handle("#films /session end") or ""
        assert "Recap: Night #5 · Film night" in ended
        films = await core.store.club(CONSOLE, "films")
        assert films is not None and films.progress == Progress(0, 64)
        # A prompt the club had is not given again.
        used = await core.store.used_prompts(1, W)
        await console.handle("/prompt")
        assert used < await core.store.used_prompts(1, W)
        # New rows take ids never handed out before.
        new = await console.handle("#new /club create both") or ""
        assert "Club created" in new
        made = await core.store.club(CONSOLE, "new")
        assert made is not None and made.id == 5 and made.work == W
        night = await console.handle("/session schedule novel 15 at 2027-02-05 19:30") or ""
        assert "Night #7" in night


async def test_a_reminder_left_pending_is_sent_once(db: Path, library: Library) -> None:
    at = datetime(2027, 1, 7, 19, 31, tzinfo=UTC)  # a day before night 2 (London is UTC)
    async with open_core(db, library=library, clock=lambda: at) as core:
        courier = Recorder()
        ticker = Scheduler(core.deps, "console", courier)
        assert await ticker.tick() == 1
        (channel, private) = courier.take()
        assert channel.channel == "general" and private.to == "sam"
        assert "Night #2" in "\n".join(channel.reply.texts())
        assert await ticker.tick() == 0 and courier.take() == []


async def test_rows_from_before_works_belong_to_the_first_work_whatever_the_default(
        db: Path, library: Library) -> None:
    """A deployment that makes Remains its default (BOT_DEFAULT_WORK) still finds its old
    rows about Never Let Me Go, the one work the old release served."""
    works = Library(list(library), default=R)
    async with open_core(db, library=works, clock=lambda: MONDAY_NOON) as core:
        club = await core.store.club(CONSOLE, "general")
        assert club is not None and club.work == W and club.progress == Progress(7, 0)
        assert await core.store.member_progress(CONSOLE, "you", W) == Progress(7, 0)
        info = await Console(core).handle("/club info") or ""
        assert "Work: Never Let Me Go" in info
