"""Where the content and the database live. Read when the bot starts, never at import."""

from __future__ import annotations

import os
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


def env_id(name: str) -> int | None:
    """A Discord snowflake from the environment, or None when unset."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise SettingError(f"{name} must be a numeric Discord id, not {value[:30]!r}.")
    return int(value)
