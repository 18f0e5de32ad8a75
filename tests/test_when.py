"""WHEN in plain words: the phrasings people type, read in the club's zone, and the ones that
must be refused rather than quietly put somewhere else. The clock: Monday 30 November 2026,
noon in London."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.core.errors import BadInput
from bot.core.when import parse_when

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
