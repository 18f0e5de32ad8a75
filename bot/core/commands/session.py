"""`/session`: discussion nights, from scheduling to the recap.

A host schedules a night (`/session schedule novel 9 at friday 19:30`), members answer
(`/session rsvp going`), the scheduler reminds them, and on the night the host opens it
(`/session start`) and brings prompts one at a time (`/session next`) until `/session end`
posts the recap. Prompts are cut to the night's target, never one the club has had before
(until all are used), and go from warm-up to deep to debate.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.core.clubs import Club
from bot.core.commands.club import mention, require_club
from bot.core.commands.discuss import fits
from bot.core.content.model import CardKind, Depth, Prompt
from bot.core.effects import CloseThread, InThread, NightChanged, OpenThread
from bot.core.errors import BadInput, NotFound, UserError
from bot.core.nights import (
    Answer,
    Night,
    NightPrompt,
    NightStatus,
    NightTaken,
    StaleNight,
    Target,
    parse_target,
)
from bot.core.planning import plan_for, successor
from bot.core.registry import Command, Group, Option, OptionKind, quote
from bot.core.reply import Action, Draft, Part, Visibility
from bot.core.timeline import Medium
from bot.core.when import Repeat, parse_when

if TYPE_CHECKING:

    from bot.core.service import Call

DEPTHS = (Depth.WARM_UP, Depth.DEEP, Depth.DEBATE)
TITLE_MAX = 80
LISTED = 10
_ANSWER_TEXT = {Answer.GOING: "going to", Answer.MAYBE: "a maybe for",
                Answer.NO: "not coming to"}
# A night not started this long after its time is missed: the defaults (`/session start`,
# `/session rsvp going`) and the list pass over it for the next one.
GRACE = timedelta(hours=12)


# -- helpers ---------------------------------------------------------------------------------


def clean_title(text: str | None) -> str | None:
    """A night's title is shown in thread names, event names and notifications: plain words
    only, no markup or mentions, bounded."""
    if text is None:
        return None
    text = re.sub(r"[<>|*_~`\\]", " ", text).replace("@", "")
    text = " ".join(text.split())[:TITLE_MAX].strip()
    return text or None


def _check_medium(club: Club, target: Target) -> None:
    if club.medium is Medium.NOVEL and target.film is not None:
        raise BadInput("This club reads the novel, so its nights cover chapters.",
                       hint="For example `/session schedule novel 9 at friday 19:30`.")
    if club.medium is Medium.FILM and target.novel is not None:
        raise BadInput("This club watches the film, so its nights cover film time.",
                       hint="For example `/session schedule film 45 at friday 19:30`.")


async def _night(call: Call, club: Club, night_id: int | None,
                 statuses: tuple[NightStatus, ...]) -> Night:
    """The night a command means: the one named, or the next one in these states."""
    if night_id is not None:
        night = await call.store.night(night_id)
        if night is None or night.club_id != club.id:
            raise NotFound(f"This club has no night #{night_id}.",
                           hint="See the club's nights with `/session list`.")
        return night
    since = int((call.core.clock() - GRACE).timestamp())
    for status in statuses:  # in the order the command prefers them
        nights = await call.store.club_nights(
            club.id, (status,), limit=1,
            since=since if status is NightStatus.SCHEDULED else None)
        if nights:
            return nights[0]
    raise NotFound("This club has no night scheduled.",
                   hint="A host schedules one with `/session schedule`.")


async def _running(call: Call, club: Club) -> Night:
    nights = await call.store.club_nights(club.id, (NightStatus.RUNNING,), limit=1)
    if not nights:
        raise UserError("No night is running in this club right now.",
                        hint="A host opens one with `/session start`.")
    return nights[0]


def _stale(err: StaleNight) -> UserError:
    if err.status is None:
        return NotFound(f"Night #{err.night_id} is gone.")
    hint = ("End it with `/session end` first." if err.status is NightStatus.RUNNING
            else "See where things stand with `/session list`.")
    return UserError(f"Night #{err.night_id} is {err.status.value} now, so that can't be done.",
                     hint=hint)


def rsvp_actions(night: Night, *, remind: bool = True) -> tuple[Action, ...]:
    """The answer buttons on a night's card (and, without Remind me, on its reminders)."""
    ref = (("night", str(night.id)),)
    answers = (Action("Going", "session rsvp", (("answer", "going"), *ref), private=True),
               Action("Maybe", "session rsvp", (("answer", "maybe"), *ref), private=True),
               Action("Can't come", "session rsvp", (("answer", "no"), *ref), private=True))
    if not remind:
        return answers
    return (*answers,
            Action("Remind me", "session remind", (("setting", "on"), *ref), private=True))


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def night_fields(night: Night) -> tuple[Part, ...]:
    fields = [Part(night.wall.stamp(), label="When"),
              Part(_upper_first(night.target.describe()), label="Covers")]
    if night.repeat:
        fields.append(Part(f"{night.repeat.describe(night.wall.local)}, at "
                           f"{night.wall.local:%H:%M} {night.wall.tz}", label="Repeats"))
    fields.append(Part(night.counts(), label="RSVPs"))
    return tuple(fields)


