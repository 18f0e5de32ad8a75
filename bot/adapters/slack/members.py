"""What Slack says of a member (workspace admin or owner, time zone), looked up by the slash
commands' listener middleware (``bot.adapters.slack.app``) before a command runs, and only
for the commands that need it: a host command (workspace admins may run them in any club)
and one that asks for the member's zone (a new club takes its host's).
Kept a few minutes per member; losing the cache costs one lookup."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.registry import Command

log = logging.getLogger(__name__)

CACHE_SECONDS = 300
LOOKUP = 1.0  # seconds allowed for users.info, inside the answer's budget
CACHE_MOST = 10_000  # members kept at once; the oldest go first


class Members:
    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._seen: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}

    def clear(self) -> None:
        self._seen.clear()

    async def lookup(self, team: str | None, user: str | None) -> dict[str, Any]:
        """What users.info says of a member, kept a few minutes; {} when Slack does not
        answer in time (a host is still a host: the core checks that)."""
        key = (str(team), str(user))
        cached = self._seen.get(key)
        now = time.monotonic()
        if cached and now - cached[0] < CACHE_SECONDS:
            return cached[1]
        try:
            info = await asyncio.wait_for(self.client.users_info(user=str(user)), LOOKUP)
            found = dict(info.get("user") or {})
        except (SlackApiError, OSError, TimeoutError, ValueError):
            log.warning("users.info failed for %s; not treating them as an admin", user,
                        exc_info=True)
            return {}
        if len(self._seen) >= CACHE_MOST:
            self._seen.pop(next(iter(self._seen)))
        self._seen[key] = (now, found)
        return found

    async def fill(self, context: AsyncBoltContext, body: dict[str, Any]) -> None:
        """Fill ``context["is_admin"]`` and ``context["tz"]`` for the parsed command (put in
        ``context["command"]`` just before) when it needs them."""
        command: Command | None = context.get("command")
        context["is_admin"], context["tz"] = False, None
        if command is not None and (command.host_only or command.wants_tz):
            found = await self.lookup(body.get("team_id"), body.get("user_id"))
            context["is_admin"] = command.host_only and bool(
                found.get("is_admin") or found.get("is_owner"))
            tz = found.get("tz") if command.wants_tz else None
            context["tz"] = str(tz) if tz else None
