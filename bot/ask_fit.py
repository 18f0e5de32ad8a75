"""`python -m bot ask-fit`: fit the weights `/ask` ranks by on question sets, never held-out.

Each question is read, split and measured once (``Answerer.plan``): its candidate passages
with their features. Then coordinate ascent: one weight or line at a time, try a few values
around the current one, keep the one that answers most questions right (a tie keeps the
current value, so a weight moves only when the sets say so), until no change helps. The
score is the same check `ask-eval` makes, on the answer the real ``decide`` gives.

``--train`` names the sets fitted on (default: every dev and probe set); ``--test`` sets
only reported, to see how the weights carry to questions they were not fitted on. Held-out
sets are refused in both: they are for reporting what the method does, not for fitting it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.ask_eval import HELD_OUT, SETS_DIR, Item, load_set, sets_in
from bot.core.ask import Answer, Answerer
from bot.core.ask.answerer import Measured, Plan
from bot.core.ask.features import INDEX, NAMES
from bot.core.ask.question import Question
from bot.core.ask.weights import Weights
from bot.core.timeline import Reveal

WEIGHTS_FILE = Path(__file__).resolve().parent / "core" / "ask" / "weights.yaml"
_STEPS = (-1.0, -0.5, -0.25, 0.25, 0.5, 1.0)  # added to a weight
_SCALES = (0.0, 0.5, 0.8, 1.25, 1.5, 2.0)  # or multiplying it
_LINE_STEPS = {"threshold": (-2.0, -1.0, -0.5, 0.5, 1.0, 2.0),
               "min_coverage": (-0.2, -0.1, -0.05, 0.05, 0.1, 0.2),
               "second": (-0.2, -0.1, -0.05, 0.05, 0.1, 0.2),
               "listing": (-0.2, -0.1, 0.1, 0.2),
               "vouch": (-0.3, -0.2, -0.1, -0.05, 0.05, 0.1),
               "alike_vouch": (-0.3, -0.2, -0.1, -0.05, 0.05, 0.1)}
# Lines the fit may not cross. Above 0.55 nearness in meaning vouches for almost nothing the
# words miss (tests/test_meaning.py pins two such questions); the sets, written and fitted
# mostly while words alone ranked, would push it there for one question they count twice.
_BOUNDS = {"vouch": (0.3, 0.55)}


def _everything(_reveal: Reveal) -> bool:
    return True


@dataclass(slots=True)
class Case:
    """One question, measured once; each measured part keeps its candidates' scores under
    the weights last kept, so a trial of one weight only adds its change."""

    item: Item
    answerer: Answerer
    plan: Answer | Plan
    scores: list[list[float]]  # per measured part, per candidate

    def keep(self, weights: Weights) -> None:
        self.scores = [[weights.score(f) for f, _i in c] for _q, c in self._measured()]

    def _measured(self) -> list[tuple[Question, Measured]]:
        if isinstance(self.plan, Answer):
            return []
        return [(q, c) for q, c in self.plan.clauses if not isinstance(c, Answer)]

    def right(self, weights: Weights, feature: int | None = None, change: float = 0.0) -> bool:
        answer = self.answer(weights, feature, change)
        declined = answer.declined is not None or not answer.passages
        if self.item.expect is None:
            return declined
        # A fact recording what is not known answers with its words (as ask_eval counts it).
        declined = declined and not (answer.declined == "not-known" and answer.passages)
        text = "\n".join(f"{p.label} {p.text}" for p in answer.passages).lower()
        return not declined and all(any(alt.strip().lower() in text for alt in want.split("|"))
                                    for want in self.item.expect)

    def answer(self, weights: Weights, feature: int | None, change: float) -> Answer:
        plan = self.plan
        if isinstance(plan, Answer):
            return plan
        answers = []
        n = 0
        for q, c in plan.clauses:
            if isinstance(c, Answer):
                answers.append(c)
                continue
            base = self.scores[n]
            n += 1
            scored = [(s + change * f[feature] if feature is not None else s, i)
                      for s, (f, i) in zip(base, c, strict=True)]
            scored.sort(key=lambda t: (-t[0], t[1].order))
            answers.append(self.answerer.decide(q, c, weights, usable=plan.usable,
                                                scored=scored))
        return self.answerer.combine(plan, answers)

    @property
    def weighed(self) -> bool:
        """Does any part of it depend on the weights."""
        return bool(self._measured())


def cases(names: Sequence[str], directory: Path = SETS_DIR) -> list[Case]:
    """Every question of the named sets (`work/set`), read and measured."""
    from bot.app import load_library

    library = load_library()
    out = []
    for work_id, name, path in sets_in(directory):
        if f"{work_id}/{name}" not in names:
            continue
        if name == HELD_OUT:
            raise ValueError(f"{work_id}/{name} is held out: it is never fitted on")
        work = library.get(work_id)
        if work is None:
            raise ValueError(f"no installed work {work_id!r} for the set {path}")
        for item in load_set(path):
            case = Case(item, work.answerer, work.answerer.plan(item.q, _everything), [])
            out.append(case)
    return out


# A confident wrong answer is the worst answer a facts bot can give: a question the bot must
# decline counts this much in the fit (the figures printed count every question once).
DECLINE = 2


def score(all_cases: Sequence[Case], weights: Weights) -> int:
    for c in all_cases:
        c.keep(weights)
    return sum(c.right(weights) for c in all_cases)


def _value(c: Case, weights: Weights, feature: int | None = None, change: float = 0.0) -> int:
    return c.right(weights, feature, change) * (DECLINE if c.item.expect is None else 1)


def trials(name: str, current: float) -> list[float]:
    """The values a weight or line is tried at next, inside its bounds."""
    tried = ({current + s for s in _LINE_STEPS[name]} if name in _LINE_STEPS else
             {round(current + s, 3) for s in _STEPS} | {round(current * k, 3) for k in _SCALES})
    low, high = _BOUNDS.get(name, (-math.inf, math.inf))
    return sorted(t for t in tried - {current} if low <= t <= high)


def fit(train: Sequence[Case], start: Weights, rounds: int = 6,
        say: Callable[[str], None] = print) -> Weights:
    fixed = sum(c.right(start) for c in train if not c.weighed)
    weighed = [c for c in train if c.weighed]
    best = start
    for c in weighed:
        c.keep(best)
    best_score = sum(_value(c, best) for c in weighed)
    say(f"start: {fixed + score(weighed, best)}/{len(train)}")
    for n in range(rounds):
        moved = False
        for name in (*NAMES, *_LINE_STEPS):
            current = best.as_dict()[name]
            feature = INDEX.get(name)
            for value in trials(name, current):
                candidate = best.with_values({name: value})
                change = value - current if feature is not None else 0.0
                got = sum(_value(c, candidate, feature, change) for c in weighed)
                if got > best_score:
                    best, best_score, moved = candidate, got, True
                    for c in weighed:
                        c.keep(best)
                    current = value
        say(f"round {n + 1}: {fixed + score(weighed, best)}/{len(train)}")
        if not moved:
            break
    return best


def write(weights: Weights, train: Sequence[str], figures: Sequence[str],
          path: Path = WEIGHTS_FILE) -> None:
    values = weights.as_dict()
    header = ("# The weights /ask ranks passages by (bot/core/ask/features.py names each "
              "feature) and the\n# lines it decides with. Written by `python -m bot "
              "ask-fit`; see bot/ask_fit.py.\n"
              # Counted, not named: the sets are named for their works, and nothing under
              # bot/ names a work (`ask-fit` prints them).
              f"# Fitted on {len(train)} question sets in tests/ask/.\n"
              + "".join(f"# {line}\n" for line in figures))
    body = {"features": {n: round(values[n], 3) for n in NAMES},
            "lines": {k: round(values[k], 3) for k in _LINE_STEPS}}
    path.write_text(header + yaml.safe_dump(body, sort_keys=False), encoding="utf-8")


def main(train: str | None, test: str | None, save: bool) -> int:
    from bot.core.ask.weights import load_weights

    every = [f"{w}/{n}" for w, n, _p in sets_in() if n != HELD_OUT]
    train_names = train.split(",") if train else every
    test_names = test.split(",") if test else []
    try:
        train_cases = cases(train_names)
    except ValueError as e:
        print(e)
        return 1
    start = load_weights()
    before = [f"{n}: {score(cases([n]), start)}" for n in test_names]
    fitted = fit(train_cases, start)
    trained = f"{score(train_cases, fitted)}/{len(train_cases)}"
    figures, kept = [f"train ({', '.join(train_names)}): {trained}"], [f"train: {trained}"]
    for n, name in enumerate(test_names, 1):
        got = cases([name])
        tested = f"{score(got, fitted)}/{len(got)}"
        figures.append(f"test {name}: {tested}")
        kept.append(f"test set {n}: {tested}")
    print("\n".join(["before: " + "; ".join(before)] if before else []) or "", end="")
    print("\n".join(["", *figures]))
    if save:
        write(fitted, train_names, kept)
        print(f"wrote {WEIGHTS_FILE}")
    return 0
