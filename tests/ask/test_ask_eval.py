"""The /ask question sets (tests/ask/dev.yaml, heldout.yaml), asked through the real core with
everything open: a regression guard that prints both figures.

The issue's targets are dev >= 97% and held-out >= 95%. The floors below are the figures the
method reached when this guard was written (see the README), so a change that answers fewer
questions fails here; raise them as the method improves, never by tuning on held-out misses.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.ask_eval import SETS_DIR, ask_all, load_set, report

FLOORS = {"dev": 0.94, "heldout": 0.70}


@pytest.mark.parametrize("name", ["dev", "heldout"])
def test_the_question_set(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    items = load_set(SETS_DIR / f"{name}.yaml")
    assert len(items) > 250
    outcomes = asyncio.run(ask_all(items))
    share = sum(o.right for o in outcomes) / len(outcomes)
    with capsys.disabled():
        print("\n" + report(name, outcomes, misses=False)[0])
    assert share >= FLOORS[name]


def test_the_declines_in_the_sets_are_declined() -> None:
    """Other works, other adaptations, the author's private life, requests: never answered
    with this work's facts (the dev half; the held-out half only reports)."""
    items = [i for i in load_set(SETS_DIR / "dev.yaml") if i.expect is None]
    assert len(items) >= 20
    outcomes = asyncio.run(ask_all(items))
    wrong = [o.item.q for o in outcomes if not o.right]
    assert not wrong, wrong