def night_card(night: Night, title: str, *, lead: str | None = None,
               footer: str | None = None) -> Draft:
    parts = (Part(lead),) if lead else ()
    actions = rsvp_actions(night) if night.status is NightStatus.SCHEDULED else ()
    return Draft(title=f"{title}: {night.name}", parts=parts, fields=night_fields(night),
                 footer=footer, actions=actions)


def _changed(call: Call, *nights: Night) -> tuple[NightChanged, ...]:
    return tuple(NightChanged(n, call.inv.channel) for n in nights)


# -- scheduling ------------------------------------------------------------------------------


async def schedule(call: Call, target: str, when: str, title: str | None = None,
                   repeat: str | None = None) -> Draft:
    club = require_club(call)
    if club.archived:
        raise UserError("This club is archived, so it schedules no new nights.",
                        hint="A host can reopen it with `/club reopen`.")
    aim = parse_target(target)
    _check_medium(club, aim)
    now = call.core.clock()
    wall = parse_when(when, club.tz, now)
    plan = plan_for(club, title=clean_title(title), target=aim, wall=wall,
                    repeat=Repeat(repeat) if repeat else None, created_by=call.inv.user,
                    now=now)
    night = await call.store.add_night(club.id, plan)
    reminders = ", ".join(f"{h} h" for h, _ in plan.reminders) or "none"
    draft = night_card(night, "Night scheduled",
                       lead="Members: say whether you can come with the buttons or "
                            f"`/session rsvp going {night.id}`.",
                       footer=f"Reminders before it: {reminders}. Discord and Slack show "
                              "each member the time in their own zone.")
    return replace(draft, effects=_changed(call, night))


async def list_nights(call: Call) -> Draft:
    club = require_club(call)
    since = int((call.core.clock() - GRACE).timestamp())
    nights = (*await call.store.club_nights(club.id, (NightStatus.RUNNING,), limit=1),
              *await call.store.club_nights(club.id, (NightStatus.SCHEDULED,), limit=LISTED,
                                            since=since))
    if not nights:
        return Draft(title="Discussion nights",
                     parts=(Part("No nights are scheduled. A host schedules one with "
                                 "`/session schedule novel 9 at friday 19:30`."),))
    parts = tuple(
        Part(f"{n.wall.stamp()} · covers {n.target.describe()} · {n.counts()}"
             + (" · **running now**" if n.status is NightStatus.RUNNING else ""),
             label=n.name)
        for n in nights)
    return Draft(title="Discussion nights", parts=parts,
                 footer="RSVP with `/session rsvp going ID`; details with `/session show ID`.")


