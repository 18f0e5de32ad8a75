"""No spoiler leaks: property tests over all content and all progress points, on every surface
(card replies, listings, search hits, prompts, "did you mean" hints, errors, titles, footers)."""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import pytest
from conftest import MONDAY_NOON
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.console import render_json, render_text, split_line
from bot.adapters.discord.render import pages as discord_pages
from bot.adapters.slack.render import escape as slack_escape
from bot.adapters.slack.render import render as slack_render
from bot.adapters.slack.render import text_of as slack_text_of
from bot.app import load_pack, open_core
from bot.core.clubs import Club, Scope, SpoilerMode
from bot.core.commands import build_registry
from bot.core.content import CardKind, Content
from bot.core.nights import Due, parse_target
from bot.core.reply import Draft, Part, PartState, Reply, Visibility
from bot.core.scheduler import reminder_draft
from bot.core.service import Core, Invocation
from bot.core.spoilers import Decision, decide, effective_mode, gate
from bot.core.timeline import FILM_MINUTES, NOVEL_CHAPTERS, Medium, Progress, Reveal

ROOT = Path(__file__).resolve().parent.parent
SCOPE = Scope("test", "leaks")
PACK = load_pack(ROOT)
PACK_REGISTRY = build_registry()


@dataclass(frozen=True, eq=False)
class Secret:
    text: str
    reveal: Reveal
    name_only: bool = False  # a gated alias or card name: the text is a name

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(rf"\b{re.escape(self.text)}\b", re.IGNORECASE)


def secrets(pack: Content) -> list[Secret]:
    out = [Secret(f.text, f.reveal) for f in pack.facts if not f.reveal.safe]
    out += [Secret(s.title, s.reveal) for s in pack.sources.values() if not s.reveal.safe]
    out += [Secret(p.text, p.reveal) for p in pack.prompts if not p.reveal.safe]
    for cards in pack.cards.values():
        for card in cards:
            out += [Secret(p.text, p.reveal) for p in card.parts if not p.reveal.safe]
            out += [Secret(a.name, card.reveal.later(a.reveal), True)
                    for a in card.aliases if not a.reveal.safe]
            if not card.reveal.safe:  # a card that has not opened is not named in a hint
                out.append(Secret(card.name, card.reveal, True))
    return out


SECRETS = secrets(PACK)
COMMAND_FOR = {CardKind.CHARACTER: "character", CardKind.SETTING: "setting",
               CardKind.TERM: "glossary", CardKind.THEME: "theme",
               CardKind.DIFFERENCE: "compare"}


def lines(pack: Content) -> list[str]:
    out = ["/theme", "/compare", "/prompt", "/help", "/about",
           *(f"/ask {q}" for q in (
               "does tommy die", "do deferrals exist", "what is a possible", "who is madame",
               "what happens to ruth", "what was the gallery for", "why does madame cry",
               "what is morningdale", "is the man in the opening tommy", "organ donation",
               "are they clones", "who is ruths possible", "what happens at the end",
               "who looks after tommy", "when does ruth complete", "what is the secret"))]
    out += [f"/film {t}" for t in ("cast", "crew", "release", "reception", "awards",
                                   "locations", "watch")]
    out += [f"/book {t}" for t in ("about", "structure", "honours")]
    for kind, cards in pack.cards.items():
        for card in cards:
            names = [card.name, *(a.name for a in card.aliases)]
            out += [f"/{COMMAND_FOR[kind]} {n}" for n in names]
            out += [f"/{COMMAND_FOR[kind]} {n[:-1]}" for n in names if len(n) > 4]  # typos
            if kind is CardKind.THEME:
                out.append(f"/prompt {card.name}")
    return out


LINES = lines(PACK)
WORDS = sorted({w for s in SECRETS for w in re.findall(r"[A-Za-z]{4,}", s.text)})


