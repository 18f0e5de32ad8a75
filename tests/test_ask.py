"""`/ask`: a question set as members would phrase it, and answers gated like any reply."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.core.reply import Kind
from bot.core.service import Core
from tests.conftest import flat, say

QUESTIONS = yaml.safe_load(
    (Path(__file__).parent / "data" / "ask_questions.yaml").read_text(encoding="utf-8"))
CANNOT = "can't answer that"


def right(reply_text: str, expect: list[str] | str) -> bool:
    text = reply_text.lower()
    if expect == "none":
        return CANNOT in text
    return CANNOT not in text and all(str(e).lower() in text for e in expect)


async def test_the_question_set(core: Core, capsys) -> None:
    assert len(QUESTIONS) >= 80
    await say(core, "/club create both")
    await say(core, "/club spoilers off")
    wrong = []
    for item in QUESTIONS:
        reply = await say(core, f"/ask {item['q']}")
        assert reply.kind is Kind.OK
        body = "\n".join(f"{p.label or ''} {p.text}" for p in reply.parts)
        if not right(body, item["expect"]):
            wrong.append(f"{item['q']!r}: expected {item['expect']}, got {body[:160]!r}")
    share = 1 - len(wrong) / len(QUESTIONS)
    with capsys.disabled():
        print(f"\n/ask question set: {share:.1%} right ({len(QUESTIONS) - len(wrong)}"
              f"/{len(QUESTIONS)})")
        for line in wrong:
            print("  wrong:", line)
    assert share >= 0.95


async def test_answers_name_their_sources(core: Core) -> None:
    reply = await say(core, "/ask who composed the score?")
    assert reply.sources


def test_questions_take_the_route_their_words_ask_for(core: Core) -> None:
    answer = core.library.default.answerer.answer
    everything = lambda reveal: True  # noqa: E731
    assert answer("who played young ruth", everything).how == "cast"
    assert answer("who composed the score?", everything).how == "crew"
    assert answer("what is a deferral?", everything).how == "profile"
    fate = answer("what happened to hailsham", everything)  # from its own card, its end first
    assert fate.how == "search" and fate.passages[0].topic == "setting:hailsham"
    assert "shut down" in fate.passages[0].text
    assert answer("who is madame", everything).how == "profile"
    assert answer("did the film win anything?", everything).how == "search"
    assert answer("what is the capital of france", everything).how == "none"


async def test_answers_are_gated(core: Core) -> None:
    await say(core, "/club create both")
    reply = await say(core, "/ask do deferrals really exist?")
    assert "never existed" not in flat(reply)
    # Nor does it say something was held back: that would confirm the guess.
    assert reply.withheld is None
    await say(core, "/club progress novel 22")
    assert "never existed" in flat(await say(core, "/ask do deferrals really exist?"))


async def test_a_gated_name_does_not_route_a_question(core: Core) -> None:
    """Before Madame's first name opens, asking by it must not find her card."""
    reply = await say(core, "/ask who is marie-claude")
    assert "Madame" not in flat(reply)


def test_every_crew_role_has_a_sentence() -> None:
    from bot.core.content.model import CREW_ROLES
    from bot.core.passages import _ROLE_SENTENCES

    assert set(_ROLE_SENTENCES) == set(CREW_ROLES)
