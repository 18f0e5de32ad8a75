"""A fake Slack for the real slack_bolt app: the Web API, response_url, and Socket Mode.

- ``/api/{method}`` answers the Web API methods the bot calls (auth.test, users.info,
  views.publish, chat.postMessage, chat.postEphemeral, chat.getPermalink (for a message
  still there), conversations.open, files.info (a
  file a member uploaded, served at ``/files/{id}/{name}`` to the bot's token),
  apps.connections.open, and the two of an upload: files.getUploadURLExternal,
  files.completeUploadExternal) and records each.
- ``/upload/{file}`` is the upload URL files.getUploadURLExternal hands out: the bytes posted
  there are kept (``uploads``); completing an upload whose bytes never came is an error.
- ``/respond/{n}`` is a ``response_url``: what the bot posts there is recorded, and more than
  five posts to one URL is recorded as a breach (Slack allows five in 30 minutes).
- ``/socket`` is a Socket Mode websocket: it says hello, delivers envelopes and collects the
  client's acknowledgements.
- ``sign`` and ``post`` send signed HTTP requests to the app, as Slack does.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

import aiohttp
from aiohttp import WSMsgType, web

TEAM = "T0CLUB"
SECRET = "test-signing-secret"
ADMIN = "UADMIN"  # users.info says this member is a workspace admin


@dataclass
class Call:
    method: str
    args: dict[str, Any]


def sign(body: str, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


@contextlib.asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[str]:
    """The Bolt app's aiohttp application on 127.0.0.1; yields its events URL."""
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}/slack/events"
    finally:
        await runner.cleanup()


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.responses: dict[str, list[dict[str, Any]]] = {}  # response_url id -> posts
        self.violations: list[str] = []
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._ws: web.WebSocketResponse | None = None
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.socket_ready = asyncio.Event()
        self.port = 0
        self.session: aiohttp.ClientSession | None = None
        self.users_info_delay = 0.0  # seconds: a slow Slack
        self.post_delay = 0.0  # seconds chat.postMessage takes (reminders in flight)
        self.closed_channels: set[str] = set()  # private channels the bot was not invited to
        self.lost_threads: set[str] = set()  # thread_ts whose first message was deleted
        self.zones: dict[str, str] = {}  # member id -> the time zone users.info gives
        self._ts = itertools.count(1_700_000_000)
        self.uploads: dict[str, bytes | None] = {}  # file id -> its bytes, once posted
        self.asked: dict[str, dict[str, Any]] = {}  # file id -> its getUploadURLExternal args
        self.shared_files: dict[str, tuple[str, bytes]] = {}  # file id -> a member's file
        self.downloads: list[tuple[str, str]] = []  # (file id, Authorization) per download
        self.messages: set[tuple[str, str]] = set()  # (channel, ts) of every message posted
        self.views: list[dict[str, Any]] = []  # every modal opened (views.open)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/socket", self._socket)
        app.router.add_post("/respond/{id}", self._respond)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/{file}", self._upload)
        app.router.add_get("/files/{file}/{name}", self._download)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.session = aiohttp.ClientSession()

    async def stop(self) -> None:
        if self.session:
            await self.session.close()
        if self._ws is not None:
            await self._ws.close()
        if self._runner:
            await self._runner.cleanup()

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self) -> tuple[str, str]:
        n = str(next(self._ids))
        self.responses[n] = []
        return n, f"http://127.0.0.1:{self.port}/respond/{n}"

    def called(self, method: str) -> list[dict[str, Any]]:
        return [c.args for c in self.calls if c.method == method]

    @staticmethod
    async def until(done: Callable[[], bool]) -> None:
        """Wait (up to 5 s) for what the app does after its ack."""
        async with asyncio.timeout(5):
            while not done():  # noqa: ASYNC110 (the fake has no event per call)
                await asyncio.sleep(0.005)

    # -- the Web API ----------------------------------------------------------------------
    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            raw = await request.text()
            if request.content_type == "application/json":
                args.update(json.loads(raw or "{}"))
            else:
                args.update(parse_qsl(raw))
        self.calls.append(Call(method, args))
        ok: dict[str, Any] = {"ok": True}
        if method == "auth.test":
            ok |= {"user_id": "UBOT", "user": "nlmg", "team_id": TEAM, "team": "Club",
                   "bot_id": "BBOT", "url": "https://club.slack.com/"}
        elif method == "users.info":
            await asyncio.sleep(self.users_info_delay)
            user = args.get("user", "")
            ok["user"] = {"id": user, "team_id": TEAM, "is_admin": user == ADMIN,
                          "is_owner": False, "tz": self.zones.get(user, "Europe/London")}
        elif method == "files.getUploadURLExternal":
            if not args.get("filename") or not str(args.get("length", "")).isdigit():
                return web.json_response({"ok": False, "error": "invalid_arguments"})
            file_id = f"F{next(self._ids):08d}"
            self.uploads[file_id] = None
            self.asked[file_id] = args
            ok |= {"file_id": file_id,
                   "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}"}
        elif method == "files.completeUploadExternal":
            files = args.get("files")
            files = json.loads(files) if isinstance(files, str) else files or []
            if not files or any(self.uploads.get(f.get("id")) is None for f in files):
                return web.json_response({"ok": False, "error": "file_not_found"})
            if args.get("channel_id") in self.closed_channels:
                return web.json_response({"ok": False, "error": "not_in_channel"})
            if isinstance(args.get("blocks"), str):  # form-encoded: a JSON string
                args["blocks"] = json.loads(args["blocks"])
            ok["files"] = [{"id": f["id"], "title": f.get("title"), "mimetype": "image/png",
                            "size": len(self.uploads[f["id"]] or b"")} for f in files]
        elif method == "files.info":  # a file a member uploaded, by id
            shared = self.shared_files.get(str(args.get("file", "")))
            if shared is None:
                return web.json_response({"ok": False, "error": "file_not_found"})
            name, data = shared
            url = f"http://127.0.0.1:{self.port}/files/{args['file']}/{name}"
            ok["file"] = {"id": args["file"], "name": name, "size": len(data),
                          "url_private": url, "url_private_download": url}
        elif method == "conversations.open":  # the app's direct messages with a member
            ok["channel"] = {"id": "D" + str(args.get("users", "")).lstrip("U")}
        elif method == "apps.connections.open":
            ok["url"] = f"ws://127.0.0.1:{self.port}/socket"
        elif method in ("chat.postMessage", "chat.postEphemeral"):
            await asyncio.sleep(self.post_delay)
            if args.get("channel") in self.closed_channels:
                return web.json_response({"ok": False, "error": "not_in_channel"})
            if args.get("thread_ts") in self.lost_threads:
                return web.json_response({"ok": False, "error": "thread_not_found"})
            if isinstance(args.get("blocks"), str):  # form-encoded by the SDK
                args["blocks"] = json.loads(args["blocks"])
            ok |= {"channel": args.get("channel"), "ts": f"{next(self._ts):.6f}"}
            if method == "chat.postMessage":
                self.messages.add((str(args.get("channel")), ok["ts"]))
        elif method == "views.open":  # a modal, opened for a click's trigger_id
            view = args.get("view")
            view = json.loads(view) if isinstance(view, str) else view
            if not args.get("trigger_id") or not isinstance(view, dict):
                return web.json_response({"ok": False, "error": "invalid_arguments"})
            ok["view"] = {"id": f"V{next(self._ids):08d}", **view}
            self.views.append(ok["view"])
        elif method == "chat.getPermalink":  # a message the bot posted, if it is still there
            if (str(args.get("channel")), str(args.get("message_ts"))) not in self.messages:
                return web.json_response({"ok": False, "error": "message_not_found"})
            ok |= {"channel": args["channel"],
                   "permalink": f"https://club.slack.com/archives/{args['channel']}/p1"}
        return web.json_response(ok)

    async def _download(self, request: web.Request) -> web.Response:
        """A file's url_private_download: only with the bot's token, as Slack's."""
        file_id = request.match_info["file"]
        auth = request.headers.get("Authorization", "")
        self.downloads.append((file_id, auth))
        if file_id not in self.shared_files or not auth.startswith("Bearer xoxb-"):
            return web.Response(status=404)
        return web.Response(body=self.shared_files[file_id][1])

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file"]
        if file_id not in self.uploads:
            return web.Response(status=404, text="unknown upload")
        self.uploads[file_id] = await request.read()
        return web.Response(text=f"OK - {len(self.uploads[file_id] or b'')}")

    async def _respond(self, request: web.Request) -> web.Response:
        n = request.match_info["id"]
        posts = self.responses.setdefault(n, [])
        posts.append(await request.json())
        if len(posts) > 5:
            self.violations.append(f"response_url {n} used {len(posts)} times")
        return web.Response(text="ok")

    # -- Socket Mode ----------------------------------------------------------------------
    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        await ws.send_json({"type": "hello", "num_connections": 1,
                            "connection_info": {"app_id": "A0CLUB"},
                            "debug_info": {"host": "fake", "approximate_connection_time": 3600}})
        self.socket_ready.set()
        async for msg in ws:
            if msg.type is WSMsgType.TEXT:
                data = json.loads(msg.data)
                waiter = self._acks.pop(data.get("envelope_id", ""), None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(data)
        self.socket_ready.clear()
        return ws

    async def envelope(self, kind: str, payload: dict[str, Any], *, retry: int = 0
                       ) -> dict[str, Any]:
        """Deliver one envelope over Socket Mode and wait for the client's ack."""
        assert self._ws is not None, "no Socket Mode client is connected"
        envelope_id = f"env-{next(self._ids)}"
        waiter: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = waiter
        await self._ws.send_json({"envelope_id": envelope_id, "type": kind, "payload": payload,
                                  "accepts_response_payload": kind != "events_api",
                                  "retry_attempt": retry, "retry_reason": "timeout" if retry
                                  else ""})
        return await asyncio.wait_for(waiter, 10)

    # -- requests to the app ----------------------------------------------------------------
    def command_body(self, command: str, text: str, *, user: str = "U1",
                     channel: str = "CGENERAL", trigger: str | None = None
                     ) -> tuple[dict[str, str], str]:
        n, url = self.response_url()
        # Slack escapes &, < and > in the text it sends.
        sent = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return {"token": "legacy", "team_id": TEAM, "team_domain": "club",
                "channel_id": channel, "channel_name": channel.lower(), "user_id": user,
                "user_name": user.lower(), "command": command, "text": sent,
                "response_url": url, "trigger_id": trigger or f"trig-{next(self._ids)}",
                "api_app_id": "A0CLUB"}, n

    def action_body(self, message_blocks: list[dict[str, Any]], action: dict[str, Any], *,
                    user: str = "U1", channel: str = "CGENERAL") -> tuple[dict[str, Any], str]:
        n, url = self.response_url()
        payload = {
            "type": "block_actions", "team": {"id": TEAM, "domain": "club"},
            "user": {"id": user, "team_id": TEAM, "name": user.lower()},
            "api_app_id": "A0CLUB", "token": "legacy", "trigger_id": f"trig-{next(self._ids)}",
            "container": {"type": "message", "channel_id": channel, "is_ephemeral": False},
            "channel": {"id": channel, "name": channel.lower()},
            "message": {"type": "message", "ts": "1.0", "blocks": message_blocks},
            "response_url": url,
            "actions": [{"type": action.get("type", "button"),
                         "action_id": action["action_id"], "block_id": "b",
                         "value": action.get("value"),
                         **({"selected_option": action["selected_option"]}
                            if "selected_option" in action else {}),
                         "action_ts": f"{time.time():.6f}"}],
        }
        return payload, n

    async def post(self, url: str, body: str, *, headers: dict[str, str] | None = None,
                   content_type: str = "application/x-www-form-urlencoded", signed: bool = True
                   ) -> tuple[int, str]:
        assert self.session is not None
        sent = {"Content-Type": content_type, **(sign(body) if signed else {}),
                **(headers or {})}
        started = time.monotonic()
        async with self.session.post(url, data=body.encode(), headers=sent) as response:
            text = await response.text()
        if time.monotonic() - started > 3.0:  # Slack would have shown the member a timeout
            self.violations.append(f"answered after {time.monotonic() - started:.1f} s")
        return response.status, text

    async def command(self, app_url: str, command: str, text: str = "", **kw: Any
                      ) -> tuple[dict[str, Any], str]:
        """A signed slash command; returns the ack's JSON and the response_url id."""
        headers = kw.pop("headers", None)
        body, n = self.command_body(command, text, **kw)
        status, reply = await self.post(app_url, urlencode(body), headers=headers)
        assert status == 200, (status, reply)
        return (json.loads(reply) if reply else {}), n

    async def submit_view(self, app_url: str, view: dict[str, Any], values: dict[str, str], *,
                          user: str = "U1") -> tuple[int, str]:
        """A member submits a modal the bot opened (a signed view_submission): each input
        block's value by its block and action ids, as Slack sends them."""
        inputs = {b["block_id"]: b["element"]["action_id"] for b in view["blocks"]
                  if b["type"] == "input"}
        assert set(values) <= set(inputs), (values, inputs)
        state = {block: {action: {"type": "plain_text_input", "value": values.get(block)}}
                 for block, action in inputs.items()}
        payload = {"type": "view_submission", "team": {"id": TEAM, "domain": "club"},
                   "user": {"id": user, "team_id": TEAM, "name": user.lower()},
                   "api_app_id": "A0CLUB", "token": "legacy",
                   "trigger_id": f"trig-{next(self._ids)}",
                   "view": {**view, "team_id": TEAM, "state": {"values": state}}}
        return await self.post(app_url, urlencode({"payload": json.dumps(payload)}))

    async def click(self, app_url: str, blocks: list[dict[str, Any]], action: dict[str, Any],
                    **kw: Any) -> list[dict[str, Any]]:
        """A signed block_actions request; returns what the app posted to its response_url."""
        payload, n = self.action_body(blocks, action, **kw)
        status, reply = await self.post(app_url, urlencode({"payload": json.dumps(payload)}))
        assert status == 200, (status, reply)
        for _ in range(200):  # a respond() may land just after the ack
            if self.responses[n]:
                break
            await asyncio.sleep(0.005)
        return self.responses[n]
