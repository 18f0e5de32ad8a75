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
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, TextIO

SECRET_SETTINGS = ("DISCORD_TOKEN", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET")
# Slack tokens (xoxb-, xoxp-, xapp-...) and Discord's three dot-separated base64 parts.
_TOKEN_SHAPES = re.compile(
    r"\b(?:xox[abposr]|xapp)-[A-Za-z0-9-]{6,}"
    r"|\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}")
MASK = "[redacted]"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


@dataclass(frozen=True, slots=True)
class Request:
    """Who and what one interaction is about, for every line logged while it runs."""

    id: str
    platform: str = ""
    command: str = ""
    workspace: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    open: bool = True


REQUEST: ContextVar[Request | None] = ContextVar("bot_request", default=None)
_ids = itertools.count(1)
_PROCESS = f"{os.getpid():x}"


def new_request(platform: str = "", **fields: str) -> Request:
    """Start a request here (an adapter, as an interaction arrives); returns it."""
    request = Request(f"{_PROCESS}-{next(_ids):x}", platform=platform, fields=fields)
    REQUEST.set(request)
    return request


def enter_command(platform: str, command: str, workspace: str) -> None:
    """The core starts a command: in the adapter's request if one is open, else a new one."""
    request = REQUEST.get()
    if request is None or not request.open:
        request = Request(f"{_PROCESS}-{next(_ids):x}")
    REQUEST.set(replace(request, platform=platform, command=command, workspace=workspace))


def leave_command() -> None:
    request = REQUEST.get()
    if request is not None:
        REQUEST.set(replace(request, open=False))


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
        request = REQUEST.get()
        if request is not None:
            line += f" [request {request.id}]"
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
        request = REQUEST.get()
        if request is not None:
            out["request_id"] = request.id
            for key in ("platform", "command", "workspace"):
                if value := getattr(request, key):
                    out[key] = value
            out.update(request.fields)
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
