"""Where the content and the database live. Read when the bot starts, never at import."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path, user_log_path

APP_NAME = "nlmg-club-bot"


def content_root() -> Path:
    """The folder holding ``facts/`` and ``prompts/``.

    ``BOT_CONTENT_DIR`` wins; otherwise the checkout this package lives in (never the working
    directory, so the bot starts the same from anywhere).
    """
    env = os.environ.get("BOT_CONTENT_DIR")
    if env:
        return Path(env).expanduser().resolve()
    return Path(__file__).resolve().parent.parent


def default_db_path() -> Path:
    """``BOT_DB_PATH``, or a file in the user's data directory."""
    env = os.environ.get("BOT_DB_PATH")
    if env:
        return Path(env).expanduser()
    return user_data_path(APP_NAME, appauthor=False) / "club.db"


def log_file_path() -> Path:
    """``BOT_LOG_FILE``, or a file in the user's log directory."""
    env = os.environ.get("BOT_LOG_FILE")
    if env:
        return Path(env).expanduser()
    return user_log_path(APP_NAME, appauthor=False) / "bot.log"
