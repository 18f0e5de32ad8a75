"""A gated reply as Slack messages: Block Kit within Slack's limits, and a plain-text fallback.

Slack has no spoiler markup, so a tagged part becomes a section that says where it opens, with
a "Reveal" button. The button's value names the command and a digest of the part, never its
text; a click re-runs the command for the clicker alone, cut to their own progress, and shows
the part only if they have reached it (``bot.adapters.slack.app``).

Everything from content or members is escaped (``&``, ``<``, ``>``), so ``<!channel>`` typed
by a member is shown, not obeyed. The fallback ``text`` (notifications, screen readers) holds
only what the blocks show openly.

Limits (platform-contract.md §B3): 50 blocks; section text 3000; header 150; 10 fields of
2000; context 10 elements; button text 75 and value 2000; ids 255.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from bot.adapters.text import opens_note, split_text
from bot.core.reply import Action, GatedPart, Kind, PartState, Reply

BLOCKS = 50
SECTION = 3000
HEADER = 150
FIELDS = 10
FIELD = 2000
CONTEXT_TEXT = 2000
BUTTON_TEXT = 75
VALUE = 2000
FALLBACK = 3000  # Slack accepts far more; a notification needs far less

# Action ids are ours alone (Slack sends an app only its own blocks' actions): the app
# matches them by what follows the prefix, so buttons posted under an earlier prefix still work.
REVEAL = "club_reveal"
ACTION = "club_action"
# The bot's name in a workspace (the manifest sets it; replies tell members to /invite it).
DISPLAY_NAME = "book-club"

# Slack's own built-in commands cannot be taken by an app (/search is one): ours get a name
# of their own there, and replies that name a command say it as Slack users must type it.
SLACK_NAMES = {"search": "club-search", "status": "bot-status"}
_NAMED = re.compile(r"(^|`)/(" + "|".join(SLACK_NAMES) + r")\b", re.MULTILINE)

_BOLD = re.compile(r"\*\*(.+?)\*\*")
# The core's neutral member reference, after escaping: a Slack user id, shown as a mention.
_MEMBER = re.compile(r"&lt;@([UW][A-Z0-9]{2,20})&gt;")
# Its channel reference and time token (``<t:UNIX|label>``), after escaping.
_CHANNEL = re.compile(r"&lt;#([CGD][A-Z0-9]{2,20})&gt;")
_STAMP = re.compile(r"&lt;t:(\d{1,12})\|([^&|]{1,80})&gt;")


def _native(text: str) -> str:
    """Mentions the core named, and times as Slack dates each reader sees in their own zone
    (the label is the fallback where a client cannot show them)."""
    text = _STAMP.sub(r"<!date^\1^{date_short_pretty} at {time}|\2>", text)
    return _CHANNEL.sub(r"<#\1>", _MEMBER.sub(r"<@\1>", text))


def slack_command(group: str) -> str:
    return "/" + SLACK_NAMES.get(group, group)


def command_group(command: str) -> str | None:
    """The group a renamed Slack command stands for, under any short prefix: a workspace
    still on an earlier manifest sends the name that manifest gave it."""
    for group, name in SLACK_NAMES.items():
        tail = name.rpartition("-")[2]
        if re.fullmatch(rf"/[a-z]{{1,12}}-{re.escape(tail)}", command):
            return group
    return None


def any_prefix(action_id: str) -> str:
    """A pattern for ``action_id`` (``club_reveal``) under any short prefix (see REVEAL)."""
    return r"[a-z]{1,12}_" + re.escape(action_id.partition("_")[2])


def _renamed(text: str) -> str:
    return _NAMED.sub(lambda m: m[1] + slack_command(m[2]), text)


def escape(text: str) -> str:
    """Slack's three control characters, and only those (platform-contract.md §B4)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str) -> str:
    """Content text (light markdown) as Slack mrkdwn, escaped; a member id the core names
    becomes a Slack mention of that member (never a group or channel mention)."""
    return _native(_BOLD.sub(r"*\1*", escape(_renamed(text))))


def plain(text: str) -> str:
    """Text for plain_text objects: no markup, still escaped; a time shows its label."""
    return _STAMP.sub(r"\2", escape(_BOLD.sub(r"\1", _renamed(text))))


def fallback_text(text: str) -> str:
    """The fallback ``text`` is parsed as mrkdwn too: members named by the core are
    mentioned there as in the blocks."""
    return _native(escape(_BOLD.sub(r"\1", _renamed(text))))


