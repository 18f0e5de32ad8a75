"""The whole pack: enough of everything for every evening of the novel and the film."""

from __future__ import annotations

import pytest

from bot.core.content import CardKind, Content, Depth
from bot.core.timeline import NOVEL_CHAPTERS, Medium

FILM_SECTIONS = {"Prologue": (1, 4), "Hailsham 1978": (5, 30), "The Cottages 1985": (31, 60),
                 "1994": (61, 103)}
THEMES = ("agency", "human", "mortality", "sacrifice", "love", "memory", "art", "childhood",
          "complicity", "hope", "identity")


def test_sizes(pack: Content) -> None:
    cast = {p.id for p in pack.people for c in p.credits if c.role == "cast"}
    assert len(cast) >= 14
    assert len(pack.cards_of(CardKind.CHARACTER)) >= 14
    assert len(pack.cards_of(CardKind.SETTING)) >= 7
    assert len(pack.cards_of(CardKind.TERM)) >= 20
    assert len(pack.cards_of(CardKind.THEME)) >= 10
    assert len(pack.cards_of(CardKind.DIFFERENCE)) >= 12
    assert len(pack.prompts) >= 150


@pytest.mark.parametrize("theme", THEMES)
def test_every_theme_has_six_prompts(pack: Content, theme: str) -> None:
    card = pack.card(CardKind.THEME, theme)
    assert len(card.prompts) >= 6
    assert card.summary


@pytest.mark.parametrize("chapter", range(1, NOVEL_CHAPTERS + 1))
@pytest.mark.parametrize("depth", list(Depth))
def test_every_chapter_has_prompts_at_every_depth(pack: Content, chapter: int,
                                                  depth: Depth) -> None:
    assert any(p.depth is depth and p.reveal.novel == chapter and p.medium is not Medium.FILM
               for p in pack.prompts)


@pytest.mark.parametrize("section", FILM_SECTIONS)
@pytest.mark.parametrize("depth", list(Depth))
def test_every_film_section_has_prompts_at_every_depth(pack: Content, section: str,
                                                       depth: Depth) -> None:
    first, last = FILM_SECTIONS[section]
    assert any(p.depth is depth and p.reveal.film is not None and first <= p.reveal.film <= last
               and p.medium is not Medium.NOVEL for p in pack.prompts)
