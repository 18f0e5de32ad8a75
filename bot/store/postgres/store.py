"""``PostgresStore``: the store port (``bot.core.store.Store``) on PostgreSQL, on asyncpg.

Composed as the SQLite store is, one mixin per part of the schema over ``Db`` (db.py: the pool
and its transactions). This module opens (pool, then migrations under an advisory lock) and
closes it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Self

import asyncpg

from bot.store.address import shown
from bot.store.errors import StoreError
from bot.store.postgres.db import DRIVER_ERRORS
from bot.store.postgres.dump import DumpMixin
from bot.store.postgres.migrate import LATEST_VERSION, MIGRATIONS, checked, migrate
from bot.store.postgres.nights import NightsMixin
from bot.store.postgres.pictures import PicturesMixin
from bot.store.postgres.polls import PollsMixin
from bot.store.postgres.prompts import PromptsMixin
from bot.store.postgres.questions import QuestionsMixin
from bot.store.postgres.reminders import RemindersMixin
from bot.store.postgres.schedule import ScheduleMixin
from bot.store.postgres.state import StateMixin
from bot.store.postgres.wrapups import WrapupsMixin

POOL_SIZE = 10  # connections per process at most; a worker's traffic is a few at a time
_CLOSE_TIMEOUT = 5.0


async def schema_version_at(url: str) -> int:
    """The schema version of the database at ``url``, read without migrating it (0: none yet),
    for a tool that must leave an older or newer database as it found it."""
    try:
        conn = await asyncpg.connect(url)
    except (*DRIVER_ERRORS, ValueError) as error:
        raise StoreError(f"cannot open the database at {shown(url)}: {error}") from error
    try:
        exists = await conn.fetchval("SELECT to_regclass('schema_version') IS NOT NULL")
        return int(await conn.fetchval("SELECT version FROM schema_version") or 0
                   ) if exists else 0
    finally:
        await conn.close()


class PostgresStore(PromptsMixin, PollsMixin, PicturesMixin, NightsMixin, RemindersMixin,
                    StateMixin, DumpMixin, QuestionsMixin, WrapupsMixin,
                    ScheduleMixin):
    """``Store`` on a PostgreSQL database. Create with ``await PostgresStore.open(url)``."""

    @classmethod
    async def open(
        cls,
        url: str,
        *,
        migrations: Iterable[tuple[int, str]] | None = None,
        clock: Callable[[], float] = time.time,
        legacy_work: str | None = None,
        pool_size: int = POOL_SIZE,
    ) -> PostgresStore:
        """Connect to ``url`` (``postgresql://user:password@host:port/database``) and migrate.

        ``legacy_work`` is accepted for the opener's sake: a PostgreSQL database starts in the
        era of works, so it has no rows from before them.
        """
        del legacy_work
        plan = MIGRATIONS if migrations is None else checked(migrations)
        try:
            pool = await asyncpg.create_pool(url, min_size=1, max_size=pool_size,
                                             command_timeout=30)
        except (*DRIVER_ERRORS, ValueError) as error:
            raise StoreError(f"cannot open the database at {shown(url)}: {error}") from error
        store = cls(pool, clock=clock)
        try:
            await migrate(pool, plan)
        except BaseException:
            await store.close()
            raise
        return store

    async def close(self) -> None:
        """Close the pool (waiting a little for queries in flight). Safe to call twice."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        try:
            await asyncio.wait_for(pool.close(), _CLOSE_TIMEOUT)
        except TimeoutError:
            pool.terminate()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()

    async def integrity_check(self) -> str:
        """``"ok"`` when the server answers and the schema is this bot's (the server checks
        its own pages; there is no SQLite-style page walk to run)."""
        version = await self.schema_version()
        return "ok" if version == LATEST_VERSION else f"schema version {version}"

    @property
    def closed(self) -> bool:
        return self._pool is None