async def show(call: Call, night: int | None = None) -> Draft:
    club = require_club(call)
    found = await _night(call, club, night, (NightStatus.RUNNING, NightStatus.SCHEDULED))
    if found.status is NightStatus.ENDED:
        return await recap(call, found)
    heading = {NightStatus.SCHEDULED: "Coming up", NightStatus.RUNNING: "Running now",
               NightStatus.CANCELLED: "Cancelled"}[found.status]
    return night_card(found, heading)


async def edit(call: Call, night: int, target: str | None = None, when: str | None = None,
               title: str | None = None, repeat: str | None = None) -> Draft:
    club = require_club(call)
    old = await _night(call, club, night, ())
    if old.status is not NightStatus.SCHEDULED:
        raise _stale(StaleNight(old.id, old.status))
    if target is None and when is None and title is None and repeat is None:
        raise BadInput("Say what to change: `target`, `at`, `title` or `repeat`.",
                       hint=f"For example `/session edit {old.id} at saturday 19:00`.")
    now = call.core.clock()
    aim = parse_target(target) if target else old.target
    _check_medium(club, aim)
    # A time alone keeps the night's day: `/session edit 3 at 20:00`.
    wall = parse_when(when, club.tz, now, on=old.wall.local.date()) if when else old.wall
    repeats = old.repeat if repeat is None else (None if repeat == "never" else Repeat(repeat))
    named = old.title if title is None else clean_title(title)
    plan = plan_for(club, title=named, target=aim, wall=wall, repeat=repeats,
                    created_by=old.created_by, now=now)
    try:
        changed = await call.store.edit_night(old.id, plan)
    except StaleNight as err:
        raise _stale(err) from None
    draft = night_card(changed, "Night changed",
                       lead="Members who answered keep their answer; check it still suits.")
    return replace(draft, effects=_changed(call, changed))


async def cancel(call: Call, night: int, series: str | None = None) -> Draft:
    club = require_club(call)
    old = await _night(call, club, night, ())
    next_plan = None if series else successor(club, old, call.core.clock())
    # The series may have made its next night already (it does when a night's time comes):
    # stopping the series stops that one repeating too.
    made = await _made_next(call, club, old) if series and old.repeat else None
    try:
        cancelled = await call.store.cancel_night(old.id, next_plan,
                                                  end_series=made.id if made else None)
    except StaleNight as err:
        raise _stale(err) from None
    effects = list(_changed(call, cancelled))
    lines = [f"{cancelled.name} on {cancelled.wall.stamp()} is cancelled."]
    if next_plan is not None:
        upcoming = await call.store.club_nights(club.id, (NightStatus.SCHEDULED,), limit=LISTED)
        following = next((n for n in upcoming if n.wall == next_plan.wall), None)
        if following is not None:
            effects.extend(_changed(call, following))
            lines.append(f"The series goes on: next is {following.name} on "
                         f"{following.wall.stamp()}. To stop it, "
                         f"`/session cancel {following.id} series`.")
    elif old.repeat:
        lines.append("The series is stopped: no more nights will be made from it."
                     + (f" {made.name} on {made.wall.stamp()} stays, once, without repeating."
                        if made else ""))
    return Draft(title="Night cancelled", parts=tuple(Part(x) for x in lines),
                 effects=tuple(effects))


async def _made_next(call: Call, club: Club, night: Night) -> Night | None:
    """The night its series made after ``night``, if it has made it."""
    if night.repeat is None:
        return None
    expected = night.wall.shifted(night.repeat)
    for other in await call.store.club_nights(club.id, (NightStatus.SCHEDULED,), limit=LISTED,
                                              since=night.wall.timestamp() + 1):
        if (other.repeat is night.repeat and other.target == night.target
                and other.title == night.title and other.wall.local >= expected.local):
            return other
    return None


# -- RSVPs -----------------------------------------------------------------------------------