def discord_surfaces(reply: Reply) -> tuple[str, str]:
    """(everything in the Discord embeds, the parts Discord shows as plain text: titles,
    field names, footers)."""
    embeds = [page.embed.to_dict() for page in discord_pages(reply)]
    plain = "\n".join([e.get("title", "") for e in embeds]
                      + [e.get("footer", {}).get("text", "") for e in embeds]
                      + [f["name"] for e in embeds for f in e.get("fields", [])])
    return json.dumps(embeds, ensure_ascii=False), plain


def slack_surface(reply: Reply) -> str:
    """Everything the Slack messages carry: blocks, button values, the fallback text."""
    return "\n".join(slack_text_of(m) for m in slack_render(reply, (("x", "y"),)))


def check(reply: Reply, audience: Progress, mode: SpoilerMode, typed: str = "") -> None:
    on_discord, discord_plain = discord_surfaces(reply)
    on_slack = slack_surface(reply)
    rendered = "\n".join((render_text(reply), render_json(reply, split_line("/x")), on_discord))
    shown = [p for p in (*reply.parts, *reply.fields) if p.state is PartState.SHOW]
    chrome = "\n".join(t for t in (reply.title, reply.footer, *reply.sources,
                                   *(a.label for a in reply.actions)) if t)
    for secret in SECRETS:
        if secret.reveal.visible_at(audience) or mode is SpoilerMode.OFF:
            continue
        where = _Where(secret, audience, mode)  # formatted only if an assertion fails
        if secret.name_only:
            # Names are checked on the surfaces that name cards: titles and hints in errors.
            # A name the reader typed themselves tells them nothing.
            pattern = secret.pattern
            if pattern.search(typed):
                continue
            assert not pattern.search(reply.title or ""), where
            if reply.kind == "error":
                assert not pattern.search("\n".join(reply.texts())), where
            continue
        # Slack shows a tagged part only as a Reveal button, so in no mode is it sent there.
        assert secret.text not in on_slack and slack_escape(secret.text) not in on_slack, where
        if mode is SpoilerMode.HIDE:
            assert secret.text not in rendered, where
        else:  # tag: it may appear, but only inside a tagged part
            assert secret.text not in chrome, where
            assert secret.text not in discord_plain, where
            assert not any(secret.text in p.text for p in shown), where
            if secret.text in rendered:
                assert f"||{secret.text}" in render_text(reply) or any(
                    secret.text in p.text for p in reply.parts if p.state is PartState.TAG), where
    if reply.command == "ask":
        # An answer never says when the answer comes: nothing counted as held back, and in
        # tag mode the point is inside the spoiler.
        assert reply.withheld is None, where_ask(reply)
        assert all(p.point_inside for p in reply.parts if p.state is PartState.TAG)
    if mode is SpoilerMode.OFF:
        assert reply.withheld is None
    if mode is SpoilerMode.TAG:
        assert reply.withheld is None
        for part in (*reply.parts, *reply.fields):
            assert (part.state is PartState.TAG) == (part.opens is not None)


def where_ask(reply: Reply) -> str:
    return f"/ask reply held parts back: {reply.title}"


class _Where:
    def __init__(self, secret: Secret, audience: Progress, mode: SpoilerMode) -> None:
        self.args = (secret, audience, mode)

    def __repr__(self) -> str:
        secret, audience, mode = self.args
        return f"{secret.text[:50]!r} ({secret.reveal}) leaked at {audience} in {mode}"


# -- the pure engine, exhaustively -------------------------------------------------------------

def all_progress() -> Iterator[Progress]:
    for novel, film in itertools.product(range(NOVEL_CHAPTERS + 1), range(FILM_MINUTES + 1)):
        yield Progress(novel, film)


