"""No spoiler leaks: property tests over all content and all progress points of every installed
work, on every surface (card replies, listings, search hits, prompts, "did you mean" hints,
errors, titles, footers)."""

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
from bot.app import load_library, open_core
from bot.core.clubs import Club, Scope, SpoilerMode, followed
from bot.core.commands import build_registry
from bot.core.content import CardKind, Content
from bot.core.library import Work
from bot.core.nights import Due, parse_target
from bot.core.reply import Draft, Part, PartState, Reply, Visibility
from bot.core.scheduler import reminder_draft
from bot.core.service import Core, Invocation
from bot.core.spoilers import Decision, decide, effective_mode, gate
from bot.core.timeline import Medium, Progress, Reveal
from bot.core.work import Timeline

ROOT = Path(__file__).resolve().parent.parent
SCOPE = Scope("test", "leaks")
LIBRARY = load_library(ROOT)
WORKS = [w.id for w in LIBRARY]
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


COMMAND_FOR = {CardKind.CHARACTER: "character", CardKind.SETTING: "setting",
               CardKind.TERM: "glossary", CardKind.THEME: "theme",
               CardKind.DIFFERENCE: "compare"}


# Questions about the first work's turning points; every work also gets questions about each of
# its characters and places.
FIRST_WORK_ASKS = ("does tommy die", "do deferrals exist", "what is a possible", "who is madame",
                   "what happens to ruth", "what was the gallery for", "why does madame cry",
                   "what is morningdale", "is the man in the opening tommy", "organ donation",
                   "are they clones", "who is ruths possible", "what happens at the end",
                   "who looks after tommy", "when does ruth complete", "what is the secret")


def lines(pack: Content, *, typos: bool = True) -> list[str]:
    asks = [*FIRST_WORK_ASKS] if pack.work.default else []
    for card in pack.cards_of(CardKind.CHARACTER)[:8]:
        asks += [f"what happens to {card.name}", f"does {card.name} die",
                 f"who is {card.name}"]
    for card in pack.cards_of(CardKind.SETTING)[:4]:
        asks.append(f"what happened at {card.name}")
    out = ["/theme", "/compare", "/prompt", "/help", "/about", *(f"/ask {q}" for q in asks)]
    out += [f"/film {t}" for t in ("cast", "crew", "release", "reception", "awards",
                                   "locations", "watch")]
    out += [f"/book {t}" for t in ("about", "structure", "honours")]
    for kind, cards in pack.cards.items():
        for card in cards:
            names = [card.name, *(a.name for a in card.aliases)]
            out += [f"/{COMMAND_FOR[kind]} {n}" for n in names]
            if typos:
                out += [f"/{COMMAND_FOR[kind]} {n[:-1]}" for n in names if len(n) > 4]
            if kind is CardKind.THEME:
                out.append(f"/prompt {card.name}")
    return out


@dataclass(frozen=True, eq=False)
class Leaks:
    """What one work holds back, and the lines that might give it away."""

    work: Work
    secrets: list[Secret]
    lines: list[str]
    words: list[str]
    sweep: list[str]  # the lines without their typos, for the deterministic sweeps

    @property
    def timeline(self) -> Timeline:
        return self.work.timeline


def _leaks(work: Work) -> Leaks:
    found = secrets(work.content)
    return Leaks(work, found, lines(work.content),
                 sorted({w for s in found for w in re.findall(r"[A-Za-z]{4,}", s.text)}),
                 lines(work.content, typos=False))


LEAKS = {w.id: _leaks(w) for w in LIBRARY}
# The most a timeline runs to among the works; each test keeps within its own work's ends.
MOST = Progress(max(w.timeline.book.count for w in LIBRARY),
                max(w.timeline.minutes for w in LIBRARY))


def within(progress: Progress, timeline: Timeline) -> Progress:
    return Progress(min(progress.novel, timeline.book.count),
                    min(progress.film, timeline.minutes))


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


