"""What adding the bot to a server takes: its application id (from the token when not set),
the OAuth scopes and the permissions it asks for, and the link that asks for them."""

from __future__ import annotations

import base64
import binascii

import discord

SCOPES = ("bot", "applications.commands")
# Answers go through interactions, which need no permission in the channel. Discussion nights
# need a little more, and the bot asks for nothing it does not use: posting reminders (Send
# Messages, Embed Links), the night's thread (Create Public Threads, Send Messages in Threads)
# and a scheduled event per night (Create Events, which also lets it edit its own events).
PERMISSIONS = discord.Permissions(send_messages=True, embed_links=True,
                                  create_public_threads=True, send_messages_in_threads=True,
                                  create_events=True)


def application_id(explicit: int | None, token: str | None) -> int | None:
    """The application id given, or the one a bot token starts with (base64 of the id)."""
    if explicit or not token:
        return explicit
    head = token.split(".", 1)[0]
    try:
        decoded = base64.b64decode(head + "=" * (-len(head) % 4), validate=False).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return int(decoded) if decoded.isdigit() else None


def invite_url(app_id: int) -> str:
    return discord.utils.oauth_url(app_id, permissions=PERMISSIONS, scopes=SCOPES)
