"""Reading a host's file of discussion questions (YAML or CSV) and checking every row.

Each row is checked as `python -m bot check` checks a pack's prompt: the same ``Item`` checks
(no unknown keys, non-empty text of a sensible length, a depth the pack knows, a reveal point
in the work's own range), and no text twice (in the file, the pack or the club's own). A file
that is not a plain text table of questions is refused whole, before any row is read: too
big, binary, not UTF-8, a YAML alias or anchor (the "billion laughs" bomb), a CSV cell a
spreadsheet would run as a formula. Nothing here writes: the caller stages what passed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from bot.core.content.items import MIN_TEXT, YAML_LOADER, Issue, Item
from bot.core.content.model import Depth, Prompt
from bot.core.errors import BadInput
from bot.core.host_questions import HostQuestion
from bot.core.timeline import ProgressError
from bot.core.words import normalise
from bot.core.work import Timeline

MAX_BYTES = 256 * 1024  # a file of 500 questions is some 100 KB
MAX_ROWS = 500
TEXT_MOST = 500
REPORTED = 10  # rejected rows named in the report; the rest are counted
LIMITS = (f"YAML (a list of questions) or CSV (a header row), UTF-8, at most "
          f"{MAX_BYTES // 1024} KB and {MAX_ROWS} questions")
# What a spreadsheet runs as a formula when it opens a cell (OWASP "CSV injection"); a "-"
# only before something other than a space, so a dash that starts a sentence stays.
_FORMULA = ("=", "+", "@", "\t", "\r")


def _formula(value: str) -> bool:
    cell = value.lstrip(" ")
    return cell.startswith(_FORMULA) or (cell[:1] == "-" and cell[1:2] not in ("", " "))
_DEPTHS = {"warm-up": Depth.WARM_UP, "warmup": Depth.WARM_UP, "warm up": Depth.WARM_UP,
           "deep": Depth.DEEP, "debate": Depth.DEBATE}
_FILM_KEYS = ("minute", "film")


@dataclass
class _Checker:
    """What an ``Item`` reports to (``items.Checker``), for one row."""

    limits: tuple[int, int]
    issues: list[Issue] = field(default_factory=list)
    sources: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Rejected:
    row: int
    why: str


@dataclass(frozen=True, slots=True)
class Checked:
    ok: tuple[HostQuestion, ...]
    rejected: tuple[Rejected, ...]

    def report(self) -> str:
        """`38 questions ok, 2 rejected: row 7 has no chapter; row 9 ...`."""
        said = f"{len(self.ok)} question{'' if len(self.ok) == 1 else 's'} ok"
        if not self.rejected:
            return said + "."
        named = "; ".join(f"row {r.row}: {r.why}" for r in self.rejected[:REPORTED])
        more = len(self.rejected) - REPORTED
        tail = f"; and {more} more" if more > 0 else ""
        return f"{said}, {len(self.rejected)} rejected: {named}{tail}."


def refuse(why: str) -> BadInput:
    return BadInput(f"I can't read that file: {why}. Nothing was changed.",
                    hint=f"A question file is {LIMITS}, with `text`, `depth` (warm-up, deep or "
                         "debate) and where it opens (`chapter` or `minute`).")


def decode(name: str, data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise refuse(f"it is over {MAX_BYTES // 1024} KB")
    if b"\x00" in data:
        raise refuse("it is not text (it looks like a binary file)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise refuse(f"it is not UTF-8 text (byte {err.start + 1} is not); save it as "
                     "UTF-8") from None


def read_rows(name: str, data: bytes) -> list[tuple[int, Any]]:
    """(row number as the host sees it, the row's fields), or a refusal of the whole file."""
    text = decode(name, data)
    lower = name.lower()
    if lower.endswith(".csv"):
        return _csv_rows(text)
    if lower.endswith((".yaml", ".yml")):
        return _yaml_rows(text)
    raise refuse("its name does not end in .yaml, .yml or .csv")


def _yaml_rows(text: str) -> list[tuple[int, Any]]:
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.AliasToken | yaml.AnchorToken):
                raise refuse("it uses YAML anchors or aliases (`&`, `*`), which a question "
                             "file has no need of")
        data = yaml.load(text, Loader=YAML_LOADER)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise refuse(f"it is not valid YAML{where}") from None
    if isinstance(data, dict) and isinstance(data.get("questions"), list):
        data = data["questions"]
    if not isinstance(data, list):
        raise refuse("it should be a list of questions (or `questions:` and a list)")
    if len(data) > MAX_ROWS:
        raise refuse(f"it has {len(data)} questions; at most {MAX_ROWS} at once")
    return list(enumerate(data, 1))


