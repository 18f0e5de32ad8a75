"""The App Home tab: a member's own progress and clubs, with menus to change the progress."""

from __future__ import annotations

from typing import Any

from bot.adapters.slack.render import escape
from bot.core.clubs import Club
from bot.core.timeline import (
    FILM_MINUTES,
    NOVEL_CHAPTERS,
    Progress,
    describe_film,
    describe_novel,
    format_minute,
)

PREFIX = "nlmg_home_"
NOVEL, FILM, RESET = PREFIX + "novel", PREFIX + "film", PREFIX + "reset"
CLUBS_SHOWN = 40  # a Home tab takes 100 blocks
FILM_STEPS = (*range(0, FILM_MINUTES, 5), FILM_MINUTES)


def _option(text: str, value: int) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text}, "value": str(value)}


def _chapter(n: int) -> str:
    return "Not started" if n == 0 else f"Chapter {n}" + (" (the end)" if n == NOVEL_CHAPTERS
                                                           else "")


def _minute(m: int) -> str:
    return "Not started" if m == 0 else format_minute(m) + (" (the end)" if m == FILM_MINUTES
                                                            else "")


def _select(action_id: str, placeholder: str, options: list[dict[str, Any]], current: int
            ) -> dict[str, Any]:
    select: dict[str, Any] = {"type": "static_select", "action_id": action_id,
                              "placeholder": {"type": "plain_text", "text": placeholder},
                              "options": options}
    chosen = next((o for o in options if o["value"] == str(current)), None)
    if chosen:
        select["initial_option"] = chosen
    return select


def view(progress: Progress, clubs: tuple[Club, ...]) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Your progress"}},
        {"type": "section", "fields": [
            {"type": "mrkdwn", "text": f"*Novel*\n{describe_novel(progress.novel)[7:]}"},
            {"type": "mrkdwn", "text": f"*Film*\n{describe_film(progress.film)[6:]}"}]},
        {"type": "actions", "elements": [
            _select(NOVEL, "Chapters finished",
                    [_option(_chapter(n), n) for n in range(NOVEL_CHAPTERS + 1)], progress.novel),
            _select(FILM, "Film watched", [_option(_minute(m), m) for m in FILM_STEPS],
                    progress.film),
            {"type": "button", "action_id": RESET, "text": {"type": "plain_text",
                                                             "text": "Start again"},
             "confirm": {"title": {"type": "plain_text", "text": "Start again?"},
                         "text": {"type": "plain_text",
                                  "text": "Your progress goes back to the start."},
                         "confirm": {"type": "plain_text", "text": "Start again"},
                         "deny": {"type": "plain_text", "text": "Keep it"}}}]},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": (
            "Replies only you see (`/progress`, Reveal, Just me) are cut to this. Replies in a "
            "channel follow its club's progress. For a minute not in the menu: "
            "`/progress film 1:12`.")}]},
        {"type": "divider"},
        {"type": "header", "text": {"type": "plain_text", "text": "Your clubs"}},
    ]
    if not clubs:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": (
            "You have not joined a club yet. In a club's channel, type `/club join`; to start "
            "one, `/club create`.")}})
    for club in clubs[:CLUBS_SHOWN]:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": (
            f"<#{escape(club.channel)}>: {club.medium.value}; "
            f"{describe_novel(club.progress.novel)}, {describe_film(club.progress.film)}; "
            f"spoilers {club.mode.value}; {club.member_count} members")}})
    if len(clubs) > CLUBS_SHOWN:
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": f"And {len(clubs) - CLUBS_SHOWN} more."}]})
    return {"type": "home", "blocks": blocks}


def command_for(action: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The core command a Home control stands for."""
    chosen = (action.get("selected_option") or {}).get("value", "")
    if action.get("action_id") == NOVEL:
        return "progress novel", {"chapter": chosen}
    if action.get("action_id") == FILM:
        return "progress film", {"time": chosen}
    return "progress reset", {}