def test_engine_over_every_card_and_every_progress_point() -> None:
    drafts = [
        Draft(title=card.name,
              parts=tuple(Part(p.text, label=p.label, reveal=p.reveal) for p in card.parts))
        for cards in PACK.cards.values() for card in cards
    ]
    assert drafts
    for progress in all_progress():
        for draft in drafts:
            for mode in SpoilerMode:
                reply = gate(draft, progress, mode, who="test")
                hidden = [p for p in draft.parts if not p.reveal.visible_at(progress)]
                if mode is SpoilerMode.HIDE:
                    kept = {p.text for p in reply.parts}
                    assert not kept & {p.text for p in hidden}
                    assert (reply.withheld.count if reply.withheld else 0) == len(hidden)
                    if hidden:
                        novels = [p.reveal.novel for p in hidden if p.reveal.novel is not None]
                        films = [p.reveal.film for p in hidden if p.reveal.film is not None]
                        assert reply.withheld.novel == (min(novels) if novels else None)
                        assert reply.withheld.film == (min(films) if films else None)
                elif mode is SpoilerMode.TAG:
                    tagged = {p.text for p in reply.parts if p.state is PartState.TAG}
                    # A tagged part's label goes behind the spoiler with its text.
                    assert tagged == {f"{p.label}: {p.text}" if p.label else p.text
                                      for p in hidden}
                    assert all(p.label is None for p in reply.parts if p.state is PartState.TAG)
                else:
                    assert reply.withheld is None
                    assert all(p.state is PartState.SHOW for p in reply.parts)


@given(novel=st.integers(0, NOVEL_CHAPTERS), film=st.integers(0, FILM_MINUTES),
       point_novel=st.one_of(st.none(), st.integers(1, NOVEL_CHAPTERS)),
       point_film=st.one_of(st.none(), st.integers(1, FILM_MINUTES)),
       mode=st.sampled_from(SpoilerMode))
def test_decide_is_the_product_rule(novel: int, film: int, point_novel: int | None,
                                    point_film: int | None, mode: SpoilerMode) -> None:
    if point_novel is None and point_film is None:
        return
    reveal = Reveal(point_novel, point_film)
    known = (point_novel is not None and point_novel <= novel) or (
        point_film is not None and point_film <= film)
    decision = decide(reveal, Progress(novel, film), mode)
    if known or mode is SpoilerMode.OFF:
        assert decision is Decision.SHOW
    else:
        assert decision is (Decision.TAG if mode is SpoilerMode.TAG else Decision.WITHHOLD)


# -- every command, through the real core and store ---------------------------------------------

@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[asyncio.AbstractEventLoop,
                                                                     Core, Club]]:
    loop = asyncio.new_event_loop()
    manager = open_core(tmp_path_factory.mktemp("leaks") / "club.db", content=PACK,
                        rng=random.Random(3), clock=lambda: MONDAY_NOON)
    core = loop.run_until_complete(manager.__aenter__())
    club = loop.run_until_complete(
        core.store.create_club(SCOPE, "room", medium=Medium.BOTH, tz="UTC", host="host"))
    try:
        yield loop, core, club
    finally:
        loop.run_until_complete(manager.__aexit__(None, None, None))
        loop.close()


async def _set(core: Core, club: Club, club_at: Progress, member_at: Progress,
               mode: SpoilerMode) -> None:
    await core.store.set_club_progress(club.id, novel=club_at.novel, film=club_at.film)
    await core.store.set_spoiler_mode(club.id, mode)
    await core.store.set_member_progress(SCOPE, "sam", novel=member_at.novel, film=member_at.film)


async def _run(core: Core, club: Club, line: str, club_at: Progress, member_at: Progress,
               mode: SpoilerMode, private: bool) -> Reply:
    await _set(core, club, club_at, member_at, mode)
    return await core.run_text(Invocation(SCOPE, "room", "sam", private=private), line)


progress = st.builds(Progress, st.integers(0, NOVEL_CHAPTERS), st.integers(0, FILM_MINUTES))
line = st.one_of(
    st.sampled_from(LINES),
    st.sampled_from(WORDS).map(lambda w: f"/search {w}"),
    st.lists(st.sampled_from(WORDS), min_size=2, max_size=3).map(
        lambda ws: "/search " + " ".join(ws)),
    st.sampled_from(WORDS).map(lambda w: f"/character {w}"),
    st.sampled_from(WORDS).map(lambda w: f"/glossary {w}"),
    st.text(min_size=1, max_size=30).map(lambda t: f"/theme {t}"),
)


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(line=line, club_at=progress, member_at=progress, mode=st.sampled_from(SpoilerMode),
       private=st.booleans())
