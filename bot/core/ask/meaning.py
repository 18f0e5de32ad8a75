"""The port through which `/ask` learns how near in meaning a question is to each passage.

Word matching misses a question that shares no word with its answer ("who did the music" to
"the score was composed by ..."); a sentence encoder sees it. The encoder needs numpy and a
model file, so it lives outside the core (``bot.meaning``) and the composition root hands it
in; without one, ``/ask`` ranks by words alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from bot.core.passages import Passage


class Meaning(Protocol):
    def index(self, work: str, texts: Sequence[str]) -> Callable[[str], Sequence[float]]:
        """For a work's passages (as ``text_of`` gives them), a function from a question to
        its cosine with each passage, in the same order."""
        ...

    def nearest_of(self, work: str, groups: Sequence[Sequence[str]]
                   ) -> Callable[[str], Sequence[float]]:
        """For groups of texts (each passage's example questions), a function from a question
        to its cosine with the nearest text of each group (``NONE`` for an empty group)."""
        ...


NONE = -2.0  # below any cosine: a group with no text in it


def text_of(passage: Passage) -> str:
    """What is encoded of a passage: its entry's label says what the text is about ("Film ·
    Crew · Music"), which its own words may not."""
    return f"{passage.label}. {passage.text}"
