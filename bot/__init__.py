"""A spoiler-aware discussion bot for book and film clubs: each work a folder of YAML."""

__version__ = "0.1.0"
