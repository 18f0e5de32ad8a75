"""A spoiler-aware discussion bot for book and film clubs: Never Let Me Go, novel and film."""

__version__ = "0.1.0"
