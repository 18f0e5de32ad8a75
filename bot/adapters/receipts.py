"""Receipts of the posts the bot makes on its own (reminders), kept in the adapter's state.

The scheduler marks a reminder sent only after the courier returns, so a worker that dies in
between leaves it claimed; the next worker delivers it again with the same key. Before posting,
a courier reads the key's receipt (where and under which id the post went) and asks the
platform whether that message is there: if so, it is not posted again. What is left is the
instant between the platform's answer and the receipt's write (Discord's nonce covers it for
a few minutes; Slack has no such key).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.adapters.state import AdapterState

log = logging.getLogger(__name__)

# Reminders are tried again only until their night begins: a week covers the earliest.
KEPT = 7 * 24 * 3600


class Receipts:
    def __init__(self, state: AdapterState, platform: str) -> None:
        self.state = state
        self.prefix = f"{platform}:posted:"

    async def posted(self, key: str) -> tuple[str, str] | None:
        """(channel, message id) of the post made under ``key``, if one was recorded."""
        value = await self.state.get_state(self.prefix + key)
        if not value:
            return None
        channel, _, message = value.partition(" ")
        return channel, message

    async def posted_before(self, key: str,
                            still_there: Callable[[str, str], Awaitable[bool]]) -> bool:
        """A retry after a crash: is the message ``key`` posted still there? The platform's
        ``still_there(channel, message id)`` says (False: deleted, post it again; an error
        other than "not found" fails the delivery, to be tried again later)."""
        earlier = await self.posted(key)
        if earlier is None or not await still_there(*earlier):
            return False
        log.info("reminder %s was posted before (message %s); not posting it again", key,
                 earlier[1])
        return True

    async def record(self, key: str, channel: str, message: str) -> None:
        await self.state.put_state(self.prefix + key, f"{channel} {message}", ttl=KEPT)
