"""`/session` on the night: the host opens it (`/session start`), brings prompts one at a
time (`/session next`, `/session skip`), members check in (`/session here`) or ask for a deeper
prompt of their own (`/session deeper`), and `/session end` posts the recap."""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from bot.core.agenda import NothingDeepEnough, choose_for_night, deep_enough
from bot.core.call import Call
from bot.core.chart import recap_card
from bot.core.commands.common import mention, require_club
from bot.core.commands.discuss import fits
from bot.core.commands.questions import club_prompts
from bot.core.commands.session_common import (
    find_night,
    night_changes,
    night_work,
    require_current,
    running_night,
    stale,
)
from bot.core.content.model import Card, CardKind, Depth, Prompt
from bot.core.effects import CloseThread, InThread, OpenThread
from bot.core.errors import UserError
from bot.core.night_cards import covers
from bot.core.nights import Answer, Night, NightPrompt, NightStatus, NightTaken, StaleNight, Target
from bot.core.registry import Command, Option, OptionKind
from bot.core.reply import Action, Draft, Part, Visibility
from bot.core.timeline import Medium


async def start(call: Call, night: int | None = None) -> Draft:
    club = require_club(call)
    found = await find_night(call, club, night, (NightStatus.SCHEDULED,))
    require_current(call, found)
    try:
        started = await call.store.start_night(found.id, call.inv.user)
    except NightTaken as err:
        raise UserError(f"Night #{err.running} is running already.",
                        hint="End it with `/session end` before starting another.") from None
    except StaleNight as err:
        raise stale(err) from None
    going = [r.user for r in await call.store.rsvps(started.id) if r.answer is Answer.GOING]
    parts = (
        Part(f"Tonight we discuss {covers(started, call.timeline)}. Replies in this channel are "
             "now cut to that point, so nobody is spoiled."),
        Part("Prompts come one at a time, from warm-up to deep to debate. Hosts: "
             "`/session next` (or the button) for the next one, `/session next THEME` to pick a "
             "theme, `/session skip` to swap one, `/session end` for the recap."),
        Part("Everyone: press **I'm here** (or `/session here`) so the recap knows you came. "
             "Further along than tonight? `/session deeper` gives you a deeper prompt, "
             "privately."),
    )
    fields = (Part(started.wall.stamp(), label="Scheduled for"),
              Part(", ".join(mention(u) for u in going) or "nobody yet", label="Going"))
    thread = OpenThread(started.id, started.name)
    return Draft(
        title=f"{started.name} begins", parts=parts, fields=fields,
        actions=(Action("First prompt", "session next"),
                 Action("I'm here", "session here", private=True)),
        effects=(thread, *night_changes(call, started)))


POOLS_KEPT = 256


def _open_at(call: Call, target: Target, prompts: Iterable[Prompt]) -> list[Prompt]:
    """Prompts open at the night's target and to the channel, for the target's medium."""
    medium = Medium.NOVEL if target.novel is not None else Medium.FILM
    aim = target.progress
    return [p for p in prompts
            if p.reveal.visible_at(aim) and call.sees(p.reveal) and fits(p, medium)]


def _pool(call: Call, target: Target, theme: str | None) -> list[Prompt]:
    """The prompts a night may bring: open at its target and to the channel, for its medium,
    on the theme asked for. The same few nights ask again and again: kept."""
    pools: OrderedDict[tuple[Any, ...], list[Prompt]] = call.deps.kept("night pools")
    key = (call.work.id, target, call.progress, call.mode, theme)
    kept = pools.get(key)
    if kept is not None:
        pools.move_to_end(key)
        return kept
    pool = [p for p in _open_at(call, target, call.content.prompts)
            if theme is None or theme in p.themes]
    pools[key] = pool
    if len(pools) > POOLS_KEPT:
        pools.popitem(last=False)
    return pool


