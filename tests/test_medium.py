"""A club follows only its own medium: progress on another is refused, `/club medium` changes
what it follows, and its channel is cut to its own media alone, even where a row written before
the rule says otherwise. On the console, through the real core and SQLite on a file."""

from __future__ import annotations

import random
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bot.adapters.console import Console
from bot.app import open_core
from bot.core.content import CardKind, Content
from bot.core.nights import NightStatus
from bot.core.service import Core
from bot.core.timeline import Progress
from bot.store.sqlite import MIGRATIONS, SqliteStore
from tests.conftest import CONSOLE, MONDAY_NOON

# The schema this rule was made on (a later migration must not change what the test builds).
SCHEMA_OF_THE_RULE = MIGRATIONS[:4]


def _hidden_text(pack: Content, name: str, at: Progress) -> list[str]:
    card = next(c for c in pack.cards_of(CardKind.CHARACTER) if c.name == name)
    return [p.text for p in card.parts if not p.reveal.visible_at(at)]


async def _progress(core: Core, channel: str = "general") -> Progress:
    club = await core.store.club(CONSOLE, channel)
    assert club is not None
    return club.progress


async def test_a_film_club_refuses_novel_progress_and_changes_nothing(core: Core) -> None:
    console = Console(core)
    await console.handle("/club create film")
    said = await console.handle("/club progress novel 19")
    assert said == ("This club follows the film, so it has no novel progress to set.\n"
                    "A host can add the novel with `/club medium both`.")
    assert "follows the film" in (await console.handle("/club progress novel 3 film 10") or "")
    assert await _progress(core) == Progress(0, 0)  # not even the film part of it
    moved = await console.handle("/club progress film 10") or ""
    assert "Film: 0:10 watched" in moved and "Novel" not in moved


async def test_a_novel_club_refuses_film_progress_and_film_nights(core: Core) -> None:
    console = Console(core)
    await console.handle("#books /club create novel")
    said = await console.handle("#books /club progress film 90") or ""
    assert "follows the novel, so it has no film progress" in said
    assert "add the film with `/club medium both`" in said
    night = await console.handle("#books /session schedule film 45 at friday 19:30") or ""
    assert "follows the novel, so its nights cover chapters" in night
    assert "`/club medium both`" in night
    assert await _progress(core, "books") == Progress(0, 0)
    info = await console.handle("#books /club info") or ""
    assert "Novel: not started" in info and "Film:" not in info


async def test_club_medium_changes_what_a_club_follows(core: Core) -> None:
    console = Console(core)
    await console.handle("/club create both")
    await console.handle("/club progress novel 9 film 30")
    assert "Only a host" in (await console.handle("@sam /club medium film") or "")
    dropped = await console.handle("/club medium film") or ""
    assert "now follows the film" in dropped and "novel progress is no longer kept" in dropped
    assert await _progress(core) == Progress(0, 30)
    added = await console.handle("/club medium both") or ""
    assert "starts the novel at the beginning" in added and "`/club progress book N`" in added
    assert await _progress(core) == Progress(0, 30)  # the novel starts again at 0
    same = await console.handle("/club medium both") or ""
    assert same.startswith("This club already follows the novel and the film.")
    assert "only you see this" in same
    bad = await console.handle("/club medium poetry") or ""
    assert "MEDIUM must be one of" in bad


async def test_club_medium_keeps_the_nights_it_would_strand(core: Core) -> None:
    console = Console(core)
    await console.handle("/club create both")
    await console.handle("/session schedule novel 9 at friday 19:30")
    kept = await console.handle("/club medium film") or ""
    assert kept == ("Night #1 covers the novel, which the club would no longer follow.\n"
                    "Cancel it (`/session cancel 1`) or change its target "
                    "(`/session edit 1 target ...`) first.")
    assert "now follows the novel" in (await console.handle("/club medium novel") or "")
    await console.handle("/club medium both")
    await console.handle("/session start 1")
    running = await console.handle("/club medium film") or ""
    assert "Night #1 is running on the novel" in running and "/session end" in running
    club = await core.store.club(CONSOLE, "general")
    assert club is not None and club.medium.value == "both"


async def _a_row_from_before_the_rule(db: Path) -> None:
    """A film club whose row says chapter 19 of the novel: what `/club progress novel 19`
    wrote in a film club before the rule, on the schema of the time."""
    async with await SqliteStore.open(db, migrations=SCHEMA_OF_THE_RULE):
        pass
    with closing(sqlite3.connect(db, isolation_level=None)) as conn:
        club = conn.execute(
            "INSERT INTO clubs (platform, workspace, channel_id, medium, novel, film, tz,"
            " created_by, created_at) VALUES ('console', 'local', 'general', 'film', 19, 5,"
            " 'UTC', 'you', '2026-01-01T00:00:00+00:00') RETURNING id").fetchone()[0]
        conn.execute("INSERT INTO club_members (club_id, user_id, is_host, joined_at)"
                     " VALUES (?, 'you', 1, '2026-01-01T00:00:00+00:00')", (club,))


def _row(db: Path) -> tuple[str, int, int]:
    """The club's medium and, since works came in (migration 0005), its progress row in the
    work it read before there were works."""
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(
            "SELECT c.medium, p.novel, p.film FROM clubs c JOIN club_progress p"
            " ON p.club_id = c.id AND p.work = 'never-let-me-go'").fetchone()


async def test_a_row_from_before_the_rule_is_kept_and_ignored_by_the_gate(
        pack: Content, tmp_path: Path) -> None:
    db = tmp_path / "club.db"
    await _a_row_from_before_the_rule(db)
    async with open_core(db, content=pack, rng=random.Random(1),
                         clock=lambda: MONDAY_NOON) as core:
        console = Console(core)
        ruth = await console.handle("/character ruth") or ""
        for text in _hidden_text(pack, "Ruth", Progress(0, 5)):
            assert text not in ruth  # Part Three stays shut in a room five minutes in
        assert ("cut to the club's progress: novel: not started, film: 0:05 watched"
                in ruth)
        info = await console.handle("/club info") or ""
        assert "Film: 0:05 watched" in info and "chapter 19" not in info
        assert _row(db) == ("film", 19, 5)  # left as it was
        # Taking up the novel starts it at the beginning, not at the old row's chapter 19.
        await console.handle("/club medium both")
        assert _row(db) == ("both", 0, 5)
        again = await console.handle("/character ruth") or ""
        for text in _hidden_text(pack, "Ruth", Progress(0, 5)):
            assert text not in again


@pytest.mark.parametrize(("medium", "line"), [("film", "/session schedule novel 9 at friday"
                                                        " 19:30"),
                                               ("novel", "/club progress film done")])
async def test_a_refusal_changes_nothing(core: Core, medium: str, line: str) -> None:
    console = Console(core)
    await console.handle(f"/club create {medium}")
    before = await core.store.club(CONSOLE, "general")
    reply = await console.handle(line) or ""
    assert "This club follows" in reply and "Traceback" not in reply
    assert await core.store.club(CONSOLE, "general") == before
    assert before is not None
    assert await core.store.club_nights(before.id, (NightStatus.SCHEDULED,)) == ()
