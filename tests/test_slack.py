"""The Slack adapter end to end: signed HTTP requests to the real Bolt app, a fake Slack Web
API and response_url on 127.0.0.1 (tests/fakes/fake_slack.py), and Socket Mode through a
fake socket-mode websocket. One app for the module, on a real SQLite file."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import pytest_asyncio
from conftest import MONDAY_NOON, W
from fakes.fake_slack import ADMIN, TEAM, FakeSlack, sign
from fakes.slow_store import slowed
from helpers.slack_world import SlackWorld, served
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.models.blocks import Block

from bot.adapters.slack import answer as slack_answer
from bot.adapters.slack import app as slack_app
from bot.adapters.slack.app import slack_command
from bot.adapters.slack.manifest import manifest, manifest_text
from bot.adapters.slack.render import REVEAL, escape
from bot.app import open_core
from bot.core.clubs import Scope
from bot.core.coerce import coerce
from bot.core.content import Content
from bot.core.content.model import CardKind
from bot.core.passages import CARD_COMMAND
from bot.core.timeline import Progress

pytestmark = pytest.mark.asyncio(loop_scope="module")

ROOT = Path(__file__).resolve().parent.parent
SCOPE = Scope("slack", TEAM)


@dataclass
class World(SlackWorld):

    async def run(self, line: str, **kw: Any) -> dict[str, Any]:
        """`/club spoilers tag` as a member would type it in Slack; the ack's JSON."""
        return await self.typed(line, **kw)

    async def admin(self, line: str, channel: str = "CGENERAL") -> dict[str, Any]:
        return await self.run(line, user=ADMIN, channel=channel)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(pack: Content, tmp_path_factory: pytest.TempPathFactory
                ) -> AsyncIterator[World]:
    fake = FakeSlack()
    await fake.start()
    db = tmp_path_factory.mktemp("slack") / "club.db"
    async with open_core(db, content=pack, clock=lambda: MONDAY_NOON) as core, \
            served(core, fake) as (bot, url):
            world = World(fake, bot, core, url)
            await world.admin("/club create", channel="CTAGGED")
            await world.admin("/club spoilers tag", channel="CTAGGED")
            await world.admin("/club create", channel="CDONE")
            await world.admin("/club progress novel 23 film 103", channel="CDONE")
            yield world
    await fake.stop()




# -- Block Kit limits, checked two ways --------------------------------------------------------

def block_problems(blocks: list[dict[str, Any]]) -> list[str]:
    """Slack's documented limits (platform-contract.md §B3), and slack_sdk's own validation."""
    out = []
    if len(blocks) > 50:
        out.append(f"{len(blocks)} blocks")
    for block in blocks:
        kind = block["type"]
        if kind == "header" and len(block["text"]["text"]) > 150:
            out.append("header")
        if kind == "section":
            if len(block.get("text", {}).get("text", "")) > 3000:
                out.append("section text")
            fields = block.get("fields", [])
            if len(fields) > 10 or any(len(f["text"]) > 2000 for f in fields):
                out.append("fields")
            button = block.get("accessory")
            if button and (len(button["text"]["text"]) > 75 or len(button["value"]) > 2000
                           or len(button["action_id"]) > 255):
                out.append("accessory")
        if kind == "context" and len(block["elements"]) > 10:
            out.append("context")
        if kind == "actions":
            for el in block["elements"]:
                if len(el["text"]["text"]) > 75 or len(el.get("value", "")) > 2000:
                    out.append("button")
        try:
            Block.parse(block).validate_json()  # type: ignore[union-attr]
        except Exception as err:  # slack_sdk raises its own SlackObjectFormationError
            out.append(f"slack_sdk: {err}")
    return out


def texts(ack: dict[str, Any]) -> str:
    return json.dumps(ack, ensure_ascii=False)


def visible(ack: dict[str, Any]) -> str:
    """The text members read (and notifications use): blocks' texts and the fallback."""
    out = [ack.get("text", "")]
    for block in ack.get("blocks", []):
        for key in ("text",):
            if key in block:
                out.append(block[key]["text"])
        out += [f["text"] for f in block.get("fields", [])]
        out += [e.get("text", "") for e in block.get("elements", []) if e["type"] == "mrkdwn"]
    return "\n".join(out)


# -- every command, every card ---------------------------------------------------------------

