"""The SQLite implementation of the store port (``bot.core.store.Store``), on aiosqlite.

Reliability rules (docs: platform-contract.md §C):

- One aiosqlite connection per store, opened with ``isolation_level=None`` so Python's sqlite3
  never opens a transaction behind our back.
- Every write runs in ``BEGIN IMMEDIATE ... COMMIT`` under an ``asyncio.Lock``. IMMEDIATE takes the
  write lock up front, so a transaction that reads and then writes waits for another writer
  (``busy_timeout``) instead of failing at once with "database is locked".
- Reads take the same lock: the connection is shared, and outside the lock a read could run in the
  middle of another task's transaction and see rows that are later rolled back. Everything runs on
  the connection's single thread anyway, so the lock costs almost nothing.
- ``journal_mode=WAL`` so other processes can read while we write, and ``synchronous=FULL`` so a
  commit the user was told about survives power loss, not only a crash (NORMAL + WAL may lose the
  last commits on power loss).
- The schema is versioned with ``PRAGMA user_version``; each migration and its version bump commit
  together or not at all.
- ``context()``, which every command and every autocomplete keystroke reads (and
  ``get_state()``, read on every button click), goes through a
  second, read-only stdlib connection on the event loop's own thread: a point read there takes
  microseconds, against a thread hop for each aiosqlite call. It sees only committed rows (its
  own snapshot, fresh for every statement, including other processes' commits), and with
  ``busy_timeout = 0`` it never blocks the loop: if SQLite ever answers busy, the read goes
  the usual way, through the worker thread.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import aiosqlite

from bot.core.clubs import Club, ClubExists, Context, LastHost, Scope, SpoilerMode
from bot.core.timeline import Medium, Progress
from bot.store.sqlite_nights import NightsMixin

__all__ = [
    "LATEST_VERSION",
    "MIGRATIONS",
    "MigrationFailed",
    "SchemaTooNew",
    "SqliteStore",
    "StoreError",
    "UnknownClub",
    "load_migrations",
    "split_sql",
]

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
# Idempotent: a retried or duplicated command only refreshes used_at.
_MARK_PROMPT_SQL = (
    "INSERT INTO club_prompts (club_id, prompt_id, used_at) VALUES (:club, :prompt, :now)"
    " ON CONFLICT (club_id, prompt_id) DO UPDATE SET used_at = excluded.used_at"
)
_THREAD_EXIT_TIMEOUT = 1.0


class StoreError(RuntimeError):
    """The database failed (I/O, locked past the timeout, closed store). Not the user's fault."""


class SchemaTooNew(StoreError):
    """The database was written by a newer version of the bot; refusing to run an old one on it."""


class MigrationFailed(StoreError):
    """A migration raised; its transaction was rolled back, so the schema is as it was."""


class UnknownClub(StoreError, LookupError):
    """A club id that no club has (a stale id, or the club was deleted)."""


# -- migrations ----------------------------------------------------------------------------------

_MIGRATION_FILE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def load_migrations() -> tuple[tuple[int, str], ...]:
    """The packaged migrations, ``migrations/NNNN_description.sql``, as (version, sql), in order."""
    found: list[tuple[int, str]] = []
    for entry in resources.files(__package__ or "bot.store").joinpath("migrations").iterdir():
        if not entry.name.endswith(".sql"):
            continue
        match = _MIGRATION_FILE.match(entry.name)
        if match is None:
            # A misnamed file would otherwise be skipped silently and its schema never applied.
            raise RuntimeError(f"migration file {entry.name!r} is not named NNNN_description.sql")
        found.append((int(match[1]), entry.read_text(encoding="utf-8")))
    return _checked(found)


def _checked(migrations: Iterable[tuple[int, str]]) -> tuple[tuple[int, str], ...]:
    ordered = tuple(sorted(migrations))
    versions = [version for version, _ in ordered]
    if versions != list(range(1, len(ordered) + 1)):
        raise ValueError(f"migrations must be numbered 1, 2, 3... with no gaps, got {versions}")
    return ordered


