"""The /ask question sets (tests/ask/<work>/), asked through the real core with everything
open: a regression guard that prints every figure.

The issue's targets are dev >= 97% and held-out >= 95%. The floors below sit just under the
figures the method reached when they were last raised (see the README), so a change that
answers fewer questions fails here; raise them as the method improves, never by tuning on
held-out misses (held-out sets are only run, never fitted on or read).
"""

from __future__ import annotations

import asyncio

import pytest

from bot.ask_eval import ask_all, load_set, report, sets_in

FLOORS = {
    "never-let-me-go/dev": 0.96, "never-let-me-go/probe": 0.95,
    "never-let-me-go/probe2": 0.94, "never-let-me-go/probe3": 0.97,
    "never-let-me-go/probe4": 0.95, "never-let-me-go/probe5": 0.96,
    "never-let-me-go/probe6": 0.91, "never-let-me-go/probe7": 0.94,
    "never-let-me-go/probe8": 0.92, "never-let-me-go/probe9": 0.85,
    "never-let-me-go/probe10": 0.90, "never-let-me-go/heldout": 0.83,
    "remains-of-the-day/dev": 0.94, "remains-of-the-day/probe": 0.93,
    "remains-of-the-day/probe3": 0.98, "remains-of-the-day/probe4": 0.94,
    "remains-of-the-day/probe5": 0.96, "remains-of-the-day/probe6": 0.91,
    "remains-of-the-day/probe7": 0.95, "remains-of-the-day/probe8": 0.94,
    "remains-of-the-day/probe9": 0.90, "remains-of-the-day/probe10": 0.92,
    "remains-of-the-day/heldout": 0.89,
}
SETS = {f"{w}/{n}": (w, p) for w, n, p in sets_in()}
# Share of a set's declines that may be answered: one in five, except where a blind set found
# the method short and it has not caught up yet (kept at the figure reached, to be lowered).
ANSWERED_DECLINES: dict[str, float] = {}


def test_every_set_has_a_floor() -> None:
    assert set(SETS) == set(FLOORS)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_the_question_set(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    work, path = SETS[name]
    items = load_set(path)
    assert len(items) >= 100
    outcomes = asyncio.run(ask_all(items, work))
    share = sum(o.right for o in outcomes) / len(outcomes)
    with capsys.disabled():
        print("\n" + report(name, outcomes, misses=False)[0])
    assert share >= FLOORS[name]


@pytest.mark.parametrize("name", sorted(n for n in FLOORS if not n.endswith("/heldout")))
def test_most_declines_in_the_sets_are_declined(name: str) -> None:
    """Other works, other adaptations, private lives, requests: a confident wrong answer is
    the worst a facts bot can give (the held-out halves only report)."""
    work, path = SETS[name]
    items = [i for i in load_set(path) if i.expect is None]
    assert len(items) >= 16
    outcomes = asyncio.run(ask_all(items, work))
    wrong = [o.item.q for o in outcomes if not o.right]
    assert len(wrong) <= int(len(items) * ANSWERED_DECLINES.get(name, 0.2)), wrong
