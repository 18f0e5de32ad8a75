"""A database address as it may be logged or shown to the person starting the bot."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit


def shown(where: str | os.PathLike[str]) -> str:
    """The address without its password (a path or a URL with none is shown as it is)."""
    text = os.fspath(where)
    if "://" not in text:
        return text
    parts = urlsplit(text)
    if parts.password is None:
        return text
    netloc = f"{parts.username}:***@{parts.hostname or ''}"
    return urlunsplit(parts._replace(netloc=netloc + (f":{parts.port}" if parts.port else "")))
