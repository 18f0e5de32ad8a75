"""The Slack adapter: a slack_bolt ``AsyncApp`` that binds the core's commands.

- One slash command per core group; the words after it go to the core's own parser, so
  `/film cast` and `/theme what makes us human` mean what they mean on the console.
- The answer travels in the ack itself when it is ready at once (it almost always is: about a
  millisecond); a slow one is acknowledged at once and follows through ``response_url``.
  ``process_before_response=True``: Bolt then answers as soon as the listener returns, rather
  than polling for the ack every 10 ms.
- Channel replies are ``in_channel`` and cut to the club's progress; private ones are
  ``ephemeral`` and cut to the member's own.
- Reveal and "Just me" buttons re-run a command for the clicker alone; App Home shows the
  member's progress and clubs, with menus to change progress.
- A request Slack delivers again (``X-Slack-Retry-Num`` > 0), or a write command submitted
  twice with the same ``trigger_id``, is never carried out twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import home
from bot.adapters.slack.nights import CANNOT_POST, SlackNights, threaded
from bot.adapters.slack.render import (
    ACTION,
    REVEAL,
    SECTION,
    Message,
    digest,
    mrkdwn,
    render,
    slack_command,
    split,
)
from bot.core.clubs import Scope
from bot.core.errors import APOLOGY, UserError
from bot.core.registry import Command, HelpRequested
from bot.core.reply import PartState, Reply, Visibility
from bot.core.scheduler import Scheduler
from bot.core.service import Core, Invocation
from bot.core.timeline import Reveal, describe_film, describe_novel

log = logging.getLogger(__name__)

ANSWER_WITHIN = 2.0  # seconds: Slack allows 3 for the ack
ADMIN_CACHE_SECONDS = 300
ADMIN_LOOKUP = 1.0  # seconds allowed for users.info, inside the answer's budget
def scope_of(team: str | None) -> Scope:
    return Scope("slack", team or "unknown")


class SlackBot:
    """The bot's Slack side: build it with a ready core and a Web API client."""

    def __init__(self, core: Core, client: AsyncWebClient, *, signing_secret: str | None
                 ) -> None:
        self.core = core
        self.client = client
        self._members: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}
        self._background: set[asyncio.Future[None]] = set()
        self.nights = SlackNights(core, client)
        self.scheduler = Scheduler(core, "slack", self.nights)
        self.app = AsyncApp(
            client=client,
            signing_secret=signing_secret or "",
            # Socket Mode needs no signature (its token authenticates it); HTTP always does.
            request_verification_enabled=signing_secret is not None,
            process_before_response=True,
            logger=logging.getLogger("bot.adapters.slack.bolt"),
        )
        self.app.middleware(self._skip_redelivered_events)
        self._groups = {slack_command(g.name): g.name for g in core.registry.groups()}
        for name in self._groups:
            self.app.command(name)(self._command)
        self.app.action(re.compile(rf"^{REVEAL}_\d+$"))(self._reveal)
        self.app.action(re.compile(rf"^{ACTION}_\d+$"))(self._action)
        self.app.action(re.compile(rf"^{home.PREFIX}"))(self._home_action)
        self.app.event("app_home_opened")(self._home_opened)
        self.app.error(self._on_error)

    # -- slash commands -----------------------------------------------------------------------
    async def _command(self, ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond
                       ) -> None:
        group = self._groups.get(body.get("command", ""), "")
        # Slack escapes &, < and > in what was typed; the core takes the words as typed.
        text = f"{group} {unescape(body.get('text', ''))}".strip()
        try:
            command, raw = None, {}
            with contextlib.suppress(UserError, HelpRequested):  # the core answers these
                command, raw = self.core.registry.parse(text)
            await self._answer(ack, respond, self._run_command(body, text, command),
                               tuple(raw.items()), str(body.get("channel_id", "")))
        except Exception:
            log.exception("%s %r failed for %s", body.get("command"),
                          body.get("text", "")[:100], _describe(body))
            await ack(response_type="ephemeral", text=APOLOGY)

    async def _run_command(self, body: dict[str, Any], text: str, command: Command | None
                           ) -> Reply:
        """Everything a slash command does, all inside the answer's time budget: the claim of
        a write, the admin check, the core."""
        team, user, channel = body.get("team_id"), body.get("user_id"), body.get("channel_id")
        if command is not None and not await self._first_time(command, team, body, text):
            return self.core.error_reply(UserError("That request was carried out already."),
                                         command.path)
        admin = bool(command and command.host_only) and await self._is_admin(team, user)
        # A new club takes its host's time zone, which Slack knows.
        tz = (await self._member(team, user)).get("tz") if command and command.path == (
            "club create") else None
        inv = Invocation(scope_of(team), str(channel), str(user), is_admin=admin,
                         tz=str(tz) if tz else None)
        return await self.core.run_text(inv, text)

    async def _answer(self, ack: AsyncAck, respond: AsyncRespond,
                      work: Awaitable[Reply], args: tuple[tuple[str, str], ...],
                      channel: str) -> None:
        """The answer in the ack when it is quick; otherwise ack now, answer by respond()."""
        task = asyncio.ensure_future(work)
        try:
            reply = await asyncio.wait_for(asyncio.shield(task), ANSWER_WITHIN)
        except TimeoutError:
            await ack()
            self._spawn(self._answer_later(task, respond, args, channel))
            return
        if threaded(reply):  # the bot posts it itself; the ack shows nothing
            await ack()
            self._spawn(self._threaded(reply, args, channel, respond))
            return
        if reply.effects:
            self._spawn(self.nights.after(reply, channel))
        messages = render(reply, args)
        kind = _response_type(reply)
        first = messages[0]
        await ack(response_type=kind, text=first.text, blocks=first.blocks)
        if len(messages) > 1:
            self._spawn(self._send_rest(respond, kind, messages[1:]))

    def _spawn(self, work: Awaitable[None]) -> None:
        """Run work after the ack, keeping a reference so it is not collected half-way."""
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _answer_later(self, task: asyncio.Future[Reply], respond: AsyncRespond,
                            args: tuple[tuple[str, str], ...], channel: str) -> None:
        try:
            reply = await task
            if threaded(reply):
                await self._threaded(reply, args, channel, respond)
                return
            messages = render(reply, args)
            await self._send_rest(respond, _response_type(reply), messages)
            await self.nights.after(reply, channel)  # the answer first, then the thread
        except Exception:
            log.exception("a slow answer could not be sent")
            with contextlib.suppress(Exception):
                await respond(response_type="ephemeral", replace_original=False,
                              text=APOLOGY)

    async def _threaded(self, reply: Reply, args: tuple[tuple[str, str], ...], channel: str,
                        respond: AsyncRespond) -> None:
        """A night's agenda or prompt, posted by the bot; the member who asked gets a note."""
        try:
            try:
                note = await self.nights.post_threaded(reply, args, channel)
            except (SlackApiError, OSError):  # the thread is gone, or Slack is: answer here
                log.warning("night thread unusable in %s; answering in the channel", channel,
                            exc_info=True)
                note = None
                await self._send_rest(respond, _response_type(reply), render(reply, args))
            if note == CANNOT_POST:  # no thread: the night still runs, in the channel
                await self._send_rest(respond, _response_type(reply), render(reply, args))
            if note:
                await respond(response_type="ephemeral", replace_original=False, text=note)
        except Exception:
            log.exception("a night's post could not be made in %s", channel)
            with contextlib.suppress(Exception):
                await respond(response_type="ephemeral", replace_original=False,
                              text=APOLOGY)

    @staticmethod
    async def _send_rest(respond: AsyncRespond, kind: str, messages: list[Message]) -> None:
        # response_url takes 5 posts in 30 minutes; no reply of ours needs more than that.
        if len(messages) > 5:
            log.warning("a reply of %d messages was cut to 5", len(messages))
        for message in messages[:5]:
            await respond(response_type=kind, text=message.text, blocks=message.blocks,
                          replace_original=False)

    async def _first_time(self, command: Command, team: str | None, body: dict[str, Any],
                          note: str) -> bool:
        """A command that writes runs once per trigger_id: its first delivery claims it.
        Pure commands change nothing, so they skip the claim (and its write)."""
        trigger = body.get("trigger_id")
        if command.pure or not trigger:
            return True
        return await self.core.store.claim_state(f"slack:trigger:{team}:{trigger}", note[:200])

    async def _is_admin(self, team: str | None, user: str | None) -> bool:
        """Workspace admins and owners may run host commands in any club."""
        found = await self._member(team, user)
        return bool(found.get("is_admin") or found.get("is_owner"))

    async def _member(self, team: str | None, user: str | None) -> dict[str, Any]:
        """What users.info says of a member (admin, time zone), kept a few minutes; {} when
        Slack does not answer in time (a host is still a host: the core checks that)."""
        key = (str(team), str(user))
        cached = self._members.get(key)
        now = time.monotonic()
        if cached and now - cached[0] < ADMIN_CACHE_SECONDS:
            return cached[1]
        try:
            info = await asyncio.wait_for(self.client.users_info(user=str(user)), ADMIN_LOOKUP)
            found = dict(info.get("user") or {})
        except (SlackApiError, OSError, TimeoutError, ValueError):
            log.warning("users.info failed for %s; not treating them as an admin", user,
                        exc_info=True)
            return {}
        self._members[key] = (now, found)
        return found

    # -- buttons -------------------------------------------------------------------------------
    async def _reveal(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
                      respond: AsyncRespond) -> None:
        # With process_before_response the ack leaves when the listener returns: the answer
        # goes after it, through response_url.
        await ack()
        self._spawn(self._reveal_work(body, action, respond))

    async def _reveal_work(self, body: dict[str, Any], action: dict[str, Any],
                           respond: AsyncRespond) -> None:
        """A Reveal button: the part, for the clicker alone, if they have reached it."""
        try:
            wanted = json.loads(action.get("value") or "{}")
            inv = self._clicker(body, private=True)
            reply = await self.core.run(inv, str(wanted.get("p", "")),
                                        dict(wanted.get("a") or []))
            blocks = _revealed(reply, str(wanted.get("h", "")), wanted.get("o"))
            await respond(response_type="ephemeral", replace_original=False,
                          text="Only you see this.", blocks=blocks)
        except Exception:
            log.exception("reveal failed for %s", body.get("user", {}).get("id"))
            await respond(response_type="ephemeral", replace_original=False, text=APOLOGY)

    async def _action(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
                      respond: AsyncRespond) -> None:
        await ack()
        self._spawn(self._action_work(body, action, respond))

    async def _action_work(self, body: dict[str, Any], action: dict[str, Any],
                           respond: AsyncRespond) -> None:
        """ "Just me" (the same command, for the clicker alone) and "Another prompt"."""
        try:
            wanted = json.loads(action.get("value") or "{}")
            private = bool(wanted.get("x"))
            path = str(wanted.get("p", ""))
            command = self.core.registry.get(path)
            if command is not None and not await self._first_time(command, _team_of(body),
                                                                  body, path):
                return
            args = tuple((str(k), str(v)) for k, v in wanted.get("a") or [])
            inv = self._clicker(body, private=private)
            reply = await self.core.run(inv, path, dict(args))
            if threaded(reply):  # the Next button under a prompt: the next goes in the thread
                await self._threaded(reply, args, inv.channel, respond)
                return
            await self._send_rest(respond, _response_type(reply), render(reply, args))
            await self.nights.after(reply, inv.channel)
        except Exception:
            log.exception("button failed for %s", body.get("user", {}).get("id"))
            await respond(response_type="ephemeral", replace_original=False, text=APOLOGY)

    def _clicker(self, body: dict[str, Any], *, private: bool) -> Invocation:
        team = _team_of(body)
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
            "channel_id", "")
        return Invocation(scope_of(team), str(channel), str(body["user"]["id"]),
                          private=private)

    # -- App Home --------------------------------------------------------------------------
    async def _home_opened(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("tab") not in (None, "home"):
            return
        try:
            await self.publish_home(body.get("team_id"), event["user"])
        except Exception:
            log.exception("App Home could not be published for %s", event.get("user"))

    async def publish_home(self, team: str | None, user: str) -> None:
        scope = scope_of(team)
        progress = await self.core.store.member_progress(scope, user)
        clubs = await self.core.store.clubs_of(scope, user)
        await self.client.views_publish(user_id=user, view=home.view(progress, clubs))

    async def _home_action(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]
                           ) -> None:
        await ack()
        self._spawn(self._home_work(body, action))

    async def _home_work(self, body: dict[str, Any], action: dict[str, Any]) -> None:
        team = _team_of(body)
        user = body["user"]["id"]
        try:
            path, args = home.command_for(action)
            reply = await self.core.run(Invocation(scope_of(team), "home", user, private=True),
                                        path, args)
            if reply.kind != "ok":
                log.info("home action %s refused for %s", action.get("action_id"), user)
            await self.publish_home(team, user)
        except Exception:
            log.exception("home action failed for %s", user)

    # -- the edges ---------------------------------------------------------------------------
    async def _skip_redelivered_events(self, req: AsyncBoltRequest, resp: BoltResponse,
                                       next: Callable[[], Awaitable[None]]) -> BoltResponse | None:
        """An event is handled once, however often Slack delivers it: the first delivery
        claims its event_id (atomically, so two at once cannot both run). A retry whose first
        delivery never arrived (X-Slack-Retry-Num > 0, nothing claimed) still runs."""
        event_id = req.body.get("event_id") if req.body.get("type") == "event_callback" else None
        if event_id and not await self.core.store.claim_state(f"slack:event:{event_id}", "1"):
            return BoltResponse(status=200, body="")
        await next()
        return None

    @staticmethod
    async def _on_error(error: Exception, body: dict[str, Any]) -> None:
        log.error("unhandled error for %s", _describe(body), exc_info=error)


