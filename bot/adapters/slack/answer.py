"""How an answer reaches Slack in time: in the acknowledgement when it is ready (it almost
always is), else through ``response_url``; a night's post as the bot's own message; and the
work that follows an ack, run in the background with its task kept.

Slack wants the ack within 3 s. The budget runs from the request's arrival (stamped by the
first middleware), so a member lookup before the listener counts against it too.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError

from bot.adapters.slack.nights import CANNOT_POST, SlackNights, threaded
from bot.adapters.slack.pictures import SlackPictures, pictured
from bot.adapters.slack.render import Message, render
from bot.core.errors import APOLOGY
from bot.core.reply import Reply, Visibility

log = logging.getLogger(__name__)

ANSWER_WITHIN = 2.0  # seconds from arrival: Slack allows 3 for the ack
LEAST_WAIT = 0.05  # however late the listener starts, a quick answer still rides in the ack
RESPONSES_MOST = 5  # response_url takes 5 posts in 30 minutes
RENDERINGS_KEPT = 512

Args = tuple[tuple[str, str], ...]


SENT_TO_MESSAGES = "The file is in your messages with the app (only you can see it)."
NOT_SENT = "The file could not be sent to your messages with the app; here is what it holds."


@dataclass(frozen=True, slots=True)
class Rendering:
    reply: Reply
    messages: tuple[Message, ...]
    kind: str  # in_channel or ephemeral
    ack_body: str  # the first message, as the ack's JSON


def response_type(reply: Reply) -> str:
    return "ephemeral" if reply.visibility is Visibility.PRIVATE else "in_channel"


class Delivery:
    def __init__(self, nights: SlackNights) -> None:
        self.nights = nights
        self.pictures = SlackPictures(nights.client)
        self._background: set[asyncio.Future[None]] = set()
        self._rendered: OrderedDict[tuple[int, Args], Rendering] = OrderedDict()

    async def answer(self, ack: AsyncAck, respond: AsyncRespond,
                     work: Coroutine[Any, Any, Reply], args: Args, channel: str, *,
                     arrived: float | None = None, user: str | None = None) -> None:
        """The answer in the ack when it is quick; otherwise ack now, answer by respond()."""
        loop = asyncio.get_running_loop()
        spent = loop.time() - arrived if arrived is not None else 0.0
        # A task of its own, so that a slow answer goes on after the ack (a claimed write is
        # never cut half-way). One turn of the loop runs it: a quick answer (nearly all) is
        # then done, with no timer set; else asyncio.wait, which neither cancels it nor wraps
        # it as wait_for and shield would.
        task = loop.create_task(work)
        await asyncio.sleep(0)
        if not task.done():
            await asyncio.wait((task,), timeout=max(LEAST_WAIT, ANSWER_WITHIN - spent))
        if not task.done():
            await ack()
            self.spawn(self._answer_later(task, respond, args, channel, user))
            return
        reply = task.result()
        if threaded(reply):  # the bot posts it itself; the ack shows nothing
            await ack()
            self.spawn(self.threaded(reply, args, channel, respond))
            return
        if pictured(reply):  # the bot posts it with its picture; the ack shows nothing
            await ack()
            self.spawn(self.with_picture(reply, args, channel, respond, user=user))
            return
        if reply.effects:
            self.spawn(self.nights.after(reply, channel))
        kept = self._rendering(reply, args)
        # The ack's body as ack() would write it, encoded once per kept rendering.
        ack.response = BoltResponse(status=200, body=kept.ack_body)
        if len(kept.messages) > 1:
            self.spawn(self.send(respond, kept.kind, kept.messages[1:]))

    def _rendering(self, reply: Reply, args: Args) -> Rendering:
        """The core hands out the same Reply object for the same question at the same point,
        so its rendering is kept too (the entry holds the reply itself, so its id cannot be
        reused while the entry lives)."""
        key = (id(reply), args)
        kept = self._rendered.get(key)
        if kept is not None and kept.reply is reply:
            self._rendered.move_to_end(key)
            return kept
        messages = render(reply, args)
        kind = response_type(reply)
        first = messages[0]
        body: dict[str, object] = {"text": first.text, "response_type": kind}
        if first.blocks:
            body["blocks"] = first.blocks
        kept = Rendering(reply, tuple(messages), kind, json.dumps(body))
        self._rendered[key] = kept
        if len(self._rendered) > RENDERINGS_KEPT:
            self._rendered.popitem(last=False)
        return kept

    async def ack_then(self, ack: AsyncAck, work: Callable[[], Awaitable[None]], what: str,
                       respond: AsyncRespond | None = None) -> None:
        """A button or Home control: acknowledge at once (with process_before_response the
        ack leaves when the listener returns), then do the work; anything unexpected is
        logged and, where there is a way to, the member gets the apology."""
        await ack()
        self.spawn(self._guarded(work, what, respond))

    async def _guarded(self, work: Callable[[], Awaitable[None]], what: str,
                       respond: AsyncRespond | None) -> None:
        try:
            await work()
        except Exception:
            log.exception("%s failed", what)
            if respond is not None:
                with contextlib.suppress(Exception):
                    await respond(response_type="ephemeral", replace_original=False,
                                  text=APOLOGY)

    def spawn(self, work: Awaitable[None]) -> None:
        """Run work after the ack, keeping a reference so it is not collected half-way."""
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def settle(self) -> None:
        """Wait for the work after acks (tests, and a clean shutdown)."""
        while self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    async def _answer_later(self, task: asyncio.Future[Reply], respond: AsyncRespond,
                            args: Args, channel: str, user: str | None = None) -> None:
        try:
            reply = await task
            if threaded(reply):
                await self.threaded(reply, args, channel, respond)
                return
            if pictured(reply):
                await self.with_picture(reply, args, channel, respond, user=user)
                return
            await self.send(respond, response_type(reply), render(reply, args))
            await self.nights.after(reply, channel)  # the answer first, then the thread
        except Exception:
            log.exception("a slow answer could not be sent")
            with contextlib.suppress(Exception):
                await respond(response_type="ephemeral", replace_original=False, text=APOLOGY)

    async def threaded(self, reply: Reply, args: Args, channel: str,
                       respond: AsyncRespond) -> None:
        """A night's agenda or prompt, posted by the bot; the member who asked gets a note."""
        try:
            try:
                note = await self.nights.post_threaded(reply, args, channel)
            except (SlackApiError, OSError):  # the thread is gone, or Slack is: answer here
                log.warning("night thread unusable in %s; answering in the channel", channel,
                            exc_info=True)
                note = None
                await self.send(respond, response_type(reply), render(reply, args))
            if note == CANNOT_POST:  # no thread: the night still runs, in the channel
                await self.send(respond, response_type(reply), render(reply, args))
            if note:
                await respond(response_type="ephemeral", replace_original=False, text=note)
        except Exception:
            log.exception("a night's post could not be made in %s", channel)
            with contextlib.suppress(Exception):
                await respond(response_type="ephemeral", replace_original=False, text=APOLOGY)

    async def with_picture(self, reply: Reply, args: Args, channel: str,
                           respond: AsyncRespond, *, user: str | None = None) -> None:
        """A reply for the channel with its picture: posted as the picture's message, its
        words in the same message; where that cannot be, the words alone, by respond(). A
        private file goes to the member's messages with the app, and its words here."""
        try:
            messages = render(reply, args)
            shared = await self.pictures.share(reply, channel, messages[0].blocks, user=user)
            private = reply.visibility is Visibility.PRIVATE
            rest = messages[1:] if shared else messages
            if private:
                await respond(response_type="ephemeral", replace_original=False,
                              text=SENT_TO_MESSAGES if shared else NOT_SENT)
            if rest:
                await self.send(respond, response_type(reply), rest)
            await self.nights.after(reply, channel)
        except Exception:
            log.exception("a reply with a picture could not be posted in %s", channel)
            with contextlib.suppress(Exception):
                await respond(response_type="ephemeral", replace_original=False, text=APOLOGY)

    @staticmethod
    async def send(respond: AsyncRespond, kind: str, messages: Sequence[Message]) -> None:
        if len(messages) > RESPONSES_MOST:
            log.warning("a reply of %d messages was cut to %d", len(messages), RESPONSES_MOST)
        for message in messages[:RESPONSES_MOST]:
            await respond(response_type=kind, text=message.text, blocks=message.blocks,
                          replace_original=False)
