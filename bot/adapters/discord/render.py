"""A gated reply as Discord messages: embeds within Discord's limits, paged when long.

The core has already decided what this audience may see; here only the *how* is chosen: a
tagged part becomes a ``||spoiler||`` in the embed description (never in a title, a field name
or the footer, which Discord does not render as markdown), with its text escaped so that a
``|`` or a backtick in it cannot end the spoiler early.

Limits (platform-contract.md §A3): content 2000; title 256; description 4096; 25 fields of
name 256 and value 1024; footer 2048; 6000 characters over all the embeds of a message.
"""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bot.adapters.text import hidden_text, opens_note, split_text
from bot.core.reply import GatedPart, Kind, PartState, Reply
from bot.core.when import STAMP

TITLE = 256
AUTHOR = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
EMBED_TOTAL = 6000
# A page's description stays under this, leaving room in the 6000 for its title, fields and
# footer; a field longer than Discord's value limit moves into the description.
PAGE_TEXT = 3800
SOURCES_SHOWN = 900
FOOTER_ROOM = 300  # the audience line and "Page 12 of 12 · " fit in this

# Text from content or members never pings anyone, not even `@everyone` typed into a search.
NO_MENTIONS = discord.AllowedMentions.none()
COLOUR = discord.Colour(0x3A7D7B)  # a quiet slate-green
ERROR_COLOUR = discord.Colour(0xB04A3F)


@dataclass(frozen=True, slots=True)
class Page:
    embed: discord.Embed
    number: int  # 0-based
    count: int


def native(text: str) -> str:
    """The core's time tokens as Discord timestamps: each member sees their own time, and how
    long until it."""
    return STAMP.sub(r"<t:\1:F> (<t:\1:R>)", text)


def plain(text: str) -> str:
    """For titles, field names and footers, where Discord shows timestamps as raw text."""
    return STAMP.sub(r"\2", text)


def escape_spoiler(text: str) -> str:
    """Text that will sit between ``||`` marks: no ``|`` or backtick in it may close or break
    the spoiler, and markup inside stays harmless."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`")


def _line(part: GatedPart) -> str:
    if part.state is PartState.TAG and part.point_inside:
        return f"||{escape_spoiler(native(hidden_text(part)))}||"
    if part.state is PartState.TAG:
        # The gate has already moved any label into the text, behind the spoiler.
        return f"||{escape_spoiler(native(part.text))}|| *({opens_note(part)})*"
    text = native(part.text)
    # A label is a pack's words, not ours: a `|` in it must not open a spoiler mark.
    return f"**{plain(part.label).replace('|', chr(92) + '|')}**: {text}" if part.label else text


def _after_escape(text: str, cut: int) -> int:
    """Never cut between a backslash and the character it escapes."""
    trailing = cut - len(text[:cut].rstrip("\\"))
    return cut - 1 if trailing % 2 else cut


def _chunks(text: str, size: int) -> list[str]:
    return split_text(text, size, _after_escape)


def _blocks(part: GatedPart) -> list[str]:
    """One part as description blocks, each small enough for a page."""
    line = _line(part)
    if len(line) <= PAGE_TEXT:
        return [line]
    if part.state is PartState.TAG:  # escaped first, so the pieces are measured as sent
        pieces = [f"||{piece}||" for piece in _chunks(escape_spoiler(hidden_text(part)),
                                                       PAGE_TEXT - 100)]
        return pieces if part.point_inside else [*pieces, f"*({opens_note(part)})*"]
    return _chunks(line, PAGE_TEXT)


def _field(part: GatedPart) -> tuple[str, str] | None:
    """(name, value) when the part fits an embed field, else None."""
    if part.state is PartState.TAG:
        name, value = "Spoiler", _line(part)
    else:
        name, value = plain(part.label or "") or "\u200b", native(part.text)
    if len(name) > FIELD_NAME or len(value) > FIELD_VALUE or not value.strip():
        return None
    return name, value


def _sources(reply: Reply) -> str | None:
    if not reply.sources:
        return None
    shown: list[str] = []
    used = 0
    for title in reply.sources:
        if used + len(title) + 2 > SOURCES_SHOWN:
            break
        shown.append(title)
        used += len(title) + 2
    rest = len(reply.sources) - len(shown)
    return "; ".join(shown) + (f"; and {rest} more" if rest else "")


def pages(reply: Reply) -> list[Page]:
    """The reply as one embed per page, every page within Discord's limits."""
    blocks, fields = _blocks_and_fields(reply)
    texts = _paginate(blocks)
    title = _title(reply)
    footer = reply.audience_note() if reply.kind is Kind.OK and reply.command not in {
        "help", "about"} else None
    # The work the reply is about heads every page, as the embed's author line.
    work = plain(reply.work)[:AUTHOR] if reply.work and reply.kind is Kind.OK else None
    # Fields go on the last page, then on pages of their own when they would not fit there.
    budget = EMBED_TOTAL - len(title or "") - len(work or "") - FOOTER_ROOM
    pieces: list[tuple[str, list[tuple[str, str]]]] = [(text, []) for text in texts]
    room = budget - len(pieces[-1][0])
    for field in fields:
        size = len(field[0]) + len(field[1])
        if size > room:
            pieces.append(("", []))
            room = budget
        pieces[-1][1].append(field)
        room -= size
    colour = ERROR_COLOUR if reply.kind is Kind.ERROR else COLOUR
    out: list[Page] = []
    for number, (text, page_fields) in enumerate(pieces):
        embed = discord.Embed(title=title, description=text or None, colour=colour)
        if work:
            embed.set_author(name=work)
        for name, value in page_fields:
            embed.add_field(name=name, value=value, inline=len(value) <= 60)
        note = footer
        if len(pieces) > 1:
            note = f"Page {number + 1} of {len(pieces)}" + (f" · {footer}" if footer else "")
        if note:
            embed.set_footer(text=note[:FOOTER_ROOM])
        out.append(Page(embed, number, len(pieces)))
    return out


