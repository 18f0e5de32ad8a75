"""A host's own discussion questions as values: one uploaded question with its depth and its
reveal point in the club's work, and how it joins the pack's prompts.

A question becomes a ``Prompt`` with the id ``host-N`` (its number in the club), so the gate,
the night's order (warm-up to deep to debate) and the record of prompts a club has had treat
it as they treat the pack's: it is shown only where its point is reached, and never repeats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.content.model import Depth, Prompt
from bot.core.timeline import Medium, Reveal

PREFIX = "host-"


@dataclass(frozen=True, slots=True)
class HostQuestion:
    number: int  # its number in the club (0 before the store gives it one)
    text: str
    depth: Depth
    novel: int | None  # where it opens: a section of the book, a minute of the film
    film: int | None

    @property
    def id(self) -> str:
        return f"{PREFIX}{self.number}"

    @property
    def reveal(self) -> Reveal:
        return Reveal(novel=self.novel, film=self.film)

    def prompt(self) -> Prompt:
        medium = (Medium.BOTH if self.novel is not None and self.film is not None
                  else Medium.NOVEL if self.novel is not None else Medium.FILM)
        return Prompt(self.id, self.text, (), self.depth, medium, self.reveal)


def is_host_question(prompt_id: str) -> bool:
    return prompt_id.startswith(PREFIX)


def as_prompts(questions: Sequence[HostQuestion]) -> tuple[Prompt, ...]:
    return tuple(q.prompt() for q in questions)