def _response_type(reply: Reply) -> str:
    return "ephemeral" if reply.visibility is Visibility.PRIVATE else "in_channel"


def unescape(text: str) -> str:
    """Undo Slack's escaping of typed text (only its three characters, as it does)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _team_of(body: dict[str, Any]) -> str | None:
    return ((body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id")
            or body.get("team_id"))


def _describe(body: dict[str, Any]) -> str:
    user = body.get("user_id") or (body.get("user") or {}).get("id")
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    return f"user {user} in team {team} ({body.get('command') or body.get('type')})"


def _revealed(reply: Reply, wanted: str, opens: list[int | None] | None) -> list[dict[str, Any]]:
    """The blocks a Reveal click answers with: the part if the clicker may see it."""
    a = reply.audience
    yours = (f"Your progress: {describe_novel(a.progress_novel)}, "
             f"{describe_film(a.progress_film)}.")
    for part in (*reply.parts, *reply.fields):
        shown = part.state is PartState.SHOW
        composed = f"{part.label}: {part.text}" if part.label and shown else part.text
        if digest(composed) != wanted:
            continue
        if shown:
            text = mrkdwn(part.text)
            if part.label:
                text = f"*{mrkdwn(part.label)}*: {text}"
            return [*({"type": "section", "text": {"type": "mrkdwn", "text": piece}}
                      for piece in split(text, SECTION)[:40]),
                    {"type": "context", "elements": [
                        {"type": "mrkdwn", "text": "Only you see this. " + yours}]}]
        break
    point = ""
    if opens and any(p is not None for p in opens):
        point = f" It opens at {Reveal(novel=opens[0], film=opens[1]).describe()}."
    return [{"type": "section", "text": {"type": "mrkdwn", "text": (
        "You haven't reached that part yet, so I'm keeping it from you." + point
        + " " + yours + " Set yours with `/progress`.")}}]

