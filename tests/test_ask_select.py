"""Which ranked passage answers: one that nearness in meaning vouches for comes up when the
best-scored one covers too little of the question; a real person's private life is answered
only by a passage about the same part of it; a "why" brings the part that gives a cause."""

from __future__ import annotations

import pytest

from bot.app import load_library
from bot.core.ask.features import INDEX, NAMES
from bot.core.ask.question import Question, read
from bot.core.ask.rank import Scored
from bot.core.ask.select import vouched_first, with_cause
from bot.core.ask.sentences import Indexed, indexed
from bot.core.ask.weights import load_weights
from bot.core.passages import Passage
from bot.core.timeline import Reveal

WEIGHTS = load_weights()


def _item(n: int, topic: str | None = None) -> Indexed:
    return indexed(Passage(f"P{n}", f"Passage number {n}.", Reveal(safe=True), (),
                           topic or f"t{n}", "/search"), n)


def _features(coverage: float, meaning: float = 0.3, gap: float = -0.3,
              cause: bool = False) -> list[float]:
    f = [0.0] * len(NAMES)
    f[INDEX["why_cause"]] = float(cause)
    f[INDEX["coverage"]], f[INDEX["meaning"]], f[INDEX["meaning_gap"]] = coverage, meaning, gap
    f[INDEX["alike_gap"]] = -1.0
    return f


def _ranked(*rows: tuple[float, list[float]]
            ) -> tuple[list[Scored], list[tuple[list[float], Indexed]]]:
    items = [_item(n) for n in range(len(rows))]
    measured = [(f, i) for (_s, f), i in zip(rows, items, strict=True)]
    return [(s, i) for (s, _f), i in zip(rows, items, strict=True)], measured


def _by_id(measured: list[tuple[list[float], Indexed]]) -> dict[int, list[float]]:
    return {id(i): f for f, i in measured}


def test_a_vouched_passage_answers_when_the_best_covers_too_little() -> None:
    high = WEIGHTS.threshold + 5
    scored, measured = _ranked((high, _features(0.0)), (high - 1, _features(0.0)),
                               (high - 2, _features(0.0, meaning=0.9, gap=0.0)))
    assert [i.order for _s, i in vouched_first(scored, _by_id(measured), WEIGHTS)] == [2, 0, 1]


@pytest.mark.parametrize("why", ["the best covers", "the other is under the line"])
def test_otherwise_the_order_stands(why: str) -> None:
    high = WEIGHTS.threshold + 5
    first = _features(1.0 if why == "the best covers" else 0.0)
    second = high - 1 if why == "the best covers" else WEIGHTS.threshold - 1
    scored, measured = _ranked((high, first), (second, _features(0.0, meaning=0.9, gap=0.0)))
    assert vouched_first(scored, _by_id(measured), WEIGHTS) == scored


@pytest.mark.parametrize(("question", "answers"), [
    ("who is kazuo ishiguros wife", False),
    ("how old was ishiguro when he moved to britain", True),
    ("what other books has ishiguro written", False),
])
def test_a_private_question_needs_a_passage_about_the_same(question: str, answers: bool) -> None:
    answerer = load_library().default.answerer
    life = "kazuo ishiguro was born in nagasaki and moved to britain at the age of five"
    words = life.split()
    everything = lambda _r: True  # noqa: E731
    q = read(answerer.correct(question, everything), answerer.lexicon, answerer.names,
             everything, answerer.timeline)
    assert answerer.relevance.outside(q)
    assert answerer.relevance.outside(q, words) is answers


def _question(text: str) -> Question:
    answerer = load_library().default.answerer
    everything = lambda _r: True  # noqa: E731
    return read(text, answerer.lexicon, answerer.names, everything, answerer.timeline)


@pytest.mark.parametrize(("question", "added"), [
    ("why does she stay on", True), ("what does she do next", False)])
def test_a_why_question_brings_the_part_of_the_same_entry_that_gives_a_cause(
        question: str, added: bool) -> None:
    event, other, cause = _item(0, "card:a"), _item(1, "card:b"), _item(2, "card:a")
    measured = [(_features(1.0), event), (_features(1.0, cause=True), other),
                (_features(0.5, cause=True), cause)]
    scored = [(20.0, event), (15.0, other), (12.0, cause)]
    chosen = with_cause(_question(question), [event, other], scored, _by_id(measured))
    assert chosen == ([event, cause, other] if added else [event, other])
