"""The content pack: typed, immutable values loaded from ``facts/`` and ``prompts/``."""

from bot.core.content.loader import ContentInvalid, Issue, check_content, load_content
from bot.core.content.model import (
    Alias,
    Card,
    CardKind,
    CardPart,
    Content,
    Credit,
    Depth,
    Fact,
    Person,
    Prompt,
    Source,
)

__all__ = [
    "Alias",
    "Card",
    "CardKind",
    "CardPart",
    "Content",
    "ContentInvalid",
    "Credit",
    "Depth",
    "Fact",
    "Issue",
    "Person",
    "Prompt",
    "Source",
    "check_content",
    "load_content",
]
