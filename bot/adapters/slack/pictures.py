"""A reply's picture on Slack: the PNG uploaded with ``files_upload_v2`` and shown in the
reply's own blocks as an image block naming the file (``slack_file``), with its alt text.

The file is uploaded without sharing it to a channel: sharing would post it as a message of
its own (a second copy beside the reply), and a private chart posted in the channel would be
seen by all. The reply that shows it, public or ephemeral, reaches whoever it is for. Its text
says the same, for notifications and screen readers. An upload that fails costs the picture,
never the reply.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.reply import Reply
from bot.pictures import png

log = logging.getLogger(__name__)

ALT_MOST = 1000  # Slack's limit on a file's alt text (an image block's is 2000)


class SlackPictures:
    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def upload(self, reply: Reply) -> str | None:
        """The uploaded picture's file id, or None (no picture, or the upload failed)."""
        picture = reply.picture
        if picture is None:
            return None
        try:
            answer = await self.client.files_upload_v2(
                content=png(picture), filename=picture.filename, title=picture.filename,
                alt_txt=picture.alt[:ALT_MOST])
            file = answer.get("file") or {}
            return str(file["id"]) if file.get("id") else None
        except (SlackApiError, SlackClientError, OSError, KeyError, TypeError):
            log.warning("a %s picture could not be uploaded", picture.kind, exc_info=True)
            return None