def test_no_reply_leaks_on_any_surface(live, line: str, club_at: Progress, member_at: Progress,
                                       mode: SpoilerMode, private: bool) -> None:
    loop, core, club = live
    reply = loop.run_until_complete(_run(core, club, line, club_at, member_at, mode, private))
    assert "Traceback" not in render_text(reply)
    if reply.visibility is Visibility.PRIVATE:
        # Private replies (and every error) are cut to the member; `off` does not apply there.
        check(reply, member_at, SpoilerMode.TAG if mode is SpoilerMode.TAG else SpoilerMode.HIDE,
              line)
    else:
        check(reply, club_at, mode, line)


def test_every_line_at_every_section_boundary(live) -> None:
    """Deterministic sweep: each command at the start, each part and section edge, the end."""
    loop, core, club = live
    points = [Progress(n, f) for n, f in ((0, 0), (1, 4), (6, 20), (7, 25), (9, 30), (12, 45),
                                          (13, 42), (17, 60), (18, 61), (19, 76), (21, 88),
                                          (22, 90), (23, 103), (0, 103), (23, 0))]
    member = Progress()
    for p in points:
        for mode in SpoilerMode:
            loop.run_until_complete(_set(core, club, p, member, mode))
            for text in LINES:
                reply = loop.run_until_complete(
                    core.run_text(Invocation(SCOPE, "room", "sam"), text))
                if reply.visibility is Visibility.PRIVATE:
                    check(reply, member, SpoilerMode.HIDE, text)
                else:
                    check(reply, p, mode, text)


def test_help_names_no_card_that_is_not_open_from_the_start() -> None:
    """Command and option descriptions and examples are read by everyone, at any progress."""
    registry = PACK_REGISTRY
    words = [g.description for g in registry.groups()]
    for command in registry:
        words += [command.description, *command.examples]
        words += [o.description for o in command.options]
    text = "\n".join(words)
    for secret in SECRETS:
        if secret.name_only:
            assert not secret.pattern.search(text), secret.text


# -- autocomplete ---------------------------------------------------------------------------------

COMPLETING = [(c.path, o.name, o.complete) for c in PACK_REGISTRY for o in c.options
              if isinstance(o.complete, CardKind)]  # zone names carry no story


def _open_names(kind: CardKind, *at: Progress) -> set[str]:
    return {c.name for c in PACK.cards_of(kind) if all(c.reveal.visible_at(p) for p in at)}


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(target=st.sampled_from(COMPLETING),
       typed=st.one_of(st.just(""), st.sampled_from(WORDS), st.text(max_size=12)),
       club_at=progress, member_at=progress, mode=st.sampled_from(SpoilerMode))
def test_autocomplete_offers_only_names_both_may_see(live, target: tuple[str, str, CardKind],
                                                     typed: str, club_at: Progress,
                                                     member_at: Progress,
                                                     mode: SpoilerMode) -> None:
    """The list is private to the member and names what the channel reply will show."""
    loop, core, club = live
    path, option, kind = target
    loop.run_until_complete(_set(core, club, club_at, member_at, mode))
    offered = loop.run_until_complete(
        core.complete(Invocation(SCOPE, "room", "sam"), path, option, typed))
    assert len(offered) <= 25
    audience = (member_at,) if mode is SpoilerMode.OFF else (member_at, club_at)
    allowed = _open_names(kind, *audience)
    assert set(offered) <= allowed, (path, typed, club_at, member_at, mode)
    if not typed:
        assert set(offered) == allowed


