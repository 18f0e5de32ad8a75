"""Buttons that survive a restart: the command a click runs travels in the ``custom_id``.

A button's ``custom_id`` is ``club:PAGE:REF``. PAGE is ``-`` for an action (a new reply: "Just
me", "Another prompt") or the page to show (the pager edits its own message). REF is the
command as compact JSON (``j[...]``) when it fits Discord's 100 characters, or the key of a row
in the adapter state (``k...``) when it does not, as a long ``/ask`` question would. Only the
command and what was typed are carried, never reply text, so a button holds nothing gated.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, Protocol

import discord

from bot.adapters.state import AdapterState
from bot.core.reply import Action

CUSTOM_ID = 100  # Discord's limit
LABEL = 80
PREFIX = "club"
_STATE_KEY = "discord:button:"
# A button whose command is kept in the state works this long after its message was last
# rendered; after that it answers "This button has expired".
KEPT_FOR = 90 * 24 * 3600


class Presser(Protocol):
    """The client a click reaches: it runs what the button stands for."""

    async def press(self, interaction: discord.Interaction, ref: str, page: int | None
                    ) -> None: ...


@dataclass(frozen=True, slots=True)
class Press:
    """What a click asks for: run ``path`` with ``args``, privately or not; ``form``: ask
    the command's form first (a modal) and run it with the answers."""

    path: str
    args: tuple[tuple[str, str], ...]
    private: bool
    form: bool = False

    @classmethod
    def of(cls, action: Action) -> Press:
        return cls(action.path, action.args, action.private, action.form)

    def encode(self) -> str:
        # A button without a form encodes as before, so buttons already posted keep their ids.
        fields = [self.path, [list(a) for a in self.args], int(self.private)]
        return json.dumps([*fields, 1] if self.form else fields, separators=(",", ":"),
                          ensure_ascii=False)

    @classmethod
    def decode(cls, text: str) -> Press | None:
        try:
            path, args, private, *form = json.loads(text)
            return cls(str(path), tuple((str(k), str(v)) for k, v in args), bool(private),
                       bool(form and form[0]))
        except (ValueError, TypeError):
            return None


async def custom_id(state: AdapterState, press: Press, page: int | None) -> str:
    head = f"{PREFIX}:{'-' if page is None else page}:"
    inline = head + "j" + press.encode()
    if len(inline) <= CUSTOM_ID:
        return inline
    payload = press.encode()
    key = hashlib.sha256(payload.encode()).hexdigest()[:24]
    # The same command, the same row: written once, not on every render or page turn.
    if await state.get_state(_STATE_KEY + key) != payload:
        await state.put_state(_STATE_KEY + key, payload, ttl=KEPT_FOR)
    return head + "k" + key


async def resolve(state: AdapterState, ref: str) -> Press | None:
    if ref.startswith("j"):
        return Press.decode(ref[1:])
    if ref.startswith("k"):
        payload = await state.get_state(_STATE_KEY + ref[1:])
        return Press.decode(payload) if payload else None
    return None


class CommandButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                    template=r"[a-z]{1,12}:(?P<page>-|\d{1,3}):(?P<ref>[jk].+)"):
    """Every button the bot sends. discord.py routes a click here by its ``custom_id``,
    whether or not the process that sent the message is still running.

    Any short prefix is taken, not only ``PREFIX``: Discord sends an app only the clicks on its
    own messages, and buttons posted under the bot's earlier prefix must keep working."""

    def __init__(self, button: discord.ui.Button[Any], *, page: int | None, ref: str) -> None:
        super().__init__(button)
        self.page = page
        self.ref = ref

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> CommandButton:
        button = item if isinstance(item, discord.ui.Button) else discord.ui.Button()
        page = None if match["page"] == "-" else int(match["page"])
        return cls(button, page=page, ref=match["ref"])

    async def callback(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        client: Presser = interaction.client  # type: ignore[assignment]
        await client.press(interaction, self.ref, self.page)


async def make_button(state: AdapterState, press: Press, *, label: str, page: int | None = None,
                      style: discord.ButtonStyle = discord.ButtonStyle.secondary,
                      disabled: bool = False, row: int | None = None) -> CommandButton:
    cid = await custom_id(state, press, page)
    ref = cid.split(":", 2)[2]
    button: discord.ui.Button[Any] = discord.ui.Button(
        label=label[:LABEL], custom_id=cid, style=style, disabled=disabled, row=row)
    return CommandButton(button, page=page, ref=ref)