def _csv_rows(text: str) -> list[tuple[int, Any]]:
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), restkey="", restval=None)
        rows = []
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise refuse(f"it has more than {MAX_ROWS} questions; at most {MAX_ROWS} "
                             "at once")
            for cell in (*row.values(), *(reader.fieldnames or ())):
                values = cell if isinstance(cell, list) else [cell]
                for value in values:
                    if isinstance(value, str) and _formula(value):
                        raise refuse(f"row {reader.line_num} has a cell a spreadsheet would "
                                     "run as a formula (it starts with =, +, -, @ or a tab)")
            rows.append((reader.line_num, row))
    except csv.Error as err:
        raise refuse(f"it is not valid CSV ({err})") from None
    if not reader.fieldnames or "text" not in [f.strip().lower() for f in reader.fieldnames]:
        raise refuse("its first row should name the columns, with a `text` column")
    return rows


def _point(raw: Any, timeline: Timeline, film: bool) -> Any:
    """A section's number or name (`7`, `day three evening`), a minute (`45`, `1:10`), as
    a number for the pack's range check; what cannot be read is left for it to refuse."""
    if raw is None or isinstance(raw, bool | int):
        return raw
    text = str(raw).strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    try:
        return timeline.parse_film(text) if film else timeline.parse_book(text)
    except ProgressError:
        return text


def _row_data(row: dict[str, Any], timeline: Timeline) -> dict[str, Any]:
    """A row as a pack's prompt is written, so the pack's checks read it."""
    book_keys = ("chapter", "section", "novel", "book", timeline.book.unit, timeline.book.noun)
    data: dict[str, Any] = {}
    reveal: dict[str, Any] = {}
    for key, value in row.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if key in book_keys:
            reveal["novel"] = _point(value, timeline, film=False)
        elif key in _FILM_KEYS:
            reveal["film"] = _point(value, timeline, film=True)
        elif key == "depth":
            data["depth"] = _DEPTHS.get(" ".join(str(value).lower().split()), str(value))
        else:
            data[key] = value
    if reveal:
        data["reveal"] = reveal
    return data


def _why(issues: Iterable[Issue], unit: str) -> str:
    said = []
    for issue in issues:
        if issue.field == "reveal" and "no reveal point" in issue.message:
            said.append(f"has no {unit} or minute")
        elif issue.message == "missing":
            said.append(f"has no {issue.field}")
        elif issue.field.startswith("reveal.") and not issue.message.startswith(
                ("unknown", "expected")):
            # "chapter 99 is out of range (1-23)", in the work's own word for a section
            said.append(issue.message.replace("chapter", unit))
        elif issue.field.startswith("reveal"):  # a `reveal:` written by hand, not as a pack's
            said.append(f"has a reveal I can't read (give a {unit} or minute)")
        elif issue.message.startswith("unknown key"):  # the host's columns, not the pack's keys
            said.append(f"has a column I don't know, `{issue.field[:40]}`" if issue.field
                        else "has more cells than the first row names")
        else:
            said.append(f"{issue.field or 'the row'} {issue.message}")
    return "; ".join(dict.fromkeys(said))


def check_rows(rows: Sequence[tuple[int, Any]], timeline: Timeline,
               known: Iterable[Prompt | HostQuestion]) -> Checked:
    film_top = timeline.film.minutes if timeline.film is not None else 0
    seen = {normalise(p.text) for p in known}
    ok: list[HostQuestion] = []
    rejected: list[Rejected] = []
    unit = timeline.book.unit
    for number, row in rows:
        if not isinstance(row, dict):
            rejected.append(Rejected(number, "is not a question (give `text`, `depth` and a "
                                             f"{unit} or minute)"))
            continue
        row = {str(k).strip().lower(): v for k, v in row.items()}
        checker = _Checker((timeline.book.count, film_top))
        item = Item(checker, "", "", _row_data(row, timeline))
        item.keys(("text", "depth", "reveal"), ("text", "depth"))
        text = item.text("text", minimum=MIN_TEXT)
        if text and len(text) > TEXT_MOST:
            item.issue("text", f"is too long ({len(text)} characters; at most {TEXT_MOST})")
        depth = item.choice("depth", [d.value for d in Depth])
        reveal = item.reveal(what="a question") if "reveal" in item.data else None
        if reveal is None:
            item.issue("reveal", "a question with no reveal point")
        key = normalise(text or "")
        if key and key in seen:
            item.issue("text", "is a question already in the pack, the club's or this file")
        if checker.issues or not (text and depth and reveal):
            rejected.append(Rejected(number, _why(checker.issues, unit) or "cannot be read"))
            continue
        seen.add(key)
        assert reveal is not None
        ok.append(HostQuestion(0, text, Depth(depth), reveal.novel, reveal.film))
    return Checked(tuple(ok), tuple(rejected))