class Haystack:
    """A rendered text that answers `needle in haystack` quickly for many needles: a needle's
    first WINDOW characters are looked up among the text's windows before the full search."""

    WINDOW = 24

    def __init__(self, text: str) -> None:
        self.text = text
        n = self.WINDOW
        self.windows = {text[i:i + n] for i in range(max(0, len(text) - n + 1))}

    def __contains__(self, needle: str) -> bool:
        if len(needle) < self.WINDOW:
            return needle in self.text
        return needle[:self.WINDOW] in self.windows and needle in self.text


def check(reply: Reply, audience: Progress, mode: SpoilerMode, leaks: Leaks,
          typed: str = "") -> None:
    on_discord, discord_plain = discord_surfaces(reply)
    on_slack = Haystack(slack_surface(reply))
    console = render_text(reply)
    rendered = Haystack("\n".join((console, render_json(reply, split_line("/x")), on_discord)))
    shown = [p for p in (*reply.parts, *reply.fields) if p.state is PartState.SHOW]
    chrome = Haystack("\n".join(t for t in (reply.title, reply.footer, *reply.sources,
                                            *(a.label for a in reply.actions)) if t))
    plain = Haystack(discord_plain)
    shown_text = Haystack("\n".join(p.text for p in shown))
    tagged_text = Haystack("\n".join(p.text for p in reply.parts if p.state is PartState.TAG))
    errors = "\n".join(reply.texts()) if reply.kind == "error" else ""
    for secret in leaks.secrets:
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
            if errors:
                assert not pattern.search(errors), where
            continue
        # Slack shows a tagged part only as a Reveal button, so in no mode is it sent there.
        assert secret.text not in on_slack and slack_escape(secret.text) not in on_slack, where
        if mode is SpoilerMode.HIDE:
            assert secret.text not in rendered, where
        else:  # tag: it may appear, but only inside a tagged part
            assert secret.text not in chrome, where
            assert secret.text not in plain, where
            assert secret.text not in shown_text, where
            if secret.text in rendered:
                assert f"||{secret.text}" in console or secret.text in tagged_text, where
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

def all_progress(timeline: Timeline) -> Iterator[Progress]:
    for novel, film in itertools.product(range(timeline.book.count + 1),
                                         range(timeline.minutes + 1)):
        yield Progress(novel, film)


@pytest.mark.parametrize("work", WORKS)
def test_engine_over_every_card_and_every_progress_point(work: str) -> None:
    pack = LEAKS[work].work.content
    timeline = pack.work.timeline
    drafts = [
        Draft(title=card.name,
              parts=tuple(Part(p.text, label=p.label, reveal=p.reveal) for p in card.parts))
        for cards in pack.cards.values() for card in cards
    ]
    assert drafts
    for progress in all_progress(timeline):
        for draft in drafts:
            for mode in SpoilerMode:
                reply = gate(draft, progress, mode, who="test", timeline=timeline)
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


@given(novel=st.integers(0, MOST.novel), film=st.integers(0, MOST.film),
       point_novel=st.one_of(st.none(), st.integers(1, MOST.novel)),
       point_film=st.one_of(st.none(), st.integers(1, MOST.film)),
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

Live = tuple[asyncio.AbstractEventLoop, Core, Club, Leaks]


@pytest.fixture(scope="module", params=WORKS)
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Live]:
    """A club reading one of the works (each test runs for every installed work)."""
    loop = asyncio.new_event_loop()
    manager = open_core(tmp_path_factory.mktemp("leaks") / "club.db", library=LIBRARY,
                        rng=random.Random(3), clock=lambda: MONDAY_NOON)
    core = loop.run_until_complete(manager.__aenter__())
    club = loop.run_until_complete(
        core.store.create_club(SCOPE, "room", medium=Medium.BOTH, tz="UTC", host="host",
                               work=request.param))
    try:
        yield loop, core, club, LEAKS[request.param]
    finally:
        loop.run_until_complete(manager.__aexit__(None, None, None))
        loop.close()


