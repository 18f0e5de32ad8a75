"""The spoiler engine: pure decisions about what a reader may see.

``decide`` answers for one part; ``gate`` applies it to every part and field of a draft and
returns the reply adapters may render. Withheld text never leaves this module.
"""

from __future__ import annotations

from enum import StrEnum

from bot.core.clubs import SpoilerMode
from bot.core.reply import Audience, Draft, GatedPart, Part, PartState, Reply, Visibility, Withheld
from bot.core.timeline import Progress, Reveal
from bot.core.work import Timeline


class Decision(StrEnum):
    SHOW = "show"
    TAG = "tag"
    WITHHOLD = "withhold"


def decide(reveal: Reveal, progress: Progress, mode: SpoilerMode) -> Decision:
    if mode is SpoilerMode.OFF or reveal.visible_at(progress):
        return Decision.SHOW
    return Decision.TAG if mode is SpoilerMode.TAG else Decision.WITHHOLD


def effective_mode(channel_mode: SpoilerMode, visibility: Visibility) -> SpoilerMode:
    """``off`` lifts the gate for a club's channel replies only.

    A private reply is always cut to that member's own progress (PRODUCT.md), so there ``off``
    falls back to the default, ``hide``.
    """
    if visibility is Visibility.PRIVATE and channel_mode is SpoilerMode.OFF:
        return SpoilerMode.HIDE
    return channel_mode


def _earliest(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def gate(
    draft: Draft, progress: Progress, mode: SpoilerMode, *, who: str, timeline: Timeline,
    command: str = "",
) -> Reply:
    """The reply this audience may read; ``timeline`` words the points ("opens at chapter 7",
    "cut to chapter 7 finished") in the work's own terms."""
    count = 0
    novel: int | None = None
    film: int | None = None

    def run(parts: tuple[Part, ...]) -> tuple[GatedPart, ...]:
        nonlocal count, novel, film
        kept: list[GatedPart] = []
        for part in parts:
            decision = decide(part.reveal, progress, mode)
            if decision is Decision.WITHHOLD:
                count += 1
                novel = _earliest(novel, part.reveal.novel)
                film = _earliest(film, part.reveal.film)
                continue
            if decision is Decision.TAG:
                # A label can give as much away as the text ("Mara's death"): both go
                # behind the spoiler.
                text = f"{part.label}: {part.text}" if part.label else part.text
                kept.append(GatedPart(text, None, PartState.TAG, part.reveal, part.sources,
                                      timeline.describe_reveal(part.reveal),
                                      point_inside=draft.points_hidden))
            else:
                kept.append(GatedPart(part.text, part.label, PartState.SHOW, None, part.sources))
        return tuple(kept)

    parts = run(draft.parts)
    fields = run(draft.fields)
    return Reply(
        title=draft.title,
        parts=parts,
        fields=fields,
        footer=draft.footer,
        actions=draft.actions,
        visibility=draft.visibility,
        kind=draft.kind,
        withheld=Withheld(count, novel, film, timeline.describe_reveal(
            Reveal(novel=novel, film=film))) if count else None,
        audience=Audience(progress.novel, progress.film, mode, who,
                          timeline.describe(progress)),
        command=command,
        effects=draft.effects,
        picture=draft.picture,
    )
