"""A file a host gives a slash command on Slack (`/questions upload`).

A slash command carries no file, so the host uploads it to Slack first (into the channel, or
their messages with the app) and gives the command its link or its id (`F0123ABCD`). The bot
asks files.info (scope ``files:read``) for its name and size, and the core reads it only if
that size is within its limit: then the bytes come from the file's ``url_private_download``
with the bot token. The token goes only to Slack's own hosts, never to a link as typed.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.call import Upload
from bot.core.registry import Command, OptionKind

log = logging.getLogger(__name__)

FILE_ID = re.compile(r"\b(F[A-Z0-9]{6,20})\b")
SLACK_HOSTS = ("files.slack.com", "slack.com", "slack-files.com")
READ_TIMEOUT = 10  # seconds for the download


def file_option(command: Command) -> str | None:
    return next((o.name for o in command.options if o.kind is OptionKind.FILE), None)


def _trusted(url: str, api: str) -> bool:
    """Is ``url`` Slack's own (or, in a test, the Web API's host), to send the token to?"""
    host, ours = urlsplit(url).hostname or "", urlsplit(api).hostname or ""
    return host == ours or host in SLACK_HOSTS or host.endswith(".slack.com")


async def shared_file(client: AsyncWebClient, typed: str) -> Upload | None:
    """The file a host named by link or id, or None (the core then says what it needs)."""
    found = FILE_ID.search(typed)
    if found is None:
        return None
    try:
        info: dict[str, Any] = (await client.files_info(file=found.group(1)))["file"]
    except (SlackApiError, SlackClientError, OSError, KeyError):
        log.info("files.info failed for a file a member named", exc_info=True)
        return None
    url = str(info.get("url_private_download") or info.get("url_private") or "")
    if not url or not _trusted(url, client.base_url):
        return None
    token = client.token or ""

    async def read(most: int) -> bytes:
        timeout = aiohttp.ClientTimeout(total=READ_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as session, session.get(
                url, headers={"Authorization": f"Bearer {token}"},
                allow_redirects=False) as answer:
            answer.raise_for_status()
            return await answer.content.read(most)

    return Upload(str(info.get("name") or "file"), int(info.get("size") or 0), read)