async def next_prompt(call: Call, theme: str | None = None, *, skip: bool = False) -> Draft:
    club = require_club(call)
    night = await running_night(call, club)
    wanted = call.find(CardKind.THEME, theme) if theme else None
    pool = _pool(call, night.target, wanted.id if wanted else None)
    # The club's own questions (no theme) join the pack's, on the same cut as `_pool`.
    own = {p.id: p for p in await club_prompts(call.store, club.id, call.work.id)}
    if own and wanted is None:
        pool = [*pool, *_open_at(call, night.target, own.values())]
    if not pool:
        about = f" on {wanted.name}" if wanted else ""
        raise UserError(f"No prompts{about} are open at tonight's target.",
                        hint="Try `/session next` without a theme." if wanted else None)
    repeated = False

    def choose(used: frozenset[str], shown: tuple[NightPrompt, ...]) -> str | None:
        nonlocal repeated
        chosen, repeated = choose_for_night(pool, used, shown, call.deps.rng.choice, depth_of)
        return chosen

    def depth_of(prompt_id: str) -> Depth | None:
        found = call.content.prompt(prompt_id) or own.get(prompt_id)
        return found.depth if found else None

    try:
        picked, shown = await call.store.take_night_prompt(night.id, club.id, choose,
                                                           skip_last=skip)
    except NothingDeepEnough as err:
        raise _not_deep_enough(call, night.target, wanted, err) from None
    prompt = (call.content.prompt(picked) or own.get(picked)) if picked else None
    assert prompt is not None  # choose always picks from a non-empty pool
    number = sum(1 for p in shown if not p.skipped)
    names = ", ".join(call.content.card(CardKind.THEME, t).name for t in prompt.themes) or (
        "one of the club's own questions")
    footer = f"Prompt {number} tonight · cut to {covers(night, call.timeline)}"
    if repeated:
        footer += " · every prompt open here has been had, so they come round again"
    swapped = skip and len(shown) >= 2 and shown[-2].skipped
    lead = (Part("Skipped; here is another."),) if swapped else ()
    return Draft(
        title=f"Prompt {number} · {prompt.depth.value}",
        parts=(*lead, Part(prompt.text, reveal=prompt.reveal)),
        fields=(Part(names, label="Themes"),),
        footer=footer,
        actions=(Action("Next prompt", "session next"), Action("Skip", "session skip"),
                 Action("Deeper, just for me", "session deeper", private=True)),
        effects=(InThread(night.id, night.thread),))


THEMES_OFFERED = 3


def _not_deep_enough(call: Call, target: Target, wanted: Card | None,
                     err: NothingDeepEnough) -> UserError:
    """Prompts never go back to a shallower one: say so, and name the themes that still have
    one deep enough tonight (only themes this channel and the host may see)."""
    about = f" on {wanted.name}" if wanted else ""
    left = Counter(t for p in _pool(call, target, None)
                   if deep_enough(p, err.floor) and p.id not in err.tonight for t in p.themes)
    cards = (call.content.card(CardKind.THEME, t) for t, _n in left.most_common())
    themes = [c.name for c in cards
              if (wanted is None or c.id != wanted.id) and call.may_name(c.reveal)]
    if themes:
        hint = "These themes still have one: " + ", ".join(
            f"`/session next {name.lower()}`" for name in themes[:THEMES_OFFERED]) + "."
    else:
        hint = ("Every one that deep has come up tonight: `/session end` posts the recap, and "
                "members further along can ask `/session deeper`.")
    return UserError(f"No prompt{about} open at tonight's target is as deep as the last one "
                     f"discussed ({err.floor.value}), and prompts don't go back to shallower "
                     "ones.", hint=hint)


async def skip(call: Call) -> Draft:
    return await next_prompt(call, skip=True)


async def deeper(call: Call) -> Draft:
    club = require_club(call)
    night = await running_night(call, club)
    mine = call.member
    aim = night.target
    # Past tonight: anything open at the member's own progress (either medium) that tonight's
    # target does not open.
    beyond = [p for p in call.content.prompts
              if p.reveal.visible_at(mine) and not p.reveal.visible_at(aim.progress)
              and p.depth is not Depth.WARM_UP]
    if not beyond:
        raise UserError(f"Tonight covers {covers(night, call.timeline)}, and no deeper prompt "
                        "opens at your "
                        "own progress yet, so tonight's prompts are the deepest for you.",
                        hint="Set how far you have got with `/progress`.")
    chosen = call.deps.rng.choice(beyond)
    return Draft(
        title=f"A deeper prompt, just for you · {chosen.depth.value}",
        parts=(Part(chosen.text, reveal=chosen.reveal),),
        footer="It goes past tonight's target: keep it out of the thread.",
        visibility=Visibility.PRIVATE)


