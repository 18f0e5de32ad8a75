"""`/club calendar` on the core and the console: the .ics parses back with icalendar; each
night's UID is the same in every copy (so a re-import replaces, with a SEQUENCE that grows);
times sit at the club's wall-clock time on both sides of a clock change, by the file's own
VTIMEZONE as well as by its TZID; and nothing past the reader's point is named: the channel's
file is cut to the club's progress, `/club calendar mine` to the caller's own."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from conftest import MONDAY_NOON, say
from fakes.clock import Clock
from icalendar import Calendar

from bot.adapters.console import Console
from bot.app import open_core
from bot.core.content import Content
from bot.core.pictures import UNREACHED, Feed
from bot.core.reply import Visibility
from bot.core.service import Core
from bot.pictures import file_bytes

EARLY = "Hailsham days"  # a host's title for a night through chapter 5
SECRET = "What the donations mean"  # through chapter 17: past the club at 9


@pytest.fixture
def clock() -> Clock:
    return Clock(MONDAY_NOON)


@pytest.fixture
async def club(pack: Content, tmp_path: Path, clock: Clock) -> AsyncIterator[Core]:
    async with open_core(tmp_path / "club.db", content=pack, rng=random.Random(7),
                         clock=clock) as core:
        for line in ("/club create novel", "/club timezone Europe/London",
                     "/club progress novel 9",
                     f'/session schedule novel 5 at 2027-03-19 19:30 "{EARLY}"',
                     f'/session schedule novel 17 at 2027-04-02 19:30 "{SECRET}"',
                     "/session schedule novel 6 at 2027-02-01 20:00"):
            reply = await say(core, line)
            assert reply.kind.value == "ok", reply.texts()
        await say(core, "/club join", user="sam")
        await say(core, "/progress novel 3", user="sam")
        yield core


async def feed(core: Core, line: str = "/club calendar", **kw: object) -> tuple[Calendar, str]:
    reply = await say(core, line, **kw)  # type: ignore[arg-type]
    assert isinstance(reply.picture, Feed), reply.texts()
    data = file_bytes(reply.picture)
    return Calendar.from_ical(data), data.decode() + "\n".join(reply.texts())


def events(cal: Calendar) -> dict[str, object]:
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


async def test_the_file_parses_with_a_stable_uid_a_night(club: Core, clock: Clock) -> None:
    first, _ = await feed(club)
    assert str(first["version"]) == "2.0" and first["prodid"]
    once = events(first)
    assert len(once) == 3
    clock.advance(hours=5)
    again = events((await feed(club))[0])
    assert again.keys() == once.keys()  # the same events, so a re-import replaces them
    for uid, event in again.items():
        assert int(event["sequence"]) > int(once[uid]["sequence"])  # type: ignore[index]
        assert event.decoded("dtstamp") > once[uid].decoded("dtstamp")  # type: ignore[attr-defined]
    # The order is the nights' own, by time.
    starts = [e.decoded("dtstart") for e in first.walk("VEVENT")]
    assert starts == sorted(starts)


async def test_times_hold_across_the_clock_change(club: Core) -> None:
    cal, _ = await feed(club)
    (zone,) = cal.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/London"
    own_rules = zone.to_tz(lookup_tzid=False)  # the VTIMEZONE as written, not the name
    by_start = {e.decoded("dtstart").date().isoformat(): e for e in cal.walk("VEVENT")}
    before, after = by_start["2027-03-19"], by_start["2027-04-02"]  # clocks go on 28 March
    for event, utc_hour in ((before, 19), (after, 18)):
        start = event.decoded("dtstart")
        assert event["dtstart"].params["TZID"] == "Europe/London"
        assert (start.hour, start.minute) == (19, 30)  # the wall clock never moves
        assert start.astimezone(UTC).hour == utc_hour
        wall = start.replace(tzinfo=None).replace(tzinfo=own_rules)
        assert wall.astimezone(UTC) == start.astimezone(UTC)
        assert event.decoded("dtend") - start == timedelta(hours=2)


async def test_the_channel_file_names_only_what_the_club_has_reached(club: Core) -> None:
    cal, said = await feed(club)
    by_start = {e.decoded("dtstart").date().isoformat(): e for e in cal.walk("VEVENT")}
    reached = by_start["2027-03-19"]
    assert EARLY in str(reached["summary"])
    assert "chapter 5 (Part One)" in str(reached["description"])
    past = by_start["2027-04-02"]
    assert UNREACHED in str(past["summary"]) and SECRET not in said
    assert "through chapter 17." in str(past["description"])  # placed, but not named
    assert "Part Two" not in said


async def test_a_members_own_copy_is_cut_to_their_progress(club: Core) -> None:
    reply = await say(club, "/club calendar mine", user="sam")
    assert reply.visibility is Visibility.PRIVATE
    cal, said = await feed(club, "/club calendar mine", user="sam")
    assert EARLY not in said and SECRET not in said and "Part One" not in said
    assert all(UNREACHED in str(e["summary"]) for e in cal.walk("VEVENT"))
    # "Just me" reaches the same file.
    _, private = await feed(club, "/club calendar", user="sam", private=True)
    assert EARLY not in private


async def test_a_cancelled_night_is_sent_cancelled(club: Core) -> None:
    before = events((await feed(club))[0])
    await say(club, "/session cancel 1")
    after = events((await feed(club))[0])
    assert after.keys() == before.keys()
    cancelled = [e for e in after.values() if str(e["status"]) == "CANCELLED"]  # type: ignore[index]
    assert len(cancelled) == 1


async def test_no_club_or_no_nights_is_polite(club: Core) -> None:
    nowhere = await say(club, "/club calendar", channel="empty")
    assert nowhere.kind.value == "error" and nowhere.picture is None
    await say(club, "/club create film", channel="films")
    cal, said = await feed(club, "/club calendar", channel="films")
    assert not cal.walk("VEVENT") and "No nights or schedule targets are coming" in said


async def test_the_console_writes_the_file_and_gives_its_path(club: Core, tmp_path: Path
                                                              ) -> None:
    folder = tmp_path / "files"
    console = Console(club, pictures=folder)
    text = await console.handle("/club calendar")
    assert text is not None and "[file: " in text
    (written,) = folder.glob("calendar-*.ics")
    assert str(written) in text
    cal = Calendar.from_ical(written.read_bytes())
    assert len(cal.walk("VEVENT")) == 3 and SECRET not in written.read_text()
    assert [p.name for p in folder.iterdir()] == [written.name]
