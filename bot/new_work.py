"""`python -m bot new-work ID`: a skeleton pack a host fills in (docs/content-format.md).

It writes ``facts/ID/work.yaml`` and one file per section, each an empty list under a commented
example entry, and ``prompts/ID/prompts.yaml``; the result passes ``python -m bot check`` as
written, so a host can check after every entry they add.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from bot.core.content.loader import check_content
from bot.core.content.work_file import FILE as WORK_FILE
from bot.core.content.work_file import valid_id

_WORK = """\
# The work's declaration, written by `python -m bot new-work`: fill it in, then run
# `python -m bot check`. docs/content-format.md ("Add your book in an evening") explains
# every key.
id: {id}  # the folder's name; clubs pick the work by it (work:{id})
title: {title_yaml}
author: {author_yaml}
year: {year}
# aliases: [a short name]       # other names readers use for the work
# sources: [PUB]                # ids from sources.yaml that describe the work as a whole

book:
  noun: novel                   # what the book is: novel, memoir, play...
  unit: chapter                 # what a reader counts: chapter, section, act...
  chapters: 12                  # numbered chapters 1-12; or name them instead of `chapters`:
  # sections:
  #   - {{name: Prologue, aliases: [prologue]}}
  #   - {{name: "Day One", aliases: ["day one", "day 1"]}}
  parts: []                     # optional groups: - {{name: Part One, first: 1, last: 6}}

# The film of it, if there is one (take out the leading '# '):
# film:
#   title: {title}
#   year: 2001
#   minutes: 110                # its running time; progress is the minutes watched
#   sections:                   # optional named stretches, from 0 to the end, in order
#     - {{name: The opening, first: 0, last: 12}}
#     - {{name: The wedding, first: 12, last: 110, named_from: 30}}  # a name that tells
#                                                                  # is shown from minute 30

# The names the help uses as examples, once their cards exist (each open from the start):
# examples:
#   character: ...
#   setting: ...
#   term: ...
#   theme: ...
#   topic: ...                  # a book-and-film difference
"""

# (file, section, a commented example entry)
_FACTS = (
    ("sources.yaml", "sources", """\
#   - id: PUB
#     title: The publisher's page for the book
#     url: https://example.org/book"""),
    ("people.yaml", "people", """\
#   - id: the-author
#     name: A. Writer
#     sources: [PUB]
#     credits:
#       - role: author"""),
    ("book.yaml", "facts", """\
#   - id: book-published
#     topic: book.about
#     text: The novel was first published in 2001.
#     sources: [PUB]
#     safe: true"""),
    ("characters.yaml", "characters", """\
#   - id: mara
#     name: Mara
#     reveal: {novel: 1}
#     sources: [PUB]
#     parts:
#       - text: The narrator, looking back on the summer she turned twelve.
#         reveal: {novel: 1}"""),
    ("settings.yaml", "settings", """\
#   - id: the-mill
#     name: The Mill
#     safe: true
#     sources: [PUB]
#     parts:
#       - text: The old mill by the river where the family lives.
#         safe: true"""),
    ("glossary.yaml", "terms", """\
#   - id: the-season
#     name: the season
#     reveal: {novel: 2}
#     sources: [PUB]
#     parts:
#       - text: What the villagers call the weeks of the harvest.
#         reveal: {novel: 2}"""),
    ("themes.yaml", "themes", """\
#   - id: memory
#     name: memory
#     safe: true
#     sources: [PUB]
#     summary: How the narrator remembers, and what she leaves out.
#     parts:
#       - text: Her first account of the summer leaves her brother out of it.
#         reveal: {novel: 3}"""),
    ("differences.yaml", "differences", """\
#   - id: the-ending
#     topic: The ending
#     reveal: {novel: 12, film: 100}
#     sources: [PUB]
#     novel: {text: The novel ends at the mill., reveal: {novel: 12}}
#     film: {text: The film ends at the station., reveal: {film: 100}}"""),
    ("vocabulary.yaml", "vocabulary", """\
#   - {words: [factory, works], means: [the mill], safe: true}"""),
)
_PROMPTS = (("prompts.yaml", "prompts", """\
#   - id: memory-warm-01
#     text: What does Mara choose to tell us first, and why might she start there?
#     themes: [memory]
#     depth: warm-up              # warm-up | deep | debate
#     medium: novel               # novel | film | both
#     reveal: {novel: 1}"""),)


class NewWorkError(ValueError):
    """Why no skeleton was written (the message says what to do)."""


def _section_file(section: str, example: str) -> str:
    return f"# Uncomment and copy the example; see docs/content-format.md.\n{section}: []\n" \
           f"# {section}:\n{example}\n"


def write_skeleton(root: Path, work_id: str, *, title: str | None = None,
                   author: str = "Unknown author", year: int | None = None) -> list[Path]:
    """The files of a new work under ``root``; ``NewWorkError`` if ``work_id`` is not a valid
    id or the work already exists. Nothing is written unless everything can be."""
    if not valid_id(work_id):
        raise NewWorkError(f"{work_id!r} is not a work id: use lower-case letters, digits and "
                           "hyphens, e.g. my-book")
    facts, prompts = root / "facts" / work_id, root / "prompts" / work_id
    for folder in (facts, prompts):
        if folder.exists():
            raise NewWorkError(f"{folder} already exists: pick another id, or edit that work")
    title = title or work_id.replace("-", " ").title()
    year = year or datetime.date.today().year
    # Quoted as JSON strings, which YAML reads as they are: a title may hold a colon.
    files = {facts / WORK_FILE: _WORK.format(id=work_id, title=title, year=year,
                                             title_yaml=json.dumps(title, ensure_ascii=False),
                                             author_yaml=json.dumps(author, ensure_ascii=False))}
    files |= {facts / name: _section_file(section, example) for name, section, example in _FACTS}
    files |= {prompts / name: _section_file(section, example)
              for name, section, example in _PROMPTS}
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return sorted(files)


def main(root: Path, work_id: str, title: str | None, author: str | None,
         year: int | None) -> int:
    try:
        written = write_skeleton(root, work_id, title=title, author=author or "Unknown author",
                                 year=year)
    except NewWorkError as err:
        print(err)
        return 1
    for path in written:
        print(f"wrote {path}")
    issues = check_content(root / "facts" / work_id, root / "prompts" / work_id)
    for issue in issues:  # a title or author typed on the command line can be malformed
        print(f"  - {issue}")
    print(f"Next: fill in {root / 'facts' / work_id / WORK_FILE}, then `python -m bot check`.")
    return 1 if issues else 0