async def test_every_command_answers(world: World) -> None:
    await world.admin("/club create", channel="CEVERY")
    for command in world.core.registry:
        for example in command.examples_for(world.core.library.default.info):
            if example == "/session deeper":  # for members further along than the night
                await world.admin("/progress novel done", channel="CEVERY")
            posted = len(world.fake.called("chat.postMessage"))
            shared = len(world.fake.called("files.completeUploadExternal"))
            ack = await world.admin(example, channel="CEVERY")
            if not ack:  # the bot posts it itself: a night's agenda or prompt, or a picture
                await world.fake.until(
                    lambda n=posted, m=shared: len(world.fake.called("chat.postMessage")) > n
                    or len(world.fake.called("files.completeUploadExternal")) > m)
                made = (world.fake.called("chat.postMessage")[posted:]
                        or world.fake.called("files.completeUploadExternal")[shared:])
                ack = {**made[-1], "response_type": "in_channel"}
            assert ack.get("blocks"), example
            assert not block_problems(ack["blocks"]), (example, block_problems(ack["blocks"]))
            assert slack_app.APOLOGY not in texts(ack), example
            assert ack["response_type"] in ("in_channel", "ephemeral")


@pytest.mark.parametrize("channel", ["CTAGGED", "CDONE"])
async def test_every_card_fits_the_limits(world: World, pack: Content, channel: str) -> None:
    for kind in CardKind:
        for card in pack.cards_of(kind):
            ack = await world.run(f"/{CARD_COMMAND[kind]} {card.name}", channel=channel)
            assert not block_problems(ack["blocks"]), (card.name, block_problems(ack["blocks"]))
            assert len(ack["text"]) <= 3000


async def test_help_words_work_after_each_command(world: World) -> None:
    ack = await world.run("/film help")
    assert "/film cast" in visible(ack)
    everything = visible(await world.run("/help"))
    assert "`/club-search WORDS" in everything and "`/search" not in everything
    # A workspace still on the manifest of the release that called it /nlmg-search is answered.
    answers = [visible((await world.fake.command(world.url, name, "zebras"))[0])
               for name in ("/club-search", "/nlmg-search")]
    assert "Nothing matches `zebras`" in answers[0] and answers[1] == answers[0]
    wrong = await world.run("/film cats")
    assert wrong["response_type"] == "ephemeral" and "needs one of" in visible(wrong)


async def test_visibility(world: World) -> None:
    assert (await world.run("/film cast"))["response_type"] == "in_channel"
    assert (await world.run("/progress"))["response_type"] == "ephemeral"
    assert (await world.run("/character nobody at all"))["response_type"] == "ephemeral"


# -- signatures --------------------------------------------------------------------------------

async def test_a_bad_signature_or_an_old_timestamp_is_refused(world: World) -> None:
    body, _n = world.fake.command_body("/film", "cast")
    raw = urlencode(body)
    status, _ = await world.fake.post(world.url, raw, signed=False,
                                      headers=sign(raw, secret="not-the-secret"))
    assert status == 401
    old = int(time.time()) - 301
    status, _ = await world.fake.post(world.url, raw, signed=False, headers=sign(raw, old))
    assert status == 401
    status, _ = await world.fake.post(world.url, raw + "x", signed=False, headers=sign(raw))
    assert status == 401
    status, _ = await world.fake.post(world.url, raw)
    assert status == 200


# -- spoilers ----------------------------------------------------------------------------------

def _gated(pack: Content, name: str, at: Progress) -> list[str]:
    card = next(c for c in pack.cards_of(CardKind.CHARACTER) if c.name == name)
    return [p.text for p in card.parts if not p.reveal.visible_at(at)]


async def test_hide_mode_sends_none_of_the_gated_text(world: World, pack: Content) -> None:
    ack = await world.run("/character ruth")
    for text in _gated(pack, "Ruth", Progress()):
        assert text not in texts(ack) and escape(text) not in texts(ack)
    assert "held back" in visible(ack)


