"""The backup and restore commands' words: what they did, or why not, for the host."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.ops.backup import (
    LAST_BACKUP,
    BackupError,
    Copy,
    backup,
    now_text,
    restore,
    sqlite_file,
)
from bot.store.open import parse


def _summary(copy: Copy) -> str:
    rows = sum(copy.rows.values())
    counted = f", {rows:,} rows in {len(copy.rows)} tables" if copy.rows else ""
    return f"{copy.path}: {copy.bytes:,} bytes{counted}, integrity {copy.integrity}"


def _current(where: str) -> bool:
    """Whether a SQLite database's schema is this version's: a backup must never migrate it
    (the service does that, knowing which work old rows belong to)."""
    import contextlib
    import sqlite3

    from bot.store.sqlite import LATEST_VERSION

    db = sqlite_file(where)
    if db is None:
        return False
    with contextlib.closing(sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
                            ) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0]) == LATEST_VERSION


async def _record(where: str) -> None:
    """When the last backup was taken, kept in the database for the admin status; only in a
    database already at this version's schema, which opening the store then leaves as it is."""
    from bot.store.open import open_store

    scheme, address = parse(where)
    if scheme in ("postgresql", "postgres"):
        from bot.store.postgres.store import LATEST_VERSION, schema_version_at

        if await schema_version_at(address) != LATEST_VERSION:
            return
    elif not _current(where):
        return
    store = await open_store(where)
    try:
        await store.put_state(LAST_BACKUP, now_text())
    finally:
        await store.close()


def backup_main(path: Path, where: str) -> int:
    try:
        copy = backup(where, path)
    except BackupError as err:
        print(err, file=sys.stderr)
        return 1
    try:
        asyncio.run(_record(where))
    except Exception as err:  # the backup stands; only its time went unrecorded
        print(f"(the backup's time was not recorded: {type(err).__name__})", file=sys.stderr)
    print(f"Backed up {_summary(copy)}.")
    return 0


def restore_main(path: Path, where: str) -> int:
    try:
        copy = restore(path, where)
    except BackupError as err:
        print(err, file=sys.stderr)
        return 1
    print(f"Restored {path} into {_summary(copy)}. The database it replaced is kept as "
          f"{copy.path.name}.before-restore.")
    return 0