async def _set(core: Core, club: Club, club_at: Progress, member_at: Progress,
               mode: SpoilerMode) -> None:
    await core.store.set_club_progress(club.id, club.work, novel=club_at.novel,
                                       film=club_at.film)
    await core.store.set_spoiler_mode(club.id, mode)
    await core.store.set_member_progress(SCOPE, "sam", club.work, novel=member_at.novel,
                                         film=member_at.film)


async def _run(core: Core, club: Club, line: str, club_at: Progress, member_at: Progress,
               mode: SpoilerMode, private: bool) -> Reply:
    await _set(core, club, club_at, member_at, mode)
    return await core.run_text(Invocation(SCOPE, "room", "sam", private=private), line)


progress = st.builds(Progress, st.integers(0, MOST.novel), st.integers(0, MOST.film))
ALL_LINES = sorted({x for leaks in LEAKS.values() for x in leaks.lines})
ALL_WORDS = sorted({x for leaks in LEAKS.values() for x in leaks.words})
line = st.one_of(
    st.sampled_from(ALL_LINES),
    st.sampled_from(ALL_WORDS).map(lambda w: f"/search {w}"),
    st.lists(st.sampled_from(ALL_WORDS), min_size=2, max_size=3).map(
        lambda ws: "/search " + " ".join(ws)),
    st.sampled_from(ALL_WORDS).map(lambda w: f"/character {w}"),
    st.sampled_from(ALL_WORDS).map(lambda w: f"/glossary {w}"),
    st.sampled_from(ALL_WORDS).map(lambda w: f"/ask what happens to {w}"),
    st.text(min_size=1, max_size=30).map(lambda t: f"/theme {t}"),
)


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(line=line, club_at=progress, member_at=progress, mode=st.sampled_from(SpoilerMode),
       private=st.booleans())
def test_no_reply_leaks_on_any_surface(live, line: str, club_at: Progress, member_at: Progress,
                                       mode: SpoilerMode, private: bool) -> None:
    loop, core, club, leaks = live
    club_at, member_at = within(club_at, leaks.timeline), within(member_at, leaks.timeline)
    reply = loop.run_until_complete(_run(core, club, line, club_at, member_at, mode, private))
    assert "Traceback" not in render_text(reply)
    if reply.visibility is Visibility.PRIVATE:
        # Private replies (and every error) are cut to the member; `off` does not apply there.
        check(reply, member_at, SpoilerMode.TAG if mode is SpoilerMode.TAG else SpoilerMode.HIDE,
              leaks, line)
    else:
        check(reply, club_at, mode, leaks, line)


BOUNDARIES = 14


