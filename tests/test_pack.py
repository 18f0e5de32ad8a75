"""The starter pack: big enough to exercise every command, and fit for the leak tests."""

from __future__ import annotations

from bot.core.content import CardKind, Content
from bot.core.content.model import CREW_ROLES


def story_texts(pack: Content) -> list[str]:
    texts = [f.text for f in pack.facts] + [p.text for p in pack.prompts]
    for cards in pack.cards.values():
        for card in cards:
            texts += [p.text for p in card.parts]
            if card.summary:
                texts.append(card.summary)
    return texts


def test_starter_pack_sizes(pack: Content) -> None:
    cast = {p.id for p in pack.people for c in p.credits if c.role == "cast"}
    crew_roles = {c.role for p in pack.people for c in p.credits if c.role in CREW_ROLES}
    assert len(cast) >= 14
    assert crew_roles >= {"director", "screenplay", "producer", "music", "cinematography",
                          "editing", "production-design", "costume", "casting"}
    assert len(pack.cards_of(CardKind.CHARACTER)) >= 3
    assert len(pack.cards_of(CardKind.THEME)) >= 2
    assert len(pack.cards_of(CardKind.TERM)) >= 3
    assert len(pack.cards_of(CardKind.DIFFERENCE)) >= 2
    assert len(pack.cards_of(CardKind.SETTING)) >= 1
    for theme in pack.cards_of(CardKind.THEME):
        assert theme.prompts, f"theme {theme.id} has no prompts"
    for topic in ("film.release", "film.reception", "film.awards", "film.locations",
                  "film.watch", "book.about", "book.structure", "book.honours"):
        assert pack.facts_for(topic), f"no facts for {topic}"


def test_every_story_item_has_a_reveal_and_every_fact_a_source(pack: Content) -> None:
    for fact in pack.facts:
        assert fact.sources and all(s in pack.sources for s in fact.sources)
    for cards in pack.cards.values():
        for card in cards:
            assert card.sources
            for part in card.parts:
                assert part.sources
                assert part.reveal.safe or part.reveal.novel or part.reveal.film


def test_texts_are_distinct_so_leak_checks_mean_something(pack: Content) -> None:
    texts = story_texts(pack)
    assert len(texts) == len(set(texts))
    for a in texts:
        for b in texts:
            assert a is b or a not in b, f"{a!r} is inside {b!r}"


def test_no_known_seed_error_is_repeated(pack: Content) -> None:
    # The seed's "$64 million worldwide" may be named only by the fact that says it is wrong
    # (members read it elsewhere and ask), never as the film's takings.
    erratum = next(f for f in pack.facts if f.id == "film-box-office-not-64m")
    assert "is wrong" in erratum.text
    for text in story_texts(pack):
        if text != erratum.text:
            assert "64 million" not in text.lower() and "$64" not in text, text
    awards = " ".join(f.text for f in pack.facts_for("film.awards")).lower()
    # Saturn: Garfield won Best Supporting Actor; the film was up for Science Fiction Film.
    assert "saturn" in awards and "science fiction film" in awards
    assert "national board of review" in awards


def test_every_passage_of_the_shipped_works_has_example_questions() -> None:
    """/ask measures a question against each passage's example questions; a passage without
    them would lose to its neighbours on that alone."""
    from bot.app import load_library

    for work in load_library():
        bare = [p.label for p in work.everything if len(p.asks) < 2]
        assert not bare, f"{work.id}: {len(bare)} passages with fewer than two asks: {bare[:3]}"
        echoed = [p.label for p in work.everything if any(a == p.text for a in p.asks)]
        assert not echoed, f"{work.id}: asks that repeat their text: {echoed[:3]}"
