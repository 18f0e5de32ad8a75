"""The major reveals of the spoiler timeline, one at a time: a reader just before each learns
nothing of it through any command, and a reader at it does."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from bot.core.content import Content
from bot.core.reply import PartState
from bot.core.service import Core
from bot.core.timeline import Progress, Reveal
from tests.conftest import say

FILM_MINUTES = 103  # the first work's film


@dataclass(frozen=True)
class Major:
    name: str
    pattern: str
    novel: int
    film: int | None  # None: the film never shows it
    ask: str
    search: str


# From reference/spoiler-timeline.md (A.1 and B.1; film minutes the latest plausible).
MAJOR = [
    Major("Miss Lucy's talk", r"vital organs|before (they reach )?middle age", 7, 25,
          "what does miss lucy tell the students?", "vital organs"),
    Major("Ruth's confession", r"confess|kept (Kathy and Tommy|them|the two) apart", 19, 72,
          "did ruth keep kathy and tommy apart?", "apart"),
    Major("Ruth's completion", r"Ruth(?:'s)? (completes|dies|death|completion)", 19, 76,
          "does ruth die?", "Ruth completes"),
    Major("Kathy and Tommy become lovers",
          r"(become|became) lovers|come together as a couple", 20, 80,
          "do kathy and tommy get together?", "lovers"),
    Major("Madame's first name", r"Marie-Claude", 21, None, "what is madame's first name?",
          "Marie-Claude"),
    Major("No deferrals ever", r"never (existed|been (granted|real))|no such thing", 22, 88,
          "do deferrals really exist?", "deferrals"),
    Major("The Gallery and souls", r"\bsouls?\b", 22, None, "what was the gallery for?",
          "souls"),
    Major("Madame explains the dance", r"kind world|old world", 22, None,
          "why did madame cry at the dance?", "dance"),
    Major("Morningdale", r"Morningdale", 22, None, "what was the morningdale scandal?",
          "Morningdale"),
    Major("Tommy's completion",
          r"Tommy(?:'s)? (completes|dies|death|completion|final donation|last operation)",
          23, 94, "does tommy die?", "Tommy completes"),
]


def matching(pack: Content, major: Major) -> list[tuple[str, Reveal]]:
    rx = re.compile(major.pattern, re.IGNORECASE)
    texts = [(f.text, f.reveal) for f in pack.facts] + [(p.text, p.reveal) for p in pack.prompts]
    for cards in pack.cards.values():
        for card in cards:
            texts += [(p.text, p.reveal) for p in card.parts]
    return [(t, r) for t, r in texts if rx.search(t)]


def before(major: Major) -> Progress:
    return Progress(major.novel - 1, major.film - 1 if major.film else FILM_MINUTES)


@pytest.mark.parametrize("major", MAJOR, ids=[m.name for m in MAJOR])
def test_content_points_agree_with_the_timeline(pack: Content, major: Major) -> None:
    found = matching(pack, major)
    assert found, f"nothing in the pack tells of {major.name}"
    for text, reveal in found:
        assert not reveal.visible_at(before(major)), f"{text[:60]!r} opens too early: {reveal}"
    assert any(r.visible_at(Progress(major.novel, 0)) for _t, r in found)
    if major.film:
        assert any(r.visible_at(Progress(0, major.film)) for _t, r in found)


async def _shown(core: Core, lines: list[str]) -> str:
    """What the replies show, less the words the reader typed (an error may echo them)."""
    out = []
    for line in lines:
        reply = await say(core, line)
        typed = line.partition(" ")[2]
        for p in (*reply.parts, *reply.fields):
            if p.state is PartState.SHOW:
                out.append(re.sub(re.escape(typed), "", p.text, flags=re.IGNORECASE)
                           if typed else p.text)
    return "\n".join(out)


@pytest.mark.parametrize("major", MAJOR, ids=[m.name for m in MAJOR])
async def test_no_command_tells_it_early_and_some_command_tells_it_on_time(
        core: Core, pack: Content, major: Major) -> None:
    commands = {"character": "character", "setting": "setting", "term": "glossary",
                "theme": "theme", "difference": "compare"}
    lines = [f"/{commands[kind.value]} {card.name}"
             for kind, cards in pack.cards.items() for card in cards]
    lines += [f"/ask {major.ask}", f"/search {major.search}", "/theme", "/compare",
              *["/prompt"] * 5]
    rx = re.compile(major.pattern, re.IGNORECASE)
    await say(core, "/club create both")
    points = [(before(major), False), (Progress(major.novel, 0), True)]
    if major.film:
        points.append((Progress(0, major.film), True))
    for progress, told in points:
        await say(core, f"/club progress novel {progress.novel}")
        await say(core, f"/club progress film {progress.film}")
        shown = await _shown(core, lines)
        assert bool(rx.search(shown)) is told, (major.name, progress)
