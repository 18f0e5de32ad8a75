"""Time-zone names: the IANA names a club may use, read as people type them (any case,
`america/new york`), and the nearest names for one that is no zone. No story in them, so
nothing here is gated."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.core.errors import BadInput


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    # Names of places and of fixed zones; not the files that only describe this machine
    # (`localtime`) or tzdata's internals (`posixrules`, `Factory`, `right/...`).
    return frozenset(n for n in available_timezones()
                     if n not in {"localtime", "posixrules", "Factory"}
                     and not n.startswith(("right/", "posix/")))


def suggest_zones(typed: str, limit: int = 25) -> tuple[str, ...]:
    """Zone names for a member typing one (`lond` -> Europe/London): names whose city starts
    with what was typed first, then names that contain it. No story in them, so no gate."""
    wanted = typed.strip().lower().replace(" ", "_")
    names = sorted(_zone_names())
    if not wanted:
        common = ("UTC", "Europe/London", "America/New_York", "America/Chicago",
                  "America/Los_Angeles", "Europe/Paris", "Europe/Berlin", "Asia/Tokyo",
                  "Australia/Sydney")
        return common[:limit]
    city = [n for n in names if n.lower().rsplit("/", 1)[-1].startswith(wanted)
            or n.lower().startswith(wanted)]
    rest = [n for n in names if wanted in n.lower() and n not in city]
    return tuple([*city, *rest][:limit])


_ZONE_EXAMPLE = "Use an IANA name such as `Europe/London` or `America/New_York`."
# Names of UTC itself: shown as `UTC`, the one people know (a machine set to UTC says Etc/UTC).
UTC_NAMES = frozenset({"Etc/UCT", "Etc/UTC", "Etc/Universal", "Etc/Zulu", "UCT", "Universal",
                       "Zulu"})


def _folded(name: str) -> str:
    return "_".join(name.strip().lower().split())


@lru_cache(maxsize=1)
def _by_folded() -> dict[str, str]:
    return {_folded(n): n for n in _zone_names()}  # no two names differ only in case


def zone_named(typed: str) -> str:
    """The IANA name a host meant: `europe/london` and `Europe/London` are one zone (and
    `america/new york` is America/New_York). A name that is no zone is refused with the
    closest names as a hint."""
    found = _by_folded().get(_folded(typed))
    if found is None:
        raise _unknown_zone(typed)
    return "UTC" if found in UTC_NAMES else found


def _unknown_zone(typed: str) -> BadInput:
    shown = "".join(c for c in typed[:40] if c.isprintable() and c not in "`<>@")
    close = [f"`{n}`" for n in closest_zones(typed)]
    hint = (f"Did you mean {', '.join(close[:-1])} or {close[-1]}?" if len(close) > 1
            else f"Did you mean {close[0]}?" if close else _ZONE_EXAMPLE)
    return BadInput(f"`{shown}` is not a time zone I know.", hint=hint)


def closest_zones(typed: str, limit: int = 3) -> tuple[str, ...]:
    """The zone names nearest what was typed: those it starts or is part of (`london`), else
    the nearest spellings of the whole name or of its city (`Europe/Londn`, `lisbn`)."""
    wanted = _folded(typed)[:64]
    if not wanted:
        return ()
    found = suggest_zones(wanted, limit)
    if found:
        return found
    from rapidfuzz import fuzz  # here: only a name that is no zone needs it

    def score(name: str) -> float:
        lowered = name.lower()
        return max(fuzz.ratio(wanted, lowered), fuzz.ratio(wanted, lowered.rsplit("/", 1)[-1]))

    scored = sorted(((score(n), n) for n in _zone_names()), key=lambda p: (-p[0], p[1]))
    best = scored[0][0]
    # Only names about as near as the nearest: a close typo gets one answer, not three.
    return tuple(n for s, n in scored[:limit] if s >= max(70, best - 5))


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    """The zone for an IANA name as stored (exactly), or a polite error."""
    if name not in _zone_names():
        raise _unknown_zone(name)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput("That is not a time zone I know.", hint=_ZONE_EXAMPLE) from None


def is_zone(name: str) -> bool:
    try:
        zone(name)
    except BadInput:
        return False
    return True
