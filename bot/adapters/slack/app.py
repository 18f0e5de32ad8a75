"""The Slack adapter: a slack_bolt ``AsyncApp`` that binds the core's commands.

- One slash command per core group; the words after it go to the core's own parser, so
  `/film cast` and `/theme what makes us human` mean what they mean on the console. They are
  parsed once, by the listener middleware, which then asks Slack about the member
  (``members.py``) only for the commands that need it.
- The answer travels in the ack itself when it is ready at once (it almost always is: about a
  millisecond); a slow one is acknowledged at once and follows through ``response_url``
  (``answer.py``). ``process_before_response=True``: Bolt then answers as soon as the listener
  returns, rather than polling for the ack every 10 ms.
- Channel replies are ``in_channel`` and cut to the club's progress; private ones are
  ``ephemeral`` and cut to the member's own.
- Reveal and "Just me" buttons re-run a command for the clicker alone; App Home shows the
  member's progress and clubs, with menus to change progress.
- A request Slack delivers again (``X-Slack-Retry-Num`` > 0), or a write command submitted
  twice with the same ``trigger_id``, is never carried out twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import home
from bot.adapters.slack.answer import Delivery, response_type
from bot.adapters.slack.files import file_option, shared_file
from bot.adapters.slack.forms import FORM, form_view, submitted
from bot.adapters.slack.members import Members
from bot.adapters.slack.nights import SlackNights, threaded
from bot.adapters.slack.pictures import pictured
from bot.adapters.slack.render import (
    ACTION,
    REVEAL,
    any_prefix,
    command_group,
    render,
    revealed,
    slack_command,
)
from bot.adapters.state import AdapterState
from bot.core.call import Invocation
from bot.core.clubs import Scope
from bot.core.errors import APOLOGY, UserError
from bot.core.registry import Command
from bot.core.reply import Reply
from bot.core.service import Core

log = logging.getLogger(__name__)

# Slack retries a request it got no answer to within 3 s, at most 3 times within a few minutes;
# a claim outlives them with room to spare, then goes.
CLAIMS_KEPT = 24 * 3600


def scope_of(team: str | None) -> Scope:
    return Scope("slack", team or "unknown")


class SlackBot:
    """The bot's Slack side: build it with a ready core, its state and a Web API client."""

    def __init__(self, core: Core, client: AsyncWebClient, *, state: AdapterState,
                 signing_secret: str | None) -> None:
        self.core = core
        self.client = client
        self.state = state
        self.members = Members(client)
        self.nights = SlackNights(core, client, state)
        self.delivery = Delivery(self.nights)
        self.app = AsyncApp(
            client=client,
            signing_secret=signing_secret or "",
            # Socket Mode needs no signature (its token authenticates it); HTTP always does.
            request_verification_enabled=signing_secret is not None,
            process_before_response=True,
            logger=logging.getLogger("bot.adapters.slack.bolt"),
        )
        # Bolt's own middleware classes: a plain function would have Bolt build its whole
        # set of arguments on every request (the profile in bench/profiles/ shows the cost).
        self.app.middleware(_Arrival(state))
        self._groups = {slack_command(g.name): g.name for g in core.registry.groups()}
        # One listener for every slash command (they all run the same way), so Bolt matches
        # a request once; a renamed command under the name an earlier manifest gave it
        # (``/<prefix>-<name>``) still answers.
        names = "|".join(re.escape(name) for name in self._groups)
        self.app.command(re.compile(rf"^(?:{names}|/[a-z]{{1,12}}-[a-z]+)$"),
                         middleware=[_Prepare(self)])(self._command)
        self.app.action(re.compile(rf"^{any_prefix(REVEAL)}_\d+$"))(self._reveal)
        self.app.action(re.compile(rf"^{any_prefix(ACTION)}_\d+$"))(self._action)
        self.app.action(re.compile(rf"^{any_prefix(home.PREFIX)}"))(self._home_action)
        self.app.view(FORM)(self._form)
        self.app.event("app_home_opened")(self._home_opened)
        self.app.error(self._on_error)

    @property
    def courier(self) -> SlackNights:
        """The scheduler's way to post reminders here (the composition root runs it)."""
        return self.nights

    async def __aenter__(self) -> SlackBot:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.delivery.settle()  # what follows acks already sent is not dropped

    # -- slash commands -----------------------------------------------------------------------
    def _parse(self, context: AsyncBoltContext, body: dict[str, Any]) -> None:
        command = str(body.get("command", ""))
        group = self._groups.get(command) or command_group(command) or ""
        # Slack escapes &, < and > in what was typed; the core takes the words as typed.
        text = f"{group} {unescape(body.get('text', ''))}".strip()
        context["text"] = text
        context["parsed"] = self.core.parse(text)
        context["command"] = context["parsed"][0] if context["parsed"] else None

    async def _command(self, ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond,
                       context: AsyncBoltContext) -> None:
        parsed: tuple[Command, dict[str, str]] | None = context.get("parsed")
        inv = Invocation(scope_of(body.get("team_id")), str(body.get("channel_id", "")),
                         str(body.get("user_id")), is_admin=bool(context.get("is_admin")),
                         tz=context.get("tz"), name=body.get("user_name") or None)
        try:
            await self.delivery.answer(
                ack, respond, self._run_command(inv, body, context["text"], parsed),
                tuple(parsed[1].items()) if parsed else (), inv.channel,
                arrived=context.get("arrived"), user=inv.user)
        except Exception:
            # What was typed is a message body: it is never logged.
            log.exception("%s failed for %s", body.get("command"), _describe(body))
            await ack(response_type="ephemeral", text=APOLOGY)

    async def _run_command(self, inv: Invocation, body: dict[str, Any], text: str,
                           parsed: tuple[Command, dict[str, str]] | None) -> Reply:
        """Everything a slash command does inside the answer's time budget: the claim of a
        write, then the core."""
        if parsed is None:  # no command in the words: the core says so, or gives the help
            return await self.core.run_text(inv, text)
        command, raw = parsed
        if not await self._first_time(command, inv.scope.workspace, body, text):
            return self.core.error_reply(UserError("That request was carried out already."),
                                         command.path)
        if (option := file_option(command)) and raw.get(option):
            # The file a host named (by link or id), inside the answer's time budget.
            inv = replace(inv, upload=await shared_file(self.client, raw[option]))
        return await self.core.run_parsed(inv, command, raw)

    async def _first_time(self, command: Command, team: str | None, body: dict[str, Any],
                          note: str) -> bool:
        """A command that writes runs once per trigger_id: its first delivery claims it.
        Pure commands change nothing, so they skip the claim (and its write)."""
        trigger = body.get("trigger_id")
        if command.pure or not trigger:
            return True
        return await self.state.claim_state(f"slack:trigger:{team}:{trigger}", note[:200],
                                           ttl=CLAIMS_KEPT)

    # -- buttons -------------------------------------------------------------------------------
    async def _reveal(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
                      respond: AsyncRespond) -> None:
        async def work() -> None:
            """A Reveal button: the part, for the clicker alone, if they have reached it."""
            wanted = json.loads(action.get("value") or "{}")
            reply = await self.core.run(self._clicker(body, private=True),
                                        str(wanted.get("p", "")), dict(wanted.get("a") or []))
            blocks = revealed(reply, str(wanted.get("h", "")), wanted.get("o"))
            await respond(response_type="ephemeral", replace_original=False,
                          text="Only you see this.", blocks=blocks)

        await self.delivery.ack_then(ack, work, f"reveal for {_describe(body)}", respond)

    async def _action(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
                      respond: AsyncRespond) -> None:
        async def work() -> None:
            """ "Just me" (the same command, for the clicker alone) and "Another prompt"."""
            wanted = json.loads(action.get("value") or "{}")
            path = str(wanted.get("p", ""))
            command = self.core.registry.get(path)
            if command is not None and not await self._first_time(command, _team_of(body),
                                                                  body, path):
                return
            if wanted.get("f") and command is not None and command.form:
                await self._open_form(body, command, wanted, respond)
                return
            args = tuple((str(k), str(v)) for k, v in wanted.get("a") or [])
            inv = self._clicker(body, private=bool(wanted.get("x")))
            reply = await self.core.run(inv, path, dict(args))
            if threaded(reply):  # the Next button under a prompt: the next goes in the thread
                await self.delivery.threaded(reply, args, inv.channel, respond)
                return
            if pictured(reply):
                await self.delivery.with_picture(reply, args, inv.channel, respond,
                                                 user=inv.user)
                return
            await self.delivery.send(respond, response_type(reply), render(reply, args))
            await self.nights.after(reply, inv.channel)

        await self.delivery.ack_then(ack, work, f"button for {_describe(body)}", respond)

    async def _open_form(self, body: dict[str, Any], command: Command, wanted: dict[str, Any],
                         respond: AsyncRespond) -> None:
        view = form_view(command, wanted, self._clicker(body, private=True).channel)
        if view is None:
            await respond(response_type="ephemeral", replace_original=False,
                          text="This button has expired. Please run the command again.")
            return
        await self.client.views_open(trigger_id=body["trigger_id"], view=view)

    async def _form(self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        async def work() -> None:
            """A form's submission: the command with what was filled in, answered to the
            member alone in the channel where they clicked."""
            path, args, private, channel = submitted(view)
            # A view is submitted once; a delivery Slack repeats is not carried out again.
            if view.get("id") and not await self.state.claim_state(
                    f"slack:view:{_team_of(body)}:{view['id']}", path[:200], ttl=CLAIMS_KEPT):
                return
            inv = Invocation(scope_of(_team_of(body)), channel, str(body["user"]["id"]),
                             private=private)
            reply = await self.core.run(inv, path, args)
            for message in render(reply, tuple(args.items())):
                await self.client.chat_postEphemeral(channel=channel, user=inv.user,
                                                     text=message.text, blocks=message.blocks)

        # The ack closes the modal; the answer follows as an ephemeral message.
        await self.delivery.ack_then(ack, work, f"form for {_describe(body)}")

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
        mine = await self.core.home(Invocation(scope_of(team), "home", user, private=True))
        await self.client.views_publish(user_id=user, view=home.view(mine))

    async def _home_action(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]
                           ) -> None:
        async def work() -> None:
            team, user = _team_of(body), body["user"]["id"]
            path, args = home.command_for(action)
            reply = await self.core.run(Invocation(scope_of(team), "home", user, private=True),
                                        path, args)
            if reply.kind != "ok":
                log.info("home action %s refused for %s", action.get("action_id"), user)
            await self.publish_home(team, user)

        await self.delivery.ack_then(ack, work, f"home action for {_describe(body)}")

    # -- the edges ---------------------------------------------------------------------------
    @staticmethod
    async def _on_error(error: Exception, body: dict[str, Any]) -> None:
        log.error("unhandled error for %s", _describe(body), exc_info=error)


