"""``python -m bot store copy SRC DST``: move a deployment between stores (a SQLite file to
PostgreSQL, and back) with every row, its ids kept, the counts checked after.

Both ends are opened (and so migrated to this bot's schema) through ``open_store``; the target
is written in one transaction, and refused if it holds any row unless ``force`` (then its rows
are replaced). Stop the bot first: rows written to the source during a copy may be missed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from bot.store.address import shown
from bot.store.open import open_store
from bot.store.tables import TABLES


class CopyRefused(RuntimeError):
    """The copy was not made; the message says why, for the person running it."""


@dataclass(frozen=True, slots=True)
class Copied:
    counts: dict[str, int]  # rows per table, the same on both ends

    @property
    def total(self) -> int:
        return sum(self.counts.values())


async def copy_store(source: str | os.PathLike[str], target: str | os.PathLike[str], *,
                     force: bool = False, legacy_work: str | None = None) -> Copied:
    if os.fspath(source) == os.fspath(target):
        raise CopyRefused("the source and the target are the same database")
    async with await open_store(source, legacy_work=legacy_work) as src, \
            await open_store(target, legacy_work=legacy_work) as dst:
        before = await dst.row_counts()
        if any(before.values()) and not force:
            held = ", ".join(f"{n} {t}" for t, n in before.items() if n)
            raise CopyRefused(f"{shown(target)} is not empty ({held}); nothing was copied. "
                              "Add --force to replace its rows with the source's.")
        data = {table: await src.export_rows(table) for table in TABLES}
        await dst.import_rows(data)
        wanted = {table: len(rows) for table, (_cols, rows) in data.items()}
        got = await dst.row_counts()
        if got != wanted:
            raise CopyRefused(f"the counts differ after the copy: {wanted} read, {got} written")
        return Copied(got)
