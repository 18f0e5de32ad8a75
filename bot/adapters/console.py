"""The console adapter: the whole bot on a terminal or a pipe, no token, no network.

A line may start with ``@NAME`` (act as another user) and ``#NAME`` (act in another channel);
the default user ``you`` is the console's admin and the default channel is ``general``.
Bad input never ends the console: it answers and reads on.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from bot.adapters.text import hidden_text, opens_note
from bot.core.call import Invocation, Upload
from bot.core.clubs import Scope
from bot.core.effects import CloseThread, Effect, InThread, OpenThread
from bot.core.errors import APOLOGY, BadInput
from bot.core.reply import GatedPart, PartState, Reply, Visibility
from bot.core.scheduler import Notice
from bot.core.service import Core
from bot.core.when import STAMP
from bot.core.zones import UTC_NAMES
from bot.pictures import file_bytes

log = logging.getLogger(__name__)

SCOPE = Scope("console", "local")
ADMIN = "you"
DEFAULT_CHANNEL = "general"
_NAME = re.compile(r"^[\w.-]{1,64}$")  # letters of any script, digits, _ . -
_MENTION = re.compile(r"<@([\w.-]{1,64})>")
_CHANNEL = re.compile(r"<#([\w.-]{1,64})>")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_QUIT = {"quit", "exit", "/quit", "/exit"}


@dataclass(frozen=True, slots=True)
class Line:
    user: str
    channel: str
    text: str


def split_line(raw: str, *, user: str = ADMIN, channel: str = DEFAULT_CHANNEL) -> Line:
    """Peel ``@user`` and ``#channel`` prefixes off a console line."""
    words = raw.strip().split(maxsplit=1)
    while words and words[0][:1] in "@#" and len(words[0]) > 1:
        name = words[0][1:]
        if not _NAME.match(name):
            raise ValueError(
                f"`{words[0][:40]}` is not a name I can use: letters, digits, `.`, `_` and `-`, "
                "up to 64 characters."
            )
        if words[0][0] == "@":
            user = name
        else:
            channel = name
        words = words[1].split(maxsplit=1) if len(words) > 1 else []
    return Line(user, channel, " ".join(words))


def render_text(reply: Reply) -> str:
    """A reply as plain text. Tagged parts are wrapped in ||…||, as Discord marks spoilers."""
    lines: list[str] = []
    if reply.title:
        lines.append(f"== {_plain(reply.title)} ==")
    for part in reply.parts:
        lines.append(_part(part))
    for part in reply.fields:
        lines.append(_part(part))
    if reply.withheld:
        lines.append(f"[{reply.withheld.describe()}]")
    if reply.footer:
        lines.append(_plain(reply.footer))
    if reply.sources:
        lines.append("Sources: " + "; ".join(reply.sources))
    # The console has no private clicks, so only shared buttons are shown, as what they run.
    buttons = [f"[{a.label}: {a.command}]" for a in reply.actions if not a.private]
    if buttons:
        lines.append("Buttons: " + " ".join(buttons))
    if reply.kind == "ok" and reply.command not in {"help", "about"}:
        lines.append(_audience_line(reply))
    return "\n".join(lines)


def _part(part: GatedPart) -> str:
    text = _plain(part.text)
    if part.state is PartState.TAG and part.point_inside:
        text = f"||{_plain(hidden_text(part))}|| (spoiler)"
    elif part.state is PartState.TAG:
        text = f"||{text}|| (spoiler: {opens_note(part)})"
    if part.label:
        sep = "\n  " if "\n" in text else " "
        text = f"{_plain(part.label)}:{sep}{text.replace(chr(10), chr(10) + '  ')}"
    return text


def _plain(text: str) -> str:
    # Times show in the club's zone (a terminal has no per-reader time); mentions as @name.
    text = STAMP.sub(r"\2", _CHANNEL.sub(r"#\1", text))
    return _BOLD.sub(r"\1", _MENTION.sub(r"@\1", text))


def _audience_line(reply: Reply) -> str:
    a = reply.audience
    where = "only you see this" if reply.visibility is Visibility.PRIVATE else "posted here"
    about = f"{reply.work}; " if reply.work else ""
    return (f"({where}; {about}cut to {a.who}'s progress: {a.progress_text}; "
            f"spoilers {a.mode.value})").replace("you's", "your")