class _Arrival(AsyncMiddleware):
    """Every request: when it arrived (Slack's 3 s for the ack run from here), and an event
    is handled once, however often Slack delivers it: the first delivery claims its event_id
    (atomically, so two at once cannot both run). A retry whose first delivery never arrived
    (X-Slack-Retry-Num > 0, nothing claimed) still runs."""

    def __init__(self, state: AdapterState) -> None:
        self.state = state

    async def async_process(self, *, req: AsyncBoltRequest, resp: BoltResponse,
                            next: Callable[[], Awaitable[BoltResponse]]
                            ) -> BoltResponse | None:
        req.context["arrived"] = asyncio.get_running_loop().time()
        event_id = req.body.get("event_id") if req.body.get("type") == "event_callback" else None
        if event_id and not await self.state.claim_state(f"slack:event:{event_id}", "1",
                                                         ttl=CLAIMS_KEPT):
            return BoltResponse(status=200, body="")
        return await next()


class _Prepare(AsyncMiddleware):
    """A slash command's words, parsed once; then what Slack says of the member, asked only
    for the commands that need it (``members.py``)."""

    def __init__(self, bot: SlackBot) -> None:
        self.bot = bot

    async def async_process(self, *, req: AsyncBoltRequest, resp: BoltResponse,
                            next: Callable[[], Awaitable[BoltResponse]]
                            ) -> BoltResponse | None:
        self.bot._parse(req.context, req.body)
        await self.bot.members.fill(req.context, req.body)
        return await next()


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
