"""The weights `/ask` ranks by, and the lines it decides with, read from ``weights.yaml``.

They are fitted (``python -m bot ask-fit``) on the dev and probe question sets of every work,
never on a held-out set; the file says which sets and what they scored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from bot.core.ask.features import NAMES


@dataclass(frozen=True, slots=True)
class Weights:
    by_feature: tuple[float, ...]  # in features.NAMES order
    threshold: float  # a best score below this is a guess: the bot says it does not know
    min_coverage: float  # so is a best passage that covers less than this share of what is asked
    second: float  # a second passage scoring this share of the best is shown too
    listing: float  # a list question gathers passages of one kind down to this share
    # A best passage this near the question in meaning speaks to it even when its words
    # cover less than ``min_coverage`` ("why does he stop at the pond": "stop" is not used).
    vouch: float = 1.0
    # ... and so does one whose example question is this near it ("alike").
    alike_vouch: float = 1.0

    def score(self, features: Sequence[float]) -> float:
        return sum(w * f for w, f in zip(self.by_feature, features, strict=True) if f)

    def with_values(self, values: Mapping[str, float]) -> Weights:
        table = dict(zip(NAMES, self.by_feature, strict=True))
        table.update({k: v for k, v in values.items() if k in table})
        return Weights(tuple(table[n] for n in NAMES),
                       values.get("threshold", self.threshold),
                       values.get("min_coverage", self.min_coverage),
                       values.get("second", self.second), values.get("listing", self.listing),
                       values.get("vouch", self.vouch),
                       values.get("alike_vouch", self.alike_vouch))

    def as_dict(self) -> dict[str, float]:
        return {**dict(zip(NAMES, self.by_feature, strict=True)), "threshold": self.threshold,
                "min_coverage": self.min_coverage, "second": self.second, "listing": self.listing,
                "vouch": self.vouch, "alike_vouch": self.alike_vouch}


def parse(raw: Mapping[str, object]) -> Weights:
    features = raw.get("features")
    lines = raw.get("lines")
    if not isinstance(features, Mapping) or not isinstance(lines, Mapping):
        raise ValueError("weights.yaml needs `features` and `lines` mappings")
    unknown = set(features) - set(NAMES)
    if unknown:
        raise ValueError(f"weights.yaml names unknown features: {sorted(unknown)}")
    return Weights(tuple(float(features.get(n, 0.0)) for n in NAMES),  # type: ignore[arg-type]
                   float(lines["threshold"]), float(lines["min_coverage"]),  # type: ignore[arg-type]
                   float(lines["second"]), float(lines["listing"]),  # type: ignore[arg-type]
                   float(lines.get("vouch", 1.0)),  # type: ignore[arg-type, union-attr]
                   float(lines.get("alike_vouch", 1.0)))  # type: ignore[arg-type, union-attr]


@lru_cache(maxsize=1)
def load_weights() -> Weights:
    """Read once, at start-up (never at import)."""
    text = resources.files("bot.core.ask").joinpath("weights.yaml").read_text(encoding="utf-8")
    return parse(yaml.safe_load(text))
