"""The running service's numbers, as the admin status (`/status`) shows them: a port the core
reads through ``Deps.status`` and ``bot.ops`` fills in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ServiceStatus:
    """What a host reads in the admin status: the numbers of the running service."""

    started: datetime
    store_kind: str
    store_bytes: int | None
    last_backup: datetime | None
    connections: str  # "2 shards, all connected", "Socket Mode, connected", "this terminal"
    # The name this process's scheduler claims reminders with (BOT_WORKER_ID, else the
    # host's name): which of several workers answered, and whose claims a stuck row holds.
    worker: str = ""


StatusSource = Callable[[], Awaitable[ServiceStatus]]
