"""Where the content and the database live. Read when the bot starts, never at import."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_path, user_log_path

APP_NAME = "book-club-bot"
# Where a release from before the name was generic kept its database: `<name>-club-bot/`.
_EARLIER = "*-club-bot/club.db"


def content_root() -> Path:
    """The folder holding ``facts/`` and ``prompts/`` (a folder per work in each).

    ``BOT_CONTENT_DIR`` wins; otherwise the checkout this package lives in (never the working
    directory, so the bot starts the same from anywhere).
    """
    env = os.environ.get("BOT_CONTENT_DIR")
    if env:
        return Path(env).expanduser().resolve()
    return Path(__file__).resolve().parent.parent


def default_work() -> str | None:
    """``BOT_DEFAULT_WORK``: the work a channel with no club, and a new club, reads (None: the
    one the content marks as default)."""
    return os.environ.get("BOT_DEFAULT_WORK", "").strip() or None


def default_db_path() -> Path:
    """``BOT_DB_PATH``, or a file in the user's data directory."""
    env = os.environ.get("BOT_DB_PATH")
    if env:
        return Path(env).expanduser()
    path = user_data_path(APP_NAME, appauthor=False) / "club.db"
    if not path.exists():
        # An install upgraded from an earlier release goes on with its clubs, not an empty file.
        earlier = sorted(path.parent.parent.glob(_EARLIER))
        if earlier:
            return earlier[0]
    return path


def default_pictures_dir() -> Path:
    """``BOT_PICTURES_DIR``, or a folder in the user's data directory: where the console
    writes the pictures it is sent (`/club chart`)."""
    env = os.environ.get("BOT_PICTURES_DIR")
    if env:
        return Path(env).expanduser()
    return user_data_path(APP_NAME, appauthor=False) / "pictures"


def default_database() -> str | Path:
    """Where the store lives: ``BOT_DATABASE_URL`` (``postgresql://...``, or ``sqlite:///...``)
    when set, else the SQLite file at ``default_db_path()``."""
    url = os.environ.get("BOT_DATABASE_URL", "").strip()
    return url or default_db_path()


def worker_id() -> str | None:
    """``BOT_WORKER_ID``: the name this process's reminder claims carry (None: the host's
    name). Give each worker on one host its own, and keep it across restarts."""
    return os.environ.get("BOT_WORKER_ID", "").strip() or None


def log_file_path() -> Path:
    """``BOT_LOG_FILE``, or a file in the user's log directory."""
    env = os.environ.get("BOT_LOG_FILE")
    if env:
        return Path(env).expanduser()
    return user_log_path(APP_NAME, appauthor=False) / "bot.log"


def load_env_file() -> None:
    """Read ``.env`` (``BOT_ENV_FILE`` moves it) into the environment, for the services.

    Variables already set win, so a container's or a shell's settings are never overridden.
    """
    from dotenv import load_dotenv

    load_dotenv(Path(os.environ.get("BOT_ENV_FILE", ".env")), override=False)


class SettingError(ValueError):
    """A setting that is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True, slots=True)
class Shards:
    """Which of the bot's Discord shards this process runs, and whether it syncs commands."""

    count: int | None  # None: Discord's recommendation, every shard in this process
    ids: tuple[int, ...] | None  # None: all of them
    sync_commands: bool


def shards() -> Shards:
    """``BOT_SHARD_COUNT`` (how many shards in all), ``BOT_SHARD_IDS`` (this process's, as
    ``0-3`` or ``0,2,5-7``) and ``BOT_SYNC_COMMANDS`` (``1``: this process syncs the commands;
    the default when it runs every shard, and only then: of several shard processes exactly
    one should sync)."""
    raw_count = os.environ.get("BOT_SHARD_COUNT", "").strip()
    raw_ids = os.environ.get("BOT_SHARD_IDS", "").strip()
    raw_sync = os.environ.get("BOT_SYNC_COMMANDS", "").strip().lower()
    if raw_count and not (raw_count.isdigit() and int(raw_count) >= 1):
        raise SettingError(f"BOT_SHARD_COUNT must be a whole number from 1, not "
                           f"{raw_count[:30]!r}.")
    count = int(raw_count) if raw_count else None
    ids: tuple[int, ...] | None = None
    if raw_ids:
        if count is None:
            raise SettingError("BOT_SHARD_IDS needs BOT_SHARD_COUNT: how many shards in all.")
        ids = _shard_ids(raw_ids, count)
    if raw_sync not in ("", "0", "1", "true", "false", "yes", "no"):
        raise SettingError(f"BOT_SYNC_COMMANDS must be 1 or 0, not {raw_sync[:30]!r}.")
    sync = raw_sync in ("1", "true", "yes") if raw_sync else ids is None
    return Shards(count, ids, sync)


def _shard_ids(text: str, count: int) -> tuple[int, ...]:
    found: set[int] = set()
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            raise SettingError(f"BOT_SHARD_IDS lists shard numbers like 0-3 or 0,2,5-7, not "
                               f"{text[:30]!r}.")
        low, high = int(first), int(last or first)
        if low > high or high >= count:
            raise SettingError(f"BOT_SHARD_IDS {part.strip()!r} is not within shards 0 to "
                               f"{count - 1} (BOT_SHARD_COUNT is {count}).")
        found.update(range(low, high + 1))
    return tuple(sorted(found))


def env_id(name: str) -> int | None:
    """A Discord snowflake from the environment, or None when unset."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise SettingError(f"{name} must be a numeric Discord id, not {value[:30]!r}.")
    return int(value)
