"""A reply's picture on Slack: the reply posted as the picture's own message, the PNG uploaded
with ``files_upload_v2`` into the channel (or thread) with the reply's blocks beside it
(files.completeUploadExternal takes them), so the picture and its words are one message.

Only a reply for the channel is shared so: a file shared to a channel is the channel's, and a
file uploaded privately cannot be shown in a message (Slack answers ``invalid slack file``). A
reply for one member keeps to its words, which say what the picture shows. A calendar file
for one member (cut to their own progress) goes to their direct messages with the app
(conversations.open, scope ``im:write``), where only they can open it. An upload that
fails (the bot not in the channel, Slack down) costs the picture, never the reply: the caller
answers with the text.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.reply import Reply, Visibility
from bot.pictures import file_bytes

log = logging.getLogger(__name__)

ALT_MOST = 1000  # Slack's limit on a file's alt text
TITLE_MOST = 250


def pictured(reply: Reply) -> bool:
    """Is this a reply whose picture (or file) is shared where it is posted, or, for a file
    that is not a picture, in the member's own messages?"""
    picture = reply.picture
    return picture is not None and (reply.visibility is Visibility.PUBLIC or not picture.image)


class SlackPictures:
    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def share(self, reply: Reply, channel: str, blocks: list[dict[str, Any]], *,
                    thread: str | None = None, user: str | None = None) -> bool:
        """Post the reply in ``channel`` as its picture's file message (a private file: in
        ``user``'s messages with the app); False if it could not be (nothing was posted, and
        the caller sends the text)."""
        picture = reply.picture
        assert picture is not None
        data = await asyncio.to_thread(file_bytes, picture)  # the event loop keeps serving
        try:
            if reply.visibility is Visibility.PRIVATE:
                if not user:
                    return False
                opened = await self.client.conversations_open(users=user)
                channel, thread = str(opened["channel"]["id"]), None
            await self.client.files_upload_v2(
                content=data, filename=picture.filename,
                title=(reply.title or picture.filename)[:TITLE_MOST],
                alt_txt=picture.alt[:ALT_MOST], channel=channel, thread_ts=thread,
                blocks=json.dumps(blocks, ensure_ascii=False))
        except (SlackApiError, SlackClientError, OSError):
            log.warning("a %s picture could not be shared in %s", picture.kind, channel,
                        exc_info=True)
            return False
        return True
