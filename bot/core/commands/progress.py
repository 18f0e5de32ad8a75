"""`/progress`: a member's own progress in a work. Always a private reply."""

from __future__ import annotations

from bot.core.call import Call
from bot.core.errors import UserError
from bot.core.registry import SECTIONS, WORK, Command, Group, Option, OptionKind
from bot.core.reply import Draft, Part, Visibility
from bot.core.timeline import Progress
from bot.core.work import Timeline

_FOOTER = ("Replies only you see are cut to this. Replies in a channel follow the club's "
           "progress there.")


def progress_fields(progress: Progress, timeline: Timeline) -> tuple[Part, ...]:
    """How far, in the work's own words: `Novel: chapter 7 finished (Part One)`."""
    book = timeline.book.noun
    fields = [Part(timeline.describe_book(progress.novel).removeprefix(f"{book}: "),
                   label=book.capitalize())]
    if timeline.film is not None:
        fields.append(Part(timeline.describe_film(progress.film).removeprefix("film: "),
                           label="Film"))
    return tuple(fields)


def _draft(call: Call, title: str, progress: Progress) -> Draft:
    return Draft(title=title, fields=progress_fields(progress, call.timeline), footer=_FOOTER,
                 visibility=Visibility.PRIVATE)


async def show(call: Call) -> Draft:
    return _draft(call, "Your progress", call.member)


async def _note_name(call: Call) -> None:
    """What the platform calls the member, for the club's chart (only members who set their
    progress are on it, so it is kept when they do)."""
    if call.inv.name:
        await call.store.set_member_settings(call.inv.scope, call.inv.user, name=call.inv.name)


async def book(call: Call, chapter: int) -> Draft:
    saved = await call.store.set_member_progress(call.inv.scope, call.inv.user, call.work.id,
                                                 novel=chapter)
    await _note_name(call)
    return _draft(call, f"Saved your {call.timeline.book.noun} progress", saved)


async def film(call: Call, time: int) -> Draft:
    if call.timeline.film is None:
        raise UserError(f"{call.work.title} has no film.",
                        hint="Set how far you have read with `/progress book`.")
    saved = await call.store.set_member_progress(call.inv.scope, call.inv.user, call.work.id,
                                                 film=time)
    await _note_name(call)
    return _draft(call, "Saved your film progress", saved)


async def reset(call: Call) -> Draft:
    await call.store.reset_member_progress(call.inv.scope, call.inv.user, call.work.id)
    return _draft(call, "Your progress is back to the start", Progress())


async def private(call: Call, setting: str) -> Draft:
    on = setting == "on"
    await call.store.set_member_settings(call.inv.scope, call.inv.user, private=on)
    text = ("You are kept off every club's chart and any list of who is where; a chart counts "
            "you only as one of the members not shown." if on else
            "Clubs whose host shows members on their chart (`/club chart members on`) show "
            "you there, at your own progress.")
    return Draft(title="Your progress is private" if on else "Your progress can be shown",
                 parts=(Part(text),), footer="Your progress still cuts replies only you see.",
                 visibility=Visibility.PRIVATE)


CHAPTER = Option("chapter", "How far you have read: a chapter's number or a section's name, "
                 "or done", OptionKind.CHAPTER, max_length=60, complete=SECTIONS, rest=True)
TIME = Option("time", "Minutes watched (45, or 1:10 for 70), or done", OptionKind.MINUTES,
              max_length=10)

GROUPS = (Group("progress", "Your own progress in the book and the film (only you see it)"),)
COMMANDS = (
    Command("progress", "show", "See your own progress", show, (WORK,), private=True,
            default=True, examples=("/progress",)),
    Command("progress", "book", "Set how far into the book you have read", book,
            (CHAPTER, WORK), private=True, moves_audience=True, aliases=("novel",),
            examples=("/progress book {chapter}", "/progress novel done")),
    Command("progress", "film", "Set how far into the film you have watched", film,
            (TIME, WORK), private=True, moves_audience=True,
            examples=("/progress film 45", "/progress film 1:10")),
    Command("progress", "reset", "Set your progress back to the start", reset, (WORK,),
            private=True, moves_audience=True, examples=("/progress reset",)),
    Command("progress", "private", "Keep yourself off club charts and lists of who is where",
            private, (Option("setting", "on (kept off) or off (shown where the host allows)",
                             OptionKind.CHOICE, choices=("on", "off")),),
            private=True, examples=("/progress private on", "/progress private off")),
)
