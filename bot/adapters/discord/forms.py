"""A command's form as a Discord modal (``Command.form``, opened by a button marked
``Action.form``), and the answers read back from its submission.

The modal's ``custom_id`` is ``form:REF``, REF the button's command as buttons carry it
(``buttons.custom_id``), so a submission is understood by its id alone, even by a process
that did not open the modal: the client answers it (``ClubBot.form_submitted``), and the
modal is stopped before it is sent so that discord.py keeps no copy of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import discord

from bot.adapters.discord.buttons import PREFIX, Press, custom_id
from bot.adapters.state import AdapterState
from bot.core.registry import Command

FORM = "form:"
TITLE = 45  # Discord's limits on a modal's title and a field's label
LABEL = 45
HINT = 100
LONG = 100  # an option longer than this gets a paragraph box


async def form_id(state: AdapterState, press: Press) -> str:
    """``form:REF`` for the command a button stands for (REF fits in Discord's 100)."""
    return FORM + (await custom_id(state, press, None)).removeprefix(f"{PREFIX}:-:")


def modal_for(command: Command, ident: str) -> discord.ui.Modal:
    modal = discord.ui.Modal(title=f"/{command.path}"[:TITLE], custom_id=ident, timeout=None)
    options = {o.name: o for o in command.options}
    for ask in command.form:
        option = options[ask.option]
        modal.add_item(discord.ui.TextInput(
            label=option.description[:LABEL], custom_id=ask.option, required=ask.required,
            placeholder=ask.hint[:HINT] or None, max_length=min(option.max_length, 4000),
            style=(discord.TextStyle.paragraph if option.max_length > LONG
                   else discord.TextStyle.short)))
    modal.stop()  # answered by its id (ClubBot.form_submitted), not kept in memory
    return modal


def answers(data: Mapping[str, Any], command: Command) -> dict[str, str]:
    """The fields the member filled in, by option name (only the form's own; blanks left
    out, so an optional field left empty is not given)."""
    asked = {a.option for a in command.form}
    found: dict[str, str] = {}

    def walk(items: Any) -> None:
        for item in items or ():
            if not isinstance(item, Mapping):
                continue
            name, value = item.get("custom_id"), item.get("value")
            if name in asked and isinstance(value, str) and value.strip():
                found[str(name)] = value
            walk(item.get("components"))
            if isinstance(item.get("component"), Mapping):  # a field inside a label
                walk([item["component"]])

    walk(data.get("components"))
    return found
