"""What any store raises when the database, not the user, is at fault: one set for every
driver, so the composition root (and a test) catches the same errors whichever store runs."""

from __future__ import annotations


class StoreError(RuntimeError):
    """The database failed (I/O, locked past the timeout, closed store). Not the user's fault."""


class SchemaTooNew(StoreError):
    """The database was written by a newer version of the bot; refusing to run an old one on it."""


class MigrationFailed(StoreError):
    """A migration raised; its transaction was rolled back, so the schema is as it was."""


class UnknownClub(StoreError, LookupError):
    """A club id that no club has (a stale id, or the club was deleted)."""


class DriverMissing(StoreError):
    """The address names a database whose driver is not installed (an optional extra)."""
