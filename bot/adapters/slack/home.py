"""The App Home tab: a member's own progress in each work, and their clubs, with menus to
change the progress. Section names and film minutes come from each work's own timeline."""

from __future__ import annotations

from typing import Any

from bot.adapters.slack.render import escape
from bot.core.clubs import Club
from bot.core.service import Home
from bot.core.timeline import Progress, format_minute
from bot.core.work import WorkInfo

PREFIX = "club_home_"
NOVEL, FILM, RESET = PREFIX + "novel", PREFIX + "film", PREFIX + "reset"
CLUBS_SHOWN = 30  # a Home tab takes 100 blocks
WORKS_SHOWN = 5  # the default, the clubs' and those begun; the rest by `/progress`
MENU_MOST = 100  # a static select takes 100 options
FILM_STEP = 5


def _option(text: str, value: int) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text[:75]}, "value": str(value)}


def _select(action_id: str, placeholder: str, options: list[dict[str, Any]], current: int
            ) -> dict[str, Any]:
    select: dict[str, Any] = {"type": "static_select", "action_id": action_id,
                              "placeholder": {"type": "plain_text", "text": placeholder},
                              "options": options[:MENU_MOST]}
    chosen = next((o for o in options if o["value"] == str(current)), None)
    if chosen:
        select["initial_option"] = chosen
    return select


def _book_options(info: WorkInfo) -> list[dict[str, Any]]:
    book = info.timeline.book
    last = book.count
    return [_option("Not started", 0), *(
        _option(f"{s.name[:1].upper()}{s.name[1:]}" + (" (the end)" if s.number == last else ""),
                s.number) for s in book.sections)]


def _film_options(minutes: int) -> list[dict[str, Any]]:
    steps = (*range(0, minutes, FILM_STEP), minutes)
    return [_option("Not started" if m == 0 else format_minute(m)
                    + (" (the end)" if m == minutes else ""), m) for m in steps]


def _work_blocks(info: WorkInfo, progress: Progress) -> list[dict[str, Any]]:
    timeline = info.timeline
    noun = timeline.book.noun
    read = timeline.describe_book(progress.novel).removeprefix(f"{noun}: ")
    fields = [{"type": "mrkdwn", "text": f"*{noun.capitalize()}*\n{read}"}]
    controls = [_select(f"{NOVEL}:{info.id}", "How far you have read", _book_options(info),
                        progress.novel)]
    if timeline.film is not None:
        fields.append({"type": "mrkdwn",
                       "text": "*Film*\n"
                               + timeline.describe_film(progress.film).removeprefix("film: ")})
        controls.append(_select(f"{FILM}:{info.id}", "Film watched",
                                _film_options(timeline.film.minutes), progress.film))
    controls.append({
        "type": "button", "action_id": f"{RESET}:{info.id}",
        "text": {"type": "plain_text", "text": "Start again"},
        "confirm": {"title": {"type": "plain_text", "text": "Start again?"},
                    "text": {"type": "plain_text",
                             "text": f"Your progress in {info.title[:100]} goes back to "
                                     "the start."},
                    "confirm": {"type": "plain_text", "text": "Start again"},
                    "deny": {"type": "plain_text", "text": "Keep it"}}})
    return [{"type": "section", "text": {"type": "mrkdwn", "text": f"*{escape(info.title)}*"},
             "fields": fields},
            {"type": "actions", "elements": controls}]


def view(home: Home) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Your progress"}}]
    default = home.works[0][0] if home.works else None
    # The default, the works the member's clubs read (a new member of a club on another work
    # must be able to set how far they are), and those begun.
    reading = {club.work for club, _title in home.clubs}
    shown = [(i, p) for i, p in home.works
             if i is default or i.id in reading or p != Progress()][:WORKS_SHOWN]
    for info, progress in shown:
        blocks.extend(_work_blocks(info, progress))
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": (
        "Replies only you see (`/progress`, Reveal, Just me) are cut to this. Replies in a "
        "channel follow its club's progress. For a minute not in the menu: "
        "`/progress film 1:12`; for another work: `/progress book 3 work:ID` (`/works`).")}]})
    blocks += [{"type": "divider"},
               {"type": "header", "text": {"type": "plain_text", "text": "Your clubs"}}]
    if not home.clubs:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": (
            "You have not joined a club yet. In a club's channel, type `/club join`; to start "
            "one, `/club create`.")}})
    for club, title in home.clubs[:CLUBS_SHOWN]:
        blocks.append(_club_block(club, title, home))
    if len(home.clubs) > CLUBS_SHOWN:
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": f"And {len(home.clubs) - CLUBS_SHOWN} more."}]})
    return {"type": "home", "blocks": blocks}


def _club_block(club: Club, title: str, home: Home) -> dict[str, Any]:
    info = next((i for i, _p in home.works if i.id == club.work), None)
    where = info.timeline.describe(club.progress) if info else "a work no longer installed"
    return {"type": "section", "text": {"type": "mrkdwn", "text": (
        f"<#{escape(club.channel)}>: {escape(title)} ({club.medium.value}); {where}; "
        f"spoilers {club.mode.value}; {club.member_count} members")}}


def command_for(action: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The core command a Home control stands for (the work travels in its action id)."""
    chosen = (action.get("selected_option") or {}).get("value", "")
    kind, _, work = str(action.get("action_id", "")).partition(":")
    # The control by what follows the prefix: a Home tab drawn under an earlier one still works.
    kind = PREFIX + kind.partition("_home_")[2]
    where = {"work": work} if work else {}
    if kind == NOVEL:
        return "progress book", {"chapter": chosen, **where}
    if kind == FILM:
        return "progress film", {"time": chosen, **where}
    return "progress reset", where
