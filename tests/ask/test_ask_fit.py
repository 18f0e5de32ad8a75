"""`python -m bot ask-fit`: the fit never reads a held-out set, never loses a question it
started with, and tries each line only inside its bounds."""

from __future__ import annotations

import pytest

from bot.ask_fit import _BOUNDS, cases, fit, score, trials
from bot.core.ask.weights import load_weights


def test_a_held_out_set_is_never_fitted_on() -> None:
    with pytest.raises(ValueError, match="held out"):
        cases(["never-let-me-go/heldout"])


def test_a_bounded_line_is_never_tried_past_its_bound() -> None:
    low, high = _BOUNDS["vouch"]
    assert trials("vouch", high) and max(trials("vouch", high)) < high
    assert min(trials("vouch", low)) > low
    assert max(trials("threshold", 9.0)) == 11.0  # an unbounded line steps both ways
    assert 0.0 in trials("own", 1.0) and 2.0 in trials("own", 1.0)


def test_the_fit_never_loses_a_question_it_started_with() -> None:
    train = cases(["remains-of-the-day/probe3"])[:40]
    start = load_weights()
    before = score(train, start)
    fitted = fit(train, start, rounds=1, say=lambda _line: None)
    assert score(train, fitted) >= before
