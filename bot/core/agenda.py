"""The order of a night's prompts: warm-up, then deep, then debate, never shallower than the
last one discussed, never one the club has had until all are used. Pure."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.content.model import Depth, Prompt
from bot.core.nights import NightPrompt

DEPTHS = (Depth.WARM_UP, Depth.DEEP, Depth.DEBATE)


class NothingDeepEnough(Exception):
    """No prompt is left that is as deep as the last one discussed tonight (raised inside the
    store's transaction, so a skip that asked for one is not kept either)."""

    def __init__(self, floor: Depth, tonight: tuple[str, ...]) -> None:
        super().__init__(floor)
        self.floor = floor
        self.tonight = tonight  # the prompts brought tonight, so a hint names none of them


def stage(shown: tuple[NightPrompt, ...]) -> Depth:
    """Where the night is: the first prompt warms up, the next three go deep, then debate."""
    done = sum(1 for p in shown if not p.skipped)
    return Depth.WARM_UP if done == 0 else Depth.DEEP if done < 4 else Depth.DEBATE


def floor_of(shown: tuple[NightPrompt, ...], depth_of: Callable[[str], Depth | None]) -> Depth:
    """The shallowest depth the night may bring next: that of the last one discussed."""
    discussed = [d for p in shown if not p.skipped and (d := depth_of(p.prompt_id))]
    return discussed[-1] if discussed else Depth.WARM_UP


def deep_enough(prompt: Prompt, floor: Depth) -> bool:
    return DEPTHS.index(prompt.depth) >= DEPTHS.index(floor)


def choose_for_night(pool: list[Prompt], used: frozenset[str],
                     shown: tuple[NightPrompt, ...], pick: Callable[[list[Prompt]], Prompt],
                     depth_of: Callable[[str], Depth | None]) -> tuple[str, bool]:
    """(prompt id, repeated): from ``pool`` (already cut to the night), one the club has not had,
    at the depth the night has reached, never shallower than the last one discussed (whatever
    its theme). When the club has had them all, the round starts again with those not yet
    brought tonight; when tonight has had them all, the one brought longest ago comes back.
    Raises NothingDeepEnough rather than drop back to a shallower prompt."""
    tonight = [p.prompt_id for p in shown]
    floor = floor_of(shown, depth_of)
    lowest, want = DEPTHS.index(floor), DEPTHS.index(stage(shown))
    start = max(want, lowest)
    # The stage's depth and deeper first; then, if need be, down to the floor and no further.
    order = [*DEPTHS[start:], *reversed(DEPTHS[lowest:start])]
    allowed = [p for p in pool if deep_enough(p, floor)]
    fresh = [p for p in allowed if p.id not in used and p.id not in tonight]
    repeated = not fresh
    if repeated:  # every prompt open here has been had: start the round again
        fresh = [p for p in allowed if p.id not in tonight]
    if not fresh:  # and tonight has had every one: the longest ago, never the last again
        seen = {p.id for p in allowed}
        oldest = next((i for i in tonight if i in seen and i != tonight[-1]), None)
        if oldest is None:
            raise NothingDeepEnough(floor, tuple(tonight))
        return oldest, True
    for depth in order:
        at = [p for p in fresh if p.depth is depth]
        if at:
            return pick(at).id, repeated
    return pick(fresh).id, repeated  # not reached: order covers every depth allowed
