"""What the core tells whoever runs it about each command, and what it may ask back: the one
hook operations (metrics, logs, a graceful stop) hang on. The core knows only this port (and
``status.py``'s); ``bot.ops`` implements them and the composition root plugs them in, so no
command handler carries any of it."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from bot.core.call import Invocation
from bot.core.reply import Reply

# What a member is told when a command arrives while the service is stopping.
RESTARTING = "The bot is restarting. Please try again in a minute."


class Outcome(StrEnum):
    OK = "ok"
    REFUSED = "refused"  # the person's mistake, or not theirs to run: a polite answer
    ERROR = "error"  # something unexpected: logged, apologised for


class Observer(Protocol):
    def arrived(self, platform: str) -> None:
        """An interaction has reached an adapter, before anything of it runs: the request
        its log lines (the adapter's first, then the core's and the store's) share begins."""
        ...

    def admit(self, inv: Invocation, command: str) -> bool:
        """A command is about to run; False (the service is stopping) answers it with
        ``RESTARTING`` instead. A True is always followed by ``done``."""
        ...

    def placed(self, club: int | None) -> None:
        """The running command has read where it runs: its channel's club (None: none there),
        for its later log lines to name."""
        ...

    def done(self, inv: Invocation, command: str, outcome: Outcome, seconds: float,
             reply: Reply) -> None: ...
