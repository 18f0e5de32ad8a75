"""What an adapter keeps of its own across restarts (the Discord sync digest, button commands
too long for a ``custom_id``, scheduled-event ids, Slack's claims of a request), as keyed text
with an optional time to live. It is not the core's: the composition root hands each adapter
the store that implements it, and no adapter reaches the core's store."""

from __future__ import annotations

from typing import Protocol


class AdapterState(Protocol):
    async def get_state(self, key: str) -> str | None:
        """The value saved under ``key`` (namespaced by the adapter), or None; a value past its
        time to live reads as None."""
        ...

    async def put_state(self, key: str, value: str, *, ttl: int | None = None) -> None:
        """Save (or replace) a value under ``key``, for ``ttl`` seconds (None: until
        replaced)."""
        ...

    async def claim_state(self, key: str, value: str, *, ttl: int | None = None) -> bool:
        """Save ``value`` under ``key`` (for ``ttl`` seconds; None: for good) only if nothing
        is there yet or what is there has expired; True if this call did. Atomic, so of two
        deliveries of the same request exactly one claims it."""
        ...