def test_autocomplete_at_every_section_boundary(live) -> None:
    """Exhaustive where the property test samples: empty prefix, every kind, each boundary."""
    loop, core, club = live
    points = [Progress(n, f) for n, f in ((0, 0), (1, 4), (7, 25), (9, 30), (13, 42),
                                          (17, 60), (19, 76), (23, 103), (0, 103), (23, 0))]
    for club_at, member_at in itertools.product(points, points):
        loop.run_until_complete(_set(core, club, club_at, member_at, SpoilerMode.HIDE))
        for path, option, kind in COMPLETING:
            offered = loop.run_until_complete(
                core.complete(Invocation(SCOPE, "room", "sam"), path, option, ""))
            assert set(offered) == _open_names(kind, club_at, member_at), (path, club_at)


# -- discussion nights ---------------------------------------------------------------------------

TARGETS = [*(f"novel {n}" for n in range(1, NOVEL_CHAPTERS + 1)),
           *(f"film {m}" for m in range(1, FILM_MINUTES + 1))]
NIGHT_STEPS = ("/session next", "/session skip", "/session deeper", "/session here",
               "/session list", "/session show", "/session next memory", "/session next love",
               "/club history")


def test_a_target_says_nothing_that_is_not_open_from_the_start() -> None:
    """A night's target is on its card, its thread name, its event and its reminders, all
    read by a club that may not be there yet."""
    for words in TARGETS:
        target = parse_target(words)
        text = target.describe()
        for secret in SECRETS:
            if not secret.reveal.visible_at(Progress()):
                assert not secret.pattern.search(text) if secret.name_only else (
                    secret.text not in text), (words, secret.text)


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(target=st.sampled_from(TARGETS), club_at=progress, member_at=progress,
       mode=st.sampled_from(SpoilerMode),
       steps=st.lists(st.sampled_from(NIGHT_STEPS), min_size=1, max_size=6))
def test_a_night_leaks_nothing_on_any_surface(live, target: str, club_at: Progress,
                                              member_at: Progress, mode: SpoilerMode,
                                              steps: list[str]) -> None:
    """A whole night at any target, from any club progress, with any member: every reply,
    reminder and recap on every surface is cut to whoever reads it."""
    loop, core, club = live
    host = Invocation(SCOPE, "room", "host", is_admin=True)

    async def night() -> list[tuple[Reply, Progress, SpoilerMode]]:
        await _set(core, club, club_at, member_at, mode)
        seen: list[tuple[Reply, Progress, SpoilerMode]] = []

        async def run(who: Invocation, text: str) -> None:
            reply = await core.run_text(who, text)
            if text in ("/session start", "/session end"):  # the night really ran
                assert reply.kind == "ok", (text, reply)
            fresh = await core.store.club(SCOPE, "room")
            assert fresh is not None
            private = reply.visibility is Visibility.PRIVATE
            seen.append((reply, member_at if private else fresh.progress,
                         (SpoilerMode.TAG if mode is SpoilerMode.TAG else SpoilerMode.HIDE)
                         if private else mode))

        made = await core.run_text(host, f"/session schedule {target} at friday 19:30")
        night_id = int(re.search(r"#(\d+)", made.title or "")[1])  # type: ignore[index]
        shown = await core.store.night(night_id)
        assert shown is not None
        fresh = await core.store.club(SCOPE, "room")
        due = Due(0, shown, 1, "room", "leaks", (), fresh.progress, fresh.mode)  # type: ignore[union-attr]
        seen.append((gate(reminder_draft(due, datetime.now(UTC)), fresh.progress,  # type: ignore[union-attr]
                          effective_mode(mode, Visibility.PUBLIC), who="the club"),
                     fresh.progress, mode))  # type: ignore[union-attr]
        await run(host, "/session start")
        for step in steps:
            await run(Invocation(SCOPE, "room", "sam") if step in (
                "/session deeper", "/session here", "/club history") else host, step)
        await run(host, "/session end")
        await run(host, f"/session show {night_id}")
        return seen

    for reply, audience, shown_mode in loop.run_until_complete(night()):
        assert "Traceback" not in render_text(reply)
        check(reply, audience, shown_mode)
