"""Every command the bot has, declared once. Adapters bind these; `/help` describes them."""

from bot.core.commands import (
    cards,
    club,
    club_works,
    discuss,
    lookup,
    meta,
    progress,
    questions,
    session,
)
from bot.core.registry import Command, Group, Option, OptionKind, Registry

_MODULES = (lookup, cards, discuss, progress, club, club_works, session, questions, meta)


def build_registry() -> Registry:
    groups = tuple(g for m in _MODULES for g in m.GROUPS)
    commands = tuple(c for m in _MODULES for c in m.COMMANDS)
    return Registry(groups, commands)


__all__ = ["Command", "Group", "Option", "OptionKind", "Registry", "build_registry"]
