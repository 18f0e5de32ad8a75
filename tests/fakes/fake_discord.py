"""A fake Discord on 127.0.0.1 for the real discord.py client: gateway websocket and REST.

It serves what the bot uses: ``/gateway/bot``, ``/users/@me``, the application, command sync
(``PUT .../commands``), the interaction callback, follow-ups and ``@original`` edits, and a
gateway that says HELLO, takes IDENTIFY, sends READY and GUILD_CREATE, answers heartbeats and
delivers INTERACTION_CREATE. It speaks zlib-stream when asked (discord.py always asks).

Like Discord, it serves several gateway connections at once, one per shard identified
(``shard: [id, count]``, none meaning ``[0, 1]``), possibly from several processes: each
guild (``GUILD_ID``, and any added with ``add_guild``) is announced to, and its interactions
sent on, only the shard that owns it, ``(guild_id >> 22) % count``.

The client is not patched: only the URLs it connects to are pointed here (``point_at``).
Everything the bot sends is recorded; ``interact``/``autocomplete``/``click`` send an
interaction and return the ``Exchange`` that collects the bot's answer to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import yarl
from aiohttp import BodyPartReader, WSMsgType, web
from discord.gateway import DiscordWebSocket
from discord.http import Route

APP_ID = 900000000000000001
GUILD_ID = 800000000000000001  # on shard 1 of 2
OTHER_GUILD = GUILD_ID + (1 << 22)  # on shard 0 of 2
EVERYONE_PERMISSIONS = 0
MANAGE_GUILD = 1 << 5
API = "/api/v10"

INTENT_MEMBERS = 1 << 1
INTENT_PRESENCES = 1 << 8
INTENT_MESSAGE_CONTENT = 1 << 15


def _now() -> str:
    return datetime.now(UTC).isoformat()


async def _multipart(request: web.Request) -> tuple[Any, dict[str, tuple[str, bytes]]]:
    """A message with files, as discord.py sends one: the JSON in ``payload_json``, each
    file in a ``files[n]`` part. Discord lists the files in ``attachments`` by their ids."""
    body: Any = None
    files: dict[str, tuple[str, bytes]] = {}
    reader = await request.multipart()
    async for part in reader:
        if not isinstance(part, BodyPartReader):
            continue
        data = await part.read()
        if part.name == "payload_json":
            body = json.loads(data)
        elif part.name:
            files[part.name] = (part.filename or "", bytes(data))
    return body, files


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py decodes JSON only when the Content-Type is exactly application/json.
    return web.Response(body=json.dumps(data).encode(), status=status,
                        headers={"Content-Type": "application/json"})


@dataclass
class Sent:
    """One request the bot made."""

    method: str
    path: str
    body: Any
    query: dict[str, str]
    # Files sent as multipart/form-data (``files[n]`` parts): name -> (filename, bytes).
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    peer: int = 0  # the client's TCP port: which process sent it, for a test to find out


def owner(guild: int, count: int) -> int:
    """The shard Discord sends a guild's events to."""
    return (guild >> 22) % count


@dataclass
class Gateway:
    """One gateway connection (one shard of one process)."""

    ws: web.WebSocketResponse
    zlib: Any
    seq: int = 0
    shard: tuple[int, int] | None = None  # (id, count) once identified
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def owns(self, guild: int) -> bool:
        return self.shard is not None and owner(guild, self.shard[1]) == self.shard[0]


@dataclass
class Shown:
    """A message as members see it: its body and flags as Discord would apply them."""

    body: dict[str, Any]
    ephemeral: bool
    deleted: bool = False