def boundaries(timeline: Timeline) -> list[Progress]:
    """The start, the end, and both sides of every part and film stretch edge."""
    book = sorted({0, timeline.book.count, *(p.first for p in timeline.book.parts),
                   *(p.last for p in timeline.book.parts), *(p.first - 1 for p in
                                                             timeline.book.parts)} - {-1})
    film = timeline.film
    minutes = sorted({0, timeline.minutes, *(x for s in (film.stretches if film else ())
                                             for x in (s.first, s.last - 1, s.named_from,
                                                       max(0, s.named_from - 1)))})
    points = [Progress(n, m) for n, m in itertools.zip_longest(book, minutes, fillvalue=0)]
    points = [*points, Progress(timeline.book.count, 0), Progress(0, timeline.minutes)]
    # A sweep runs every line at each point in each mode: fourteen points, the ends included,
    # spread over the edges, keep it to a minute for a work.
    step = max(1, len(points) // (BOUNDARIES - 2))
    return sorted({*points[::step], points[-2], points[-1]}, key=points.index)[:BOUNDARIES]


def test_every_line_at_every_section_boundary(live) -> None:
    """Deterministic sweep: each command at the start, each part and section edge, the end."""
    loop, core, club, leaks = live
    member = Progress()
    for p in boundaries(leaks.timeline):
        # `off` shows everything in the channel; the property test covers it.
        for mode in (SpoilerMode.HIDE, SpoilerMode.TAG):
            loop.run_until_complete(_set(core, club, p, member, mode))
            for text in leaks.sweep:
                reply = loop.run_until_complete(
                    core.run_text(Invocation(SCOPE, "room", "sam"), text))
                if reply.visibility is Visibility.PRIVATE:
                    check(reply, member, SpoilerMode.HIDE, leaks, text)
                else:
                    check(reply, p, mode, leaks, text)


def test_help_names_no_card_that_is_not_open_from_the_start() -> None:
    """Command and option descriptions and examples are read by everyone, at any progress."""
    registry = PACK_REGISTRY
    words = [g.description for g in registry.groups()]
    for command in registry:
        words += [command.description, *command.examples]
        words += [o.description for o in command.options]
    text = "\n".join(words)
    for leaks in LEAKS.values():
        for secret in leaks.secrets:
            if secret.name_only:
                assert not secret.pattern.search(text), secret.text


# -- autocomplete ---------------------------------------------------------------------------------

COMPLETING = [(c.path, o.name, o.complete) for c in PACK_REGISTRY for o in c.options
              if isinstance(o.complete, CardKind)]  # zone names carry no story


def _open_names(pack: Content, kind: CardKind, *at: Progress) -> set[str]:
    return {c.name for c in pack.cards_of(kind) if all(c.reveal.visible_at(p) for p in at)}


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(target=st.sampled_from(COMPLETING),
       typed=st.one_of(st.just(""), st.sampled_from(ALL_WORDS), st.text(max_size=12)),
       club_at=progress, member_at=progress, mode=st.sampled_from(SpoilerMode))
def test_autocomplete_offers_only_names_both_may_see(live, target: tuple[str, str, CardKind],
                                                     typed: str, club_at: Progress,
                                                     member_at: Progress,
                                                     mode: SpoilerMode) -> None:
    """The list is private to the member and names what the channel reply will show."""
    loop, core, club, leaks = live
    path, option, kind = target
    club_at, member_at = within(club_at, leaks.timeline), within(member_at, leaks.timeline)
    loop.run_until_complete(_set(core, club, club_at, member_at, mode))
    offered = loop.run_until_complete(
        core.complete(Invocation(SCOPE, "room", "sam"), path, option, typed))
    assert len(offered) <= 25
    audience = (member_at,) if mode is SpoilerMode.OFF else (member_at, club_at)
    allowed = _open_names(leaks.work.content, kind, *audience)
    assert set(offered) <= allowed, (path, typed, club_at, member_at, mode)
    if not typed:
        assert set(offered) == allowed


def test_autocomplete_at_every_section_boundary(live) -> None:
    """Exhaustive where the property test samples: empty prefix, every kind, each boundary."""
    loop, core, club, leaks = live
    points = boundaries(leaks.timeline)
    for club_at, member_at in itertools.product(points, points):
        loop.run_until_complete(_set(core, club, club_at, member_at, SpoilerMode.HIDE))
        for path, option, kind in COMPLETING:
            offered = loop.run_until_complete(
                core.complete(Invocation(SCOPE, "room", "sam"), path, option, ""))
            assert set(offered) == _open_names(leaks.work.content, kind, club_at, member_at), (
                path, club_at)


# -- discussion nights ---------------------------------------------------------------------------

def targets(timeline: Timeline) -> list[str]:
    return [*(f"novel {n}" for n in range(1, timeline.book.count + 1)),
            *(f"film {m}" for m in range(1, timeline.minutes + 1))]


ALL_TARGETS = [(w, t) for w, leaks in LEAKS.items() for t in targets(leaks.timeline)]
NIGHT_STEPS = ("/session next", "/session skip", "/session deeper", "/session here",
               "/session list", "/session show", "/session next memory", "/session next love",
               "/club history")


def test_a_target_says_nothing_that_is_not_open_from_the_start() -> None:
    """A night's target is on its card, its thread name, its event and its reminders, all
    read by a club that may not be there yet."""
    for work, words in ALL_TARGETS:
        timeline = LEAKS[work].timeline
        target = parse_target(words, timeline)
        text = timeline.describe_target(target.novel, target.film)
        for secret in LEAKS[work].secrets:
            if not secret.reveal.visible_at(Progress()):
                assert not secret.pattern.search(text) if secret.name_only else (
                    secret.text not in text), (words, secret.text)


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(target=st.integers(0, 10_000), club_at=progress, member_at=progress,
       mode=st.sampled_from(SpoilerMode),
       steps=st.lists(st.sampled_from(NIGHT_STEPS), min_size=1, max_size=6))
def test_a_night_leaks_nothing_on_any_surface(live, target: int, club_at: Progress,
                                              member_at: Progress, mode: SpoilerMode,
                                              steps: list[str]) -> None:
    """A whole night at any target, from any club progress, with any member: every reply,
    reminder and recap on every surface is cut to whoever reads it."""
    loop, core, club, leaks = live
    host = Invocation(SCOPE, "room", "host", is_admin=True)
    club_at, member_at = within(club_at, leaks.timeline), within(member_at, leaks.timeline)
    aims = targets(leaks.timeline)
    aim = aims[target % len(aims)]

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

        made = await core.run_text(host, f"/session schedule {aim} at friday 19:30")
        night_id = int(re.search(r"#(\d+)", made.title or "")[1])  # type: ignore[index]
        shown = await core.store.night(night_id)
        assert shown is not None
        fresh = await core.store.club(SCOPE, "room")
        due = Due(0, shown, 1, "room", "leaks", (), fresh.progress, fresh.mode, fresh.medium)  # type: ignore[union-attr]
        timeline = leaks.timeline
        seen.append((gate(reminder_draft(due, datetime.now(UTC), timeline), fresh.progress,  # type: ignore[union-attr]
                          effective_mode(mode, Visibility.PUBLIC), who="the club",
                          timeline=timeline),
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
        check(reply, audience, shown_mode, leaks)


# -- a club's own media ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def one_medium(live) -> dict[Medium, Club]:
    """A novel club and a film club beside the live one. Their rows are given progress on
    both timelines through the store (as rows written before the rule could have it): their
    channels must be cut to their own medium alone."""
    loop, core, _club, leaks = live
    return {medium: loop.run_until_complete(core.store.create_club(
        SCOPE, f"room-{medium.value}", medium=medium, tz="UTC", host="host",
        work=leaks.work.id))
        for medium in (Medium.NOVEL, Medium.FILM)}


def _in_medium(live, clubs: dict[Medium, Club], medium: Medium, line: str, club_at: Progress,
               mode: SpoilerMode) -> tuple[Reply, Progress]:
    loop, core, _club, _leaks = live
    club = clubs[medium]
    loop.run_until_complete(_set(core, club, club_at, Progress(), mode))
    reply = loop.run_until_complete(
        core.run_text(Invocation(SCOPE, club.channel, "sam"), line))
    return reply, followed(club_at, medium)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(line=line, medium=st.sampled_from((Medium.NOVEL, Medium.FILM)), club_at=progress,
       mode=st.sampled_from(SpoilerMode))
def test_a_clubs_channel_is_cut_to_its_own_media(live, one_medium, line: str, medium: Medium,
                                                 club_at: Progress, mode: SpoilerMode) -> None:
    """A film club's channel reply ignores whatever its row says of the novel, and the
    reverse: the audience is the club's progress on its own medium."""
    leaks = live[3]
    club_at = within(club_at, leaks.timeline)
    reply, audience = _in_medium(live, one_medium, medium, line, club_at, mode)
    if reply.visibility is Visibility.PRIVATE:
        check(reply, Progress(), SpoilerMode.TAG if mode is SpoilerMode.TAG else SpoilerMode.HIDE,
              leaks, line)
    else:
        assert (reply.audience.progress_novel, reply.audience.progress_film) == (
            audience.novel, audience.film)
        check(reply, audience, mode, leaks, line)


def test_each_line_in_a_one_medium_club_that_has_the_other_all_read(live, one_medium) -> None:
    """Deterministic: a film club whose row has finished the novel, and a novel club whose
    row has finished the film, at the start and at points through their own medium."""
    leaks = live[3]
    end = leaks.timeline.end
    for medium, points in (
            (Medium.FILM, [Progress(end.novel, f) for f in (0, end.film // 4, end.film // 2)]),
            (Medium.NOVEL, [Progress(n, end.film) for n in (0, end.novel // 3,
                                                             2 * end.novel // 3)])):
        for at in points:
            for text in leaks.sweep:
                reply, audience = _in_medium(live, one_medium, medium, text, at,
                                             SpoilerMode.HIDE)
                if reply.visibility is Visibility.PUBLIC:
                    check(reply, audience, SpoilerMode.HIDE, leaks, text)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(target=st.sampled_from(COMPLETING), medium=st.sampled_from((Medium.NOVEL, Medium.FILM)),
       typed=st.one_of(st.just(""), st.sampled_from(ALL_WORDS)), club_at=progress)
def test_autocomplete_in_a_one_medium_club(live, one_medium, target: tuple[str, str, CardKind],
                                           medium: Medium, typed: str,
                                           club_at: Progress) -> None:
    loop, core, _club, leaks = live
    path, option, kind = target
    club = one_medium[medium]
    club_at = within(club_at, leaks.timeline)
    loop.run_until_complete(_set(core, club, club_at, leaks.timeline.end, SpoilerMode.HIDE))
    offered = loop.run_until_complete(
        core.complete(Invocation(SCOPE, club.channel, "sam"), path, option, typed))
    assert set(offered) <= _open_names(leaks.work.content, kind, followed(club_at, medium)), (
        medium, club_at)


@pytest.mark.parametrize("medium", [Medium.NOVEL, Medium.FILM])
def test_a_reminder_in_a_one_medium_club_is_cut_to_its_medium(live, one_medium,
                                                              medium: Medium) -> None:
    """The scheduler's post in the channel: its club's progress as the store hands it over
    (``Due``) counts only on the club's medium."""
    loop, core, _club, leaks = live
    club = one_medium[medium]
    end = leaks.timeline.end
    target = f"novel {end.novel}" if medium is Medium.NOVEL else f"film {end.film}"

    async def remind() -> tuple[Due, Reply]:
        await _set(core, club, end, Progress(), SpoilerMode.HIDE)
        made = await core.run_text(Invocation(SCOPE, club.channel, "host", is_admin=True),
                                   f"/session schedule {target} at friday 19:30")
        night = await core.store.night(int(re.search(r"#(\d+)", made.title or "")[1]))  # type: ignore[index]
        assert night is not None
        claimed = await core.store.claim_due("test", 2**40)
        await core.store.finish_reminders([], [d.id for d in claimed])
        due = next(d for d in claimed if d.night.id == night.id)
        await core.run_text(Invocation(SCOPE, club.channel, "host", is_admin=True),
                            f"/session cancel {night.id}")
        return due, gate(reminder_draft(due, datetime.now(UTC), leaks.timeline), due.progress,
                         SpoilerMode.HIDE, who="the club", timeline=leaks.timeline)

    due, reply = loop.run_until_complete(remind())
    assert due.progress == followed(end, medium)
    check(reply, due.progress, SpoilerMode.HIDE, leaks)