def split_sql(script: str) -> list[str]:
    """Split a script into statements, using SQLite's own idea of a complete statement.

    ``executescript`` would be simpler, but it COMMITs any open transaction first, which would
    split a migration from its ``user_version`` bump. ``complete_statement`` understands strings,
    comments and trigger bodies, so a ``;`` inside them does not end a statement.
    """
    statements: list[str] = []
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if _has_code(buffer):
                statements.append(buffer.strip())
            buffer = ""
    if _has_code(buffer):
        raise ValueError(f"incomplete SQL statement at the end of the script: {buffer.strip()!r}")
    return statements


def _has_code(sql: str) -> bool:
    without_comments = re.sub(r"--[^\n]*|/\*.*?\*/", "", sql, flags=re.DOTALL)
    return without_comments.strip(" \t\r\n;") != ""


MIGRATIONS: tuple[tuple[int, str], ...] = load_migrations()
LATEST_VERSION: int = MIGRATIONS[-1][0] if MIGRATIONS else 0


def _open_reader(path: Path) -> sqlite3.Connection | None:
    """The read-only connection for hot point reads; None (reads take the worker) if it fails."""
    try:
        reader = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                                 isolation_level=None)
    except sqlite3.Error:
        log.warning("no read-only connection for %s; reads go through the worker", path)
        return None
    reader.execute("PRAGMA busy_timeout = 0")
    reader.execute("PRAGMA query_only = 1")
    return reader


# -- SQL -----------------------------------------------------------------------------------------

# The club columns shared by club() and context(); the subqueries use the (club_id, user_id)
# primary key. LIMIT -1 keeps SQLite from dropping the inner ORDER BY, so hosts come out in the
# order they joined (SQLite 3.40 has no ORDER BY inside an aggregate).
_CLUB_COLUMNS = """
    c.id, c.medium, c.novel, c.film, c.spoiler_mode, c.tz, c.created_by, c.created_at,
    (SELECT json_group_array(user_id) FROM (
        SELECT h.user_id FROM club_members AS h
        WHERE h.club_id = c.id AND h.is_host = 1
        ORDER BY h.joined_at, h.user_id LIMIT -1)) AS hosts,
    (SELECT count(*) FROM club_members AS n WHERE n.club_id = c.id) AS member_count,
    c.archived_at, c.reminder_hours
"""

# (SELECT 1) drives the LEFT JOINs so there is always exactly one row, club or not.
_CONTEXT_SQL = f"""
SELECT {_CLUB_COLUMNS}, me.is_host, m.novel, m.film
FROM (SELECT 1) AS one
LEFT JOIN clubs AS c
    ON c.platform = :platform AND c.workspace = :workspace AND c.channel_id = :channel
LEFT JOIN club_members AS me ON me.club_id = c.id AND me.user_id = :user
LEFT JOIN members AS m
    ON m.platform = :platform AND m.workspace = :workspace AND m.user_id = :user
"""

_CLUB_SQL = f"""
SELECT {_CLUB_COLUMNS}
FROM clubs AS c
WHERE c.platform = :platform AND c.workspace = :workspace AND c.channel_id = :channel
"""

_MEMBER_PROGRESS_SQL = """
SELECT novel, film FROM members
WHERE platform = :platform AND workspace = :workspace AND user_id = :user
"""

# coalesce(:x, column) keeps the timeline the caller did not name.
_SET_MEMBER_PROGRESS_SQL = """
INSERT INTO members (platform, workspace, user_id, novel, film, updated_at)
VALUES (:platform, :workspace, :user, coalesce(:novel, 0), coalesce(:film, 0), :now)
ON CONFLICT (platform, workspace, user_id) DO UPDATE SET
    novel = coalesce(:novel, members.novel),
    film = coalesce(:film, members.film),
    updated_at = :now
RETURNING novel, film
"""

_HOST_STATE_SQL = """
SELECT me.is_host,
       (SELECT count(*) FROM club_members AS h WHERE h.club_id = me.club_id AND h.is_host = 1)
FROM club_members AS me
WHERE me.club_id = :club AND me.user_id = :user
"""


def _now() -> str:
    # Microseconds so that joined_at orders hosts who joined within the same second.
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _is_fk_error(error: sqlite3.IntegrityError) -> bool:
    return getattr(error, "sqlite_errorname", "") == "SQLITE_CONSTRAINT_FOREIGNKEY"


