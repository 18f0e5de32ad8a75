"""Logs: one JSON object a line for services (``BOT_LOG_FORMAT=json``), readable text on the
console, and a request id that follows one interaction from the adapter through the core and
the store.

The standard library's ``logging``, not structlog: every module here, discord.py and slack_bolt
already log through it, so one ``Formatter`` renders them all; structlog would need its stdlib
bridge (``ProcessorFormatter``) to reach those same records and adds a dependency for no field
we cannot set from a ``ContextVar``.

No secret reaches a log line: the formatter masks the values of the token settings and
anything shaped like a Slack or Discord token, in messages and tracebacks alike.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import re
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

SECRET_SETTINGS = ("DISCORD_TOKEN", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET")
# Slack tokens (xoxb-, xoxp-, xapp-...) and Discord's three dot-separated base64 parts.
_TOKEN_SHAPES = re.compile(
    r"\b(?:xox[abposr]|xapp)-[A-Za-z0-9-]{6,}"
    r"|\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}")
MASK = "[redacted]"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class Request:
    """One interaction, begun by an adapter as it arrives (the Slack listener's edge): the
    commands the core runs inside it fill in what they are, in place."""

    __slots__ = ("club", "command", "fields", "number", "platform", "workspace")

    def __init__(self, number: int, platform: str = "", fields: dict[str, str] | None = None
                 ) -> None:
        self.number = number  # the id, as a number: formatted only when a line is logged
        self.platform, self.command, self.workspace = platform, "", ""
        self.club: int | None = None  # once the running command has read it
        self.fields = fields


# What is running now: an adapter's Request, or, for a command no adapter began (the console),
# the core's own [number, platform, command, workspace, club], a list because it is made on
# every command and its club is filled in once read. The club lives in the request, not in a
# ContextVar of its own: setting a ContextVar in a task costs more than the rest of a
# command's bookkeeping, and a new request then starts with no club, never the last one's.
Current = Request | list[Any]
CLUB_AT = 4  # where a core-made request keeps its club
REQUEST: ContextVar[Current | None] = ContextVar("bot_request", default=None)
ids = itertools.count(1)  # request numbers, in this process
_PROCESS = f"{os.getpid():x}"


def new_request(platform: str = "", **fields: str) -> Request:
    """Start a request here (an adapter, as an interaction arrives); returns it."""
    request = Request(next(ids), platform, fields)
    REQUEST.set(request)
    return request


def current() -> dict[str, str]:
    """The request's fields for a log line: its id, platform, command, workspace and club."""
    request = REQUEST.get()
    if request is None:
        return {}
    if isinstance(request, Request):
        number, platform, command, workspace, club = (
            request.number, request.platform, request.command, request.workspace, request.club)
        extra = request.fields or {}
    else:
        number, platform, command, workspace, club = request
        extra = {}
    found = {"request_id": f"{_PROCESS}-{number:x}", "platform": platform,
             "command": command, "workspace": workspace,
             "club": str(club) if club is not None else ""}
    return {k: v for k, v in {**found, **extra}.items() if v}


class Redacting(logging.Formatter):
    """Masks secrets in whatever a subclass renders."""

    def __init__(self, fmt: str | None = None) -> None:
        super().__init__(fmt)
        self.secrets = tuple(v for name in SECRET_SETTINGS
                             if len(v := os.environ.get(name, "").strip()) >= 6)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return _TOKEN_SHAPES.sub(MASK, text)


class TextFormatter(Redacting):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        found = current()
        if found:
            line += f" [request {found['request_id']}]"
        return self.redact(line)


# LogRecord's own attributes: anything else on a record came from ``extra=`` and is a field.
_RESERVED = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(Redacting):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname.lower(),
            "event": record.getMessage(),
            "logger": record.name,
        }
        out.update(current())
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_"):
                out[key] = value
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info)  # the traceback, one field
        return self.redact(json.dumps(out, default=str, ensure_ascii=False))


def log_format() -> str:
    """``BOT_LOG_FORMAT``: json or text (the default outside containers)."""
    value = os.environ.get("BOT_LOG_FORMAT", "text").strip().lower()
    return "json" if value == "json" else "text"


def formatter(kind: str | None = None) -> logging.Formatter:
    return JsonFormatter() if (kind or log_format()) == "json" else TextFormatter(TEXT_FORMAT)


def setup(level: int, *, stream: TextIO | None = None,
          handlers: list[logging.Handler] | None = None, kind: str | None = None) -> None:
    """The root logger's handlers (stderr by default), every one with our formatter."""
    chosen = handlers if handlers is not None else [logging.StreamHandler(stream or sys.stderr)]
    shape = formatter(kind)
    for handler in chosen:
        handler.setFormatter(shape)
    logging.basicConfig(level=level, handlers=chosen, force=True)
