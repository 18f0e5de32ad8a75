"""WHEN in plain words: the phrasings people type, read in the club's zone, and the ones that
must be refused rather than quietly put somewhere else. The clock: Monday 30 November 2026,
noon in London."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.core.errors import BadInput
from bot.core.when import parse_when
from bot.core.zones import zone_named

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("words", "read"), [
    ("friday 19:30", "Fri 4 Dec 2026, 19:30 GMT"),
    ("Friday 7:30 pm", "Fri 4 Dec 2026, 19:30 GMT"),
    ("friday 7:30 p.m.", "Fri 4 Dec 2026, 19:30 GMT"),
    ("fri 19:30", "Fri 4 Dec 2026, 19:30 GMT"),
    ("this friday 19:30", "Fri 4 Dec 2026, 19:30 GMT"),
    ("friday night 8pm", "Fri 4 Dec 2026, 20:00 GMT"),
    ("friday 7.30pm", "Fri 4 Dec 2026, 19:30 GMT"),
    ("friday 10.05", "Fri 4 Dec 2026, 10:05 GMT"),
    ("19h30 friday", "Fri 4 Dec 2026, 19:30 GMT"),
    ("monday 19:30", "Mon 30 Nov 2026, 19:30 GMT"),  # said on a Monday afternoon: tonight
    ("monday 11:00", "Mon 7 Dec 2026, 11:00 GMT"),  # already past today: next week
    ("tonight at 20:00", "Mon 30 Nov 2026, 20:00 GMT"),
    ("tonight at 20.00", "Mon 30 Nov 2026, 20:00 GMT"),
    ("tomorrow 8pm", "Tue 1 Dec 2026, 20:00 GMT"),
    ("tomorrow at 8.00pm", "Tue 1 Dec 2026, 20:00 GMT"),
    ("tomorrow 19.30", "Tue 1 Dec 2026, 19:30 GMT"),
    ("8pm tomorrow", "Tue 1 Dec 2026, 20:00 GMT"),
    ("tomorrow evening 8pm", "Tue 1 Dec 2026, 20:00 GMT"),
    ("WEDS 7PM", "Wed 2 Dec 2026, 19:00 GMT"),
    ("thurs 8pm", "Thu 3 Dec 2026, 20:00 GMT"),
    ("saturday 7 pm", "Sat 5 Dec 2026, 19:00 GMT"),
    ("noon on saturday", "Sat 5 Dec 2026, 12:00 GMT"),
    ("december 4 19:30", "Fri 4 Dec 2026, 19:30 GMT"),
    ("4th dec 7.30pm", "Fri 4 Dec 2026, 19:30 GMT"),
    ("4 December 19:30", "Fri 4 Dec 2026, 19:30 GMT"),
    ("the 4th at 19:30", "Fri 4 Dec 2026, 19:30 GMT"),
    ("friday the 4th 19:30", "Fri 4 Dec 2026, 19:30 GMT"),
    ("13/04 19:00", "Tue 13 Apr 2027, 19:00 BST"),
    ("2026-12-04 19:30", "Fri 4 Dec 2026, 19:30 GMT"),
    ("2026-12-04T19:30", "Fri 4 Dec 2026, 19:30 GMT"),
    ("in 2 hours", "Mon 30 Nov 2026, 14:00 GMT"),
    ("in 90 minutes", "Mon 30 Nov 2026, 13:30 GMT"),
    ("in 2 hours and 30 minutes", "Mon 30 Nov 2026, 14:30 GMT"),
])
def test_what_people_type(words: str, read: str) -> None:
    assert parse_when(words, "Europe/London", NOW).label() == read


@pytest.mark.parametrize(("words", "says"), [
    ("yesterday 19:00", "already passed"),
    ("30 november 11:00", "earlier today"),
    ("2027-02-30 19:00", "not a date"),
    ("03/04 19:00", "two ways"),
    ("1/13 19:00", "day/month"),
    ("10.05 19:30", "two ways"),
    ("friday", "no time of day"),
    ("tomorrow at 8", "am or"),
    ("friday 19:30 EST", "time zone"),
    ("friday 19:30 +05:00", "offset"),
    ("monday 2026-12-25 19:30", "not a Monday"),
    ("2026-12-04 19:30 next week", "`week`"),
    ("in -2 hours", "time from now"),
    ("in 1.5 hours", "time from now"),
    ("2027-03-28 01:30", "clocks go forward"),
    ("2027-10-31 01:30", "happens twice"),
    ("2031-01-01 19:00", "two years"),
])
def test_what_is_refused(words: str, says: str) -> None:
    with pytest.raises(BadInput) as refused:
        parse_when(words, "Europe/London", NOW)
    assert says in refused.value.message


def test_an_instant_from_now_in_the_repeated_hour_is_refused() -> None:
    # 00:30 in New York on the night the clocks go back: in two hours is 01:30 the second time.
    with pytest.raises(BadInput) as refused:
        parse_when("in 2 hours", "America/New_York", datetime(2026, 11, 1, 4, 30, tzinfo=UTC))
    assert "clocks go back" in refused.value.message


@pytest.mark.parametrize("words", ["at 20:00", "20:00", "8pm", "8.30pm", "noon"])
def test_a_time_alone_keeps_the_day_it_is_given(words: str) -> None:
    wall = parse_when(words, "Europe/London", NOW, on=date(2026, 12, 4))
    assert wall.local.date() == date(2026, 12, 4)


# -- time-zone names as people type them ---------------------------------------------------------

@pytest.mark.parametrize(("typed", "name"), [
    ("europe/london", "Europe/London"),
    ("EUROPE/LONDON", "Europe/London"),
    ("  Europe/London ", "Europe/London"),
    ("america/new york", "America/New_York"),
    ("australia/lord_howe", "Australia/Lord_Howe"),
    ("Etc/UTC", "UTC"),  # what a machine set to UTC calls itself
    ("utc", "UTC"),
    ("Zulu", "UTC"),
])
def test_zone_names_match_whatever_the_case(typed: str, name: str) -> None:
    assert zone_named(typed) == name


@pytest.mark.parametrize(("typed", "nearest"), [
    ("Europe/Londn", "`Europe/London`"),
    ("europe/londn", "`Europe/London`"),
    ("london", "`Europe/London`"),
    ("new york", "`America/New_York`"),
    ("Amercia/New_Yrok", "`America/New_York`"),
    ("asia/tokio", "`Asia/Tokyo`"),
])
def test_a_name_that_is_no_zone_gets_the_nearest_names(typed: str, nearest: str) -> None:
    with pytest.raises(BadInput) as refused:
        zone_named(typed)
    assert refused.value.message == f"`{typed}` is not a time zone I know."
    assert refused.value.hint == f"Did you mean {nearest}?"


def test_a_name_like_no_zone_gets_an_example() -> None:
    with pytest.raises(BadInput) as refused:
        zone_named("xyz")
    assert refused.value.hint == "Use an IANA name such as `Europe/London` or `America/New_York`."


# -- clock changes, as each zone makes them ------------------------------------------------------

@pytest.mark.parametrize(("words", "tz", "says", "hint"), [
    # Lord Howe Island moves its clocks by half an hour.
    ("2027-10-03 02:10", "Australia/Lord_Howe", "the clocks go forward from 02:00 to 02:30",
     "Pick 02:30 or later."),
    ("2027-03-28 01:30", "Europe/London", "the clocks go forward from 01:00 to 02:00",
     "Pick 02:00 or later."),
    ("2027-04-04 01:45", "Australia/Lord_Howe", "the clocks go back from 02:00 to 01:30",
     "Pick a time before 01:30, or from 02:00 on."),
    ("2027-10-31 01:30", "Europe/London", "the clocks go back from 02:00 to 01:00",
     "Pick a time before 01:00, or from 02:00 on."),
])
def test_a_clock_change_is_told_as_it_is(words: str, tz: str, says: str, hint: str) -> None:
    with pytest.raises(BadInput) as refused:
        parse_when(words, tz, NOW)
    assert says in refused.value.message and refused.value.hint == hint


def test_the_first_time_after_a_half_hour_jump_is_taken() -> None:
    assert parse_when("2027-10-03 02:30", "Australia/Lord_Howe", NOW).label() == (
        "Sun 3 Oct 2027, 02:30 +11")


def test_a_past_time_in_a_gap_is_reported_as_typed() -> None:
    # 02:10 did not happen on Lord Howe on 4 October 2026; read, it would be 02:40.
    with pytest.raises(BadInput) as refused:
        parse_when("2026-10-04 02:10", "Australia/Lord_Howe", NOW)
    assert refused.value.message == ("`2026-10-04 02:10` is Sun 4 Oct 2026, 02:10 "
                                     "(Australia/Lord_Howe), which has already passed.")


@pytest.mark.parametrize("words", ["at at friday 19:30", "friday at at 19:30", "at at",
                                   "on on friday 19:30"])
def test_a_word_twice_in_a_row_is_not_a_time(words: str) -> None:
    with pytest.raises(BadInput) as refused:
        parse_when(words, "Europe/London", NOW)
    assert "is not a time" in refused.value.message
