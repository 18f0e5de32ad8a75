"""``python -m bot backup PATH`` and ``python -m bot restore PATH``.

SQLite: a consistent online copy through the sqlite3 backup API (one step, so one snapshot:
writes going on meanwhile are all in it or not at all; a file copy could tear the WAL), then
``PRAGMA integrity_check`` on the copy, which only then takes its name. PostgreSQL: ``pg_dump``
when it is installed; without it the command says so and does nothing.

A restore refuses a database in use: every running service holds a shared lock on
``<database>.lock`` for its life (``holding``), and a restore needs it exclusively.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.store.open import parse

LAST_BACKUP = "ops:last-backup"  # adapter state key: when the last backup was taken (ISO)


class BackupError(Exception):
    """The backup or restore did not happen; the message says why, for the host."""


@dataclass(frozen=True, slots=True)
class Copy:
    path: Path
    rows: dict[str, int]  # rows per table (SQLite), to compare a restore with its backup
    bytes: int
    integrity: str


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


def sqlite_file(where: str | os.PathLike[str]) -> Path | None:
    """The database's file when the store is SQLite on a file; None otherwise."""
    scheme, target = parse(where)
    return Path(target) if scheme == "sqlite" and target not in ("", ":memory:") else None


@contextlib.contextmanager
def holding(where: str | os.PathLike[str]) -> Iterator[None]:
    """A running service's shared lock on its database file (nothing for other stores)."""
    db = sqlite_file(where)
    if db is None:
        yield
        return
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path(db), "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(f"{db} is being restored; start the bot when that is done."
                              ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name")]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _check(conn: sqlite3.Connection) -> str:
    return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def backup(where: str | os.PathLike[str], target: Path) -> Copy:
    """Copy the live database at ``where`` to ``target`` (which must not exist yet)."""
    scheme, address = parse(where)
    if target.exists():
        raise BackupError(f"{target} exists already; name a new file for the backup.")
    if scheme in ("postgresql", "postgres"):
        return _pg_dump(address, target)
    db = sqlite_file(where)
    if db is None:
        raise BackupError(f"There is no database file to back up at {os.fspath(where)!r}.")
    if not db.exists():
        raise BackupError(f"There is no database at {db}.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with contextlib.closing(sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
                            ) as source, contextlib.closing(sqlite3.connect(partial)) as copy:
        source.execute("PRAGMA busy_timeout = 5000")
        source.backup(copy)  # pages=-1: the whole database in one step, one snapshot
        integrity = _check(copy)
        rows = row_counts(copy)
    if integrity != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"The copy failed its integrity check ({integrity}); nothing kept.")
    partial.rename(target)
    return Copy(target, rows, target.stat().st_size, integrity)


def _pg_dump(address: str, target: Path) -> Copy:
    tool = shutil.which("pg_dump")
    if tool is None:
        raise BackupError("A PostgreSQL backup uses pg_dump, which is not installed here "
                          "(install postgresql-client); nothing was backed up.")
    target.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([tool, "--format=custom", "--file", os.fspath(target), address],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        target.unlink(missing_ok=True)
        # pg_dump's message names the server, not the password; the address is not echoed.
        raise BackupError("pg_dump failed: " + done.stderr.strip().splitlines()[-1][:300])
    return Copy(target, {}, target.stat().st_size, "pg_dump")


def restore(source: Path, where: str | os.PathLike[str]) -> Copy:
    """Put the backup ``source`` in place of the database at ``where``, which no running
    service may hold. The database replaced is kept beside it as ``<name>.before-restore``."""
    scheme, _address = parse(where)
    if scheme in ("postgresql", "postgres"):
        raise BackupError("Restore a PostgreSQL dump with pg_restore (see docs/operations.md).")
    db = sqlite_file(where)
    if db is None:
        raise BackupError(f"There is no database file to restore into at {os.fspath(where)!r}.")
    if not source.is_file():
        raise BackupError(f"There is no backup at {source}.")
    with contextlib.closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
                            ) as backup_db:
        try:
            integrity = _check(backup_db)
        except sqlite3.DatabaseError as err:
            raise BackupError(f"{source} is not a database this bot can read: {err}") from None
        if integrity != "ok":
            raise BackupError(f"{source} fails its integrity check ({integrity}); not restored.")
        db.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path(db), "a+b") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise BackupError(f"{db} is in use by a running bot; stop it (docker compose "
                                  "stop) and restore again.") from None
            if db.exists():
                kept = db.with_name(db.name + ".before-restore")
                kept.unlink(missing_ok=True)
                backup(db, kept)
            with contextlib.closing(sqlite3.connect(db)) as target:
                backup_db.backup(target)
                integrity = _check(target)
                rows = row_counts(target)
    return Copy(db, rows, db.stat().st_size, integrity)


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