@dataclass
class Exchange:
    """Everything the bot sent in answer to one interaction, and what members end up seeing.

    Discord's rules for a deferred reply are modelled, since they decide who sees what: after
    a "thinking" deferral (type 5) the first follow-up, or an edit of ``@original``, replaces
    the loading message and keeps the visibility chosen at defer time, whatever flags it
    carries (platform-contract.md §A2).
    """

    id: int
    token: str
    sent: list[Sent] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    callback_at: float | None = None
    created_at: float = 0.0
    message_id: int | None = None  # the message the answer made (to click its buttons)
    shown: list[Shown] = field(default_factory=list)
    original: Shown | None = None  # the response message (@original)
    loading: bool = False  # deferred with "thinking", not replaced yet
    channel_id: int = 0  # where the interaction happened (a channel or a thread)
    shard: tuple[int, int] | None = None  # the gateway connection it was sent on

    @property
    def callback(self) -> dict[str, Any]:
        return next(s.body for s in self.sent if s.path.endswith("/callback"))

    @property
    def type(self) -> int:
        return int(self.callback["type"])

    def final(self) -> Shown:
        visible = [m for m in self.shown if not m.deleted]
        assert visible, f"nothing is shown for this interaction: {self.sent}"
        return visible[-1]

    def final_message(self) -> dict[str, Any]:
        """The message the member ends up seeing."""
        return self.final().body

    def final_ephemeral(self) -> bool:
        return self.final().ephemeral

    def texts(self) -> str:
        """Every string in everything sent, one per line: for leak checks."""
        out: list[str] = []

        def walk(value: Any) -> None:
            if isinstance(value, str):
                out.append(value)
            elif isinstance(value, dict):
                for item in value.values():
                    walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)

        for sent in self.sent:
            walk(sent.body)
        return "\n".join(out)


