"""Every pack: enough of everything for every evening of its book and its film."""

from __future__ import annotations

import pytest

from bot.core.content import CardKind, Content, Depth
from bot.core.library import Library
from bot.core.timeline import Medium

NLMG_CHAPTERS = 23
THEMES = ("agency", "human", "mortality", "sacrifice", "love", "memory", "art", "childhood",
          "complicity", "hope", "identity")
# What the works issue asks of a second work's pack, and what the first one has.
LEAST = {"people": 15, "facts": 30, CardKind.CHARACTER: 10, CardKind.SETTING: 6,
         CardKind.TERM: 8, CardKind.THEME: 6, CardKind.DIFFERENCE: 8, "prompts": 100}


def test_first_pack_sizes(pack: Content) -> None:
    cast = {p.id for p in pack.people for c in p.credits if c.role == "cast"}
    assert len(cast) >= 14
    assert len(pack.cards_of(CardKind.CHARACTER)) >= 14
    assert len(pack.cards_of(CardKind.SETTING)) >= 7
    assert len(pack.cards_of(CardKind.TERM)) >= 20
    assert len(pack.cards_of(CardKind.THEME)) >= 10
    assert len(pack.cards_of(CardKind.DIFFERENCE)) >= 12
    assert len(pack.prompts) >= 150


def test_every_pack_has_enough_of_everything(library: Library) -> None:
    assert len(library) >= 2
    for work in library:
        content = work.content
        sizes = {"people": len(content.people), "facts": len(content.facts),
                 "prompts": len(content.prompts),
                 **{kind: len(content.cards_of(kind)) for kind in CardKind}}
        short = {k: (sizes[k], least) for k, least in LEAST.items() if sizes[k] < least}
        assert not short, (work.id, short)


@pytest.mark.parametrize("theme", THEMES)
def test_every_theme_has_six_prompts(pack: Content, theme: str) -> None:
    card = pack.card(CardKind.THEME, theme)
    assert len(card.prompts) >= 6
    assert card.summary


@pytest.mark.parametrize("chapter", range(1, NLMG_CHAPTERS + 1))
@pytest.mark.parametrize("depth", list(Depth))
def test_every_chapter_has_prompts_at_every_depth(pack: Content, chapter: int,
                                                  depth: Depth) -> None:
    assert pack.work.timeline.book.count == NLMG_CHAPTERS
    assert any(p.depth is depth and p.reveal.novel == chapter and p.medium is not Medium.FILM
               for p in pack.prompts)


def test_every_section_and_stretch_of_every_work_has_prompts_at_every_depth(
        library: Library) -> None:
    missing = []
    for work in library:
        prompts = work.content.prompts
        timeline = work.timeline
        for section in timeline.book.sections:
            for depth in Depth:
                if not any(p.depth is depth and p.reveal.novel == section.number
                           and p.medium is not Medium.FILM for p in prompts):
                    missing.append((work.id, section.name, depth.value))
        for stretch in timeline.film.stretches if timeline.film else ():
            first = max(1, stretch.first)
            for depth in Depth:
                if not any(p.depth is depth and p.reveal.film is not None
                           and first <= p.reveal.film <= stretch.last
                           and p.medium is not Medium.NOVEL for p in prompts):
                    missing.append((work.id, stretch.name, depth.value))
    assert missing == []
