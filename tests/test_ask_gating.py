"""`/ask` tells no reader more than they have reached (issue 19): a vocabulary link that
carries story knowledge opens only at its point, and an answer never says when the answer
comes (no "held back ... opens at" in hide mode; in tag mode the point sits inside the
spoiler on every surface)."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.console import render_text
from bot.adapters.discord.render import pages as discord_pages
from bot.adapters.slack.render import render as slack_render
from bot.app import load_library
from bot.core.ask import Answerer
from bot.core.content.model import CardKind, Content
from bot.core.library import covers
from bot.core.passages import passages
from bot.core.reply import PartState, Reply
from bot.core.service import Core
from bot.core.timeline import Progress
from tests.conftest import say

ROOT = Path(__file__).resolve().parent.parent
PACKS = {w.id: w.content for w in load_library(ROOT)}
PACK = PACKS["never-let-me-go"]
GATED = {wid: [n for n, link in enumerate(pack.vocabulary) if not link.reveal.safe]
         for wid, pack in PACKS.items()}
# Question shapes around a link's word, with the work's own names in them.
TEMPLATES = ("{w}", "what is {w}", "does {character} {w}", "is {other} {w}",
             "what does {w} mean", "who {w}", "tell me about {w}", "{w} at {setting}",
             "why do they {w}", "what happens when {character} {w}")


def _answerer(content: Content) -> Answerer:
    return Answerer(content, passages(content), covers=covers(content.work))


FULL = {wid: _answerer(pack) for wid, pack in PACKS.items()}


@cache
def without(work: str, index: int) -> Answerer:
    """The same pack with one link taken out."""
    pack = PACKS[work]
    kept = tuple(link for n, link in enumerate(pack.vocabulary) if n != index)
    return _answerer(replace(pack, vocabulary=kept))


@st.composite
def before_a_link(draw: st.DrawFn) -> tuple[str, int, str, Progress]:
    work = draw(st.sampled_from(sorted(PACKS)))
    pack = PACKS[work]
    index = draw(st.sampled_from(GATED[work]))
    link = pack.vocabulary[index]
    end = pack.work.timeline.end
    top_novel = end.novel if link.reveal.novel is None else link.reveal.novel - 1
    top_film = end.film if link.reveal.film is None else link.reveal.film - 1
    progress = Progress(draw(st.integers(0, top_novel)), draw(st.integers(0, top_film)))
    names = [c.name for c in pack.cards_of(CardKind.CHARACTER)]
    places = [c.name for c in pack.cards_of(CardKind.SETTING)]
    question = draw(st.sampled_from(TEMPLATES)).format(
        w=draw(st.sampled_from(link.words)), character=draw(st.sampled_from(names)),
        other=draw(st.sampled_from(names)), setting=draw(st.sampled_from(places)))
    return work, index, question.lower(), progress


def test_every_gated_link_opens_after_the_start() -> None:
    for work, gated in GATED.items():
        assert gated, f"{work} has links that carry story knowledge"
        assert all(not PACKS[work].vocabulary[n].reveal.visible_at(Progress()) for n in gated)


@settings(max_examples=300, deadline=None)
@given(case=before_a_link(), hide=st.booleans())
def test_a_link_before_its_point_reaches_nothing(case: tuple[str, int, str, Progress],
                                                 hide: bool) -> None:
    """Before its point a link is as if it were not there: the answer is the one the pack
    would give without it, so no passage is reached only through it."""
    work, index, question, progress = case

    def sees(reveal):
        return reveal.visible_at(progress)

    rankable = sees if hide else None
    got = FULL[work].answer(question, sees, rankable)
    plain = without(work, index).answer(question, sees, rankable)
    assert (got.passages, got.declined) == (plain.passages, plain.declined), question


def test_past_its_point_a_link_does_apply() -> None:
    """The property above could pass with links that never apply: past the point they do."""
    def everything(_reveal):
        return True

    work = "never-let-me-go"
    index = next(n for n in GATED[work] if "die" in PACK.vocabulary[n].words)
    changed = [w for w in PACK.vocabulary[index].words
               if FULL[work].answer(f"when does tommy {w}", everything).passages
               != without(work, index).answer(f"when does tommy {w}", everything).passages]
    assert changed, "no word of the link changes an answer once it is open"


async def test_does_tommy_die_at_chapter_two_says_nothing_of_completing(core: Core) -> None:
    await say(core, "/club create both")
    await say(core, "/club progress novel 2")
    for mode in ("hide", "tag"):
        await say(core, f"/club spoilers {mode}")
        reply = await say(core, "/ask does tommy die")
        # Nothing shown says "complete"; in tag mode a passage may sit behind a spoiler.
        assert not any("completion" in (p.label or "") or "complet" in p.text.lower()
                       for p in reply.parts if p.state is not PartState.TAG), (mode, reply.parts)
    await say(core, "/club progress novel 23")
    await say(core, "/club spoilers hide")
    assert "complet" in render_text(await say(core, "/ask does tommy die")).lower()


async def test_organ_donation_at_ten_minutes_confirms_no_organs(core: Core) -> None:
    await say(core, "/club create film")
    await say(core, "/club progress film 10")
    reply = await say(core, "/ask organ donation")
    assert "organ" not in " ".join(p.text.lower() for p in reply.parts)
    assert reply.withheld is None


async def test_a_hide_mode_answer_never_says_what_was_held_back(core: Core) -> None:
    await say(core, "/club create film")
    await say(core, "/club progress film 10")
    reply = await say(core, "/ask is the man in the opening tommy")
    assert reply.withheld is None
    text = render_text(reply)
    assert "held back" not in text and "1:34" not in text and "opens" not in text


async def _tagged(core: Core) -> Reply:
    await say(core, "/club create both")
    await say(core, "/club spoilers tag")
    reply = await say(core, "/ask what happens to tommy at the end")
    assert any(p.state is PartState.TAG for p in reply.parts)
    return reply


async def test_tag_mode_puts_the_point_inside_the_spoiler_on_the_console(core: Core) -> None:
    text = render_text(await _tagged(core))
    assert "(opens at" in text
    for line in text.splitlines():
        if "opens at" in line:  # only ever between the spoiler marks
            assert line.index("opens at") < line.rindex("||"), line
    assert "(spoiler: opens" not in text


async def test_tag_mode_puts_the_point_inside_the_spoiler_on_discord(core: Core) -> None:
    reply = await _tagged(core)
    for page in discord_pages(reply):
        embed = page.embed.to_dict()
        outside = "".join(embed.get("description", "").split("||")[0::2])
        assert "opens at" not in outside
        assert "opens at" in embed.get("description", "")
        assert "opens" not in json.dumps([f["name"] for f in embed.get("fields", [])])


async def test_tag_mode_gives_no_point_beside_a_slack_reveal(core: Core) -> None:
    reply = await _tagged(core)
    for message in slack_render(reply, (("question", "what happens to tommy at the end"),)):
        carried = json.dumps(message.blocks) + message.text
        assert "opens at" not in carried
        for block in message.blocks:
            button = block.get("accessory")
            if button and button.get("text", {}).get("text") == "Reveal":
                assert json.loads(button["value"])["o"] is None
