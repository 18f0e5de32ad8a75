"""The content pack: typed, immutable values loaded from ``facts/`` and ``prompts/``.

The names most modules need; the rest of the values are in ``model``."""

from bot.core.content.loader import ContentInvalid, Issue, check_content, load_content
from bot.core.content.model import Alias, Card, CardKind, CardPart, Content, Depth

__all__ = [
    "Alias",
    "Card",
    "CardKind",
    "CardPart",
    "Content",
    "ContentInvalid",
    "Depth",
    "Issue",
    "check_content",
    "load_content",
]
