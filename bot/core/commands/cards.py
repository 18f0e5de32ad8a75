"""`/character`, `/setting`, `/glossary`, `/theme`, `/compare`: cards whose parts open in turn."""

from __future__ import annotations

from bot.core.call import Call
from bot.core.commands.common import card_draft
from bot.core.content.model import CardKind
from bot.core.passages import CARD_COMMAND
from bot.core.registry import WORK, Command, Group, Option, OptionKind
from bot.core.reply import Draft, Part


def _name(kind: CardKind, description: str, *, required: bool = True) -> Option:
    name = "topic" if kind is CardKind.DIFFERENCE else kind.value
    return Option(name, description, OptionKind.NAME, required=required, complete=kind,
                  max_length=100)


def _card_handler(kind: CardKind, option: Option, listing: str | None = None):
    """Look a card up by the option's value; with no value, list the cards (`/theme`)."""

    async def handler(call: Call, **args: str | None) -> Draft:
        name = args.get(option.name)
        if name:
            return card_draft(call, call.find(kind, name))
        # Each line is gated by its card's own point, so a listing never names too much.
        parts = tuple(
            Part(card.summary or f"/{CARD_COMMAND[kind]} {card.name}", label=card.name,
                 reveal=card.reveal)
            for card in call.content.cards_of(kind)
        )
        return Draft(title=listing, parts=parts or (Part(f"No {kind.noun}s yet."),),
                     footer=f"Ask about one: /{CARD_COMMAND[kind]} {option.name.upper()}")

    return handler


# Descriptions are the same for every work, so they name none of its people or places; the
# examples take the work's own names (work.yaml), each a card open from the start.
_CHARACTER = _name(CardKind.CHARACTER, "Who: a character's name")
_SETTING = _name(CardKind.SETTING, "A place in the story")
_TERM = _name(CardKind.TERM, "A word as the story uses it")
_THEME = _name(CardKind.THEME, "A theme (leave empty to list them)", required=False)
_TOPIC = _name(CardKind.DIFFERENCE, "What to compare (leave empty to list)", required=False)

GROUPS = (
    Group("character", "A character, cut to what you have read or watched"),
    Group("setting", "A place in the story"),
    Group("glossary", "What a word from the story means"),
    Group("theme", "The themes, or one theme and its key moments"),
    Group("compare", "How the book and the film differ"),
)
COMMANDS = (
    Command("character", None, "A character, cut to what you have read or watched",
            _card_handler(CardKind.CHARACTER, _CHARACTER), (_CHARACTER, WORK),
            pure=True, examples=("/character {character}",)),
    Command("setting", None, "A place in the story", _card_handler(CardKind.SETTING, _SETTING),
            (_SETTING, WORK), pure=True, examples=("/setting {setting}",)),
    Command("glossary", None, "What a word from the story means",
            _card_handler(CardKind.TERM, _TERM),
            (_TERM, WORK), pure=True, examples=("/glossary {term}",)),
    Command("theme", None, "The themes, or one theme and its key moments",
            _card_handler(CardKind.THEME, _THEME, "Themes"),
            (_THEME, WORK), pure=True, examples=("/theme", "/theme {theme}")),
    Command("compare", None, "How the book and the film differ",
            _card_handler(CardKind.DIFFERENCE, _TOPIC, "Book and film: what differs"),
            (_TOPIC, WORK), pure=True, examples=("/compare", "/compare {topic}")),
)
