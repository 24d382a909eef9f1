"""Innsyn: a public-access search engine for government records."""

__version__ = "0.1.0"
