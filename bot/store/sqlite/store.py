"""``SqliteStore``: the store port (``bot.core.store.Store``) on one SQLite file, on aiosqlite.

Composed of one mixin per part of the schema, all over ``Db`` (db.py: the connection and its
transactions): ``ClubsMixin`` (clubs and hosts, over ``ProgressMixin``: members' own progress),
``PromptsMixin``, ``PollsMixin``, ``NightsMixin`` (nights, RSVPs, a night's run),
``RemindersMixin`` (what the scheduler asks for), ``PicturesMixin`` (what the club's chart
reads), ``QuestionsMixin`` (a club's own questions), ``WrapupsMixin`` (wrap-ups) and
``StateMixin`` (adapter state).
This module opens and closes it.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Self

import aiosqlite

from bot.store.sqlite.db import BUSY_TIMEOUT_MS, StoreError, _open_reader
from bot.store.sqlite.dump import DumpMixin
from bot.store.sqlite.migrate import MIGRATIONS, _checked, migrate
from bot.store.sqlite.nights import NightsMixin
from bot.store.sqlite.pictures import PicturesMixin
from bot.store.sqlite.polls import PollsMixin
from bot.store.sqlite.prompts import PromptsMixin
from bot.store.sqlite.questions import QuestionsMixin
from bot.store.sqlite.reminders import RemindersMixin
from bot.store.sqlite.schedule import ScheduleMixin
from bot.store.sqlite.state import StateMixin
from bot.store.sqlite.wrapups import WrapupsMixin

_THREAD_EXIT_TIMEOUT = 1.0


class SqliteStore(PromptsMixin, PollsMixin, PicturesMixin, NightsMixin, RemindersMixin,
                  StateMixin, DumpMixin, QuestionsMixin, WrapupsMixin,
                  ScheduleMixin):
    """``Store`` on one SQLite file. Create with ``await SqliteStore.open(path)``; close it."""

    @classmethod
    async def open(
        cls,
        path: str | os.PathLike[str],
        *,
        migrations: Iterable[tuple[int, str]] | None = None,
        clock: Callable[[], float] = time.time,
        legacy_work: str | None = None,
    ) -> SqliteStore:
        """Open (creating if needed) the database at ``path`` (or ``":memory:"``), migrated.

        ``migrations`` replaces the packaged ones; tests use it to show a failing migration
        changes nothing. ``clock`` (unix seconds) says when adapter state expires; tests move it.
        ``legacy_work``: the work that rows written before the bot served several works belong
        to (migration 5 needs it for a database that has such rows).
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
        store = cls(conn, clock=clock)
        try:
            await store._configure(in_memory=in_memory)
            await migrate(store._require_open(), store._lock, plan,
                          {"legacy_work": legacy_work})
            if not in_memory:
                store._reader = _open_reader(Path(path))
        except BaseException:
            # Without this the worker thread (non-daemon) would keep the process alive.
            await store.close()
            raise
        return store

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

