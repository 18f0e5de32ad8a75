"""The Discord adapter end to end: the real discord.py client against a fake Discord.

One bot is started for the module (tests/fakes/fake_discord.py: gateway websocket and REST on
127.0.0.1), on a real SQLite file under a temporary directory. Members are simulated by the
interactions the fake delivers; what the bot sends back is read off the fake's records.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from conftest import MONDAY_NOON
from fakes.fake_discord import APP_ID, GUILD_ID, MANAGE_GUILD, Exchange, FakeDiscord, Sent, buttons
from fakes.slow_store import slowed
from helpers.discord_world import DiscordWorld, running

from bot.adapters.discord import client as discord_client
from bot.adapters.discord import respond
from bot.app import load_library, open_core
from bot.core.coerce import coerce
from bot.core.commands import Command, Group, OptionKind, Registry, build_registry
from bot.core.content import Content
from bot.core.content.model import CardKind
from bot.core.errors import UserError
from bot.core.passages import CARD_COMMAND
from bot.core.reply import Draft, Part
from bot.core.timeline import SAFE, Progress, Reveal

pytestmark = pytest.mark.asyncio(loop_scope="module")

ROOT = Path(__file__).resolve().parent.parent
LIBRARY_DEFAULT = load_library(ROOT).default
ADMIN = 1  # has Manage Server
HOST_PERMS = MANAGE_GUILD
# Discord's own rule (platform-contract.md §A1) and discord.py's stricter one, without `'`.
NAME_RULE = re.compile(r"^[-_\w]{1,32}$")


async def _long_read(call: Any) -> Draft:
    """A reply far longer than one embed: most parts safe, every third opens at chapter 20.
    A club that has finished the novel is told the list is closed (an error a pager meets)."""
    if call.ctx.club and call.ctx.club.progress.novel == 23:
        raise UserError("This reading list is closed for clubs that have finished.")
    parts = tuple(
        Part(f"Paragraph {n}: " + "A long and careful paragraph about the novel. " * 8,
             label=f"Section {n}", reveal=Reveal(novel=20) if n % 3 == 0 else SAFE)
        for n in range(40)
    )
    return Draft(title="A long read", parts=parts)


LONG = Command("longread", None, "A reply long enough to page", _long_read,
               examples=("/longread",))


@dataclass
class World(DiscordWorld):
    async def admin(self, path: str, channel: str = "general", **values: Any) -> Exchange:
        return await self.fake.interact(path, user=ADMIN, channel=channel,
                                        permissions=HOST_PERMS, **values)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(pack: Content, tmp_path_factory: pytest.TempPathFactory
                ) -> AsyncIterator[World]:
    fake = FakeDiscord()
    await fake.start()
    registry = build_registry().with_command(LONG, Group("longread", "A long reply"))
    db = tmp_path_factory.mktemp("discord") / "club.db"
    with fake.point_at():
        async with open_core(db, content=pack, registry=registry,
                             clock=lambda: MONDAY_NOON) as core, \
                running(fake, core) as bot:
            world = World(fake, bot, core)
            # Clubs used below: "tagged" shows spoilers hidden, "finished" has read it all.
            await world.admin("club create", channel="tagged")
            await world.admin("club spoilers", channel="tagged", mode="tag")
            await world.admin("club create", channel="finished")
            await world.admin("club progress", channel="finished", book="23", film="103")
            yield world
    await fake.stop()




def embed_of(exchange: Exchange) -> dict[str, Any]:
    embeds = exchange.final_message().get("embeds") or []
    assert len(embeds) == 1, exchange.sent
    return embeds[0]


def description(exchange: Exchange) -> str:
    return embed_of(exchange).get("description") or ""


def embed_fits(embed: dict[str, Any]) -> list[str]:
    """Every limit Discord checks on an embed (platform-contract.md §A3); [] when it fits."""
    problems = []
    title, desc = embed.get("title") or "", embed.get("description") or ""
    footer = (embed.get("footer") or {}).get("text") or ""
    fields = embed.get("fields") or []
    if len(title) > 256:
        problems.append(f"title {len(title)}")
    if len(desc) > 4096:
        problems.append(f"description {len(desc)}")
    if len(fields) > 25:
        problems.append(f"{len(fields)} fields")
    for f in fields:
        if not 0 < len(f["name"]) <= 256 or not 0 < len(f["value"]) <= 1024:
            problems.append(f"field {f['name'][:20]!r} {len(f['name'])}/{len(f['value'])}")
    if len(footer) > 2048:
        problems.append(f"footer {len(footer)}")
    total = len(title) + len(desc) + len(footer) + sum(
        len(f["name"]) + len(f["value"]) for f in fields)
    if total > 6000:
        problems.append(f"total {total}")
    return problems


def message_sends(requests: list[Sent]) -> list[dict[str, Any]]:
    """Every message body the bot sent: callbacks with a message, follow-ups, edits."""
    out = []
    for sent in requests:
        if sent.path.endswith("/callback") and sent.body["type"] in (4, 7):
            out.append(sent.body["data"])
        elif "/webhooks/" in sent.path and sent.method in ("POST", "PATCH"):
            out.append(sent.body)
    return out


# -- connection and command sync ---------------------------------------------------------------

async def test_the_bot_asks_for_no_privileged_intent(world: World) -> None:
    intents = world.fake.identifies[-1]["intents"]
    assert intents & (1 << 1) == 0, "GUILD_MEMBERS"
    assert intents & (1 << 8) == 0, "GUILD_PRESENCES"
    assert intents & (1 << 15) == 0, "MESSAGE_CONTENT"
    assert intents & 1, "GUILDS keeps the channel cache"


def _options_size(options: list[dict[str, Any]]) -> int:
    size = 0
    for o in options:
        size += len(o["name"]) + len(o["description"])
        size += sum(len(c["name"]) + len(str(c["value"])) for c in o.get("choices", []))
        size += _options_size(o.get("options", []))
    return size


def _check_options(where: str, options: list[dict[str, Any]], depth: int) -> None:
    assert len(options) <= 25, where
    names = [o["name"] for o in options]
    assert len(set(names)) == len(names), f"{where}: repeated option names"
    leaf = [o for o in options if o["type"] not in (1, 2)]
    required = [o.get("required", False) for o in leaf]
    assert required == sorted(required, reverse=True), f"{where}: required after optional"
    for o in options:
        label = f"{where} {o['name']}"
        assert NAME_RULE.match(o["name"]) and o["name"] == o["name"].lower(), label
        assert 1 <= len(o["description"]) <= 100, label
        assert not (o.get("autocomplete") and o.get("choices")), label
        for c in o.get("choices", []):
            assert 1 <= len(c["name"]) <= 100 and len(str(c["value"])) <= 100, label
        assert len(o.get("choices", [])) <= 25, label
        if o["type"] in (1, 2):
            assert depth < 2, f"{label}: nested deeper than group > subcommand"
            _check_options(label, o.get("options", []), depth + 1)


async def test_synced_commands_follow_discords_rules(world: World) -> None:
    synced = world.fake.commands[str(GUILD_ID)]
    assert 0 < len(synced) <= 100
    for command in synced:
        name = command["name"]
        assert NAME_RULE.match(name) and name == name.lower(), name
        assert 1 <= len(command["description"]) <= 100, name
        assert command.get("contexts") == [0], f"{name} is offered outside servers"
        # Host commands are checked when they run: a default permission would hide them
        # from hosts who are not server admins, and admins can override it anyway.
        assert command.get("default_member_permissions") is None, name
        size = len(name) + len(command["description"]) + _options_size(command.get("options", []))
        assert size <= 8000, f"{name}: {size} characters"
        _check_options(name, command.get("options", []), 0)


async def test_synced_commands_are_the_cores_commands(world: World) -> None:
    synced = world.fake.commands[str(GUILD_ID)]
    paths = set()
    for command in synced:
        subs = [o for o in command.get("options", []) if o["type"] == 1]
        paths |= {f"{command['name']} {s['name']}" for s in subs} or {command["name"]}
    assert paths == {c.path for c in world.core.registry}


async def test_options_are_typed(world: World) -> None:
    by_path = {}
    for command in world.fake.commands[str(GUILD_ID)]:
        for sub in [o for o in command.get("options", []) if o["type"] == 1] or [command]:
            path = command["name"] if sub is command else f"{command['name']} {sub['name']}"
            by_path[path] = {o["name"]: o for o in sub.get("options", [])}
    # A progress point is text the work's own timeline reads (`7`, `day three evening`,
    # `1:10`), with the work's sections offered as it is typed: the same tree for every work.
    chapter = by_path["progress book"]["chapter"]
    assert (chapter["type"], chapter["autocomplete"]) == (3, True)
    minutes = by_path["club progress"]["film"]
    assert (minutes["type"], minutes["max_length"]) == (3, 10)
    assert by_path["character"]["work"]["autocomplete"] is True  # any lookup, another work
    assert [c["value"] for c in by_path["club spoilers"]["mode"]["choices"]] == [
        "hide", "tag", "off"]
    assert by_path["club hosts"]["member"]["type"] == 6  # Discord's member picker
    assert by_path["character"]["character"]["autocomplete"] is True
    assert by_path["search"]["words"]["max_length"] == 200


async def test_a_restart_does_not_sync_again(pack: Content, tmp_path: Path) -> None:
    fake = FakeDiscord()
    await fake.start()
    try:
        with fake.point_at():
            for _start in range(2):  # the second start finds the same payload
                async with open_core(tmp_path / "club.db", content=pack) as core, \
                        running(fake, core) as bot:
                    assert bot.last_sync_sent is (_start == 0)
                assert len(fake.sync_calls) == 1
            # A changed payload (a new command) is synced.
            registry = build_registry().with_command(LONG, Group("longread", "A long reply"))
            async with open_core(tmp_path / "club.db", content=pack, registry=registry) as core, \
                    running(fake, core):
                pass
            assert len(fake.sync_calls) == 2
            assert fake.sync_calls[-1].path.endswith(f"/guilds/{GUILD_ID}/commands")
            # Without a development server the commands go to every server, once.
            for _start in range(2):
                async with open_core(tmp_path / "club.db", content=pack) as core, \
                        running(fake, core, dev_guild=None):
                    pass
            assert len(fake.sync_calls) == 3
            assert fake.sync_calls[-1].path == f"/applications/{APP_ID}/commands"
    finally:
        await fake.stop()


# -- every command, every card -----------------------------------------------------------------

def _typed(registry: Registry, command: Command, example: str) -> dict[str, Any]:
    """An example as Discord would send it: typed values, a member as an id."""
    _cmd, raw = registry.parse(example)
    values = coerce(command, raw, LIBRARY_DEFAULT.timeline)
    out: dict[str, Any] = {}
    for option in command.options:
        value = values.get(option.name)
        if value is None:
            continue
        out[option.name] = 2 if option.kind is OptionKind.MEMBER else value
    return out


async def test_every_command_answers_within_limits(world: World) -> None:
    await world.admin("club create", channel="every")
    answered = 0
    for command in world.core.registry:
        for example in command.examples_for(world.core.library.default.info):
            exchange = await world.admin(command.path, channel="every",
                                         **_typed(world.core.registry, command, example))
            assert exchange.type == 4, (example, exchange.sent)
            embed = embed_of(exchange)
            assert not embed_fits(embed), (example, embed_fits(embed))
            assert discord_client.APOLOGY not in json.dumps(embed), example
            answered += 1
    assert answered >= len(list(world.core.registry))


@pytest.mark.parametrize("channel", ["tagged", "finished"])
async def test_every_card_fits_the_embed_limits(world: World, pack: Content,
                                                channel: str) -> None:
    for kind in CardKind:
        command = CARD_COMMAND[kind]
        option = "topic" if kind is CardKind.DIFFERENCE else kind.value
        for card in pack.cards_of(kind):
            exchange = await world.fake.interact(command, channel=channel, **{option: card.name})
            embed = embed_of(exchange)
            assert not embed_fits(embed), (card.name, embed_fits(embed))
            if channel == "finished":  # all of it is open there
                assert "held back" not in embed.get("description", ""), card.name


async def test_a_thread_follows_its_channels_club(world: World) -> None:
    inside = await world.fake.interact("character", channel="tagged", thread="Ruth night",
                                       character="Ruth")
    assert "||" in description(inside)  # the tagged channel's club and its mode


async def test_ephemeral_flags(world: World) -> None:
    assert not (await world.fake.interact("film cast")).final_ephemeral()
    assert (await world.fake.interact("progress show", user=40)).final_ephemeral()
    missing = await world.fake.interact("character", character="nobody at all")
    assert missing.final_ephemeral()
    assert "can't find" in description(missing)
    join = await world.fake.interact("club join", user=41, channel="tagged")
    assert join.final_ephemeral()


# -- spoilers ------------------------------------------------------------------------------------

def _gated_texts(pack: Content, name: str, progress: Progress) -> list[str]:
    card = next(c for c in pack.cards_of(CardKind.CHARACTER) if c.name == name)
    return [p.text for p in card.parts if not p.reveal.visible_at(progress)]


async def test_hide_mode_sends_none_of_the_gated_text(world: World, pack: Content) -> None:
    exchange = await world.fake.interact("character", character="Ruth")
    gated = _gated_texts(pack, "Ruth", Progress())
    assert gated
    sent = exchange.texts()
    for text in gated:
        assert text[:40] not in sent
    assert "held back" in description(exchange)
    assert "||" not in sent


async def test_tag_mode_hides_gated_parts_behind_spoiler_tags(world: World,
                                                               pack: Content) -> None:
    exchange = await world.fake.interact("character", channel="tagged", character="Ruth")
    embed = embed_of(exchange)
    body = embed["description"]
    hidden = re.findall(r"(?<!\\)\|\|(.+?)(?<!\\)\|\|", body, flags=re.DOTALL)
    for text in _gated_texts(pack, "Ruth", Progress()):
        assert any(text[:40].replace("`", "\\`") in h for h in hidden), text[:40]
    outside = re.sub(r"(?<!\\)\|\|.+?(?<!\\)\|\|", "", body, flags=re.DOTALL)
    for text in _gated_texts(pack, "Ruth", Progress()):
        assert text[:40] not in outside
    # Titles, field names and footers do not render markdown: a spoiler there would show.
    for plain in (embed.get("title", ""), embed.get("footer", {}).get("text", ""),
                  *(f["name"] for f in embed.get("fields", []))):
        assert "||" not in plain
    assert "```" not in body


async def test_autocomplete_offers_only_what_both_may_see(world: World, pack: Content) -> None:
    await world.admin("club create", channel="nightly")
    await world.fake.interact("progress book", user=50, chapter="23")  # read it all
    characters = pack.cards_of(CardKind.CHARACTER)
    for chapter in range(0, 24):
        await world.admin("club progress", channel="nightly", book=str(chapter))
        offered = {c["name"] for c in await world.fake.autocomplete(
            "character", "character", "", user=50, channel="nightly")}
        visible = {c.name for c in characters if c.reveal.visible_at(Progress(chapter, 0))}
        assert len(visible) <= 25
        assert offered == visible, chapter
    # A member who has read less than the club is offered only what is open to them.
    await world.fake.interact("progress book", user=51, chapter="3")
    offered = {c["name"] for c in await world.fake.autocomplete(
        "character", "character", "", user=51, channel="finished")}
    expected = {c.name for c in characters if c.reveal.visible_at(Progress(3, 0))}
    assert expected and len(expected) < len(characters)
    assert offered == expected
    choices = await world.fake.autocomplete("glossary", "term", "", user=50, channel="finished")
    assert 0 < len(choices) <= 25
    assert all(len(c["name"]) <= 100 for c in choices)


async def test_autocomplete_of_a_hostile_prefix_offers_nothing(world: World) -> None:
    assert await world.fake.autocomplete("character", "character", "\x00\x07" * 50) == []
    assert await world.fake.autocomplete("theme", "theme", "@everyone") == []


# -- buttons ---------------------------------------------------------------------------------------

async def test_just_me_answers_the_clicker_privately(world: World) -> None:
    shared = await world.fake.interact("character", character="Ruth")
    message = world.fake.messages[shared.message_id]
    just_me = next(b for b in buttons(message) if b["label"] == "Just me")
    assert len(just_me["custom_id"]) <= 100
    await world.fake.interact("progress book", user=60, chapter="23")
    ahead = await world.fake.click(message, just_me["custom_id"], user=60)
    assert ahead.final_ephemeral()
    assert "held back" not in description(ahead)
    behind = await world.fake.click(message, just_me["custom_id"], user=61)
    assert behind.final_ephemeral()
    assert "held back" in description(behind)


async def test_a_long_question_keeps_its_button(world: World) -> None:
    question = ("what happens to ruth at hailsham, at the cottages and later on, when she "
                "becomes a donor?")
    # In tag mode an answer comes back hidden, so the reply offers "Just me".
    shared = await world.fake.interact("ask", channel="tagged", question=question.strip())
    message = world.fake.messages[shared.message_id]
    just_me = next(b for b in buttons(message) if b["label"] == "Just me")
    assert len(just_me["custom_id"]) <= 100
    assert ":k" in just_me["custom_id"]  # the command lives in the store
    again = await world.fake.click(message, just_me["custom_id"], user=62, channel="tagged")
    assert again.final_ephemeral()
    assert embed_of(again)["title"].startswith("Q: what happens to ruth")


async def test_a_button_from_a_lost_store_row_says_it_expired(world: World) -> None:
    shared = await world.fake.interact("film cast")
    # A key no row has (a restored backup, say), under the prefix of an earlier release: the
    # button is still routed here, and says it expired.
    lost = "nlmg:-:k" + "0" * 24
    message = {**world.fake.messages[shared.message_id], "components": [
        {"type": 1, "components": [{"type": 2, "style": 2, "label": "Just me",
                                    "custom_id": lost}]}]}
    stale = await world.fake.click(message, lost, user=63)
    assert stale.final_ephemeral()
    assert "expired" in description(stale)


async def test_long_replies_are_paged_with_buttons(world: World) -> None:
    first = await world.fake.interact("longread")
    embed = embed_of(first)
    assert not embed_fits(embed)
    assert embed["footer"]["text"].startswith("Page 1 of ")
    count = int(embed["footer"]["text"].split()[3])
    message = world.fake.messages[first.message_id]
    seen = [embed["description"]]
    for page in range(1, count):
        nxt = next(b for b in buttons(message) if b["label"].startswith("Next"))
        assert not nxt.get("disabled")
        turned = await world.fake.click(message, nxt["custom_id"], user=70)
        assert turned.type == 7  # the same message, edited
        body = turned.callback["data"]
        embed = body["embeds"][0]
        assert not embed_fits(embed)
        assert embed["footer"]["text"].startswith(f"Page {page + 1} of {count}")
        seen.append(embed["description"])
        message = {**message, "embeds": body["embeds"], "components": body["components"]}
    last_next = next(b for b in buttons(message) if b["label"].startswith("Next"))
    assert last_next.get("disabled")
    joined = "\n".join(seen)
    assert "Paragraph 1:" in joined and "Paragraph 38:" in joined
    assert "Paragraph 3:" not in joined  # opens at chapter 20: held back here


# -- permissions, mentions, bad input --------------------------------------------------------------

async def test_a_member_cannot_run_host_commands(world: World) -> None:
    refused = await world.fake.interact("club spoilers", user=80, channel="tagged", mode="off")
    assert refused.final_ephemeral()
    assert "Only a host" in description(refused)
    refused = await world.fake.interact("club progress", user=80, channel="tagged", book="23")
    assert "Only a host" in description(refused)
    info = await world.fake.interact("club info", user=80, channel="tagged")
    fields = {f["name"]: f["value"] for f in embed_of(info)["fields"]}
    assert fields["Spoilers"] == "tag" and fields["Novel"] == "not started"


async def test_manage_server_counts_as_a_host(world: World) -> None:
    done = await world.fake.interact("club hosts", user=81, channel="tagged",
                                     permissions=MANAGE_GUILD, action="add", member=82)
    assert "<@82> is now a host" in description(done)
    by_new_host = await world.fake.interact("club spoilers", user=82, channel="tagged", mode="tag")
    assert "Only a host" not in description(by_new_host)


async def test_mentions_typed_by_members_never_ping(world: World) -> None:
    hostile = "@everyone @here <@&123> <@456>"
    before = len(world.fake.requests)
    await world.fake.interact("search", words=hostile)
    await world.fake.interact("ask", question=hostile)
    await world.fake.interact("character", character=hostile)
    await world.fake.interact("help", command=hostile)
    await world.fake.interact("club hosts", user=ADMIN, permissions=MANAGE_GUILD,
                              channel="tagged", action="add", member=456)
    sends = message_sends(world.fake.requests[before:])
    assert len(sends) >= 5
    for body in sends:
        assert body.get("allowed_mentions") == {"parse": []}, body


async def test_bad_values_get_a_polite_private_answer_and_change_nothing(world: World) -> None:
    # Discord's own client keeps to the ranges; a forged request is refused by the core.
    forged = await world.fake.interact("progress book", user=90, chapter="99")
    assert forged.final_ephemeral()
    assert "23 chapters" in description(forged)
    huge = await world.fake.interact("search", user=90, words="x" * 5000)
    assert "too long" in description(huge)
    control = await world.fake.interact("search", user=90, words="hail\x00sham")
    assert "control characters" in description(control)
    mine = await world.fake.interact("progress show", user=90)
    fields = {f["name"]: f["value"] for f in embed_of(mine)["fields"]}
    assert fields["Novel"] == "not started"


async def test_an_unknown_command_is_answered_and_logged(world: World,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="bot.adapters.discord.client")
    exchange = await world.fake.interact_raw(
        {"id": "1", "name": "oldcommand", "type": 1, "options": [], "guild_id": str(GUILD_ID)})
    assert exchange.final_ephemeral()
    assert "don't have that command" in description(exchange)
    assert "Traceback" not in exchange.texts()
    assert any("unknown command oldcommand" in r.getMessage() for r in caplog.records)


async def test_a_fault_in_the_adapter_is_logged_and_apologised_for(
        world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    async def broken(*args: Any) -> Any:
        raise RuntimeError("renderer bug")

    monkeypatch.setattr(world.bot.responder, "render", broken)
    caplog.set_level(logging.ERROR, logger="bot.adapters.discord.client")
    exchange = await world.fake.interact("film cast", user=97)
    assert exchange.final_ephemeral()
    assert description(exchange) == discord_client.APOLOGY
    assert "renderer bug" not in exchange.texts()
    logged = [r for r in caplog.records if r.exc_info]
    assert logged and "user 97" in logged[0].getMessage()
    assert f"interaction {exchange.id}" in logged[0].getMessage()


# -- slow answers -------------------------------------------------------------------------------

@pytest.fixture
def slow(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(respond, "DEFER_AFTER", 0.05)
    slowed(monkeypatch, world.core, 0.3)


@pytest.mark.usefixtures("slow")
async def test_a_slow_answer_is_deferred_then_followed_up(world: World) -> None:
    shared = await world.fake.interact("film cast", channel="slow")
    assert shared.type == 5 and not shared.final_ephemeral()
    assert "Carey Mulligan" in description(shared)
    private = await world.fake.interact("progress show", channel="slow", user=95)
    assert private.type == 5 and private.final_ephemeral()
    # Deferred as a channel reply, answered privately: the member alone sees the answer, and
    # nothing is left in the channel.
    await world.admin("club create", channel="slow")
    join = await world.fake.interact("club join", channel="slow", user=96)
    await world.fake.until(lambda: any(x.method == "DELETE" for x in join.sent))
    assert join.type == 5 and join.final_ephemeral()
    assert "Welcome to the club" in description(join)
    assert [m.ephemeral for m in join.shown if not m.deleted] == [True]


async def _paged_message(world: World, channel: str) -> tuple[dict[str, Any], str]:
    first = await world.fake.interact("longread", channel=channel)
    message = world.fake.messages[first.message_id]
    nxt = next(b for b in buttons(message) if b["label"].startswith("Next"))
    return message, nxt["custom_id"]


async def test_a_pager_that_meets_an_error_leaves_the_message_alone(world: World) -> None:
    await world.admin("club create", channel="paged")
    message, next_id = await _paged_message(world, "paged")
    await world.admin("club progress", channel="paged", book="23")
    clicked = await world.fake.click(message, next_id, user=98, channel="paged")
    assert clicked.type == 4 and clicked.final_ephemeral()
    assert "reading list is closed" in description(clicked)
    assert not any(s.method == "PATCH" for s in clicked.sent)


@pytest.mark.usefixtures("slow")
async def test_a_slow_pager_error_goes_to_the_clicker_alone(world: World) -> None:
    await world.admin("club create", channel="paged-slow")
    await world.admin("club progress", channel="paged-slow", book="22")
    message, next_id = await _paged_message(world, "paged-slow")
    await world.admin("club progress", channel="paged-slow", book="23")
    clicked = await world.fake.click(message, next_id, user=99, channel="paged-slow")
    assert clicked.type == 6  # deferred as an update of the message...
    assert not any(s.method == "PATCH" for s in clicked.sent)  # ...which is not touched
    assert clicked.final_ephemeral() and "reading list is closed" in description(clicked)
