"""Every row out, and every row in, for ``python -m bot store copy``. A mixin of
``PostgresStore``: the import is one transaction (a failed copy leaves the target as it was),
and each id sequence moves past the ids copied, so a new club never takes an old one's id."""

from __future__ import annotations

from collections.abc import Mapping

from bot.store.postgres.db import Db
from bot.store.tables import TABLES, WITH_IDS, Rows


class DumpMixin(Db):
    async def row_counts(self) -> dict[str, int]:
        return {t: int((await self._read(f"SELECT count(*) FROM {t}"))[0][0]) for t in TABLES}

    async def export_rows(self, table: str) -> Rows:
        assert table in TABLES, table
        async with self._write() as conn:
            statement = await conn.prepare(f"SELECT * FROM {table} ORDER BY 1")
            columns = tuple(a.name for a in statement.get_attributes())
            rows = [tuple(r) for r in await statement.fetch()]
        return columns, rows

    async def import_rows(self, data: Mapping[str, Rows]) -> None:
        async with self._write() as conn:
            await conn.execute(f"TRUNCATE {', '.join(TABLES)}")
            for table in TABLES:
                columns, rows = data[table]
                if rows:
                    await conn.copy_records_to_table(table, records=rows, columns=columns)
            for table in WITH_IDS:
                await conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" coalesce((SELECT max(id) FROM {table}), 0) + 1, false)")
