"""`/progress`: a member's own progress. Always a private reply."""

from __future__ import annotations

from bot.core.call import Call
from bot.core.registry import Command, Group, Option, OptionKind
from bot.core.reply import Draft, Part, Visibility
from bot.core.timeline import (
    Progress,
    describe_film,
    describe_novel,
)

_FOOTER = ("Replies only you see are cut to this. Replies in a channel follow the club's "
           "progress there.")


def progress_fields(progress: Progress) -> tuple[Part, ...]:
    return (
        Part(describe_novel(progress.novel).removeprefix("novel: "), label="Novel"),
        Part(describe_film(progress.film).removeprefix("film: "), label="Film"),
    )


def _draft(title: str, progress: Progress) -> Draft:
    return Draft(title=title, fields=progress_fields(progress), footer=_FOOTER,
                 visibility=Visibility.PRIVATE)


async def show(call: Call) -> Draft:
    return _draft("Your progress", call.ctx.member)


async def novel(call: Call, chapter: int) -> Draft:
    saved = await call.store.set_member_progress(call.inv.scope, call.inv.user, novel=chapter)
    return _draft("Saved your novel progress", saved)


async def film(call: Call, time: int) -> Draft:
    saved = await call.store.set_member_progress(call.inv.scope, call.inv.user, film=time)
    return _draft("Saved your film progress", saved)


async def reset(call: Call) -> Draft:
    await call.store.reset_member_progress(call.inv.scope, call.inv.user)
    return _draft("Your progress is back to the start", Progress())


CHAPTER = Option("chapter", "Chapters finished, 0-23 (23 or done: the whole novel)",
                 OptionKind.CHAPTER)
TIME = Option("time", "Minutes watched, 0-103 (1:10 is 70; 103 or done: the whole film)",
              OptionKind.MINUTES)

GROUPS = (Group("progress", "Your own progress in the novel and the film (only you see it)"),)
COMMANDS = (
    Command("progress", "show", "See your own progress", show, private=True, default=True,
            examples=("/progress",)),
    Command("progress", "novel", "Set the chapters of the novel you have finished", novel,
            (CHAPTER,), private=True, moves_audience=True,
            examples=("/progress novel 7", "/progress novel done")),
    Command("progress", "film", "Set how far into the film you have watched", film, (TIME,),
            private=True, moves_audience=True,
            examples=("/progress film 45", "/progress film 1:10")),
    Command("progress", "reset", "Set your progress back to the start", reset, private=True,
            moves_audience=True, examples=("/progress reset",)),
)
