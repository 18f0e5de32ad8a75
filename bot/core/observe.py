"""What the core tells whoever runs it about each command, and what it may ask back: the one
hook operations (metrics, logs, a graceful stop) hang on, and the service status an admin may
read. The core knows only these ports; ``bot.ops`` implements them and the composition root
plugs them in, so no command handler carries any of it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from bot.core.reply import Reply

if TYPE_CHECKING:
    from bot.core.call import Invocation

# What a member is told when a command arrives while the service is stopping.
RESTARTING = "The bot is restarting. Please try again in a minute."


class Outcome(StrEnum):
    OK = "ok"
    REFUSED = "refused"  # the person's mistake, or not theirs to run: a polite answer
    ERROR = "error"  # something unexpected: logged, apologised for


class Observer(Protocol):
    def admit(self, inv: Invocation, command: str) -> bool:
        """A command is about to run; False (the service is stopping) answers it with
        ``RESTARTING`` instead. A True is always followed by ``done``."""
        ...

    def done(self, inv: Invocation, command: str, outcome: Outcome, seconds: float,
             reply: Reply) -> None: ...


@dataclass(frozen=True, slots=True)
class ServiceStatus:
    """What a host reads in the admin status: the numbers of the running service."""

    started: datetime
    store_kind: str
    store_bytes: int | None
    last_backup: datetime | None
    connections: str  # "2 shards, all connected", "Socket Mode, connected", "this terminal"


StatusSource = Callable[[], Awaitable[ServiceStatus]]