async def here(call: Call) -> Draft:
    club = require_club(call)
    night = await running_night(call, club)
    fresh = await call.store.check_in(night.id, call.inv.user)
    text = (f"Welcome, {mention(call.inv.user)}: you're down as here for {night.name}."
            if fresh else f"You're already down as here for {night.name}.")
    return Draft(parts=(Part(text),), visibility=Visibility.PRIVATE)


async def end(call: Call) -> Draft:
    club = require_club(call)
    night = await running_night(call, club)
    try:
        ended = await call.store.end_night(night.id)
    except StaleNight as err:
        raise stale(err) from None
    draft = await recap(call, ended)
    return replace(draft, effects=(CloseThread(ended.id, ended.thread),
                                   *night_changes(call, ended)))


async def recap(call: Call, night: Night) -> Draft:
    """The record of a night that has ended: what was discussed and who came. The prompts
    are shown for the work the reply is cut to; a night about another work says where."""
    shown = await call.store.night_prompts(night.id)
    came = [r.user for r in await call.store.rsvps(night.id) if r.here]
    ours = night.work == call.work.id
    own = ({p.id: p for p in await club_prompts(call.store, night.club_id, night.work)}
           if ours else {})
    discussed: list[Part] = []
    prompts: list[Prompt] = []
    for n, item in enumerate((p for p in shown if not p.skipped), start=1):
        prompt = (call.content.prompt(item.prompt_id) or own.get(item.prompt_id)) if ours \
            else None
        if prompt is not None:
            prompts.append(prompt)
            discussed.append(Part(prompt.text, label=f"{n} · {prompt.depth.value}",
                                  reveal=prompt.reveal))
    count = sum(1 for p in shown if not p.skipped)
    skipped = sum(1 for p in shown if p.skipped)
    work = night_work(call, night)
    lead = Part(f"{night.name} discussed {covers(night, work.timeline)} ({night.wall.stamp()}). "
                f"{count} prompt{'s' if count != 1 else ''} discussed"
                + (f", {skipped} skipped" if skipped else "") + ".")
    if not ours:
        lead = Part(f"{lead.text} It was about {work.title}: its prompts are in "
                    f"`/session show {night.id} work:{work.id}`.")
    fields = (Part(", ".join(mention(u) for u in came) or "nobody checked in",
                   label=f"Who came ({len(came)})"),)
    club = call.ctx.club
    card = (recap_card(call, night, work.title, prompts, len(came))
            if club is not None and club.images else None)
    return Draft(title=f"Recap: {night.name}", parts=(lead, *discussed), fields=fields,
                 footer="Past nights: `/club history`.", picture=card)


# -- declarations (in the `session` group, declared in session.py) --------------------------

_NIGHT = Option("night", "The night's number (default: the next one)", OptionKind.INT,
                required=False, min=1, max=2**31 - 1)
COMMANDS = (
    Command("session", "start", "Hosts: open a night: a thread, the agenda, the club's progress",
            start, (_NIGHT,), host_only=True, moves_audience=True,
            examples=("/session start",)),
    Command("session", "next", "Hosts: the next prompt of the night", next_prompt,
            (Option("theme", "A theme to pick from", OptionKind.NAME, required=False,
                    complete=CardKind.THEME, max_length=100),),
            host_only=True, examples=("/session next", "/session next memory")),
    Command("session", "here", "On the night: say you are here, for the recap", here,
            private=True, examples=("/session here",)),
    Command("session", "deeper", "On the night: a deeper prompt for you alone, if you are "
            "further along", deeper, private=True, examples=("/session deeper",)),
    Command("session", "skip", "Hosts: skip this prompt for another", skip, host_only=True,
            examples=("/session skip",)),
    Command("session", "end", "Hosts: end the night and post the recap", end, host_only=True,
            moves_audience=True,
            examples=("/session end",)),
)