async def rsvp(call: Call, answer: str, night: int | None = None) -> Draft:
    club = require_club(call)
    found = await _night(call, club, night, (NightStatus.SCHEDULED, NightStatus.RUNNING))
    if found.status not in (NightStatus.SCHEDULED, NightStatus.RUNNING):
        raise _stale(StaleNight(found.id, found.status))
    chosen = Answer(answer)
    updated = await call.store.rsvp(found.id, call.inv.user, chosen)
    lines = [f"You're {_ANSWER_TEXT[chosen]} {updated.name} on {updated.wall.stamp()}.",
             f"Now: {updated.counts()}."]
    actions: tuple[Action, ...] = ()
    if chosen is Answer.GOING:
        lines.append("Want a private reminder before it? `/session remind on` or the button.")
        actions = (Action("Remind me", "session remind",
                          (("setting", "on"), ("night", str(updated.id))), private=True),)
    return Draft(title="Your RSVP", parts=tuple(Part(x) for x in lines), actions=actions,
                 visibility=Visibility.PRIVATE)


async def remind(call: Call, setting: str, night: int | None = None) -> Draft:
    club = require_club(call)
    found = await _night(call, club, night, (NightStatus.SCHEDULED,))
    if found.status is not NightStatus.SCHEDULED:
        raise _stale(StaleNight(found.id, found.status))
    on = setting == "on"
    if not on:
        await call.store.set_remind(found.id, call.inv.user, False)
        return Draft(title="Reminders", parts=(Part(f"No private reminders for {found.name}."),),
                     visibility=Visibility.PRIVATE)
    now = call.core.clock()
    ahead = [h for h in club.reminders if found.wall.before(h) > now]
    if not ahead:
        why = ("This club has no reminders set (a host sets them with `/club reminders`)."
               if not club.reminders else f"{found.name} is too close for its reminders.")
        raise UserError(why, hint=f"It starts {found.wall.stamp()}.")
    mine = next((r for r in await call.store.rsvps(found.id) if r.user == call.inv.user), None)
    if mine is not None and mine.answer in (Answer.NO, Answer.MAYBE):
        raise UserError(f"You answered {mine.answer.value} for {found.name}, and reminders go "
                        "to members who are going.",
                        hint=f"Say you're going with `/session rsvp going {found.id}`.")
    await call.store.set_remind(found.id, call.inv.user, True)
    hours = ", ".join(f"{h} h" for h in ahead)
    return Draft(title="Reminders", parts=(Part(
        f"I'll remind you privately before {found.name} ({hours} before). You're down as "
        "going."),), visibility=Visibility.PRIVATE)


# -- the night -------------------------------------------------------------------------------


async def start(call: Call, night: int | None = None) -> Draft:
    club = require_club(call)
    found = await _night(call, club, night, (NightStatus.SCHEDULED,))
    try:
        started = await call.store.start_night(found.id, call.inv.user)
    except NightTaken as err:
        raise UserError(f"Night #{err.running} is running already.",
                        hint="End it with `/session end` before starting another.") from None
    except StaleNight as err:
        raise _stale(err) from None
    going = [r.user for r in await call.store.rsvps(started.id) if r.answer is Answer.GOING]
    parts = (
        Part(f"Tonight we discuss {started.target.describe()}. Replies in this channel are now "
             "cut to that point, so nobody is spoiled."),
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
        effects=(thread, *_changed(call, started)))


def _stage(shown: tuple[NightPrompt, ...]) -> Depth:
    """Where the night is: the first prompt warms up, the next three go deep, then debate."""
    done = sum(1 for p in shown if not p.skipped)
    return Depth.WARM_UP if done == 0 else Depth.DEEP if done < 4 else Depth.DEBATE


