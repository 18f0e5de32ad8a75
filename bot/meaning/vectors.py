"""Each passage's vector, kept beside its pack so a start-up does not spend half a minute of
CPU encoding a work: ``facts/<work>/ask-vectors.npz`` holds the vectors by a hash of the text
they were made from. A passage edited since (or a new work's) is encoded when the work is
first asked about, and ``python -m bot ask-vectors`` writes the file again.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.meaning.encoder import Encoder

FILE = "ask-vectors.npz"
BATCH = 16  # texts of like length encoded together: little padding, steady memory
log = logging.getLogger(__name__)


def key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def read(path: Path) -> dict[str, np.ndarray]:
    if not path.is_file():
        return {}
    try:
        with np.load(path, allow_pickle=False) as data:
            return dict(zip((str(k) for k in data["keys"]),
                            data["vectors"].astype(np.float32), strict=True))
    except (OSError, ValueError, KeyError) as e:
        log.warning("ask vectors unreadable, encoding again: %s (%s)", path, e)
        return {}


def write(path: Path, texts: Sequence[str], vectors: np.ndarray) -> None:
    # float16 halves the file; the cosines it changes move in the fourth decimal.
    np.savez_compressed(path, keys=np.array([key(t) for t in texts]),
                        vectors=vectors.astype(np.float16))


def encode_all(encoder: Encoder, texts: Sequence[str]) -> np.ndarray:
    out = np.zeros((len(texts), encoder.size), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda n: len(texts[n]))
    for start in range(0, len(order), BATCH):
        chunk = order[start:start + BATCH]
        out[chunk] = encoder.encode([texts[n] for n in chunk])
    return out


def vectors_for(encoder: Encoder, texts: Sequence[str], path: Path | None) -> np.ndarray:
    """A row a text: the stored one where the text is unchanged, else freshly encoded."""
    stored = read(path) if path is not None else {}
    out = np.zeros((len(texts), encoder.size), dtype=np.float32)
    missing = []
    for n, text in enumerate(texts):
        found = stored.get(key(text))
        if found is None:
            missing.append(n)
        else:
            out[n] = found
    if missing:
        log.info("encoding %d of %d passages not in %s", len(missing), len(texts),
                 path or "any stored file")
        out[missing] = encode_all(encoder, [texts[n] for n in missing])
    return out
