"""`/questions`: a host's own discussion questions, uploaded in bulk.

`/questions upload FILE` reads a YAML or CSV file (``question_file``), checks every row as the
pack's prompts are checked, keeps what passed as a dry run and answers with the report;
nothing joins the club's pool until a host confirms (the button, or `/questions confirm`).
Confirmed questions sit beside the pack's: `/prompt` and the night's `/session next` draw
from both, cut to the reader as every prompt is, and never repeat in the club. Hosts list
them (privately, cut to their own progress: the list is story too), export them as a file
they can upload again, and remove them by number.
"""

from __future__ import annotations

from collections.abc import Sequence

import yaml

from bot.core.call import Call
from bot.core.commands.common import require_club
from bot.core.content.model import Prompt
from bot.core.errors import BadInput, UserError
from bot.core.host_questions import HostQuestion, as_prompts
from bot.core.pictures import QuestionFile
from bot.core.question_file import LIMITS, MAX_BYTES, check_rows, read_rows, refuse
from bot.core.registry import Command, Group, Option, OptionKind
from bot.core.reply import Action, Draft, Part, Visibility
from bot.core.store import Store
from bot.core.timeline import format_minute

LISTED = 50  # questions a list shows; the export has them all
EXAMPLE = ("text,depth,chapter\n"
           "What does the opening tell us about who is speaking?,warm-up,1\n")


async def club_prompts(store: Store, club_id: int, work: str) -> tuple[Prompt, ...]:
    """The club's confirmed questions in ``work``, as prompts beside the pack's."""
    return as_prompts(await store.host_questions(club_id, work))


async def upload(call: Call, file: str) -> Draft:
    club = require_club(call)
    given = call.inv.upload
    if given is None:
        raise BadInput("Give the file with the command: attach it on Discord; on Slack, "
                       "upload it first and give its link; on the console, its path.",
                       hint=f"A question file is {LIMITS}.")
    if given.size > MAX_BYTES:
        raise refuse(f"it is over {MAX_BYTES // 1024} KB")
    data = await given.read(MAX_BYTES + 1)
    rows = read_rows(given.name, data)
    known = (*call.content.prompts,
             *await call.store.host_questions(club.id, call.work.id))
    checked = check_rows(rows, call.timeline, known)
    await call.store.stage_host_questions(club.id, call.work.id, call.inv.user, checked.ok)
    if not checked.ok:
        return Draft(title="Question file: nothing to add",
                     parts=(Part(checked.report()),),
                     footer="Fix the rows and upload the file again.")
    noun = "question" if len(checked.ok) == 1 else "questions"
    return Draft(
        title=f"Question file: a dry run of {given.name[:80]}",
        parts=(Part(checked.report()),
               Part(f"Nothing is added yet. Add the {len(checked.ok)} {noun} that passed to "
                    "the club's pool with the button or `/questions confirm`.")),
        footer="Each question shows only where its point is reached, like the pack's.",
        actions=(Action("Add them", "questions confirm"),
                 Action("Cancel", "questions cancel")))


async def confirm(call: Call) -> Draft:
    club = require_club(call)
    added = await call.store.confirm_host_questions(club.id, call.work.id, call.inv.user)
    if not added:
        raise UserError("There is no question file waiting to be added.",
                        hint="Upload one with `/questions upload`.")
    total = len(await call.store.host_questions(club.id, call.work.id))
    noun = "question" if added == 1 else "questions"
    return Draft(title="Questions added",
                 parts=(Part(f"{added} {noun} added to the club's pool ({total} in all). "
                             "`/prompt` and the nights draw from them with the pack's."),))


async def cancel(call: Call) -> Draft:
    club = require_club(call)
    waiting = await call.store.host_questions(club.id, call.work.id, staged=call.inv.user)
    await call.store.stage_host_questions(club.id, call.work.id, call.inv.user, ())
    said = (f"The question file waiting ({len(waiting)} questions) was dropped; nothing was "
            "added." if waiting else "No question file was waiting.")
    return Draft(title="Question file", parts=(Part(said),))