def render_json(reply: Reply, line: Line, thread: str | None = None,
                events: Sequence[str] = (), picture: Path | None = None) -> str:
    def part(p: GatedPart) -> dict[str, Any]:
        out: dict[str, Any] = {"label": p.label, "text": p.text, "state": p.state.value}
        if p.opens and p.point_inside:
            out["text"] = hidden_text(p)  # the point is part of the hidden text here
        elif p.opens:
            out["opens"] = {"novel": p.opens.novel, "film": p.opens.film}
        return out

    withheld = reply.withheld
    return json.dumps(
        {
            "command": reply.command,
            "user": line.user,
            "channel": line.channel,
            "thread": thread,  # the night's thread this reply was posted in
            "events": list(events),  # a thread opened or closed by it
            "kind": reply.kind.value,
            "visibility": reply.visibility.value,
            "title": reply.title,
            "text": render_text(reply),
            "parts": [part(p) for p in reply.parts],
            "fields": [part(p) for p in reply.fields],
            "withheld": {"count": withheld.count, "novel": withheld.novel, "film": withheld.film}
            if withheld else None,
            "footer": reply.footer,
            "actions": [{"label": a.label, "command": a.command, "path": a.path,
                         "args": dict(a.args), "private": a.private} for a in reply.actions],
            "sources": list(reply.sources),
            "work": reply.work,
            # The picture drawn beside the text, and its words (the same information).
            "picture": {"kind": reply.picture.kind, "path": str(picture) if picture else None,
                        "alt": reply.picture.alt} if reply.picture else None,
            "audience": {"who": reply.audience.who, "novel": reply.audience.progress_novel,
                         "film": reply.audience.progress_film,
                         "mode": reply.audience.mode.value},
        },
        ensure_ascii=False,
    )


def local_zone() -> str | None:
    """This machine's IANA zone, the default for a club made on the console: its own name,
    except that UTC is `UTC` (a machine set to UTC calls it Etc/UTC, a name nobody types)."""
    try:
        import tzlocal

        name = tzlocal.get_localzone_name()
    except Exception:  # an odd /etc/localtime: clubs fall back to UTC
        log.warning("could not tell this machine's time zone", exc_info=True)
        return None
    return "UTC" if name in UTC_NAMES else name


def local_file(text: str) -> Upload | None:
    """`/questions upload PATH`: the file at PATH, for the core to size and read (a path
    that is not a readable file gives none, and the core says what it needs)."""
    words = text.split(maxsplit=2)
    if len(words) < 3 or words[0].removeprefix("/").lower() != "questions" \
            or words[1].lower() != "upload":
        return None
    path = Path(words[2].strip().strip("'\"")).expanduser()
    try:
        size = path.stat().st_size if path.is_file() else -1
    except OSError:
        return None
    if size < 0:
        return None

    async def read(most: int) -> bytes:
        def take() -> bytes:
            with path.open("rb") as f:
                return f.read(most)
        return await asyncio.to_thread(take)

    return Upload(path.name, size, read)