def _blocks_and_fields(reply: Reply) -> tuple[list[str], list[tuple[str, str]]]:
    """The reply's text blocks in order, and the parts that read best as embed fields."""
    blocks: list[str] = []
    for part in reply.parts:
        blocks.extend(_blocks(part))
    fields: list[tuple[str, str]] = []
    for part in reply.fields:
        field = _field(part) if len(fields) < FIELDS - 1 else None
        if field:
            fields.append(field)
        else:
            blocks.extend(_blocks(part))
    if reply.withheld:
        blocks.append(f"*{reply.withheld.describe()}*")
    if reply.footer:
        blocks.extend(_chunks(native(reply.footer), PAGE_TEXT))
    sources = _sources(reply)
    if sources:
        fields.append(("Sources", sources))
    return blocks, fields


def _paginate(blocks: list[str]) -> list[str]:
    """Descriptions, page by page, none past Discord's description limit."""
    texts: list[str] = []
    current = ""
    for block in blocks:
        joined = f"{current}\n\n{block}" if current else block
        if len(joined) > PAGE_TEXT and current:
            texts.append(current)
            current = block
        else:
            current = joined
    texts.append(current)
    return texts


def _title(reply: Reply) -> str | None:
    if not reply.title:
        return None
    title = plain(reply.title).replace("**", "")
    return title if len(title) <= TITLE else title[: TITLE - 1] + "…"


def fits(embed: discord.Embed) -> bool:
    """Every limit Discord checks on one embed (tests use it on every reply)."""
    return (
        len(embed.title or "") <= TITLE
        and len(embed.description or "") <= DESCRIPTION
        and len(embed.fields) <= FIELDS
        and all(len(f.name or "") <= FIELD_NAME and len(f.value or "") <= FIELD_VALUE
                for f in embed.fields)
        and len(embed.footer.text or "") <= FOOTER
        and len(embed) <= EMBED_TOTAL
    )
