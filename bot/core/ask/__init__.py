"""`/ask`: plain-words questions answered from the pack (see ``answerer``)."""

from bot.core.ask.answerer import Answer, Answerer

__all__ = ["Answer", "Answerer"]
