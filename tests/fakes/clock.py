"""A clock the tests move by hand: the core and the scheduler read it instead of the time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at.astimezone(UTC)

    def local(self, text: str, tz: str) -> None:
        """Move to a wall-clock time (`2027-03-27 19:30`) in a zone."""
        self.set(datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(tz)))

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)