async def test_tag_mode_puts_gated_parts_behind_reveal_buttons(world: World,
                                                                pack: Content) -> None:
    ack = await world.run("/character ruth", channel="CTAGGED")
    everything = texts(ack)
    for text in _gated(pack, "Ruth", Progress()):
        assert text[:40] not in everything  # not in blocks, fallback or button values
    reveals = [b["accessory"] for b in ack["blocks"]
               if b.get("accessory", {}).get("action_id", "").startswith(REVEAL)]
    assert len(reveals) == len(_gated(pack, "Ruth", Progress()))
    assert all(r["text"]["text"] == "Reveal" for r in reveals)

    # A member who has read it all sees the part; one who has not is told so, and no more.
    await world.run("/progress novel 23", user="UREADER")
    shown = await world.fake.click(world.url, ack["blocks"], reveals[-1], user="UREADER",
                                   channel="CTAGGED")
    assert shown[-1]["response_type"] == "ephemeral"
    last = _gated(pack, "Ruth", Progress())[-1]
    assert last[:40] in json.dumps(shown[-1])
    kept = await world.fake.click(world.url, ack["blocks"], reveals[-1], user="UNEW",
                                  channel="CTAGGED")
    assert kept[-1]["response_type"] == "ephemeral"
    assert "haven't reached that part" in json.dumps(kept[-1])
    assert last[:40] not in json.dumps(kept[-1])