def _where(call: Call, q: HostQuestion) -> str:
    said = []
    if q.novel is not None:
        said.append(f"{call.timeline.book.unit} {q.novel}")
    if q.film is not None:
        said.append(format_minute(q.film))
    return " or ".join(said)


async def list_questions(call: Call) -> Draft:
    club = require_club(call)
    questions = await call.store.host_questions(club.id, call.work.id)
    if not questions:
        return Draft(title="The club's questions",
                     parts=(Part("The club has none of its own yet. A host uploads a file "
                                 "with `/questions upload`."),),
                     visibility=Visibility.PRIVATE)
    parts = tuple(Part(q.text, label=f"#{q.number} · {q.depth.value} · {_where(call, q)}",
                       reveal=q.reveal) for q in questions[:LISTED])
    more = len(questions) - LISTED
    footer = ("Remove one with `/questions remove N`; all of them as a file: "
              "`/questions export`." + (f" {more} more not listed." if more > 0 else ""))
    return Draft(title=f"The club's questions ({len(questions)})", parts=parts, footer=footer,
                 visibility=Visibility.PRIVATE)


def export_text(call: Call, questions: Sequence[HostQuestion]) -> str:
    unit = call.timeline.book.unit
    rows = []
    for q in questions:
        row: dict[str, object] = {"text": q.text, "depth": q.depth.value}
        if q.novel is not None:
            row[unit] = q.novel
        if q.film is not None:
            row["minute"] = q.film
        rows.append(row)
    return yaml.safe_dump(rows, sort_keys=False, allow_unicode=True, width=100)


async def export(call: Call) -> Draft:
    club = require_club(call)
    questions = await call.store.host_questions(club.id, call.work.id)
    # A private reply: cut to the host's own progress, as the list is.
    shown = [q for q in questions if call.sees(q.reveal)]
    held = len(questions) - len(shown)
    file = QuestionFile(call.work.title, export_text(call, shown).encode(), len(shown), held)
    return Draft(title="The club's questions as a file", parts=(Part(file.alt),),
                 footer="Upload it again (edited, or in another club) with "
                        "`/questions upload`.", picture=file, visibility=Visibility.PRIVATE)


async def remove(call: Call, number: int) -> Draft:
    club = require_club(call)
    # Only a question of the club's work, as `/questions list` numbers them there: the store
    # removes by the club's number alone, whatever work it was written for.
    ours = {q.number for q in await call.store.host_questions(club.id, call.work.id)}
    if number not in ours or not await call.store.remove_host_question(club.id, number):
        raise UserError(f"The club has no question #{number}.",
                        hint="See their numbers with `/questions list`.")
    return Draft(title="Question removed",
                 parts=(Part(f"Question #{number} is no longer in the club's pool."),))


GROUPS = (Group("questions", "Hosts: the club's own discussion questions, from a file"),)
FILE = Option("file", f"The questions: {LIMITS}", OptionKind.FILE, max_length=300)
COMMANDS = (
    Command("questions", "upload", "Hosts: check a YAML or CSV file of questions (a dry run)",
            upload, (FILE,), host_only=True, private=True,
            examples=("/questions upload questions.csv",)),
    Command("questions", "confirm", "Hosts: add the checked questions to the club's pool",
            confirm, host_only=True, private=True, examples=("/questions confirm",)),
    Command("questions", "cancel", "Hosts: drop the checked file without adding it", cancel,
            host_only=True, private=True, examples=("/questions cancel",)),
    Command("questions", "list", "Hosts: the club's own questions (only you see them)",
            list_questions, host_only=True, private=True, examples=("/questions list",)),
    Command("questions", "export", "Hosts: the club's questions as a YAML file", export,
            host_only=True, private=True, examples=("/questions export",)),
    Command("questions", "remove", "Hosts: remove one of the club's questions", remove,
            (Option("number", "Its number in `/questions list`", OptionKind.INT, min=1,
                    max=100_000),), host_only=True, private=True,
            examples=("/questions remove 3",)),
)
