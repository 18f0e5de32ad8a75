"""`python -m bot ask-vectors`: encode every work's passages and store the vectors beside its
pack (``facts/<work>/ask-vectors.npz``), so `/ask` starts without encoding. Run it after
editing a pack; a test fails while the stored vectors do not match the content."""

from __future__ import annotations

from pathlib import Path

from bot.app import load_library
from bot.core.ask.meaning import text_of
from bot.meaning import MODEL_PACKAGE, load
from bot.meaning.vectors import vectors_for, write


def write_all(root: Path) -> list[str]:
    """``python -m bot ask-vectors``: store every work's passage vectors beside its pack."""
    nearness = load(root)
    if nearness is None:
        return [f"the /ask model ({MODEL_PACKAGE}) is not installed: nothing written"]
    said = []
    for work in load_library(root):
        # The passages and their example questions: /ask measures a question against both.
        texts = list(dict.fromkeys([*(text_of(p) for p in work.everything),
                                    *(a for p in work.everything for a in p.asks)]))
        path = nearness.stored(work.id)
        assert path is not None
        write(path, texts, vectors_for(nearness.encoder, texts, path))
        said.append(f"{work.id}: {len(texts)} passages and questions -> {path}")
    return said
