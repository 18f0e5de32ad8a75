"""Discussion nights on Slack: the night's thread, and the posts the bot makes on its own.

A slash command's answer cannot be threaded, and its ``ts`` is never told to the app, so the
night's opening message (the agenda) is posted with ``chat.postMessage`` and its ``ts`` kept as
the night's thread; prompts then go in that thread (``thread_ts``), whether asked for by
command in the channel or by a button in the thread. The member who typed the command gets a
private note instead of a duplicate.

Reminders go to the club's channel, and privately to members who asked, as a message from the
app (``chat.postMessage`` to the member's id). Slack has no idempotency key: each message's
``ts`` is kept as a receipt (``receipts.py``), and a reminder the scheduler delivers again after
a crash asks Slack (``chat.getPermalink``, which needs no extra scope) whether that message is
there before posting it again. Only a crash in the instant between Slack's answer and the
receipt's write could show one twice; that window is milliseconds wide.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError

from bot.adapters.receipts import Receipts
from bot.adapters.slack.render import DISPLAY_NAME, Message, render
from bot.adapters.state import AdapterState
from bot.core.clubs import Scope
from bot.core.effects import CloseThread, Effect, InThread, OpenThread
from bot.core.reply import Reply
from bot.core.scheduler import Notice

if TYPE_CHECKING:
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.core.service import Core

log = logging.getLogger(__name__)

CANNOT_POST = ("I can't post in this channel, so the night has no thread here. Invite me with "
               f"`/invite @{DISPLAY_NAME}` (a private channel needs that), then run it again.")


def threaded(reply: Reply) -> bool:
    """Does this reply go out as the bot's own post (the agenda, or a post in the thread)?"""
    return any(isinstance(e, OpenThread) or (isinstance(e, InThread) and e.thread)
               for e in reply.effects)


class SlackNights:
    def __init__(self, core: Core, client: AsyncWebClient, state: AdapterState) -> None:
        self.core = core
        self.client = client
        self.receipts = Receipts(state, "slack")

    async def _post(self, channel: str, message: Message, thread: str | None = None
                    ) -> str:
        return (await self._posted(channel, message, thread))[1]

    async def _posted(self, channel: str, message: Message, thread: str | None = None
                      ) -> tuple[str, str]:
        """Post; the channel it went to (a member's id gives the app's DM) and its ts."""
        args: dict[str, Any] = {"channel": channel, "text": message.text,
                                "blocks": message.blocks, "unfurl_links": False}
        if thread:
            args["thread_ts"] = thread
        answer = await self.client.chat_postMessage(**args)
        return str(answer.get("channel") or channel), str(answer["ts"])

    async def post_threaded(self, reply: Reply, args: tuple[tuple[str, str], ...],
                            channel: str) -> str | None:
        """Post a reply as the bot: the agenda (opening the thread) or into the thread.
        Returns a note for the member who asked, or None if they need none."""
        messages = render(reply, args)
        for effect in reply.effects:
            if isinstance(effect, OpenThread):
                try:
                    ts = await self._post(channel, messages[0])
                except SlackApiError:
                    log.warning("night %d: cannot post in %s", effect.night, channel,
                                exc_info=True)
                    return CANNOT_POST
                await self.core.thread_opened(effect.night, ts)
                for rest in messages[1:]:
                    await self._post(channel, rest, ts)
                return None
            if isinstance(effect, InThread) and effect.thread:
                for message in messages:
                    await self._post(channel, message, effect.thread)
                return "Posted in the night's thread."
        return None

    async def after(self, reply: Reply, channel: str) -> None:
        """The recap is the channel's; the thread is told where it went. Never raises: it
        runs once the member has their answer."""
        for effect in reply.effects:
            if isinstance(effect, CloseThread) and effect.thread:
                try:
                    await self._post(channel, Message(
                        [{"type": "section", "text": {
                            "type": "mrkdwn", "text": "This night has ended; the recap is in "
                                                      "the channel."}}],
                        "This night has ended; the recap is in the channel."), effect.thread)
                except Exception:
                    log.warning("could not close the thread of night %d", effect.night,
                                exc_info=True)

    # -- the scheduler's courier --------------------------------------------------------------

    async def ready(self) -> None:
        return None  # the Web API client needs no connection of its own

    async def deliver(self, notice: Notice) -> None:
        # A private notice goes to the member's id: Slack delivers it in the app's DM.
        where = notice.to or notice.channel
        for n, message in enumerate(render(notice.reply, ())):
            key = f"{notice.key}:{n}"
            if await self.receipts.posted_before(key, self._still_there):
                continue
            channel, ts = await self._posted(where, message)
            await self.receipts.record(key, channel, ts)

    async def _still_there(self, channel: str, ts: str) -> bool:
        try:
            await self.client.chat_getPermalink(channel=channel, message_ts=ts)
        except SlackApiError as err:
            if err.response.get("error") in ("message_not_found", "channel_not_found"):
                return False
            raise
        return True

    async def apply(self, scope: Scope, effects: Sequence[Effect]) -> None:
        return None  # Slack has no calendar of its own to keep in step
