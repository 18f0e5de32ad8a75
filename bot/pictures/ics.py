"""A club's calendar (``bot.core.calendar.Feed``) as an .ics file (RFC 5545).

Written with the ``icalendar`` library rather than by hand: it folds long lines, escapes
commas and semicolons in text, and builds each night's VTIMEZONE from the same tz database
the nights are stored against (``add_missing_timezones``; a night in UTC is written with
``Z``, which needs none), so a calendar app places a 19:00 night at 19:00 local on either
side of a clock change.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from bot.core.pictures import Feed

PRODID = "-//book-club-bot//club calendar//EN"


def ics(feed: Feed) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Book club: {feed.work}")
    cal.add("x-wr-timezone", feed.tz)
    for item in feed.events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", feed.made)
        event.add("sequence", feed.sequence)
        start = item.local.replace(tzinfo=ZoneInfo(item.tz))
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=item.minutes))
        event.add("summary", item.summary)
        event.add("description", item.description)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        if item.url:
            event.add("url", item.url)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
