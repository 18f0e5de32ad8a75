"""Forgiving lookup, and hints that only name what the reader may see."""

from __future__ import annotations

from bot.core.content import Alias, Card, CardKind, CardPart
from bot.core.names import NameIndex
from bot.core.reply import Kind
from bot.core.service import Core
from bot.core.timeline import SAFE, Progress, Reveal
from bot.core.words import normalise
from tests.conftest import flat, say

MADAME = Card(
    CardKind.CHARACTER, "madame", "Madame",
    (Alias("the Frenchwoman"), Alias("Marie-Claude", Reveal(novel=21))),
    SAFE, ("X",), (CardPart("Collects the best art for the Gallery.", SAFE, ("X",)),),
)
CHRISSIE = Card(CardKind.CHARACTER, "chrissie", "Chrissie", (), Reveal(novel=10, film=35),
                ("X",), (CardPart("A veteran at the Cottages.", Reveal(novel=10), ("X",)),))
INDEX = NameIndex([MADAME, CHRISSIE])


def at(novel: int, film: int = 0):
    return lambda reveal: reveal.visible_at(Progress(novel, film))


def test_normalise() -> None:
    assert normalise("  Kathy H. ") == "kathy h"
    assert normalise("The Cottages") == "cottages"
    assert normalise("Marie-Claude") == "marie claude"
    assert normalise("Hélène’s") == "helene s"


def test_a_gated_alias_finds_nothing_until_it_opens() -> None:
    assert INDEX.find("marie-claude", at(0), at(0)).card is None
    assert INDEX.find("Marie Claude", at(21), at(21)).card is MADAME
    assert INDEX.find("the frenchwoman", at(0), at(0)).card is MADAME


def test_a_card_that_has_not_opened_is_not_found_even_by_its_exact_name() -> None:
    # Its name can be a spoiler itself, and finding it would confirm a guess.
    assert INDEX.find("chrissie", at(0), at(0)).card is None
    assert INDEX.find("chrissie", at(10), at(10)).card is CHRISSIE


def test_a_short_alias_inside_a_longer_query_is_not_a_match() -> None:
    age = Card(CardKind.DIFFERENCE, "age", "Kathy's age", (Alias("age"),), SAFE, ("X",),
               (CardPart("Twenty-eight in the film, thirty-one in the novel.", SAFE, ("X",)),))
    index = NameIndex([age])
    assert index.find("tommy's rage", at(0), at(0)).card is None
    assert index.find("kathys age", at(0), at(0)).card is age


def test_hints_and_guesses_only_use_names_the_reader_may_see() -> None:
    assert INDEX.find("chrisie", at(0), at(0)).card is None
    assert "Chrissie" not in INDEX.find("chrisi", at(0), at(0)).suggestions
    assert INDEX.find("chrisie", at(10), at(10)).card is CHRISSIE
    assert INDEX.suggest("", at(0)) == ("Madame",)
    assert INDEX.suggest("ch", at(12)) == ("Chrissie",)
    assert "Chrissie" not in INDEX.suggest("chr", at(0))


async def test_a_hint_in_a_channel_is_also_cut_to_the_caller(core: Core) -> None:
    await say(core, "/club create both")
    await say(core, "/club progress novel 23")
    member = await say(core, "/glossary defferals", user="sam")
    assert member.kind is Kind.ERROR
    assert "deferral" not in flat(member).lower().replace("defferals", "")
    await say(core, "/progress novel 23", user="sam")
    ahead = await say(core, "/glossary defferals", user="sam")
    assert "**deferral**" in flat(ahead)