def choose_for_night(pool: list[Prompt], used: frozenset[str],
                     shown: tuple[NightPrompt, ...], pick: Callable[[list[Prompt]], Prompt],
                     depth_of: Callable[[str], Depth | None]) -> tuple[str, bool]:
    """(prompt id, repeated): from ``pool`` (already cut to the night), one the club has not had,
    at the depth the night has reached, never shallower than the last one discussed (whatever
    its theme). When the club has had them all, the round starts again with those not yet
    brought tonight; when tonight has had them all, the one brought longest ago comes back."""
    tonight = [p.prompt_id for p in shown]
    discussed = [d for p in shown if not p.skipped and (d := depth_of(p.prompt_id))]
    floor = DEPTHS.index(discussed[-1]) if discussed else 0
    want = DEPTHS.index(_stage(shown))
    order = [*DEPTHS[max(want, floor):], *reversed(DEPTHS[:max(want, floor)])]
    fresh = [p for p in pool if p.id not in used and p.id not in tonight]
    repeated = not fresh
    if repeated:  # every prompt open here has been had: start the round again
        fresh = [p for p in pool if p.id not in tonight]
    if not fresh:  # and tonight has had every one: the longest ago, never the last again
        seen = {p.id: p for p in pool}
        oldest = next((i for i in tonight if i in seen and i != tonight[-1]), None)
        return (oldest or pool[0].id), True
    for depth in order:
        at = [p for p in fresh if p.depth is depth]
        if at:
            return pick(at).id, repeated
    return pick(fresh).id, repeated


POOLS_KEPT = 256


def _pool(call: Call, target: Target, theme: str | None) -> list[Prompt]:
    """The prompts a night may bring: open at its target and to the channel, for its medium,
    on the theme asked for. The same few nights ask again and again: kept."""
    pools: OrderedDict[tuple[Any, ...], list[Prompt]] = call.core.kept("night pools")
    key = (target, call.progress, call.mode, theme)
    kept = pools.get(key)
    if kept is not None:
        pools.move_to_end(key)
        return kept
    medium = Medium.NOVEL if target.novel is not None else Medium.FILM
    aim = target.progress
    pool = [p for p in call.content.prompts
            if p.reveal.visible_at(aim) and call.sees(p.reveal) and fits(p, medium)
            and (theme is None or theme in p.themes)]
    pools[key] = pool
    if len(pools) > POOLS_KEPT:
        pools.popitem(last=False)
    return pool


async def next_prompt(call: Call, theme: str | None = None, *, skip: bool = False) -> Draft:
    club = require_club(call)
    night = await _running(call, club)
    wanted = call.find(CardKind.THEME, theme) if theme else None
    pool = _pool(call, night.target, wanted.id if wanted else None)
    if not pool:
        about = f" on {wanted.name}" if wanted else ""
        raise UserError(f"No prompts{about} are open at tonight's target.",
                        hint="Try `/session next` without a theme." if wanted else None)
    repeated = False

    def choose(used: frozenset[str], shown: tuple[NightPrompt, ...]) -> str | None:
        nonlocal repeated
        chosen, repeated = choose_for_night(pool, used, shown, call.core.rng.choice, depth_of)
        return chosen

    def depth_of(prompt_id: str) -> Depth | None:
        found = call.content.prompt(prompt_id)
        return found.depth if found else None

    picked, shown = await call.store.take_night_prompt(night.id, club.id, choose,
                                                       skip_last=skip)
    prompt = call.content.prompt(picked) if picked else None
    assert prompt is not None  # choose always picks from a non-empty pool
    number = sum(1 for p in shown if not p.skipped)
    names = ", ".join(call.content.card(CardKind.THEME, t).name for t in prompt.themes)
    footer = f"Prompt {number} tonight · cut to {night.target.describe()}"
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


async def skip(call: Call) -> Draft:
    return await next_prompt(call, skip=True)


async def deeper(call: Call) -> Draft:
    club = require_club(call)
    night = await _running(call, club)
    mine = call.ctx.member
    aim = night.target
    # Past tonight: anything open at the member's own progress (either medium) that tonight's
    # target does not open.
    beyond = [p for p in call.content.prompts
              if p.reveal.visible_at(mine) and not p.reveal.visible_at(aim.progress)
              and p.depth is not Depth.WARM_UP]
    if not beyond:
        raise UserError(f"Tonight covers {aim.describe()}, and no deeper prompt opens at your "
                        "own progress yet, so tonight's prompts are the deepest for you.",
                        hint="Set how far you have got with `/progress`.")
    chosen = call.core.rng.choice(beyond)
    return Draft(
        title=f"A deeper prompt, just for you · {chosen.depth.value}",
        parts=(Part(chosen.text, reveal=chosen.reveal),),
        footer="It goes past tonight's target: keep it out of the thread.",
        visibility=Visibility.PRIVATE)


