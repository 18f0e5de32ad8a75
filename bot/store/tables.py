"""The tables every store keeps, in an order that inserts a row only after the rows it refers
to (``store copy`` writes them in this order and clears them in the reverse one)."""

from __future__ import annotations

TABLES: tuple[str, ...] = (
    "clubs", "member_progress", "member_settings", "club_progress", "club_members",
    "club_prompts", "host_questions", "nights", "rsvps", "reminders", "night_prompts", "polls",
    "poll_votes", "wrapups", "wrapup_answers", "adapter_state", "schedule_points",
    "schedule_followers",
)

# Tables whose ids people and buttons carry: a copy keeps them, and its sequence goes past them.
WITH_IDS: tuple[str, ...] = ("clubs", "nights", "reminders", "polls", "wrapups",
                             "schedule_points")

Rows = tuple[tuple[str, ...], list[tuple[object, ...]]]  # (column names, rows)
