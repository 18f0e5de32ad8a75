"""Shared by profile_slack.py and profile_discord.py: a pyinstrument profile of one app
process, and the table of where its time went, per request.

pyinstrument is a dev tool here (``.venv/bin/pip install pyinstrument``), not a dependency.
Each sample's time goes to the innermost frame that a rule names (so the core's time is the
core's even when our listener called it); the event loop waiting on its selector is idle.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

Rule = tuple[str, str, str]  # (category, file path regex, function regex)

IDLE = "idle (waiting for the next request)"


def categorize(root: Any, rules: Sequence[Rule]) -> dict[str, float]:
    """Seconds per category: each frame's self time goes to the innermost rule that
    matches it or an ancestor."""
    compiled = [(name, re.compile(path), re.compile(func)) for name, path, func in rules]
    totals: dict[str, float] = {}

    def walk(frame: Any, current: str) -> None:
        path = (frame.file_path or "").replace("\\", "/")
        function = frame.function or ""
        for name, path_re, func_re in compiled:
            if path_re.search(path) and func_re.search(function):
                current = name
                break
        own = frame.time - sum(child.time for child in frame.children)
        totals[current] = totals.get(current, 0.0) + max(own, 0.0)
        for child in frame.children:
            walk(child, current)

    walk(root, "other (the event loop, asyncio)")
    return totals


def table(title: str, totals: dict[str, float], requests: int) -> str:
    busy = {k: v for k, v in totals.items() if k != IDLE}
    whole = sum(busy.values())
    lines = [title, f"{requests} requests; busy {whole * 1000 / requests:.3f} ms each "
             f"(idle {totals.get(IDLE, 0.0) * 1000 / requests:.3f} ms each, not counted)",
             f"{'where':<52} {'ms/request':>10} {'share':>6}"]
    for name, seconds in sorted(busy.items(), key=lambda kv: -kv[1]):
        lines.append(f"{name:<52} {seconds * 1000 / requests:10.3f} "
                     f"{seconds / whole:6.0%}")
    return "\n".join(lines)


def flat(profiler: Any, most: int = 45) -> str:
    """The functions with the most self time (pyinstrument's flat view, cut short)."""
    lines = profiler.output_text(unicode=False, color=False, flat=True).splitlines()
    return "\n".join(["Self time by function (top):", *lines[:most + 6]])


def save(name: str, profile_text: str, summary: str) -> Path:
    """bench/profiles/<name>.txt: the summary table, then pyinstrument's call tree."""
    out = Path(__file__).resolve().parent / "profiles" / f"{name}.txt"
    out.parent.mkdir(exist_ok=True)
    out.write_text(summary + "\n\n" + profile_text)
    return out
