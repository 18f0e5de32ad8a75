"""Every row out, and every row in, for ``python -m bot store copy``. A mixin of
``SqliteStore``: the import is one transaction, so a failed copy leaves the target as it was."""

from __future__ import annotations

from collections.abc import Mapping

from bot.store.sqlite.db import Db
from bot.store.tables import TABLES, Rows


class DumpMixin(Db):
    async def row_counts(self) -> dict[str, int]:
        return {t: int((await self._read(f"SELECT count(*) FROM {t}", {}))[0][0])
                for t in TABLES}

    async def export_rows(self, table: str) -> Rows:
        assert table in TABLES, table
        async with self._lock:
            cursor = await self._require_open().execute(f"SELECT * FROM {table} ORDER BY 1")
            rows = [tuple(r) for r in await cursor.fetchall()]
            columns = tuple(d[0] for d in cursor.description)
            await cursor.close()
        return columns, rows

    async def import_rows(self, data: Mapping[str, Rows]) -> None:
        async with self._write() as conn:
            for table in reversed(TABLES):
                await conn.execute_fetchall(f"DELETE FROM {table}")
            for table in TABLES:
                columns, rows = data[table]
                if rows:
                    marks = ", ".join("?" * len(columns))
                    await conn.executemany(
                        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
