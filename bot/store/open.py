"""Which store a deployment runs on, chosen from a table by the address's scheme (as Red picks
its driver): ``sqlite:///path/to/club.db``, a plain path, or ``:memory:`` for SQLite;
``postgresql://user:password@host:port/database`` (or ``postgres://``) for PostgreSQL. Each
driver is imported only when its scheme is asked for, so a deployment installs only what it
uses, and one whose driver is missing is told which extra to install."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote, urlsplit

from bot.store.address import shown
from bot.store.errors import DriverMissing

__all__ = ["STORES", "UnknownStore", "open_store", "parse", "shown"]


class UnknownStore(ValueError):
    """An address whose scheme names no store this bot has."""


async def _sqlite(where: str, legacy_work: str | None) -> Any:
    from bot.store.sqlite import SqliteStore

    return await SqliteStore.open(where, legacy_work=legacy_work)


async def _postgres(where: str, legacy_work: str | None) -> Any:
    try:
        from bot.store.postgres import PostgresStore
    except ModuleNotFoundError as missing:
        if missing.name != "asyncpg":
            raise
        raise DriverMissing(
            "the database address names PostgreSQL, but its driver (asyncpg) is not installed:"
            " install the extra with `pip install -e '.[postgres]'` (or `pip install asyncpg`)"
        ) from None
    return await PostgresStore.open(where, legacy_work=legacy_work)


# scheme -> opener; a new store adds a line here and a package beside sqlite/.
STORES: dict[str, Callable[[str, str | None], Awaitable[Any]]] = {
    "sqlite": _sqlite,
    "postgresql": _postgres,
    "postgres": _postgres,
}


def parse(where: str | os.PathLike[str]) -> tuple[str, str]:
    """(scheme, what its opener takes): a path or ``:memory:`` is SQLite's."""
    text = os.fspath(where)
    if text in {":memory:", ""} or "://" not in text:
        return "sqlite", text
    parts = urlsplit(text)
    if parts.scheme == "sqlite":  # sqlite:///relative.db, sqlite:////absolute.db
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        return "sqlite", os.path.expanduser(path) if path else ":memory:"
    return parts.scheme, text


async def open_store(where: str | os.PathLike[str], *, legacy_work: str | None = None) -> Any:
    """The store at ``where``, opened and migrated (close it with ``await store.close()``).
    ``legacy_work``: the work rows from before there were several belong to."""
    scheme, target = parse(where)
    opener = STORES.get(scheme)
    if opener is None:
        known = ", ".join(f"{s}://" for s in STORES)
        raise UnknownStore(f"{scheme}:// is not a store I know (I know {known} and file "
                           "paths).")
    return await opener(target, legacy_work)