async def here(call: Call) -> Draft:
    club = require_club(call)
    night = await _running(call, club)
    fresh = await call.store.check_in(night.id, call.inv.user)
    text = (f"Welcome, {mention(call.inv.user)}: you're down as here for {night.name}."
            if fresh else f"You're already down as here for {night.name}.")
    return Draft(parts=(Part(text),), visibility=Visibility.PRIVATE)


async def end(call: Call) -> Draft:
    club = require_club(call)
    night = await _running(call, club)
    try:
        ended = await call.store.end_night(night.id)
    except StaleNight as err:
        raise _stale(err) from None
    draft = await recap(call, ended)
    return replace(draft, effects=(CloseThread(ended.id, ended.thread), *_changed(call, ended)))


async def recap(call: Call, night: Night) -> Draft:
    """The record of a night that has ended: what was discussed and who came."""
    shown = await call.store.night_prompts(night.id)
    came = [r.user for r in await call.store.rsvps(night.id) if r.here]
    discussed: list[Part] = []
    for n, item in enumerate((p for p in shown if not p.skipped), start=1):
        prompt = call.content.prompt(item.prompt_id)
        if prompt is not None:
            discussed.append(Part(prompt.text, label=f"{n} · {prompt.depth.value}",
                                  reveal=prompt.reveal))
    skipped = sum(1 for p in shown if p.skipped)
    lead = Part(f"{night.name} discussed {night.target.describe()} ({night.wall.stamp()}). "
                f"{len(discussed)} prompt{'s' if len(discussed) != 1 else ''} discussed"
                + (f", {skipped} skipped" if skipped else "") + ".")
    fields = (Part(", ".join(mention(u) for u in came) or "nobody checked in",
                   label=f"Who came ({len(came)})"),)
    return Draft(title=f"Recap: {night.name}", parts=(lead, *discussed), fields=fields,
                 footer="Past nights: `/club history`.")


# -- text words ------------------------------------------------------------------------------

# A title in double quotes of any kind, guillemets, or single quotes around whole words (so
# an apostrophe inside, as in "Kathy's night", is not taken for one).
_QUOTED = re.compile(r"[\"“”„](.+?)[\"“”]|«\s*(.+?)\s*»|‘(.+?)’|(?:^|(?<=\s))'(.+?)'(?=\s|$)")
_REPEATS = set(Repeat.typed())


def schedule_words(command: Command, words: list[str]) -> dict[str, str]:
    """`TARGET at WHEN ["TITLE"] [weekly|fortnightly|monthly]`."""
    line = " ".join(words)
    usage = f"Usage: `{command.usage()}`"
    out: dict[str, str] = {}
    title = _QUOTED.search(line)
    if title:
        out["title"] = next(g for g in title.groups() if g)
        line = (line[:title.start()] + " " + line[title.end():]).strip()
    parts = line.split()
    if parts and parts[-1].lower() in _REPEATS:
        out["repeat"] = parts.pop().lower()
    lowered = [w.lower() for w in parts]
    if "at" not in lowered:
        raise BadInput("Say when with `at`, after what the night covers.",
                       hint=f"{usage}, for example `/session schedule novel 9 at friday 19:30`.")
    i = lowered.index("at")
    out["target"], out["when"] = " ".join(parts[:i]), " ".join(parts[i + 1:])
    return {k: v for k, v in out.items() if v}


