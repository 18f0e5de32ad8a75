"""Errors a person caused: their text is safe to show them as it is."""

from __future__ import annotations

# The one apology for anything unexpected: the details go to the log, never to the member.
APOLOGY = "Sorry, something went wrong on my side. It has been logged; please try again."


class UserError(Exception):
    """Bad input or a refused action. The message is polite, complete and spoiler-safe."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class NotFound(UserError):
    pass


class BadInput(UserError):
    pass


class BadWords(BadInput):
    """Words that could not be read before the command's work was known (Slack and the
    console parse first): ``example`` is a command with placeholders (`{chapter}`) that the
    core fills in with the work's own names once it knows the channel's work."""

    def __init__(self, message: str, *, hint: str, example: str) -> None:
        super().__init__(message, hint=hint)
        self.example = example


class NotAllowed(UserError):
    pass