class Console:
    def __init__(self, core: Core, *, as_json: bool = False, out: TextIO | None = None,
                 tz: str | None = None, pictures: Path | None = None) -> None:
        self.core = core
        self.pictures = pictures  # where pictures are written; None: their words only
        self.as_json = as_json
        self.out = out or sys.stdout
        self.tz = tz
        # Reminders and the next nights of series, posted on the terminal as they come due
        # (the composition root runs the scheduler with it).
        self.courier = _Courier(self)
        self._threads: dict[str, str] = {}  # thread ref -> its night's name

    async def handle(self, raw: str) -> str | None:
        """One line in, the rendered reply out (None for a blank line)."""
        if not raw.strip():
            return None
        try:
            line = split_line(raw)
        except ValueError as err:
            line = Line(ADMIN, DEFAULT_CHANNEL, "")
            reply = self.core.error_reply(_bad(str(err)))
            return self._render(reply, line)
        if not line.text:
            reply = self.core.error_reply(_bad("Type a command after the name, like "
                                               "`@sam /progress`."))
            return self._render(reply, line)
        inv = Invocation(SCOPE, line.channel, line.user, is_admin=line.user == ADMIN,
                         tz=self.tz, name=line.user, upload=local_file(line.text))
        reply = await self.core.run_text(inv, line.text)
        return await self._posted(reply, line)

    async def _posted(self, reply: Reply, line: Line) -> str:
        """The reply, with what its effects did: a night's thread is a marked channel here,
        `#general › Night #1`, and replies meant for it carry the mark."""
        thread: str | None = None
        events: list[str] = []
        for effect in reply.effects:
            if isinstance(effect, OpenThread):
                ref = f"{line.channel}/night-{effect.night}"
                self._threads[ref] = effect.name
                await self.core.thread_opened(effect.night, ref)
                events.append(f"thread opened: #{line.channel} › {_plain(effect.name)}")
            elif isinstance(effect, InThread) and effect.thread:
                thread = effect.thread
            elif isinstance(effect, CloseThread) and effect.thread:
                events.append(f"thread closed: {self._thread_name(effect.thread)}")
        picture = await self._picture(reply)
        if self.as_json:  # one object per reply, what happened to threads inside it
            return render_json(reply, line, thread=thread and self._thread_name(thread),
                               events=events, picture=picture)
        text = render_text(reply)
        if reply.picture is not None:
            # The lines above say what it shows; the JSON form carries its alt text too.
            noun = "picture" if reply.picture.image else "file"
            text += (f"\n[{noun}: {picture}]" if picture else f"\n[{noun} not written]")
        if thread:
            text = f"[in {self._thread_name(thread)}]\n{text}"
        return "\n".join((text, *(f"-- {e} --" for e in events)))

    async def _picture(self, reply: Reply) -> Path | None:
        """The reply's picture as a PNG file (a calendar as an .ics); its name is its
        content's, so the same chart is one file however often it is asked for."""
        if reply.picture is None or self.pictures is None:
            return None
        picture, folder = reply.picture, self.pictures

        def write() -> Path:
            data = file_bytes(picture)
            suffix = Path(picture.filename).suffix
            path = folder / f"{picture.kind}-{hashlib.sha256(data).hexdigest()[:12]}{suffix}"
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                path.write_bytes(data)
            return path

        try:
            return await asyncio.to_thread(write)
        except OSError:  # a full disk or a read-only folder costs the picture, not the reply
            log.warning("could not write a picture in %s", folder, exc_info=True)
            return None

    def _thread_name(self, ref: str) -> str:
        channel, _, night = ref.partition("/")
        name = self._threads.get(ref, night.replace("night-", "Night #"))
        return f"#{channel} › {_plain(name)}"

    def _render(self, reply: Reply, line: Line) -> str:
        return render_json(reply, line) if self.as_json else render_text(reply)

    def emit(self, text: str) -> None:
        self.out.write(text + ("\n" if self.as_json else "\n\n"))
        self.out.flush()  # a script (or a test) reads each reply as soon as it is made

    async def run(self, stdin: TextIO | None = None, *, interactive: bool | None = None) -> None:
        stdin = stdin or sys.stdin
        if interactive is None:
            interactive = stdin.isatty()
        read = _prompter() if interactive else stdin.readline
        if interactive and not self.as_json:
            self.emit("The book club bot, on the console. Type /help for the commands, "
                      "/quit to leave.\nStart a line with @NAME to act as someone else, #NAME to "
                      "act in another channel.")
        await self._read_lines(read, interactive)

    async def _read_lines(self, read: Callable[[], str], interactive: bool) -> None:
        while True:
            try:
                raw = await asyncio.to_thread(read)
            except (EOFError, KeyboardInterrupt):
                break
            if raw == "" and not interactive:
                break  # end of the pipe
            if raw.strip().lower() in _QUIT:
                break
            try:
                rendered = await self.handle(raw)
            except Exception:  # the console never dies on a line
                log.exception("console line failed: %r", raw[:200])
                rendered = render_text(self.core.error_reply(_bad(APOLOGY)))
            if rendered is not None:
                self.emit(rendered)


class _Courier:
    """The scheduler's posts, on the terminal."""

    def __init__(self, console: Console) -> None:
        self.console = console

    async def ready(self) -> None:
        return None  # the terminal is there from the start

    async def deliver(self, notice: Notice) -> None:
        line = Line(notice.to or "bot", notice.channel, "")
        if self.console.as_json:
            self.console.emit(render_json(notice.reply, line))
            return
        where = (f"privately to @{notice.to}" if notice.to else f"posted in #{notice.channel}")
        self.console.emit(f"[{where}]\n{render_text(notice.reply)}")

    async def apply(self, scope: Scope, effects: Sequence[Effect]) -> None:
        return None  # nights made by a series need nothing more on a terminal


def _bad(message: str) -> BadInput:
    return BadInput(message)


def _prompter() -> Callable[[], str]:
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing and history for input())

    def read() -> str:
        return input("> ")

    return read
