"""`python -m bot ask-eval`: how often `/ask` answers right, on question sets kept apart.

The sets live in ``tests/ask/<work-id>/``: ``dev.yaml`` (tuned against), ``probe.yaml`` (a
second writer's set, first run blind, then tuned against) and ``heldout.yaml`` (run only to
report; its misses are listed only when asked for by name, for the README). Each holds
questions as members type them, with what a right answer must contain. They are asked through
the real core and store in a club reading that work with everything open (finished, spoilers
off), so this measures answering, not gating. An item's ``expect`` is a list of strings that
must all appear in the answer (case-insensitive; ``a|b`` inside one string: either), or
``none``: the bot must decline.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SETS_DIR = Path(__file__).resolve().parent.parent / "tests" / "ask"
SETS = ("dev", "probe", "probe2", "probe3", "probe4", "probe5", "probe6", "probe7", "probe8",
        "probe9", "probe10", "heldout")
HELD_OUT = "heldout"


@dataclass(frozen=True, slots=True)
class Item:
    q: str
    expect: tuple[str, ...] | None  # None: the bot must decline
    kind: str


@dataclass(frozen=True, slots=True)
class Outcome:
    item: Item
    answer: str
    declined: bool
    # "I can't answer that for certain", then the fact that records what is not known: a
    # decline to an item that wants one, and an answer with its words to one that wants them
    # ("where was that scene filmed": no source establishes it).
    hedged: bool = False

    @property
    def right(self) -> bool:
        if self.item.expect is None:
            return self.declined
        text = self.answer.lower()
        return (not self.declined or self.hedged) and all(
            any(alt.strip().lower() in text for alt in want.split("|"))
            for want in self.item.expect)


def load_set(path: Path) -> list[Item]:
    raw: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    out = []
    for entry in raw:
        expect = entry["expect"]
        wanted = None if expect == "none" else tuple(str(e) for e in expect)
        out.append(Item(str(entry["q"]), wanted, str(entry.get("kind", ""))))
    return out


def sets_in(directory: Path = SETS_DIR) -> list[tuple[str, str, Path]]:
    """(work id, set name, file) for every set, by work then in SETS order."""
    out = []
    for folder in sorted(p for p in directory.iterdir() if p.is_dir()):
        out += [(folder.name, name, folder / f"{name}.yaml") for name in SETS
                if (folder / f"{name}.yaml").is_file()]
    return out


async def ask_all(items: Sequence[Item], work: str) -> list[Outcome]:
    """Every question through the real core, in a club reading ``work`` that has finished it."""
    from bot.app import open_core
    from bot.core.clubs import Scope
    from bot.core.commands.discuss import DECLINED
    from bot.core.service import Invocation

    inv = Invocation(Scope("eval", "eval"), "club", "member", is_admin=True)
    with tempfile.TemporaryDirectory() as tmp:
        async with open_core(Path(tmp) / "eval.db") as core:
            for line in (f"/club create both work:{work}", "/club progress book done film done",
                         "/club spoilers off"):
                await core.run_text(inv, line)
            out = []
            for item in items:
                reply = await core.run_text(inv, f"/ask {item.q}")
                body = "\n".join(f"{p.label or ''} {p.text}".strip() for p in reply.parts)
                out.append(Outcome(item, body, DECLINED in body,
                                   hedged=f"{DECLINED} for certain" in body))
            return out


def report(name: str, outcomes: Sequence[Outcome], misses: bool) -> list[str]:
    right = sum(o.right for o in outcomes)
    share = right / len(outcomes) if outcomes else 0.0
    lines = [f"{name}: {right}/{len(outcomes)} right ({share:.1%})"]
    if misses:
        for o in outcomes:
            if not o.right:
                want = "a decline" if o.item.expect is None else " + ".join(o.item.expect)
                got = " ".join(o.answer.split())
                lines.append(f"  MISS [{o.item.kind}] {o.item.q!r}\n    wanted: {want}\n"
                             f"    got: {got[:400]}")
    return lines


def main(work: str, which: str, misses: bool, heldout_misses: bool = False,
         directory: Path = SETS_DIR) -> int:
    """Held-out misses are listed only with ``heldout_misses``: looking at them while working
    on the method would make the held-out figure a dev figure."""
    found = [(w, n, p) for w, n, p in sets_in(directory)
             if work in ("all", w) and which in ("all", n)]
    if not found:
        print(f"No question set matches work {work!r} and set {which!r} under {directory}.")
        return 1
    for work_id, name, path in found:
        outcomes = asyncio.run(ask_all(load_set(path), work_id))
        shown = heldout_misses if name == HELD_OUT else misses
        print("\n".join(report(f"{work_id} {name}", outcomes, shown)))
    return 0