def digest(part_text: str) -> str:
    """Names a tagged part without carrying it: enough to find it again, nothing to read."""
    return hashlib.sha256(part_text.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Message:
    blocks: list[dict[str, Any]]
    text: str  # the fallback


def _before_entity(text: str, cut: int) -> int:
    """Never cut inside an entity such as ``&amp;``."""
    amp = text.rfind("&", max(0, cut - 6), cut)
    return amp if amp != -1 and ";" not in text[amp:cut] else cut


def _cut(text: str, size: int) -> str:
    """At most ``size`` characters, never ending inside an entity."""
    if len(text) <= size:
        return text
    return text[:_before_entity(text, size - 1)] + "…"


def split(text: str, size: int) -> list[str]:
    return split_text(text, size, _before_entity)


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": _cut(text, CONTEXT_TEXT)}]}


def reveal_value(reply: Reply, args: tuple[tuple[str, str], ...], part: GatedPart) -> str:
    # A point that is itself a spoiler is not carried in the button (a client can read it).
    opens = None if part.point_inside else part.opens_text
    value = json.dumps({"p": reply.command, "a": [list(a) for a in args], "h": digest(part.text),
                        "o": opens},
                       separators=(",", ":"), ensure_ascii=False)
    return value if len(value) <= VALUE else ""


def action_value(action: Action) -> str:
    wanted = {"p": action.path, "a": [list(a) for a in action.args], "x": int(action.private)}
    if action.form:  # the click opens the command's form (forms.py) before it runs
        wanted["f"] = 1
    value = json.dumps(wanted, separators=(",", ":"), ensure_ascii=False)
    return value if len(value) <= VALUE else ""


def _tagged(reply: Reply, args: tuple[tuple[str, str], ...], part: GatedPart, n: int
            ) -> dict[str, Any]:
    note = ":lock: *Spoiler*." if part.point_inside else f":lock: *Spoiler*, {opens_note(part)}."
    block: dict[str, Any] = _section(note)
    value = reveal_value(reply, args, part)
    if value:  # a command too long to carry is shown without the button
        block["accessory"] = {"type": "button", "action_id": f"{REVEAL}_{n}",
                              "text": {"type": "plain_text", "text": "Reveal"}, "value": value}
    return block


def render(reply: Reply, args: tuple[tuple[str, str], ...] = ()) -> list[Message]:
    """The reply as one or more messages (more when it needs over 50 blocks)."""
    blocks: list[dict[str, Any]] = []
    fallback: list[str] = []
    if reply.title:
        title = plain(reply.title)
        blocks.append({"type": "header",
                       "text": {"type": "plain_text", "text": _cut(title, HEADER)}})
        fallback.append(title)
    n = 0
    for part in reply.parts:
        if part.state is PartState.TAG:
            blocks.append(_tagged(reply, args, part, n))
            n += 1
            continue
        line = mrkdwn(part.text)
        if part.label:
            line = f"*{mrkdwn(part.label)}*: {line}"
        blocks.extend(_section(piece) for piece in split(line, SECTION))
        fallback.append(fallback_text(f"{part.label}: {part.text}" if part.label
                                      else part.text))
    fields: list[dict[str, Any]] = []
    for part in reply.fields:
        if part.state is PartState.TAG:
            blocks.append(_tagged(reply, args, part, n))
            n += 1
            continue
        text = _cut(f"*{mrkdwn(part.label)}*\n{mrkdwn(part.text)}" if part.label
                    else mrkdwn(part.text), FIELD)
        fields.append({"type": "mrkdwn", "text": text})
    for start in range(0, len(fields), FIELDS):
        blocks.append({"type": "section", "fields": fields[start:start + FIELDS]})
    if reply.withheld:
        blocks.append(_context(f"_{escape(reply.withheld.describe())}_"))
    if reply.footer:
        blocks.append(_context(mrkdwn(reply.footer)))
    if reply.sources:
        blocks.append(_context("Sources: " + escape("; ".join(reply.sources))))
    if reply.kind is Kind.OK and reply.command not in {"help", "about"}:
        about = f"_{escape(reply.work)}_ · " if reply.work else ""
        blocks.append(_context(about + escape(reply.audience_note())))
    buttons = [
        {"type": "button", "action_id": f"{ACTION}_{i}", "value": value,
         "text": {"type": "plain_text", "text": _cut(action.label, BUTTON_TEXT)},
         **({"style": "primary"} if action.private else {})}
        for i, action in enumerate(reply.actions[:5]) if (value := action_value(action))
    ]
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    text = _cut("\n".join(fallback) or "Book club bot", FALLBACK)
    more = _cut(f"{fallback[0]} (continued)" if fallback else "(continued)", FALLBACK)
    chunks = [blocks[i:i + BLOCKS] for i in range(0, len(blocks), BLOCKS)] or [[]]
    return [Message(chunk, text if n == 0 else more) for n, chunk in enumerate(chunks)]


def text_of(message: Message) -> str:
    """Every string a message carries (tests use it for leak checks)."""
    return json.dumps(message.blocks, ensure_ascii=False) + "\n" + message.text


def revealed(reply: Reply, wanted: str, opens: str | None) -> list[dict[str, Any]]:
    """The blocks a Reveal click answers with: the part if the clicker may see it."""
    yours = f"Your progress: {reply.audience.progress_text}."
    for part in (*reply.parts, *reply.fields):
        shown = part.state is PartState.SHOW
        composed = f"{part.label}: {part.text}" if part.label and shown else part.text
        if digest(composed) != wanted:
            continue
        if shown:
            text = mrkdwn(part.text)
            if part.label:
                text = f"*{mrkdwn(part.label)}*: {text}"
            return [*({"type": "section", "text": {"type": "mrkdwn", "text": piece}}
                      for piece in split(text, SECTION)[:40]),
                    {"type": "context", "elements": [
                        {"type": "mrkdwn", "text": "Only you see this. " + yours}]}]
        break
    point = f" It opens at {escape(opens)}." if isinstance(opens, str) and opens else ""
    return [{"type": "section", "text": {"type": "mrkdwn", "text": (
        "You haven't reached that part yet, so I'm keeping it from you." + point
        + " " + yours + " Set yours with `/progress`.")}}]