def _club_from_row(scope: Scope, channel: str, row: Sequence[Any]) -> Club:
    (club_id, medium, novel, film, mode, tz, created_by, created_at, hosts, count, archived,
     reminders) = row[:CLUB_WIDTH]
    return Club(
        id=club_id,
        scope=scope,
        channel=channel,
        medium=Medium(medium),
        progress=Progress(novel, film),
        mode=SpoilerMode(mode),
        tz=tz,
        hosts=tuple(json.loads(hosts)),
        member_count=count,
        created_by=created_by,
        created_at=created_at,
        archived=archived is not None,
        reminders=parse_hours(reminders),
    )


def parse_hours(text: str) -> tuple[int, ...]:
    return tuple(int(h) for h in text.split(",") if h)


CLUB_WIDTH = 12  # columns in _CLUB_COLUMNS


# -- the store -----------------------------------------------------------------------------------


class SqliteStore(NightsMixin):
    """``Store`` on one SQLite file. Create with ``await SqliteStore.open(path)``; close it."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        # Private: open() applies the pragmas and migrations a usable store depends on.
        self._conn: aiosqlite.Connection | None = conn
        self._lock = asyncio.Lock()
        self._reader: sqlite3.Connection | None = None  # see the module docstring

    # -- lifecycle --------------------------------------------------------------------------------

    @classmethod
    async def open(
        cls,
        path: str | os.PathLike[str],
        *,
        migrations: Iterable[tuple[int, str]] | None = None,
    ) -> SqliteStore:
        """Open (creating if needed) the database at ``path`` (or ``":memory:"``), migrated.

        ``migrations`` replaces the packaged ones; tests use it to show a failing migration
        changes nothing.
        """
        plan = MIGRATIONS if migrations is None else _checked(migrations)
        in_memory = str(path) in {":memory:", ""}
        try:
            if not in_memory:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            conn = await aiosqlite.connect(
                os.fspath(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
            )
        except (OSError, sqlite3.Error) as error:
            raise StoreError(f"cannot open the database at {path}: {error}") from error
        store = cls(conn)
        try:
            await store._configure(in_memory=in_memory)
            await store._migrate(plan)
            if not in_memory:
                store._reader = _open_reader(Path(path))
        except BaseException:
            # Without this the worker thread (non-daemon) would keep the process alive.
            await store.close()
            raise
        return store

    async def _configure(self, *, in_memory: bool) -> None:
        conn = self._require_open()
        try:
            await conn.execute_fetchall(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute_fetchall("PRAGMA foreign_keys = ON")
            await conn.execute_fetchall("PRAGMA synchronous = FULL")
            mode = await self._enable_wal(conn)
        except sqlite3.Error as error:
            raise StoreError(f"cannot configure the database: {error}") from error
        # An in-memory database answers "memory"; a file that cannot do WAL (e.g. a network
        # filesystem) answers its old mode, and we would rather not run with other semantics.
        if not in_memory and mode != "wal":
            raise StoreError(f"the database refused WAL journaling (journal_mode is {mode!r})")

    @staticmethod
    async def _enable_wal(conn: aiosqlite.Connection) -> str:
        """Switch to WAL (persistent, so usually already done) and return the journal mode."""
        rows = list(await conn.execute_fetchall("PRAGMA journal_mode"))
        if str(rows[0][0]).lower() == "wal":
            return "wal"
        # Switching needs an exclusive lock, and SQLite answers "database is locked" at once,
        # without the busy handler, when another connection is opening the same new file
        # (seen with two stores opening a fresh file together). So retry up to busy_timeout.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + BUSY_TIMEOUT_MS / 1000
        delay = 0.005
        while True:
            try:
                rows = list(await conn.execute_fetchall("PRAGMA journal_mode = WAL"))
                return str(rows[0][0]).lower()
            except sqlite3.OperationalError as error:
                # The low byte is the primary code; extended ones (BUSY_RECOVERY...) add bits.
                busy = getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY
                if not busy or loop.time() + delay > deadline:
                    raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.1)

    async def _migrate(self, plan: Sequence[tuple[int, str]]) -> None:
        conn = self._require_open()
        latest = plan[-1][0] if plan else 0
        try:
            current = await self._user_version(conn)
        except sqlite3.Error as error:  # e.g. "file is not a database"
            raise StoreError(f"cannot read the database: {error}") from error
        if current > latest:
            raise SchemaTooNew(
                f"the database is at schema version {current} but this bot knows only up to "
                f"{latest}; it was written by a newer version: upgrade the bot, don't downgrade"
            )
        for version, sql in plan:
            if version <= current:
                continue
            async with self._lock:
                try:
                    # BEGIN inside the try, as in _write: a cancelled BEGIN still runs.
                    await conn.execute_fetchall("BEGIN IMMEDIATE")
                    # Re-read under the write lock: another process may have migrated meanwhile.
                    current = await self._user_version(conn)
                    if version <= current:
                        await conn.execute_fetchall("COMMIT")
                        continue
                    for statement in split_sql(sql):
                        await conn.execute_fetchall(statement)
                    await conn.execute_fetchall(f"PRAGMA user_version = {int(version)}")
                    await conn.execute_fetchall("COMMIT")
                except BaseException as error:
                    await self._rollback(conn)
                    if isinstance(error, sqlite3.Error | ValueError):
                        raise MigrationFailed(
                            f"migration {version} failed and was rolled back: {error}"
                        ) from error
                    raise
            log.info("database migrated to schema version %d", version)
            current = version

    @staticmethod
    async def _user_version(conn: aiosqlite.Connection) -> int:
        rows = list(await conn.execute_fetchall("PRAGMA user_version"))
        return int(rows[0][0])

    async def close(self) -> None:
        """Close the connection and wait for its worker thread to end. Safe to call twice."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.close()
        # Let a transaction in flight finish (or roll back) before the connection goes.
        async with self._lock:
            await conn.close()
        # aiosqlite's close() resolves just before its (non-daemon) thread leaves its loop; join
        # it so that "closed" means no thread is left to hold the process open. The thread has
        # nothing left to do, so this blocks the event loop for microseconds, not seconds.
        thread = getattr(conn, "_thread", None)
        if isinstance(thread, threading.Thread):
            thread.join(_THREAD_EXIT_TIMEOUT)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def closed(self) -> bool:
        return self._conn is None

    # -- transaction plumbing -------------------------------------------------------------------

    def _require_open(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise StoreError("the store is closed")
        return self._conn

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[aiosqlite.Connection]:
        """One ``BEGIN IMMEDIATE ... COMMIT`` transaction, rolled back if the body raises."""
        async with self._lock:
            conn = self._require_open()
            try:
                # Inside the try: if we are cancelled while BEGIN is queued, it still runs on the
                # worker thread, and the rollback (queued after it) must close that transaction.
                await conn.execute_fetchall("BEGIN IMMEDIATE")
                yield conn
            except BaseException as error:
                await self._rollback(conn)
                if isinstance(error, sqlite3.Error):
                    raise StoreError(str(error)) from error
                raise
            try:
                await conn.execute_fetchall("COMMIT")
            except sqlite3.Error as error:
                await self._rollback(conn)
                raise StoreError(f"commit failed: {error}") from error

    @staticmethod
    async def _rollback(conn: aiosqlite.Connection) -> None:
        try:
            # sqlite3's rollback() is a no-op when SQLite already ended the transaction.
            await conn.rollback()
        except (sqlite3.Error, ValueError):
            log.exception("rollback failed")

    def _read_now(self, sql: str, params: dict[str, Any]) -> list[Any] | None:
        """A read on the loop's thread, or None when it must go through the worker."""
        reader = self._reader
        if reader is None or self._conn is None:
            return None
        try:
            return reader.execute(sql, params).fetchall()
        except sqlite3.Error:  # busy, locked or anything else: the worker's path handles it
            return None

    async def _read(self, sql: str, params: dict[str, Any]) -> list[Any]:
        """One query, one round-trip to the worker thread (execute_fetchall, no cursor)."""
        async with self._lock:
            conn = self._require_open()
            try:
                return list(await conn.execute_fetchall(sql, params))
            except sqlite3.Error as error:
                raise StoreError(str(error)) from error

    # -- diagnostics ----------------------------------------------------------------------------

    async def pragmas(self) -> dict[str, Any]:
        """The settings this store relies on, as the connection reports them (for health checks)."""
        row = (
            await self._read(
                "SELECT (SELECT journal_mode FROM pragma_journal_mode),"
                " (SELECT synchronous FROM pragma_synchronous),"
                " (SELECT timeout FROM pragma_busy_timeout),"
                " (SELECT foreign_keys FROM pragma_foreign_keys),"
                " (SELECT user_version FROM pragma_user_version)",
                {},
            )
        )[0]
        keys = ("journal_mode", "synchronous", "busy_timeout", "foreign_keys", "user_version")
        return dict(zip(keys, row, strict=True))

    async def integrity_check(self) -> str:
        """``"ok"``, or SQLite's first complaint."""
        return str((await self._read("PRAGMA integrity_check", {}))[0][0])

    async def backup(self, target: str | os.PathLike[str]) -> None:
        """A consistent copy of the whole database at ``target`` (which must not exist yet).

        ``VACUUM INTO`` reads one snapshot, so writes from other processes during the copy are
        either all in it or not at all; a plain file copy could miss the WAL's committed pages.
        """
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        await self._read("VACUUM INTO :target", {"target": os.fspath(target)})

    # -- members --------------------------------------------------------------------------------

    async def context(self, scope: Scope, channel: str, user: str) -> Context:
        params = {"platform": scope.platform, "workspace": scope.workspace, "channel": channel,
                  "user": user}
        rows = self._read_now(_CONTEXT_SQL, params)
        if rows is None:
            rows = await self._read(_CONTEXT_SQL, params)
        row = rows[0]
        club = None if row[0] is None else _club_from_row(scope, channel, row)
        is_host, novel, film = row[CLUB_WIDTH:CLUB_WIDTH + 3]
        return Context(
            club=club,
            member=Progress(novel or 0, film or 0),
            is_host=bool(is_host),
            is_member=is_host is not None,
        )

    async def member_progress(self, scope: Scope, user: str) -> Progress:
        rows = await self._read(
            _MEMBER_PROGRESS_SQL,
            {"platform": scope.platform, "workspace": scope.workspace, "user": user},
        )
        return Progress(*rows[0]) if rows else Progress()

    async def set_member_progress(
        self, scope: Scope, user: str, *, novel: int | None = None, film: int | None = None
    ) -> Progress:
        if novel is None and film is None:
            return await self.member_progress(scope, user)
        Progress(novel or 0, film or 0)  # ValueError for an out-of-range value, before any I/O
        async with self._write() as conn:
            rows = list(
                await conn.execute_fetchall(
                    _SET_MEMBER_PROGRESS_SQL,
                    {
                        "platform": scope.platform,
                        "workspace": scope.workspace,
                        "user": user,
                        "novel": novel,
                        "film": film,
                        "now": _now(),
                    },
                )
            )
        return Progress(*rows[0])

    async def reset_member_progress(self, scope: Scope, user: str) -> None:
        # No row reads as "not started", so deleting is the reset (and forgets the person).
        async with self._write() as conn:
            await conn.execute_fetchall(
                "DELETE FROM members"
                " WHERE platform = :platform AND workspace = :workspace AND user_id = :user",
                {"platform": scope.platform, "workspace": scope.workspace, "user": user},
            )

    # -- clubs ----------------------------------------------------------------------------------

    async def club(self, scope: Scope, channel: str) -> Club | None:
        rows = await self._read(
            _CLUB_SQL,
            {"platform": scope.platform, "workspace": scope.workspace, "channel": channel},
        )
        return _club_from_row(scope, channel, rows[0]) if rows else None

    async def club_by_id(self, club_id: int) -> Club | None:
        rows = await self._read(
            f"SELECT {_CLUB_COLUMNS}, c.platform, c.workspace, c.channel_id FROM clubs AS c"
            " WHERE c.id = :club", {"club": club_id})
        if not rows:
            return None
        platform, workspace, channel = rows[0][-3:]
        return _club_from_row(Scope(platform, workspace), channel, rows[0])

    async def clubs_of(self, scope: Scope, user: str) -> tuple[Club, ...]:
        rows = await self._read(
            f"SELECT {_CLUB_COLUMNS}, c.channel_id FROM clubs AS c"
            " JOIN club_members AS me ON me.club_id = c.id AND me.user_id = :user"
            " WHERE c.platform = :platform AND c.workspace = :workspace ORDER BY c.id",
            {"platform": scope.platform, "workspace": scope.workspace, "user": user},
        )
        return tuple(_club_from_row(scope, row[-1], row) for row in rows)

    async def create_club(
        self, scope: Scope, channel: str, *, medium: Medium, tz: str, host: str
    ) -> Club:
        medium = Medium(medium)
        now = _now()
        async with self._write() as conn:
            # DO NOTHING + RETURNING: an existing club shows up as no row, not as an exception.
            rows = list(
                await conn.execute_fetchall(
                    "INSERT INTO clubs"
                    " (platform, workspace, channel_id, medium, tz, created_by, created_at)"
                    " VALUES (:platform, :workspace, :channel, :medium, :tz, :host, :now)"
                    " ON CONFLICT (platform, workspace, channel_id) DO NOTHING RETURNING id",
                    {
                        "platform": scope.platform,
                        "workspace": scope.workspace,
                        "channel": channel,
                        "medium": medium.value,
                        "tz": tz,
                        "host": host,
                        "now": now,
                    },
                )
            )
            if not rows:
                raise ClubExists(f"channel {channel} already has a club")
            club_id = int(rows[0][0])
            await conn.execute_fetchall(
                "INSERT INTO club_members (club_id, user_id, is_host, joined_at)"
                " VALUES (:club, :user, 1, :now)",
                {"club": club_id, "user": host, "now": now},
            )
        return Club(
            id=club_id,
            scope=scope,
            channel=channel,
            medium=medium,
            progress=Progress(),
            mode=SpoilerMode.HIDE,
            tz=tz,
            hosts=(host,),
            member_count=1,
            created_by=host,
            created_at=now,
        )

    async def join_club(self, club_id: int, user: str) -> bool:
        async with self._write() as conn:
            rows = await self._club_write(
                conn,
                club_id,
                "INSERT INTO club_members (club_id, user_id, is_host, joined_at)"
                " VALUES (:club, :user, 0, :now)"
                " ON CONFLICT (club_id, user_id) DO NOTHING RETURNING 1",
                {"club": club_id, "user": user, "now": _now()},
            )
        return bool(rows)

    async def leave_club(self, club_id: int, user: str) -> bool:
        async with self._write() as conn:
            # Read then write in one IMMEDIATE transaction: no other writer can remove the other
            # host between our check and our delete.
            state = await self._host_state(conn, club_id, user)
            if state is None:
                return False
            is_host, hosts = state
            if is_host and hosts <= 1:
                raise LastHost(f"{user} is the club's only host")
            await conn.execute_fetchall(
                "DELETE FROM club_members WHERE club_id = :club AND user_id = :user",
                {"club": club_id, "user": user},
            )
        return True

    async def set_club_progress(
        self, club_id: int, *, novel: int | None = None, film: int | None = None
    ) -> Progress:
        Progress(novel or 0, film or 0)  # ValueError for an out-of-range value, before any I/O
        async with self._write() as conn:
            rows = list(
                await conn.execute_fetchall(
                    "UPDATE clubs SET novel = coalesce(:novel, novel), film = coalesce(:film, film)"
                    " WHERE id = :club RETURNING novel, film",
                    {"club": club_id, "novel": novel, "film": film},
                )
            )
            if not rows:
                raise UnknownClub(f"no club has id {club_id}")
        return Progress(*rows[0])

    async def set_spoiler_mode(self, club_id: int, mode: SpoilerMode) -> None:
        mode = SpoilerMode(mode)
        async with self._write() as conn:
            rows = list(
                await conn.execute_fetchall(
                    "UPDATE clubs SET spoiler_mode = :mode WHERE id = :club RETURNING 1",
                    {"club": club_id, "mode": mode.value},
                )
            )
            if not rows:
                raise UnknownClub(f"no club has id {club_id}")

    async def add_host(self, club_id: int, user: str) -> bool:
        async with self._write() as conn:
            # Insert as a host, or promote a member; an existing host matches neither and
            # RETURNING gives no row.
            rows = await self._club_write(
                conn,
                club_id,
                "INSERT INTO club_members (club_id, user_id, is_host, joined_at)"
                " VALUES (:club, :user, 1, :now)"
                " ON CONFLICT (club_id, user_id) DO UPDATE SET is_host = 1"
                " WHERE club_members.is_host = 0 RETURNING 1",
                {"club": club_id, "user": user, "now": _now()},
            )
        return bool(rows)

    async def remove_host(self, club_id: int, user: str) -> bool:
        async with self._write() as conn:
            state = await self._host_state(conn, club_id, user)
            if state is None or not state[0]:
                return False
            if state[1] <= 1:
                raise LastHost(f"{user} is the club's only host")
            await conn.execute_fetchall(
                "UPDATE club_members SET is_host = 0 WHERE club_id = :club AND user_id = :user",
                {"club": club_id, "user": user},
            )
        return True

    @staticmethod
    async def _host_state(
        conn: aiosqlite.Connection, club_id: int, user: str
    ) -> tuple[bool, int] | None:
        """(is the user a host, how many hosts the club has), or None if not a member."""
        rows = list(await conn.execute_fetchall(_HOST_STATE_SQL, {"club": club_id, "user": user}))
        return (bool(rows[0][0]), int(rows[0][1])) if rows else None

    @staticmethod
    async def _club_write(
        conn: aiosqlite.Connection, club_id: int, sql: str, params: dict[str, Any]
    ) -> list[Any]:
        """Run a write on a club's child table, turning a missing club into UnknownClub."""
        try:
            return list(await conn.execute_fetchall(sql, params))
        except sqlite3.IntegrityError as error:
            if _is_fk_error(error):
                raise UnknownClub(f"no club has id {club_id}") from error
            raise

    # -- prompts --------------------------------------------------------------------------------

    async def used_prompts(self, club_id: int) -> frozenset[str]:
        rows = await self._read(
            "SELECT prompt_id FROM club_prompts WHERE club_id = :club", {"club": club_id}
        )
        return frozenset(row[0] for row in rows)

    async def take_prompt(
        self, club_id: int, choose: Callable[[frozenset[str]], str | None]
    ) -> str | None:
        async with self._write() as conn:
            rows = await conn.execute_fetchall(
                "SELECT prompt_id FROM club_prompts WHERE club_id = :club", {"club": club_id}
            )
            chosen = choose(frozenset(row[0] for row in rows))
            if chosen is not None:
                await self._club_write(conn, club_id, _MARK_PROMPT_SQL,
                                       {"club": club_id, "prompt": chosen, "now": _now()})
        return chosen

    async def mark_prompt_used(self, club_id: int, prompt_id: str) -> None:
        async with self._write() as conn:
            # Idempotent: a retried or duplicated command only refreshes used_at.
            await self._club_write(
                conn, club_id, _MARK_PROMPT_SQL,
                {"club": club_id, "prompt": prompt_id, "now": _now()},
            )

    # -- adapter state --------------------------------------------------------------------------

    async def get_state(self, key: str) -> str | None:
        sql, params = "SELECT value FROM adapter_state WHERE key = :key", {"key": key}
        rows = self._read_now(sql, params)  # read when a button is clicked: keep it quick
        if rows is None:
            rows = await self._read(sql, params)
        return rows[0][0] if rows else None

    async def put_state(self, key: str, value: str) -> None:
        async with self._write() as conn:
            await conn.execute_fetchall(
                "INSERT INTO adapter_state (key, value, updated_at) VALUES (:key, :value, :now)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
                " updated_at = excluded.updated_at",
                {"key": key, "value": value, "now": _now()},
            )

    async def claim_state(self, key: str, value: str) -> bool:
        async with self._write() as conn:
            rows = await conn.execute_fetchall(
                "INSERT INTO adapter_state (key, value, updated_at) VALUES (:key, :value, :now)"
                " ON CONFLICT (key) DO NOTHING RETURNING 1",
                {"key": key, "value": value, "now": _now()},
            )
        return bool(list(rows))