class FakeDiscord:
    def __init__(self) -> None:
        self.bot_user = {"id": str(APP_ID), "username": "nlmg-bot", "discriminator": "0",
                         "global_name": "NLMG bot", "avatar": None, "bot": True, "flags": 0}
        self.channels: dict[str, int] = {}
        self._ids = itertools.count(10**15)
        self.requests: list[Sent] = []
        self.identifies: list[dict[str, Any]] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}  # "global" or guild id -> payload
        self.sync_calls: list[Sent] = []
        self.messages: dict[int, dict[str, Any]] = {}
        self.exchanges: dict[str, Exchange] = {}  # by token
        # What the bot does on its own: messages it posts (channel id, body), threads it
        # opens, DMs, and the server's scheduled events.
        self.posts: list[tuple[int, dict[str, Any]]] = []
        self.threads: dict[int, dict[str, Any]] = {}
        self.dms: dict[int, int] = {}  # DM channel id -> member id
        self.events: dict[int, dict[str, Any]] = {}
        self._nonces: dict[str, dict[str, Any]] = {}
        self.fail_posts = False  # every channel post answers 503 while set
        self.deleted: set[int] = set()  # channels (threads) a moderator deleted
        self.post_delay = 0.0  # seconds a channel post takes (a rate-limited channel)
        # Milliseconds between heartbeats, as HELLO tells the client (Discord's own); a test
        # of the latency gauge shortens it, or stops the ACKs to see no latency is measured.
        self.heartbeat_interval = 41250
        self.ack_heartbeats = True
        self.heartbeats_acked = 0
        self.ready = asyncio.Event()
        # Breaches of Discord's rules (a second initial response, a missed 3 s deadline, a
        # follow-up before any response): tests assert there are none.
        self.violations: list[str] = []
        self.guilds: list[int] = [GUILD_ID]
        self.gateways: list[Gateway] = []  # the connections open now
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.attachments: dict[str, bytes] = {}  # attachment id -> the file a member gave
        self.attachment_reads: list[str] = []  # attachment ids the bot downloaded
        self._attachment_ids = itertools.count(900_000_000_000_000_001)
        for name in ("general", "tagged", "finished", "nightly", "slow"):
            self.channel(name)

    # -- lifecycle --------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_route("*", "/gateway", self._gateway)
        app.router.add_get("/attachments/{id}/{name}", self._attachment)
        app.router.add_route("*", "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        # A large backlog: a small one drops connections under load (testing-notes.md).
        site = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        for gateway in list(self.gateways):
            await gateway.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @contextlib.contextmanager
    def point_at(self) -> Iterator[None]:
        """Point discord.py's REST base and default gateway at this fake, for a while."""
        old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
        Route.BASE = self.base + API
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"ws://127.0.0.1:{self.port}/gateway")
        try:
            yield
        finally:
            Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway

    def add_guild(self, guild: int) -> None:
        """Another server the bot is in (with the same channels)."""
        self.guilds.append(guild)

    def shard_of(self, guild: int) -> Gateway:
        """The connection a guild's events go to: the identified shard that owns it."""
        for gateway in reversed(self.gateways):  # the newest, should one be reconnecting
            if gateway.owns(guild):
                return gateway
        raise RuntimeError(f"no shard owning guild {guild} is connected to the fake gateway")

    def forget_nonces(self) -> None:
        """Discord checks a nonce against recent messages only (minutes): past that, a repeat
        of one is posted again."""
        self._nonces.clear()

    def channel(self, name: str) -> int:
        if name not in self.channels:
            self.channels[name] = 700000000000000000 + len(self.channels) + 1
        return self.channels[name]

    # -- gateway ----------------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        compress = request.query.get("compress") == "zlib-stream"
        gateway = Gateway(ws, zlib.compressobj() if compress else None)
        self.gateways.append(gateway)
        await self._send({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval},
                          "s": None, "t": None},
                         gateway)
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._on_op(gateway, json.loads(msg.data))
        finally:
            self.gateways.remove(gateway)
            if not any(g.shard for g in self.gateways):
                self.ready.clear()
        return ws

    async def _on_op(self, gateway: Gateway, data: dict[str, Any]) -> None:
        op = data.get("op")
        if op == 1:
            if not self.ack_heartbeats:
                return
            self.heartbeats_acked += 1
            await self._send({"op": 11, "d": None, "s": None, "t": None}, gateway)
        elif op == 2:
            shard = data["d"].get("shard") or [0, 1]
            gateway.shard = (int(shard[0]), int(shard[1]))
            self.identifies.append(data["d"])
            mine = [g for g in self.guilds if gateway.owns(g)]
            await self._dispatch("READY", self._ready_payload(data["d"], mine), gateway)
            for guild in mine:
                await self._dispatch("GUILD_CREATE", self._guild_payload(guild), gateway)
            self.ready.set()
        elif op == 6:
            await self._dispatch("RESUMED", {}, gateway)

    async def _send(self, payload: dict[str, Any], gateway: Gateway) -> None:
        raw = json.dumps(payload).encode()
        async with gateway.lock:
            if gateway.zlib is not None:
                await gateway.ws.send_bytes(gateway.zlib.compress(raw)
                                            + gateway.zlib.flush(zlib.Z_SYNC_FLUSH))
            else:
                await gateway.ws.send_str(raw.decode())

    async def _dispatch(self, event: str, data: dict[str, Any], gateway: Gateway) -> None:
        gateway.seq += 1
        await self._send({"op": 0, "t": event, "s": gateway.seq, "d": data}, gateway)

    def _ready_payload(self, identify: dict[str, Any], guilds: list[int]) -> dict[str, Any]:
        return {
            "v": 10, "user": self.bot_user,
            "guilds": [{"id": str(g), "unavailable": True} for g in guilds],
            "session_id": "fake-session", "resume_gateway_url": f"ws://127.0.0.1:{self.port}/gateway",
            "shard": identify.get("shard", [0, 1]), "application": {"id": str(APP_ID), "flags": 0},
            "private_channels": [], "relationships": [], "presences": [], "user_settings": {},
            "geo_ordered_rtc_regions": [],
        }

    def _channel_payload(self, name: str, cid: int, guild: int = GUILD_ID) -> dict[str, Any]:
        return {"id": str(cid), "type": 0, "name": name, "position": 0, "guild_id": str(guild),
                "permission_overwrites": [], "nsfw": False, "parent_id": None, "topic": None,
                "last_message_id": None, "rate_limit_per_user": 0, "flags": 0}

    def _guild_payload(self, guild: int = GUILD_ID) -> dict[str, Any]:
        return {
            "id": str(guild), "name": "Book club", "icon": None, "owner_id": "1",
            "roles": [{"id": str(guild), "name": "@everyone", "permissions": "0",
                       "position": 0, "color": 0, "hoist": False, "managed": False,
                       "mentionable": False, "flags": 0}],
            "channels": [self._channel_payload(n, c, guild) for n, c in self.channels.items()],
            "threads": [], "members": [], "member_count": 3, "emojis": [], "stickers": [],
            "features": [], "unavailable": False, "large": False, "joined_at": _now(),
            "voice_states": [], "presences": [], "stage_instances": [],
            "guild_scheduled_events": [], "premium_tier": 0, "verification_level": 0,
            "default_message_notifications": 0, "explicit_content_filter": 0, "mfa_level": 0,
            "nsfw_level": 0, "preferred_locale": "en-US", "system_channel_flags": 0,
            "afk_timeout": 300,
        }

    # -- REST -------------------------------------------------------------------------------
    async def _attachment(self, request: web.Request) -> web.StreamResponse:
        """Discord's CDN for a file a member attached to a command."""
        ident = request.match_info["id"]
        self.attachment_reads.append(ident)
        if ident not in self.attachments:
            return web.Response(status=404)
        return web.Response(body=self.attachments[ident])

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        # Stamped on arrival, before the body is read: the bot's latency, not the fake's.
        arrived = asyncio.get_running_loop().time()
        path = request.path.removeprefix(API)
        body: Any = None
        files: dict[str, tuple[str, bytes]] = {}
        if request.can_read_body and request.content_type == "multipart/form-data":
            body, files = await _multipart(request)
        elif request.can_read_body:
            raw = await request.read()
            body = json.loads(raw) if raw and request.content_type == "application/json" else raw
        peer = request.transport.get_extra_info("peername") if request.transport else None
        sent = Sent(request.method, path, body, dict(request.query), files,
                    peer=int(peer[1]) if peer else 0)
        self.requests.append(sent)
        method = request.method
        parts = path.strip("/").split("/")
        if path == "/users/@me":
            return _json(self.bot_user)
        if path == "/oauth2/applications/@me":
            return _json({"id": str(APP_ID), "name": "NLMG bot", "icon": None,
                          "description": "", "bot_public": True, "bot_require_code_grant": False,
                          "verify_key": "0" * 64, "flags": 0, "owner": self.bot_user,
                          "team": None, "summary": "", "rpc_origins": []})
        if path in ("/gateway", "/gateway/bot"):
            return _json({"url": f"ws://127.0.0.1:{self.port}/gateway", "shards": 1,
                          "session_start_limit": {"total": 1000, "remaining": 999,
                                                  "reset_after": 0, "max_concurrency": 1}})
        if parts[0] == "applications" and parts[-1] == "commands":
            scope = parts[3] if len(parts) == 5 else "global"
            if method == "PUT":
                self.sync_calls.append(sent)
                self.commands[scope] = [
                    {**c, "id": str(next(self._ids)), "application_id": str(APP_ID),
                     "version": "1", **({"guild_id": scope} if scope != "global" else {})}
                    for c in body
                ]
            return _json(self.commands.get(scope, []))
        if parts[0] == "interactions" and parts[-1] == "callback":
            return self._callback(parts[2], body, sent, arrived)
        if parts[0] == "webhooks":
            return self._webhook(parts, method, body, sent)
        if parts[0] == "channels":
            return await self._channels(parts, method, body)
        if parts[:3] == ["users", "@me", "channels"] and method == "POST":
            user = int(body["recipient_id"])
            dm = next((c for c, u in self.dms.items() if u == user), None) or next(self._ids)
            self.dms[dm] = user
            return _json({"id": str(dm), "type": 1, "last_message_id": None, "flags": 0,
                          "recipients": [self._member(user, 0)["user"]]})
        if parts[0] == "guilds" and len(parts) >= 3 and parts[2] == "scheduled-events":
            return self._events(parts, method, body)
        return _json({"message": "404: Not Found", "code": 0}, status=404)

    async def _channels(self, parts: list[str], method: str, body: Any) -> web.Response:
        cid = int(parts[1])
        if method == "POST" and self.post_delay:
            await asyncio.sleep(self.post_delay)
        if cid in self.deleted:
            return _json({"message": "Unknown Channel", "code": 10003}, status=404)
        if len(parts) == 3 and parts[2] == "messages" and method == "POST":
            if self.fail_posts:
                return _json({"message": "Service unavailable", "code": 0}, status=503)
            nonce = body.get("nonce")
            if body.get("enforce_nonce") and nonce in self._nonces:
                return _json(self._nonces[nonce])  # Discord's answer to a repeat: the first
            self.posts.append((cid, body))
            message = self._message(body, ephemeral=False, channel=cid)
            if nonce is not None:
                self._nonces[nonce] = message
            return _json(message)
        if len(parts) == 4 and parts[2] == "messages" and method == "GET":
            message = self.messages.get(int(parts[3]))
            if message is None or message["channel_id"] != str(cid):
                return _json({"message": "Unknown Message", "code": 10008}, status=404)
            return _json(message)
        if len(parts) == 5 and parts[4] == "threads" and method == "POST":
            tid = next(self._ids)
            thread = {**self._thread_payload(body["name"], cid), "id": str(tid)}
            thread["thread_metadata"]["auto_archive_duration"] = body["auto_archive_duration"]
            self.threads[tid] = {"name": body["name"], "parent": cid, "message": int(parts[3]),
                                 "archived": False, "payload": thread}
            return _json(thread)
        if len(parts) == 2 and method == "PATCH" and cid in self.threads:
            self.threads[cid]["archived"] = bool(body.get("archived"))
            payload = self.threads[cid]["payload"]
            payload["thread_metadata"]["archived"] = self.threads[cid]["archived"]
            return _json(payload)
        return _json({"message": "Unknown Channel", "code": 10003}, status=404)

    def _events(self, parts: list[str], method: str, body: Any) -> web.Response:
        if len(parts) == 3 and method == "POST":
            missing = {"name", "privacy_level", "scheduled_start_time", "entity_type"} - set(body)
            if missing or (body["entity_type"] == 3 and not (
                    body.get("scheduled_end_time")
                    and (body.get("entity_metadata") or {}).get("location"))):
                return _json({"message": "Invalid Form Body", "code": 50035}, status=400)
            eid = next(self._ids)
            self.events[eid] = {**body, "id": str(eid), "guild_id": parts[1], "status": 1}
            return _json(self.events[eid])
        eid = int(parts[3]) if len(parts) == 4 else 0
        if eid not in self.events:
            return _json({"message": "Unknown Guild Scheduled Event", "code": 10070},
                         status=404)
        if method == "PATCH":
            self.events[eid].update(body)
            return _json(self.events[eid])
        if method == "DELETE":
            del self.events[eid]
            return web.Response(status=204)
        return _json(self.events[eid])

    def _exchange(self, token: str, sent: Sent) -> Exchange | None:
        exchange = self.exchanges.get(token)
        if exchange is not None:
            exchange.sent.append(sent)
        return exchange

    def _callback(self, token: str, body: dict[str, Any], sent: Sent, arrived: float
                  ) -> web.Response:
        exchange = self._exchange(token, sent)
        if exchange is None:
            return _json({"message": "Unknown interaction", "code": 10062}, status=404)
        if exchange.callback_at is not None:
            self.violations.append(f"interaction {exchange.id} answered twice")
            return _json({"message": "Interaction has already been acknowledged.",
                          "code": 40060}, status=400)
        exchange.callback_at = arrived
        if arrived - exchange.created_at > 3.0:
            self.violations.append(f"interaction {exchange.id} answered after 3 s")
        kind = body["type"]
        data = body.get("data") or {}
        message = None
        ephemeral = bool((data.get("flags") or 0) & 64)
        if kind in (4, 5):
            message = self._message(data, ephemeral=ephemeral, channel=exchange.channel_id)
            exchange.message_id = int(message["id"])
            exchange.original = Shown(data, ephemeral)
            if kind == 4:
                exchange.shown.append(exchange.original)
            exchange.loading = kind == 5
        if kind == 7:  # the clicked message, edited in place
            exchange.shown.append(Shown(data, ephemeral=False))
        if kind in (4, 7, 8, 9):  # answered for good; 5 and 6 wait for a follow-up or edit
            exchange.done.set()
        reply: dict[str, Any] = {"interaction": {
            "id": str(exchange.id), "type": 2,
            **({"response_message_id": message["id"], "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(message["flags"] & 64)} if message else {})}}
        if message:
            reply["resource"] = {"type": kind, "message": message}
        return _json(reply)

    def _webhook(self, parts: list[str], method: str, body: Any, sent: Sent) -> web.Response:
        token = parts[2]
        exchange = self._exchange(token, sent)
        if exchange is None:
            return _json({"message": "Unknown Webhook", "code": 10015}, status=404)
        if exchange.callback_at is None:
            self.violations.append(f"interaction {exchange.id}: {method} before any response")
            return _json({"message": "Unknown Webhook", "code": 10015}, status=404)
        original = parts[-1] == "@original"
        if method == "DELETE":
            if original and exchange.original is not None:
                exchange.original.deleted = True
            return web.Response(status=204)
        if method == "GET":
            known = self.messages.get(exchange.message_id or 0)
            return _json(known or self._message({}, ephemeral=False))
        body = body or {}
        asked = bool((body.get("flags") or 0) & 64)
        if original and method == "PATCH":
            if exchange.original is None:  # a type-6 deferral: the clicked message is edited
                exchange.shown.append(Shown(body, ephemeral=False))
            else:
                exchange.original.body = {**exchange.original.body, **body}
                if exchange.loading:
                    exchange.shown.append(exchange.original)
            exchange.loading = False
            ephemeral = exchange.original.ephemeral if exchange.original else False
        elif exchange.loading and exchange.original is not None:
            # The first follow-up after "thinking" replaces it, keeping its visibility.
            exchange.original.body = body
            exchange.shown.append(exchange.original)
            exchange.loading = False
            ephemeral = exchange.original.ephemeral
        else:
            exchange.shown.append(Shown(body, asked))
            ephemeral = asked
        message = self._message(body, ephemeral=ephemeral, channel=exchange.channel_id)
        exchange.message_id = int(message["id"])
        exchange.done.set()
        return _json(message)

    def _message(self, data: dict[str, Any], *, ephemeral: bool, channel: int = 0
                 ) -> dict[str, Any]:
        mid = next(self._ids)
        message = {
            "id": str(mid), "channel_id": str(channel or self.channels["general"]),
            "author": self.bot_user,
            "content": data.get("content") or "", "timestamp": _now(), "edited_timestamp": None,
            "tts": False, "mention_everyone": False, "mentions": [], "mention_roles": [],
            "attachments": [{"id": str(next(self._ids)), "filename": a.get("filename", ""),
                             "description": a.get("description"), "size": 0,
                             "url": f"https://cdn.fake/{a.get('filename', '')}",
                             "proxy_url": f"https://media.fake/{a.get('filename', '')}"}
                            for a in data.get("attachments") or []],
            "embeds": data.get("embeds") or [], "pinned": False, "type": 20,
            "flags": 64 if ephemeral else 0, "components": data.get("components") or [],
        }
        self.messages[mid] = message
        return message

    # -- interactions -----------------------------------------------------------------------
    def _member(self, user: int, permissions: int) -> dict[str, Any]:
        return {"user": {"id": str(user), "username": f"member{user}", "discriminator": "0",
                         "global_name": None, "avatar": None, "flags": 0},
                "roles": [], "permissions": str(permissions), "joined_at": _now(), "deaf": False,
                "mute": False, "flags": 0, "nick": None, "avatar": None, "premium_since": None,
                "pending": False, "communication_disabled_until": None}

    def _thread_payload(self, name: str, parent: int) -> dict[str, Any]:
        return {"id": str(parent + 10**12), "type": 11, "name": name, "parent_id": str(parent),
                "guild_id": str(GUILD_ID), "owner_id": "1", "flags": 0, "member_count": 2,
                "message_count": 0, "rate_limit_per_user": 0, "last_message_id": None,
                "thread_metadata": {"archived": False, "auto_archive_duration": 1440,
                                    "archive_timestamp": _now(), "locked": False}}

    async def _deliver(self, kind: int, data: dict[str, Any], *, user: int, channel: str,
                       permissions: int, message: dict[str, Any] | None = None,
                       thread: str | int | None = None, guild: int = GUILD_ID) -> Exchange:
        iid = next(self._ids)
        token = f"token-{iid}"
        loop = asyncio.get_running_loop()
        exchange = Exchange(iid, token, created_at=loop.time())
        self.exchanges[token] = exchange
        cid = self.channel(channel)
        if isinstance(thread, int):  # a thread the bot opened
            where = self.threads[thread]["payload"]
        elif thread:
            where = self._thread_payload(thread, cid)
        else:
            where = self._channel_payload(channel, cid, guild)
        exchange.channel_id = int(where["id"])
        gateway = self.shard_of(guild)
        exchange.shard = gateway.shard
        payload: dict[str, Any] = {
            "id": str(iid), "application_id": str(APP_ID), "type": kind, "token": token,
            "version": 1, "guild_id": str(guild), "channel_id": where["id"],
            "channel": {**where, "permissions": str(permissions)},
            "member": self._member(user, permissions), "app_permissions": "0",
            "locale": "en-GB", "guild_locale": "en-GB", "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild)}, "context": 0,
            "attachment_size_limit": 8 * 1024 * 1024, "data": data,
        }
        if message is not None:
            payload["message"] = message
        await self._dispatch("INTERACTION_CREATE", payload, gateway)
        return exchange

    def _declared(self, path: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """The synced command (and subcommand) for ``path``, from what the bot synced."""
        top, _, sub = path.partition(" ")
        synced = self.commands.get(str(GUILD_ID)) or self.commands.get("global") or []
        command = next(c for c in synced if c["name"] == top)
        child = next(o for o in command.get("options", []) if o["name"] == sub) if sub else None
        return command, child

    def _options(self, declared: list[dict[str, Any]], values: dict[str, Any],
                 focused: str | None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        out: list[dict[str, Any]] = []
        resolved: dict[str, Any] = {}
        by_name = {o["name"]: o for o in declared}
        for name, value in values.items():
            option = by_name[name]  # KeyError: the test named an option the bot did not sync
            entry: dict[str, Any] = {"name": name, "type": option["type"], "value": value}
            if option["type"] == 11:  # ATTACHMENT: its id, the file resolved (name, size, url)
                # (name, bytes); a bare name (a declared example, typed) is an empty file.
                filename, data = value if isinstance(value, tuple) else (str(value), b"")
                ident = str(next(self._attachment_ids))
                self.attachments[ident] = data
                entry["value"] = ident
                url = f"http://127.0.0.1:{self.port}/attachments/{ident}/{filename}"
                resolved.setdefault("attachments", {})[ident] = {
                    "id": ident, "filename": filename, "size": len(data), "url": url,
                    "proxy_url": url, "content_type": "text/csv"}
            if option["type"] == 6:  # USER: Discord sends the id and the resolved member
                entry["value"] = str(value)
                member = self._member(int(value), 0)
                resolved.setdefault("users", {})[str(value)] = member.pop("user")
                resolved.setdefault("members", {})[str(value)] = member
            if name == focused:
                entry["focused"] = True
            out.append(entry)
        return out, resolved

    def command_data(self, path: str, values: dict[str, Any], focused: str | None = None
                     ) -> dict[str, Any]:
        command, child = self._declared(path)
        options, resolved = self._options((child or command).get("options", []), values,
                                          focused)
        if child is not None:
            options = [{"name": child["name"], "type": 1, "options": options}]
        data: dict[str, Any] = {"id": command["id"], "name": command["name"], "type": 1,
                                "options": options}
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return data

    async def interact(self, path: str, *, user: int = 1, channel: str = "general",
                       permissions: int = EVERYONE_PERMISSIONS, wait: bool = True,
                       thread: str | int | None = None, guild: int = GUILD_ID,
                       **values: Any) -> Exchange:
        """A member runs ``/path`` with option values (in a thread of ``channel`` if
        ``thread`` names one, in ``guild``); the bot's answer is awaited."""
        exchange = await self._deliver(2, self.command_data(path, values), user=user,
                                       channel=channel, permissions=permissions, thread=thread,
                                       guild=guild)
        if wait:
            await asyncio.wait_for(exchange.done.wait(), 10)
        return exchange

    async def interact_raw(self, data: dict[str, Any], *, user: int = 1,
                           channel: str = "general", permissions: int = 0) -> Exchange:
        """An APPLICATION_COMMAND with data as given (a stale or hand-made command)."""
        exchange = await self._deliver(2, data, user=user, channel=channel,
                                       permissions=permissions)
        await asyncio.wait_for(exchange.done.wait(), 10)
        return exchange

    @staticmethod
    async def until(done: Callable[[], bool]) -> None:
        """Wait (up to 5 s) for an answer sent in several steps (a follow-up after an edit)."""
        async with asyncio.timeout(5):
            while not done():  # noqa: ASYNC110 (the fake has no event per step)
                await asyncio.sleep(0.005)

    async def autocomplete(self, path: str, focused: str, typed: str, *, user: int = 1,
                           channel: str = "general", **values: Any) -> list[dict[str, Any]]:
        exchange = await self._deliver(4, self.command_data(path, {**values, focused: typed},
                                                            focused),
                                       user=user, channel=channel, permissions=0)
        await asyncio.wait_for(exchange.done.wait(), 10)
        assert exchange.type == 8, exchange.sent
        return exchange.callback["data"]["choices"]

    async def submit(self, modal: dict[str, Any], values: dict[str, str], *, user: int = 1,
                     channel: str = "general", permissions: int = 0) -> Exchange:
        """A member fills in a modal the bot sent and submits it (MODAL_SUBMIT, type 5): each
        text input comes back with its custom_id and value, as Discord sends them; a field
        the modal did not have cannot be filled."""
        fields = [c for row in modal["components"] for c in row.get("components", [])]
        known = {f["custom_id"] for f in fields}
        assert set(values) <= known, (values, known)
        rows = [{"type": 1, "components": [{"type": 4, "custom_id": f["custom_id"],
                                            "value": values.get(f["custom_id"], "")}]}
                for f in fields]
        exchange = await self._deliver(5, {"custom_id": modal["custom_id"], "components": rows},
                                       user=user, channel=channel, permissions=permissions)
        await asyncio.wait_for(exchange.done.wait(), 10)
        return exchange

    async def click(self, message: dict[str, Any], custom_id: str, *, user: int = 1,
                    channel: str = "general", permissions: int = 0,
                    thread: str | int | None = None) -> Exchange:
        exchange = await self._deliver(3, {"custom_id": custom_id, "component_type": 2},
                                       user=user, channel=channel, permissions=permissions,
                                       message=message, thread=thread)
        await asyncio.wait_for(exchange.done.wait(), 10)
        return exchange


def modal_of(exchange: Exchange) -> dict[str, Any]:
    """The modal a click answered with (an interaction response of type 9)."""
    assert exchange.type == 9, exchange.sent
    return dict(exchange.callback["data"])


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for row in message.get("components") or [] for c in row.get("components", [])]
