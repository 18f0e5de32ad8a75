"""A command's form as a Slack modal (``Command.form``, opened by a button marked
``Action.form``), and the answers read back from its ``view_submission``.

The button's click opens the modal with ``views.open`` (its trigger_id lasts 3 s; the click is
acknowledged first and the view opened just after). The modal carries what the button stood
for, and the channel it was clicked in, in its ``private_metadata``, so any worker can take the
submission. The answer is the core's reply, posted ephemerally to the member in that channel.
"""

from __future__ import annotations

import json
from typing import Any

from bot.adapters.slack.render import slack_command
from bot.core.registry import Command

FORM = "club_form"  # the modal's callback_id
TITLE = 24  # Slack's limits: a modal's title, a field's placeholder, private_metadata
HINT = 150
METADATA = 3000
LONG = 100  # an option longer than this gets a box of several lines


def form_view(command: Command, wanted: dict[str, Any], channel: str) -> dict[str, Any] | None:
    """The modal for ``wanted`` (a button's value: path, args, private) clicked in
    ``channel``; None if what it must carry is too long for Slack."""
    meta = json.dumps({"p": wanted.get("p"), "a": wanted.get("a") or [],
                       "x": int(bool(wanted.get("x"))), "c": channel},
                      separators=(",", ":"), ensure_ascii=False)
    if len(meta) > METADATA:
        return None
    options = {o.name: o for o in command.options}
    blocks = []
    for ask in command.form:
        option = options[ask.option]
        element: dict[str, Any] = {"type": "plain_text_input", "action_id": ask.option,
                                   "max_length": option.max_length,
                                   "multiline": option.max_length > LONG}
        if ask.hint:
            element["placeholder"] = {"type": "plain_text", "text": ask.hint[:HINT]}
        blocks.append({"type": "input", "block_id": ask.option, "optional": not ask.required,
                       "label": {"type": "plain_text", "text": option.description},
                       "element": element})
    title = f"{slack_command(command.group)} {command.sub or ''}".strip()[:TITLE]
    return {"type": "modal", "callback_id": FORM, "private_metadata": meta,
            "title": {"type": "plain_text", "text": title},
            "submit": {"type": "plain_text", "text": "Send"},
            "close": {"type": "plain_text", "text": "Cancel"}, "blocks": blocks}


def submitted(view: dict[str, Any]) -> tuple[str, dict[str, str], bool, str]:
    """(path, args, private, channel) of a submitted form: the button's arguments and the
    fields filled in (blank ones left out)."""
    meta = json.loads(view.get("private_metadata") or "{}")
    args = {str(k): str(v) for k, v in meta.get("a") or []}
    for block, fields in ((view.get("state") or {}).get("values") or {}).items():
        value = (fields.get(block) or {}).get("value") if isinstance(fields, dict) else None
        if isinstance(value, str) and value.strip() and block not in args:
            args[str(block)] = value
    return str(meta.get("p", "")), args, bool(meta.get("x")), str(meta.get("c", ""))