def edit_words(command: Command, words: list[str]) -> dict[str, str]:
    """`ID [target TARGET] [at WHEN] [title "TITLE"] [repeat weekly|...|never]`."""
    if not words:
        raise BadInput("Say which night to change.", hint=f"Usage: `{command.usage()}`")
    out = {"night": words[0]}
    keys = {"target": "target", "at": "when", "title": "title", "repeat": "repeat"}
    current: str | None = None
    for word in words[1:]:
        key = keys.get(word.lower())
        if key is not None and key not in out:
            current = key
            out[key] = ""
            continue
        if current is None:
            raise BadInput(f"I don't know what {quote(word)} changes.",
                           hint=f"Usage: `{command.usage()}`")
        out[current] = f"{out[current]} {word}".strip()
    if "title" in out:
        out["title"] = out["title"].strip("\"“” ")
    for key, value in out.items():
        if not value:
            raise BadInput(f"`{key}` needs a value after it.", hint=f"Usage: `{command.usage()}`")
    return out


# -- declarations ----------------------------------------------------------------------------

_NIGHT = Option("night", "The night's number (default: the next one)", OptionKind.INT,
                required=False, min=1, max=2**31 - 1)
_NIGHT_NEEDED = Option("night", "The night's number", OptionKind.INT, min=1, max=2**31 - 1)
_TARGET_HELP = "How far it goes: novel 9, part 2, film 45, film 1:10, or a film section"
_WHEN_HELP = "When, in the club's time zone: friday 19:30, 2026-12-04 19:30, in 2 hours"

GROUPS = (Group("session", "Discussion nights: schedule, RSVP, and (hosts) run the night"),)
COMMANDS = (
    Command("session", "schedule", "Hosts: schedule a discussion night", schedule,
            (Option("target", _TARGET_HELP, max_length=40, rest=False),
             Option("when", _WHEN_HELP, max_length=60, rest=False),
             Option("title", "A name for the night", required=False, max_length=TITLE_MAX,
                    rest=False),
             Option("repeat", "Repeat the night", OptionKind.CHOICE, required=False,
                    choices=Repeat.typed())),
            host_only=True, words=schedule_words,
            syntax='TARGET at WHEN ["TITLE"] [weekly|fortnightly|monthly]',
            examples=("/session schedule novel 9 at friday 19:30",
                      '/session schedule film 1:00 at saturday 20:00 "Film night" weekly')),
    Command("session", "list", "The club's coming nights", list_nights, default=True,
            examples=("/session list",)),
    Command("session", "show", "One night: when, what it covers, who is coming", show,
            (_NIGHT,), examples=("/session show", "/session show 1")),
    Command("session", "rsvp", "Say whether you are coming", rsvp,
            (Option("answer", "going, maybe or no", OptionKind.CHOICE,
                    choices=tuple(a.value for a in Answer)), _NIGHT),
            private=True, examples=("/session rsvp going", "/session rsvp maybe 2")),
    Command("session", "remind", "A private reminder before a night you are going to", remind,
            (Option("setting", "on or off", OptionKind.CHOICE, choices=("on", "off")), _NIGHT),
            private=True, examples=("/session remind on",)),
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
    Command("session", "edit", "Hosts: change a night's target, time, title or repeat", edit,
            (_NIGHT_NEEDED,
             Option("target", _TARGET_HELP, required=False, max_length=40, rest=False),
             Option("when", _WHEN_HELP, required=False, max_length=60, rest=False),
             Option("title", "A new name", required=False, max_length=TITLE_MAX, rest=False),
             Option("repeat", "Repeat it, or never", OptionKind.CHOICE, required=False,
                    choices=(*Repeat.typed(), "never"))),
            host_only=True, words=edit_words,
            syntax='ID [target TARGET] [at WHEN] [title "TITLE"] [repeat weekly|fortnightly|'
                   'monthly|never]',
            examples=("/session edit 2 at sunday 19:00", "/session edit 2 target novel 12")),
    Command("session", "cancel", "Hosts: cancel a night (add `series` to stop it repeating)",
            cancel,
            (_NIGHT_NEEDED,
             Option("series", "Stop the series too", OptionKind.CHOICE, required=False,
                    choices=("series",))),
            host_only=True, examples=("/session cancel 2", "/session cancel 3 series")),
)