async def test_just_me_answers_the_clicker_privately(world: World) -> None:
    ack = await world.run("/character ruth")
    button = next(e for b in ack["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["text"]["text"] == "Just me")
    await world.run("/progress novel 23", user="UAHEAD")
    posts = await world.fake.click(world.url, ack["blocks"], button, user="UAHEAD")
    assert posts[-1]["response_type"] == "ephemeral"
    answer = json.dumps(posts[-1])
    assert "held back" not in answer and "cut to your progress" in answer
    assert "Ruth does not survive" in answer  # the last chapter's part, theirs to read


async def test_a_kept_rendering_follows_the_clubs_progress(world: World) -> None:
    """The ack's rendering is kept per reply: asked again at the same point, the same answer;
    once the club has moved on, the new part shows, however often it was asked before."""
    await world.admin("/club create", channel="CKEPT")
    before = [await world.run("/character ruth", channel="CKEPT") for _ in range(3)]
    assert before[0] == before[1] == before[2]
    assert "Ruth does not survive" not in json.dumps(before[0])
    await world.admin("/club progress novel 23 film 103", channel="CKEPT")
    after = [await world.run("/character ruth", channel="CKEPT") for _ in range(2)]
    assert after[0] == after[1] != before[0]
    assert "Ruth does not survive" in json.dumps(after[0])
    assert after[0]["response_type"] == "in_channel" and not block_problems(after[0]["blocks"])
    # Another member in the same club, at the same point, is answered alike.
    assert await world.run("/character ruth", channel="CKEPT", user="UOTHER") == after[0]


# -- permissions, mentions, retries ----------------------------------------------------------------

async def test_a_member_cannot_run_host_commands(world: World) -> None:
    refused = await world.run("/club spoilers off", user="UMEMBER", channel="CTAGGED")
    assert refused["response_type"] == "ephemeral" and "Only a host" in visible(refused)
    info = await world.run("/club info", user="UMEMBER", channel="CTAGGED")
    assert "spoilers tag" in visible(info) or "*Spoilers*\ntag" in visible(info)


async def test_a_workspace_admin_may_host_any_club(world: World) -> None:
    await world.run("/club create", user="UOWNER", channel="COWNED")
    refused = await world.run("/club spoilers tag", user="UOTHER", channel="COWNED")
    assert "Only a host" in visible(refused)
    done = await world.run("/club spoilers tag", user=ADMIN, channel="COWNED")
    assert done["response_type"] == "in_channel" and "Only a host" not in visible(done)
    assert len([c for c in world.fake.called("users.info") if c["user"] == ADMIN]) == 1


async def test_a_slow_admin_lookup_does_not_make_a_host_wait(world: World,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    monkeypatch.setattr(world.fake, "users_info_delay", 2.5)
    world.bot.members.clear()
    started = time.perf_counter()
    done = await world.admin("/club spoilers tag", channel="CTAGGED")  # UADMIN hosts it
    assert time.perf_counter() - started < 2.0
    assert done["response_type"] == "in_channel" and "Only a host" not in visible(done)


async def test_a_long_reply_is_split_into_messages_within_the_limits() -> None:
    from bot.adapters.slack.render import render
    from bot.core.clubs import SpoilerMode
    from bot.core.reply import Audience, GatedPart, Kind, PartState, Reply
    from bot.core.reply import Visibility as V
    from bot.core.timeline import Reveal

    parts = tuple(GatedPart(f"Part {n}. " + "word " * 900, f"Label {n}", PartState.SHOW)
                  if n % 5 else GatedPart(f"Hidden {n}", None, PartState.TAG, Reveal(novel=9),
                                         opens_text="chapter 9 of the novel")
                  for n in range(70))
    reply = Reply(title="Long", parts=parts, fields=(), footer=None, actions=(),
                  visibility=V.PUBLIC, kind=Kind.OK, withheld=None,
                  audience=Audience(0, 0, SpoilerMode.TAG, "the club"), command="theme")
    messages = render(reply, (("theme", "x"),))
    assert len(messages) > 1
    for message in messages:
        assert not block_problems(message.blocks)
        assert "Hidden" not in message.text and "Hidden" not in json.dumps(message.blocks)
    joined = json.dumps([m.blocks for m in messages])
    assert all(f"Part {n}." in joined for n in range(70) if n % 5)


async def test_mention_injection_is_neutralised(world: World) -> None:
    hostile = "<!channel> <!here> <!everyone> <@U1> & <https://evil|click>"
    for line in (f"/search {hostile}", f"/ask {hostile}", f"/character {hostile}"):
        ack = await world.run(line)
        shown = visible(ack)
        for raw in ("<!channel>", "<!here>", "<!everyone>", "<https://evil"):
            assert raw not in shown, (line, shown)
        assert "&amp;" in shown and " & " not in shown
        assert "&amp;amp;" not in shown  # Slack's own escaping undone once, ours applied once
        assert "link_names" not in ack and ack.get("parse") != "full"
    found = await world.run("/ask who plays kathy & <!here>")
    assert found["response_type"] == "in_channel"  # an answer, not an error
    assert "<!here>" not in visible(found) and "&amp;" in visible(found)


async def test_the_renderer_escapes_every_text_and_the_fallback() -> None:
    """Defence in depth: the core already quotes what members type; the renderer escapes
    everything anyway, content included, and only Slack's three characters."""
    from bot.adapters.slack.render import render
    from bot.core.clubs import SpoilerMode
    from bot.core.reply import Audience, GatedPart, Kind, PartState, Reply
    from bot.core.reply import Visibility as V

    hostile = "<!channel> Ruth's & <@U1> <!subteam^S1>"
    reply = Reply(title=hostile, parts=(GatedPart(hostile, hostile, PartState.SHOW),),
                  fields=(GatedPart(hostile, "Who", PartState.SHOW),), footer=hostile,
                  actions=(), visibility=V.PUBLIC, kind=Kind.OK, withheld=None,
                  audience=Audience(0, 0, SpoilerMode.HIDE, "the club"), command="x",
                  sources=(hostile,))
    message = render(reply)[0]
    everything = json.dumps(message.blocks) + message.text
    assert "<!channel>" not in everything and "<!subteam" not in everything
    assert "&lt;!channel&gt;" in message.text and "&amp;" in message.text
    assert "Ruth's" in message.text  # nothing else is entity-encoded
    assert "<@U1>" not in message.text


async def test_a_write_submitted_twice_is_done_once(world: World) -> None:
    body = {"trigger": "trig-twice", "user": "UTWICE"}
    first = await world.run("/progress novel 5", **body)
    assert "chapter 5 finished" in visible(first)
    await world.run("/progress novel 7", user="UTWICE")
    again = await world.run("/progress novel 5", **body)  # the same submission, again
    assert "carried out already" in visible(again)
    assert (await world.core.store.member_progress(SCOPE, "UTWICE", W)).novel == 7


async def test_a_redelivered_event_is_handled_once(world: World) -> None:
    event = {"token": "legacy", "team_id": TEAM, "api_app_id": "A0CLUB",
             "type": "event_callback", "event_id": "Ev1", "event_time": int(time.time()),
             "event": {"type": "app_home_opened", "user": "UHOME", "tab": "home",
                       "channel": "DHOME"}}
    before = len(world.fake.called("views.publish"))
    raw = json.dumps(event)
    for retry in ("0", "1", "2"):
        status, _ = await world.fake.post(world.url, raw, content_type="application/json",
                                          headers={"X-Slack-Retry-Num": retry}
                                          if retry != "0" else None)
        assert status == 200
    assert len(world.fake.called("views.publish")) == before + 1


# -- App Home ----------------------------------------------------------------------------------

async def test_app_home_shows_progress_and_clubs_and_sets_progress(world: World) -> None:
    await world.run("/club join", user="UFAN", channel="CTAGGED")
    await world.bot.publish_home(TEAM, "UFAN")
    view = json.loads(world.fake.called("views.publish")[-1]["view"]) if isinstance(
        world.fake.called("views.publish")[-1]["view"], str) else world.fake.called(
        "views.publish")[-1]["view"]
    assert view["type"] == "home"
    body = json.dumps(view)
    assert "<#CTAGGED>" in body and "not started" in body
    # One set of menus per work, the default first; the work travels in the action id.
    select = next(e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["action_id"] == f"club_home_novel:{W}")
    option = next(o for o in select["options"] if o["value"] == "9")
    published = len(world.fake.called("views.publish"))
    await world.fake.post(world.url, urlencode({"payload": json.dumps(world.fake.action_body(
        [], {"type": "static_select", "action_id": f"club_home_novel:{W}",
             "selected_option": option}, user="UFAN")[0])}))
    for _ in range(200):  # the menu is acknowledged first; the change follows
        if len(world.fake.called("views.publish")) > published:
            break
        await asyncio.sleep(0.005)
    assert (await world.core.store.member_progress(SCOPE, "UFAN", W)).novel == 9
    latest = world.fake.called("views.publish")[-1]["view"]
    assert "chapter 9 finished" in (latest if isinstance(latest, str) else json.dumps(latest))


# -- slow answers ------------------------------------------------------------------------------

async def test_a_slow_answer_is_acknowledged_then_sent(world: World,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(slack_answer, "ANSWER_WITHIN", 0.05)
    slowed(monkeypatch, world.core, 0.3)
    started = time.perf_counter()
    ack, n = await world.fake.command(world.url, "/film", "cast", channel="CSLOW")
    assert time.perf_counter() - started < 0.3  # acknowledged before the answer was ready
    assert ack == {}
    for _ in range(200):
        if world.fake.responses[n]:
            break
        await asyncio.sleep(0.01)
    posted = world.fake.responses[n]
    assert posted and posted[0]["response_type"] == "in_channel"
    assert "Carey Mulligan" in json.dumps(posted[0])


# -- Socket Mode -------------------------------------------------------------------------------

async def test_socket_mode_answers_commands_and_skips_redeliveries(world: World) -> None:
    handler = AsyncSocketModeHandler(world.bot.app, "xapp-test")
    await handler.connect_async()
    try:
        await asyncio.wait_for(world.fake.socket_ready.wait(), 10)
        body, _n = world.fake.command_body("/film", "cast", channel="CSOCKET")
        acked = await world.fake.envelope("slash_commands", body)
        payload = acked["payload"]
        assert payload["response_type"] == "in_channel"
        assert "Carey Mulligan" in json.dumps(payload["blocks"])
        assert not block_problems(payload["blocks"])
        before = len(world.fake.called("views.publish"))
        event = {"team_id": TEAM, "api_app_id": "A0CLUB", "type": "event_callback",
                 "event_id": "EvSock", "event_time": int(time.time()),
                 "event": {"type": "app_home_opened", "user": "USOCK", "tab": "home"}}
        await world.fake.envelope("events_api", event)
        await world.fake.envelope("events_api", event, retry=1)
        for _ in range(100):
            if len(world.fake.called("views.publish")) > before:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)
        assert len(world.fake.called("views.publish")) == before + 1
    finally:
        await handler.close_async()


# -- the manifest ------------------------------------------------------------------------------

async def test_the_manifest_file_is_the_commands(world: World) -> None:
    assert (ROOT / "manifest.yml").read_text(encoding="utf-8") == manifest_text(
        world.core.registry), "run `python -m bot slack --manifest > manifest.yml`"
    data = manifest(world.core.registry)
    names = {c["command"] for c in data["features"]["slash_commands"]}
    assert names == {slack_command(g.name) for g in world.core.registry.groups()}
    assert data["settings"]["socket_mode_enabled"] is True
    assert data["settings"]["interactivity"]["is_enabled"] is True
    assert "app_home_opened" in data["settings"]["event_subscriptions"]["bot_events"]
    for command in data["features"]["slash_commands"]:
        assert re.fullmatch(r"/[a-z0-9_-]{1,31}", command["command"]), command
        assert len(command["description"]) <= 100 and len(command.get("usage_hint", "")) <= 1000


async def test_typed_examples_parse_for_slack(world: World) -> None:
    """Every /help example is also valid text after the Slack command."""
    for command in world.core.registry:
        for example in command.examples_for(world.core.library.default.info):
            parsed, raw = world.core.registry.parse(example)
            assert parsed is command
            coerce(command, raw, world.core.library.default.timeline)
