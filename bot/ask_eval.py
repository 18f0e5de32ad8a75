"""`python -m bot ask-eval`: how often `/ask` answers right, on question sets kept apart.

The sets live in ``tests/ask/`` (``dev.yaml``, ``heldout.yaml``): questions as members type
them, each with what a right answer must contain. They are asked through the real core and
store with everything open (a club that has finished the novel and the film, spoilers off), so
this measures answering, not gating. An item's ``expect`` is a list of strings that must all
appear in the answer (case-insensitive; ``a|b`` inside one string: either), or ``none``: the
bot must decline.
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
SETS = ("dev", "heldout")


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

    @property
    def right(self) -> bool:
        if self.item.expect is None:
            return self.declined
        text = self.answer.lower()
        return not self.declined and all(
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


async def ask_all(items: Sequence[Item]) -> list[Outcome]:
    """Every question through the real core, in a club that has finished both."""
    from bot.app import open_core
    from bot.core.clubs import Scope
    from bot.core.commands.discuss import DECLINED
    from bot.core.service import Invocation

    inv = Invocation(Scope("eval", "eval"), "club", "member", is_admin=True)
    with tempfile.TemporaryDirectory() as tmp:
        async with open_core(Path(tmp) / "eval.db") as core:
            for line in ("/club create both", "/club progress novel 23",
                         "/club progress film done", "/club spoilers off"):
                await core.run_text(inv, line)
            out = []
            for item in items:
                reply = await core.run_text(inv, f"/ask {item.q}")
                body = "\n".join(f"{p.label or ''} {p.text}".strip() for p in reply.parts)
                out.append(Outcome(item, body, DECLINED in body))
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


def main(which: str, misses: bool, directory: Path = SETS_DIR) -> int:
    names = SETS if which == "all" else (which,)
    for name in names:
        path = directory / f"{name}.yaml"
        if not path.is_file():
            print(f"{path} not found: the question sets live in a checkout's tests/ask/.")
            return 1
        outcomes = asyncio.run(ask_all(load_set(path)))
        print("\n".join(report(name, outcomes, misses)))
    return 0
